import { Command } from 'commander';
import Table from 'cli-table3';
import { ValidationError } from '../core/errors.js';
import { listSuiteTasks, loadTask } from '../tasks/suite.js';
import type { CliContext } from './context.js';

/**
 * `metatune tasks list [--no-variants] [--json]`: the built-in suite, without loading data.
 * `metatune tasks show <id|file> [--seed n] [--json]`: loads one task and prints its shape, split and notes.
 */
export function registerTasksCommand(program: Command, ctx: CliContext): Command {
  const io = ctx.io;
  const tasks = program.command('tasks').description('the built-in suite of real tasks and their variants; load and inspect a task');

  tasks
    .command('list')
    .description('the built-in tasks: id, rows, features, kind, classes, parent dataset, licence (no data is loaded)')
    .option('--no-variants', 'only the 8 base datasets')
    .option('--json', 'one JSON object per line instead of a table')
    .action((o: { variants: boolean; json?: boolean }) => {
      const rows = listSuiteTasks({ variants: o.variants });
      if (o.json) {
        for (const r of rows) io.stdout(`${JSON.stringify(r)}\n`);
        return;
      }
      const table = new Table({ head: ['id', 'rows', 'features', 'input', 'kind', 'classes', 'parent', 'licence'], style: { head: [], border: [] } });
      for (const r of rows) table.push([r.id, r.rows, r.features, `[${r.inputShape.join('×')}]`, r.kind, r.numClasses ?? '', r.parentDataset, r.licence]);
      io.stdout(`${table.toString()}\n${rows.length} tasks. Load one with \`metatune tasks show <id>\`.\n`);
    });

  tasks
    .command('show <task>')
    .description('load a suite task id (e.g. wine~sub50~s1), a task.json or a CSV/JSON data file, and describe it')
    .option('--seed <n>', 'seed of the train/validation split (default: the task file\'s)')
    .option('--json', 'print a JSON summary')
    .action(async (id: string, o: { seed?: string; json?: boolean }) => {
      const seed = o.seed === undefined ? undefined : Number(o.seed);
      if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) {
        throw new ValidationError('INVALID_PARAMETER', `\`--seed\` must be an integer >= 0. Received: --seed=${JSON.stringify(o.seed)}.`, { argument: 'seed' });
      }
      const t = await loadTask(id, { seed, ...(ctx.allowOutside() && { allowOutside: true }) });
      const summary = {
        ...t.ref,
        inputShape: t.inputShape,
        features: t.featureNames.length,
        ...(t.numClasses !== undefined ? { numClasses: t.numClasses, classNames: t.classNames } : {}),
        train: t.train.n,
        validation: t.validation.n,
        seed: t.seed,
        notes: t.notes,
      };
      if (o.json) {
        io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      const lines = [
        `task ${t.ref.id}${t.ref.name && t.ref.name !== t.ref.id ? ` — ${t.ref.name}` : ''}`,
        `  kind:       ${t.ref.kind}${t.numClasses !== undefined ? ` (${t.numClasses} classes: ${t.classNames?.join(', ')})` : ''}`,
        `  parent:     ${t.ref.parentDataset}`,
        `  data:       ${t.ref.dataRef ?? '(in memory)'}`,
        `  input:      [${t.inputShape.join(', ')}] (${t.featureNames.length} features${t.featureNames.length <= 12 ? `: ${t.featureNames.join(', ')}` : ''})`,
        `  rows:       ${t.train.n} train / ${t.validation.n} validation (split seed ${t.seed})`,
        ...t.notes.map((n, i) => `  ${i === 0 ? 'notes:     ' : '           '} ${n}`),
      ];
      io.stdout(`${lines.join('\n')}\n`);
    });
  return tasks;
}
