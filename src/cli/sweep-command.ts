import { resolve } from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import { ValidationError } from '../core/errors.js';
import { DEFAULT_STORE_URL } from '../traces/store-factory.js';
import { runSweep, SWEEP_STRATEGIES, type SweepEvent, type SweepStrategy, type SweepSummary, type TrialSummary } from '../sweeps/runner.js';
import { loadSpace } from '../sweeps/space.js';
import { integerOption, missingOption } from './options.js';
import type { CliContext } from './context.js';

export interface SweepCommandDeps {
  /** Whether stderr is a terminal (the progress bar is shown only then, or with --progress). Defaults to `process.stderr.isTTY`. */
  readonly isTTY?: boolean;
  /** Compiled worker module (tests; defaults to dist/src/sweeps/worker.js). */
  readonly workerModule?: string;
}

interface SweepCliOptions {
  task?: string;
  space?: string;
  budget?: string;
  strategy: string;
  workers: string;
  store?: string;
  seed: string;
  sweepId?: string;
  epochs?: string;
  batchSize?: string;
  minResource: string;
  reductionFactor: string;
  progress?: boolean;
  json?: boolean;
}

const fmt = (x: number | undefined, digits = 4) => (x === undefined ? '' : Number.isFinite(x) ? x.toPrecision(digits) : String(x));

function trialRow(t: TrialSummary): string[] {
  return [t.trialId, t.status, t.model ?? '', `${t.optimizer ?? ''}${t.learningRate !== undefined ? ` lr=${fmt(t.learningRate, 3)}` : ''}`, t.schedule ?? '', String(t.epochsRun), fmt(t.bestValLoss)];
}

