import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveBackend } from '../tfjs/backend.js';
import { ValidationError } from '../core/errors.js';
import { evaluateLeaveOneDatasetOut, type Evaluation } from '../meta/evaluate.js';
import type { Learner } from '../meta/learner.js';
import { curvePanels, evaluationHtml, evaluationMarkdown, evaluationSvg } from '../meta/report.js';
import { learnerFor } from '../meta/suggest.js';
import { trainingSource } from '../meta/training-source.js';
import { defaultsCandidate } from '../meta/evaluate.js';
import type { LearnCommandDeps } from './learn-deps.js';

function parseList(value: string, name: string): number[] {
  const xs = value.split(',').map((s) => Number(s.trim()));
  if (xs.some((x) => !(x > 0) || !Number.isFinite(x))) throw new ValidationError('INVALID_PARAMETER', `\`--${name}\` must be a comma-separated list of numbers > 0. Received: --${name}=${JSON.stringify(value)}.`, { argument: name });
  return xs;
}

/**
 * `metatune eval --learner X|all [--from corpus] [--budget 1,2] [--report out.html] [--json out.json]`:
 * leave-one-dataset-out, every learner beside best-default, random search and tfjs defaults.
 */
export function registerEvalCommand(program: Command, deps: LearnCommandDeps): Command {
  return program
    .command('eval')
    .description('leave-one-dataset-out evaluation of learners against best-default, random search and tfjs defaults (markdown to stdout, optional HTML report)')
    .option('--learner <ids>', '"all" or comma-separated learner ids (best-default is always included)', 'all')
    .option('--from <source>', '"corpus", a store URL or a logs folder', 'corpus')
    .option('--budget <list>', 'also simulate `metatune fit --budget B` (successive halving on recorded curves), e.g. 1,2,4')
    .option('--report <file.html>', 'write a self-contained HTML report with plots')
    .option('--json <file>', 'write the full evaluation as JSON')
    .option('--plot <file.svg>', 'write the regret-vs-budget plot as a standalone SVG')
    .option('--seed <n>', 'seed of learners and bootstrap', '1')
    .action(async (o: { learner: string; from: string; budget?: string; report?: string; json?: string; plot?: string; seed: string }) => {
      const { io } = deps;
      const runtime = await deps.runtime();
      // Learners that train tfjs models (surrogate) use the fastest backend, as fit and sweeps do.
      await resolveBackend();
      const all = runtime.contributions<Learner>('learners').map((c) => c.value);
      const ids = o.learner === 'all' ? all.map((l) => l.id) : ['best-default', ...o.learner.split(',').map((s) => s.trim()).filter((s) => s && s !== 'best-default')];
      const learners = ids.map((id) => learnerFor(runtime, id));
      const src = await trainingSource({ from: o.from, runtime, openStore: deps.openStore, cwd: io.cwd, withFeatures: learners.some((l) => l.needsFeatures), log: (l) => io.stderr(`${l}\n`) });
      const needFeatures = learners.filter((l) => l.needsFeatures);
      const examples = needFeatures.length > 0 ? src.examples.filter((e) => Object.keys(e.features).length > 0) : src.examples;
      if (examples.length < src.examples.length) io.stderr(`evaluating on the ${examples.length} runs with task features (of ${src.examples.length}), so every learner sees the same tasks\n`);
      const parents = new Set(examples.map((e) => e.parentDataset));
      if (parents.size < 2) throw new ValidationError('TOO_FEW_DATASETS', `--from ${o.from}: leave-one-dataset-out needs runs of at least 2 parent datasets, found ${parents.size}. Fix: import runs of more datasets, or evaluate on the corpus.`, { from: o.from });
      const ev: Evaluation = await evaluateLeaveOneDatasetOut({
        learners,
        examples,
        candidates: src.candidates,
        seed: Number(o.seed),
        ...(o.budget ? { budgets: parseList(o.budget, 'budget') } : {}),
        log: (l) => io.stderr(`${l}\n`),
      });
      io.stdout(evaluationMarkdown(ev));
      if (o.json) writeFileSync(o.json, `${JSON.stringify(ev, null, 1)}\n`);
      if (o.plot) writeFileSync(o.plot, await evaluationSvg(ev));
      if (o.report) {
        const curve = new Map(examples.map((e) => [`${e.taskId}\u0000${e.candidate.id}`, e.outcome.curve]));
        const best = [...ev.summaries].filter((s) => s.learner !== 'best-default').sort((a, b) => a.mean - b.mean)[0]?.learner ?? 'best-default';
        const panels = curvePanels(
          ev,
          best,
          (t, c) => curve.get(`${t}\u0000${c}`) ?? curve.get(`${t}\u0000${src.candidates.find((x) => x.id.replace(/@.*$/, '') === c.replace(/@.*$/, ''))?.id ?? ''}`),
          (t, pick) => {
            const d = defaultsCandidate(src.candidates, pick.split('/')[0]!);
            return d ? curve.get(`${t}\u0000${d.id}`) : undefined;
          },
        );
        writeFileSync(o.report, await evaluationHtml(ev, panels));
        io.stderr(`wrote ${o.report}\n`);
      }
    });
}
