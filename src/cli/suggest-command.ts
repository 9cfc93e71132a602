import type { Command } from 'commander';
import { resolveBackend } from '../tfjs/backend.js';
import Table from 'cli-table3';
import { ValidationError } from '../core/errors.js';
import { describeTask, loadPolicy } from '../meta/suggest.js';
import { loadCsv } from '../tasks/load-csv.js';
import { prepareTask } from '../tasks/prepare.js';
import { loadTask } from '../tasks/suite.js';
import type { LoadedTask } from '../tasks/task.js';
import type { LearnCommandDeps } from './learn-deps.js';

async function taskFromOptions(o: { data?: string; target?: string; task?: string }, cwd: string, allowOutside: boolean): Promise<LoadedTask> {
  if (o.task !== undefined) return loadTask(o.task.startsWith('/') || !o.task.endsWith('.json') ? o.task : `${cwd}/${o.task}`, allowOutside ? { allowOutside } : {});
  if (o.data === undefined || o.target === undefined) {
    throw new ValidationError('MISSING_ARGUMENT', 'Say which task: `--task <suite id | task.json>`, or `--data file.csv --target <column>`. Example: metatune suggest --data wine.csv --target class', {});
  }
  const raw = await loadCsv(o.data.startsWith('/') ? o.data : `${cwd}/${o.data}`, { target: o.target, categorical: 'onehot' });
  return prepareTask(raw, { id: o.data.replace(/^.*\//, '').replace(/\.(csv|tsv|txt)(\.gz)?$/, ''), seed: 1 });
}

/**
 * `metatune suggest --data file.csv --target y | --task <id|task.json> [--policy dir] [--top k] [--json]`.
 */
export function registerSuggestCommand(program: Command, deps: LearnCommandDeps): Command {
  return program
    .command('suggest')
    .description('which model and learning-rate schedule for a task, and why (from the bundled default policy or --policy)')
    .option('--data <file>', 'a CSV / JSON data file')
    .option('--target <column>', 'the column to predict (with --data)')
    .option('--task <id|file>', 'a suite task id (e.g. wine) or a task.json')
    .option('--policy <dir>', 'a policy directory from `metatune train`, or "default"', 'default')
    .option('--top <k>', 'how many ranked candidates', '3')
    .option('--json', 'print the decision as JSON')
    .action(async (o: { data?: string; target?: string; task?: string; policy: string; top: string; json?: boolean }) => {
      const top = Number(o.top);
      if (!Number.isInteger(top) || top < 1) throw new ValidationError('INVALID_PARAMETER', `\`--top\` must be an integer >= 1. Received: --top=${JSON.stringify(o.top)}.`, { argument: 'top' });
      const { io } = deps;
      const runtime = await deps.runtime();
      // Feature-based policies run the probe featurizer (a few tfjs steps): on the fastest backend.
      await resolveBackend();
      const policy = loadPolicy(o.policy === 'default' ? undefined : o.policy.startsWith('/') ? o.policy : `${io.cwd}/${o.policy}`, runtime);
      const task = await taskFromOptions(o, io.cwd, deps.allowOutside?.() === true);
      const description = await describeTask(task, policy, runtime);
      const decision = policy.suggest(description, { top });
      if (o.json) {
        io.stdout(`${JSON.stringify({ task: task.ref.id, ...decision }, null, 2)}\n`);
        return;
      }
      const table = new Table({ head: ['#', 'model', 'optimizer', 'peak LR', 'schedule', 'expected regret', 'why'], style: { head: [], border: [] }, colWidths: [4, 13, 10, 9, 20, 16, 60], wordWrap: true });
      decision.ranked.forEach((r, i) => {
        const family = (r.candidate.schedule as { family?: string } | undefined)?.family ?? '?';
        table.push([
          i + 1, r.candidate.model, r.candidate.optimizer.name, r.candidate.optimizer.learningRate.toPrecision(2), `${family} (${r.candidate.id.replace(/^.*\//, '').replace(/@.*$/, '')})`,
          Number.isFinite(r.expectedRegret) ? `${r.expectedRegret.toFixed(3)}${r.uncertainty !== undefined && Number.isFinite(r.uncertainty) ? ` ± ${r.uncertainty.toFixed(3)}` : ''}` : '—',
          r.why.join('; '),
        ]);
      });
      io.stdout(
        `task ${task.ref.id} (${task.ref.kind}, ${task.train.n + task.validation.n} rows, ${task.featureNames.length} features) — policy ${decision.learner.id} v${decision.learner.version}\n` +
          decision.why.map((w) => `  ${w}\n`).join('') +
          (decision.outOfDistribution ? `  OUT OF DISTRIBUTION: distance ${decision.outOfDistribution.distance.toFixed(2)} > ${decision.outOfDistribution.threshold.toFixed(2)}; fell back to the ${decision.outOfDistribution.fallback}\n` : '') +
          `${table.toString()}\nschedule spec of #1 (for lrScheduler): ${JSON.stringify(decision.candidate.schedule)}\n`,
      );
    });
}
