/**
 * Sweep throughput: trials per hour of `runSweep` with 1 and 2 worker processes (and in-process,
 * for reference) on small suite tasks, as one table. Each cell is a fresh sweep into a fresh journaled
 * file store (what `metatune sweep --workers K` uses), so it includes worker start-up (tfjs + wasm
 * load per process), task loading and every store write — the numbers a user sees.
 *
 * Run: `npm run build && node dist/bench/sweep-throughput.js [--tasks iris,wine] [--trials 12]
 *       [--epochs 10] [--workers 0,1,2]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { SweepSummary } from '../src/sweeps/runner.js';
import { runSweep } from '../src/container.js';
import type { SearchSpace } from '../src/sweeps/space.js';
import { describeMachine, machineLine } from './lib/machine.js';
import { formatNumber, printTable } from './lib/table.js';

export interface SweepThroughputArgs {
  /** Suite task ids. Defaults to iris, wine. */
  tasks?: string[];
  /** Trials per sweep. Defaults to 12. */
  trials?: number;
  /** Epochs per trial. Defaults to 10. */
  epochs?: number;
  /** Worker counts to time (0 = in-process). Defaults to 0, 1, 2. */
  workers?: number[];
  /** Output sink. Defaults to console.log. */
  write?: (text: string) => void;
}

export interface SweepThroughputRow {
  readonly task: string;
  readonly workers: number;
  readonly trials: number;
  readonly wallSeconds: number;
  readonly trialsPerHour: number;
  readonly backend?: string;
}

/** A fixed, realistic space: two MLPs, Adam with a log-uniform rate, three schedule families. */
export const BENCH_SPACE: SearchSpace = {
  models: ['mlp-small', 'mlp-medium'],
  optimizers: [{ name: 'adam', learningRate: { min: 1e-3, max: 3e-2, log: true } }],
  schedules: [
    { family: 'constant', params: { learningRate: '$learningRate' } },
    { family: 'cosine_decay', params: { initialLearningRate: '$learningRate', decaySteps: '$totalSteps' } },
    { family: 'one_cycle', params: { maxLearningRate: '$learningRate', totalSteps: '$totalSteps' } },
  ],
  batchSize: 16,
};

export async function runSweepThroughput(args: SweepThroughputArgs = {}): Promise<SweepThroughputRow[]> {
  const write = args.write ?? console.log;
  const tasks = args.tasks ?? ['iris', 'wine'];
  const trials = args.trials ?? 12;
  const epochs = args.epochs ?? 10;
  const workerCounts = args.workers ?? [0, 1, 2];
  const rows: SweepThroughputRow[] = [];
  for (const task of tasks) {
    for (const workers of workerCounts) {
      const dir = mkdtempSync(join(tmpdir(), 'metatune-sweep-bench-'));
      let summary: SweepSummary;
      try {
        summary = await runSweep({
          task,
          space: BENCH_SPACE,
          strategy: 'random',
          budget: trials,
          epochs,
          workers,
          storeUrl: `file:${join(dir, 'store.json')}`,
          seed: 0,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      rows.push({ task, workers, trials: summary.trials.length, wallSeconds: summary.wallTimeMs / 1000, trialsPerHour: summary.trialsPerHour, ...(summary.backend && { backend: summary.backend }) });
    }
  }
  write(`Sweep throughput: ${trials} random trials × ${epochs} epochs (${BENCH_SPACE.models.join('/')}, Adam, 3 schedule families, batch 16), file store (journal)`);
  write(`${machineLine(describeMachine())} · tfjs ${tf.version_core}`);
  printTable({
    head: ['task', 'workers', 'backend', 'trials', 'wall s', 'trials/hour', 'vs 1 worker'],
    rows: rows.map((r) => {
      const one = rows.find((o) => o.task === r.task && o.workers === 1);
      return [
        r.task,
        r.workers === 0 ? '0 (in-process)' : String(r.workers),
        r.backend ?? '',
        r.trials,
        r.wallSeconds.toFixed(1),
        formatNumber(r.trialsPerHour),
        one ? `${(r.trialsPerHour / one.trialsPerHour).toFixed(2)}x` : '–',
      ];
    }),
    write,
  });
  return rows;
}

function parseArgs(argv: string[]): SweepThroughputArgs {
  const out: SweepThroughputArgs = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--tasks') out.tasks = value.split(',');
    else if (flag === '--trials') out.trials = Number(value);
    else if (flag === '--epochs') out.epochs = Number(value);
    else if (flag === '--workers') out.workers = value.split(',').map(Number);
    else throw new Error(`unknown option ${flag}; options: --tasks iris,wine --trials 12 --epochs 10 --workers 0,1,2`);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSweepThroughput(parseArgs(process.argv.slice(2)));
}