/** The final report: best trial, counts per status, trials per hour, and the five best trials. */
export function formatSweepSummary(s: SweepSummary): string {
  const lines: string[] = [];
  lines.push(`sweep ${s.sweepId}: ${s.strategy} on ${s.task}, ${s.trials.length}/${s.budget} trials in ${s.storeUrl}`);
  const counts = Object.entries(s.counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  lines.push(`status: ${counts}${s.resumed ? ` (${s.resumed} finished by an earlier start, skipped)` : ''}${s.interrupted ? `; ${s.interrupted} interrupted attempt(s) marked failed and re-run` : ''}`);
  const ranNow = s.trials.length - s.resumed;
  lines.push(
    `throughput: ${ranNow} trial(s) in ${(s.wallTimeMs / 1000).toFixed(1)} s = ${s.trialsPerHour.toFixed(0)} trials/hour with ${s.workers === 0 ? 'no worker processes (in-process)' : `${s.workers} worker process(es)`}${s.backend ? `, backend ${s.backend}` : ''}`,
  );
  if (s.best) lines.push(`best: ${s.best.trialId} val_loss ${fmt(s.best.bestValLoss)} — ${s.best.model}, ${s.best.optimizer} lr=${fmt(s.best.learningRate, 3)}, ${s.best.schedule} (run ${s.best.runId})`);
  const top = s.trials
    .filter((t) => t.bestValLoss !== undefined)
    .sort((a, b) => a.bestValLoss! - b.bestValLoss!)
    .slice(0, 5);
  if (top.length) {
    const table = new Table({ head: ['trial', 'status', 'model', 'optimizer', 'schedule', 'epochs', 'best val_loss'], style: { head: [], border: [] } });
    for (const t of top) table.push(trialRow(t));
    lines.push(table.toString());
  }
  const failed = s.trials.filter((t) => t.status === 'failed');
  for (const t of failed.slice(0, 5)) lines.push(`failed ${t.trialId}: ${t.reason ?? 'no reason recorded'}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `metatune sweep --task <id|file> [--space file] --budget N --strategy random|grid|halving --workers K`:
 * trains the candidates of a search space on one task, each stored as a trace; stopping and
 * starting the same command again resumes (see src/sweeps/runner.ts).
 */
export function registerSweepCommand(program: Command, ctx: CliContext, deps: SweepCommandDeps = {}): Command {
  const io = ctx.io;
  return program
    .command('sweep')
    .description('train the candidates of a search space (models × optimizers × schedules) on one task; every trial becomes a trace; re-running resumes')
    .option('--task <id|file>', 'suite task id (`metatune tasks list`) or a task.json / data file')
    .option('--space <file>', 'search space JSON (schemas/sweep-space.schema.json); default: 4 models × adam/momentum × 7 schedule families')
    .option('--budget <n>', 'trials to run (required for random and halving; grid: the first n points, default all)')
    .option('--strategy <name>', `${SWEEP_STRATEGIES.join(' | ')}`, 'random')
    .option('--workers <k>', 'worker processes (tfjs trains on one thread per process); 0 trains in this process', '0')
    .option('--store <url>', `trace store URL (default: $METATUNE_STORE, the config's "store", or ${DEFAULT_STORE_URL}); memory: only with --workers 0`)
    .option('--seed <s>', 'sampling seed, also the split / weight-init seed of every trial', '0')
    .option('--sweep-id <id>', 'sweep id (default: a hash of task, space, strategy, seed and budget, so the same command resumes)')
    .option('--epochs <e>', "epochs per trial (overrides the space's)")
    .option('--batch-size <b>', "batch size (overrides the space's)")
    .option('--min-resource <r>', 'halving: epochs before the first rung', '1')
    .option('--reduction-factor <eta>', 'halving: each rung keeps the top 1/eta', '3')
    .option('--progress', 'show the progress bar even when stderr is not a terminal')
    .option('--json', 'print the summary as JSON')
    .action(async (o: SweepCliOptions) => {
      if (o.task === undefined || o.task.trim() === '') missingOption('--task', 'metatune sweep --task iris --budget 20');
      if (!(SWEEP_STRATEGIES as readonly string[]).includes(o.strategy)) {
        throw new ValidationError('INVALID_OPTION', `\`--strategy\` must be one of ${SWEEP_STRATEGIES.join(', ')}. Received: --strategy=${JSON.stringify(o.strategy)}.`, {
          argument: '--strategy',
        });
      }
      const strategy = o.strategy as SweepStrategy;
      if (o.budget === undefined && strategy !== 'grid') missingOption('--budget', `metatune sweep --task ${o.task} --strategy ${strategy} --budget 20`);
      const spacePath = o.space !== undefined ? resolve(io.cwd, o.space) : undefined;
      const space = spacePath ? loadSpace(spacePath, o.space) : undefined;
      const task = /[\\/]|\.(json|csv|tsv|gz|txt)$/i.test(o.task) ? resolve(io.cwd, o.task) : o.task;
      const runtime = await ctx.runtime();
      const storeUrl = await ctx.storeUrl(o.store);
      const backend = await ctx.backend();
      const showBar = o.progress === true || (deps.isTTY ?? process.stderr.isTTY === true);
      let bar: cliProgress.SingleBar | undefined;
      let best = Infinity;
      const onEvent = (e: SweepEvent) => {
        if (e.type === 'start') {
          io.stderr(
            `sweep ${e.sweepId}: ${e.total} trial(s), ${e.done} already finished${e.interrupted ? `, ${e.interrupted} interrupted attempt(s) to re-run` : ''}; ${e.workers === 0 ? 'in-process' : `${e.workers} worker(s)`}\n`,
          );
          if (showBar && e.done < e.total) {
            bar = new cliProgress.SingleBar(
              { format: 'sweep [{bar}] {value}/{total} trials | eta {eta_formatted} | best val_loss {best}', stream: process.stderr, hideCursor: true, etaBuffer: 20, noTTYOutput: o.progress === true },
              cliProgress.Presets.shades_classic,
            );
            bar.start(e.total, e.done, { best: '-' });
          }
        } else if (e.type === 'trial-end') {
          if (e.trial.bestValLoss !== undefined && (e.trial.status === 'completed' || e.trial.status === 'pruned')) best = Math.min(best, e.trial.bestValLoss);
          bar?.update(e.done, { best: Number.isFinite(best) ? best.toPrecision(4) : '-' });
        }
      };
      try {
        const summary = await runSweep({
          task,
          ...(space && { space, spaceLabel: o.space }),
          strategy,
          ...(o.budget !== undefined && { budget: integerOption('--budget', o.budget, 1) }),
          workers: integerOption('--workers', o.workers, 0),
          storeUrl,
          seed: integerOption('--seed', o.seed, 0),
          ...(o.sweepId !== undefined && { sweepId: o.sweepId }),
          ...(o.epochs !== undefined && { epochs: integerOption('--epochs', o.epochs, 1) }),
          ...(o.batchSize !== undefined && { batchSize: integerOption('--batch-size', o.batchSize, 1) }),
          minResource: integerOption('--min-resource', o.minResource, 1),
          reductionFactor: integerOption('--reduction-factor', o.reductionFactor, 2),
          ...(deps.workerModule && { workerModule: deps.workerModule }),
          ...(backend && { backend }),
          ...(ctx.allowOutside() && { allowOutside: true }),
          runtime,
          onEvent,
        });
        bar?.stop();
        bar = undefined;
        io.stdout(o.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSweepSummary(summary));
      } finally {
        bar?.stop();
      }
    });
}
