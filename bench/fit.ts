/**
 * `metatune fit` against tfjs defaults on real datasets the corpus never saw (statsmodels' data as
 * Debian ships it, python3-statsmodels 0.13.5; see bench/data/statsmodels/README.md), with
 * `--budget 1` and `--budget 2`, three seeds each side, test metric and wall time in one table.
 *
 * Each dataset gets one fixed held-out test split (20 %, seed 12345, the same for every run); the
 * seed then moves fit's own train/validation split, the initial weights and the batch order, for
 * both sides alike. tfjs defaults = a plain MLP (zoo mlp-medium), Adam at 1e-3 held constant,
 * same epochs, same data preparation (standardised inputs, class weights when a class is rare).
 *
 * With `--overhead`, it instead times fit around training on a 10,000-row CSV (randhie): load,
 * featurise, suggest, evaluate and save against the whole run; and the tfjs tensor memory held at
 * epoch ends (data + model + optimizer state; per-batch activations are transient and not seen)
 * against the data's own tensors, with the process' max RSS (Node + wasm runtime included).
 *
 * Run: `npm run build && node dist/bench/fit.js [--datasets anes96,fair] [--seeds 0,1,2]
 *       [--epochs 20] [--policy default|dir] [--overhead]`
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createContainer, type MetatuneRuntime } from '../src/container.js';
import { fit, type FitSummary } from '../src/fit/fit.js';
import { resolvePolicy } from '../src/fit/policy-source.js';
import { deriveSeed, seededRandom, shuffleInPlace } from '../src/tasks/random.js';
import type { Policy } from '../src/meta/policy.js';
import { describeMachine, machineLine } from './lib/machine.js';
import { printTable } from './lib/table.js';

export interface BenchDataset {
  readonly id: string;
  readonly file: string;
  readonly target: string;
  readonly what: string;
  /** A seeded subsample of this many rows (before the test split), to keep the benchmark's time in hand. Defaults to all rows. */
  readonly rows?: number;
}

/** Real data outside the corpus (the corpus holds the scikit-learn sets, MNIST and two @stdlib sets). */
export const FIT_DATASETS: readonly BenchDataset[] = [
  { id: 'anes96', file: 'data/examples/anes96.csv', target: 'vote', what: '1996 US election survey: Clinton or Dole (944 rows)' },
  { id: 'fair', file: 'bench/data/statsmodels/fair.csv', target: 'had_affair', what: 'Fair (1978) affairs survey: any affair (6,366 rows)' },
  { id: 'racd10', file: 'bench/data/statsmodels/racd10.csv', target: 'docvis', what: 'MEPS 2002 doctor visits of over-65s, Cameron & Trivedi (3,629 rows)' },
  { id: 'autos', file: 'bench/data/statsmodels/autos.csv', target: 'price', what: 'UCI automobile prices, text columns one-hot (205 rows)' },
  { id: 'randhie', file: 'bench/data/statsmodels/randhie.csv', target: 'mdvis', what: 'RAND health insurance experiment: medical visits (4,000 of 20,190 rows)', rows: 4000 },
];

export interface FitBenchArgs {
  datasets?: string[];
  seeds?: number[];
  epochs?: number;
  policy?: string;
  write?: (text: string) => void;
}

/** Writes the dataset's fixed train/test files (20 % test, seed 12345) into `dir`. */
export function holdOutTest(ds: BenchDataset, dir: string): { train: string; test: string; rows: number } {
  const [header, ...all] = readFileSync(ds.file, 'utf8').trim().split('\n');
  const rows = ds.rows === undefined ? all : shuffleInPlace([...all], seededRandom(deriveSeed(54321, ds.id))).slice(0, ds.rows);
  const order = shuffleInPlace(rows.map((_, i) => i), seededRandom(deriveSeed(12345, ds.id)));
  const cut = Math.round(rows.length * 0.2);
  const test = new Set(order.slice(0, cut));
  const train = join(dir, `${ds.id}-train.csv`);
  const testFile = join(dir, `${ds.id}-test.csv`);
  writeFileSync(train, `${[header, ...rows.filter((_, i) => !test.has(i))].join('\n')}\n`);
  writeFileSync(testFile, `${[header, ...rows.filter((_, i) => test.has(i))].join('\n')}\n`);
  return { train, test: testFile, rows: rows.length };
}

interface Cell {
  readonly metric: number;
  readonly trainSeconds: number;
  readonly totalSeconds: number;
  readonly budgetUsed: number;
  readonly picked: string;
}

const headline = (s: FitSummary) => s.selection.name;
function testMetric(s: FitSummary, run: 'result' | 'tfjsDefaults'): number {
  return (s[run]!.test as unknown as Record<string, number>)[headline(s)]!;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
};

export async function runFitBench(args: FitBenchArgs = {}): Promise<Record<string, { defaults: Cell[]; budget1: Cell[]; budget2: Cell[] }>> {
  const write = args.write ?? console.log;
  const seeds = args.seeds ?? [0, 1, 2];
  const epochs = args.epochs ?? 20;
  const datasets = FIT_DATASETS.filter((d) => !args.datasets || args.datasets.includes(d.id));
  const runtime: MetatuneRuntime = await createContainer({ cwd: process.cwd() });
  const policy: Policy = await resolvePolicy(args.policy ?? 'default', runtime, process.cwd());
  const dir = mkdtempSync(join(tmpdir(), 'metatune-bench-fit-'));
  const results: Record<string, { defaults: Cell[]; budget1: Cell[]; budget2: Cell[] }> = {};
  let backend = '';
  try {
    for (const ds of datasets) {
      const { train, test } = holdOutTest(ds, dir);
      const r = (results[ds.id] = { defaults: [] as Cell[], budget1: [] as Cell[], budget2: [] as Cell[] });
      let metricName = '';
      for (const seed of seeds) {
        const base = { data: train, target: ds.target, test, policy, epochs, seed, runtime };
        const b1 = (await fit({ ...base, budget: 1, compare: true })).summary;
        const b2 = (await fit({ ...base, budget: 2 })).summary;
        backend = b1.backend;
        metricName = headline(b1);
        r.budget1.push({ metric: testMetric(b1, 'result'), trainSeconds: b1.result.trainSeconds, totalSeconds: b1.timings.totalSeconds - b1.timings.compareSeconds, budgetUsed: b1.budget.used, picked: b1.result.candidate.id });
        r.defaults.push({ metric: testMetric(b1, 'tfjsDefaults'), trainSeconds: b1.tfjsDefaults!.trainSeconds, totalSeconds: b1.tfjsDefaults!.trainSeconds, budgetUsed: 1, picked: b1.tfjsDefaults!.candidate.id });
        r.budget2.push({ metric: testMetric(b2, 'result'), trainSeconds: b2.timings.trainSeconds, totalSeconds: b2.timings.totalSeconds, budgetUsed: b2.budget.used, picked: b2.result.candidate.id });
        write(`${ds.id} seed ${seed}: ${metricName} defaults ${r.defaults.at(-1)!.metric.toFixed(4)} | budget 1 ${r.budget1.at(-1)!.metric.toFixed(4)} (${r.budget1.at(-1)!.picked}) | budget 2 ${r.budget2.at(-1)!.metric.toFixed(4)} (${r.budget2.at(-1)!.picked})`);
      }
      (r as { metricName?: string }).metricName = metricName;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  write('');
  write(`${machineLine(describeMachine())} · backend ${backend} · ${epochs} epochs · seeds ${seeds.join(', ')} · policy ${args.policy ?? 'default'} (${policy.artifact.learner.id})`);
  const fmt = (cells: Cell[], higher: boolean) => `${mean(cells.map((c) => c.metric)).toFixed(higher ? 3 : 4)} ± ${sd(cells.map((c) => c.metric)).toFixed(higher ? 3 : 4)}`;
  printTable({
    title: 'fit vs tfjs defaults on held-out test splits (mean ± sd over seeds; accuracy-type metrics: higher is better, RMSE: lower)',
    head: ['dataset', 'test metric', 'tfjs defaults', 'fit --budget 1', 'fit --budget 2', 'b1 ≥ defaults', 'b2 ≥ defaults', 'train s: defaults', 'b1', 'b2', 'b1 / defaults'],
    rows: Object.entries(results).map(([id, r]) => {
      const name = (r as { metricName?: string }).metricName ?? '';
      const higher = name !== 'rmse';
      const better = (a: Cell, b: Cell) => (higher ? a.metric >= b.metric - 1e-12 : a.metric <= b.metric + 1e-12);
      const wins = (cells: Cell[]) => `${cells.filter((c, i) => better(c, r.defaults[i]!)).length}/${cells.length}`;
      const t = (cells: Cell[]) => mean(cells.map((c) => c.trainSeconds));
      return [id, name, fmt(r.defaults, higher), fmt(r.budget1, higher), fmt(r.budget2, higher), wins(r.budget1), wins(r.budget2), t(r.defaults).toFixed(1), t(r.budget1).toFixed(1), t(r.budget2).toFixed(1), `${(t(r.budget1) / t(r.defaults)).toFixed(2)}×`];
    }),
    write,
  });
  return results;
}

/** Fit's time around training on a 10,000-row CSV, and its peak tensor memory against the data's. */
export async function runOverhead(args: { policy?: string; epochs?: number; write?: (text: string) => void } = {}): Promise<void> {
  const write = args.write ?? console.log;
  const dir = mkdtempSync(join(tmpdir(), 'metatune-bench-overhead-'));
  try {
    const [header, ...rows] = readFileSync('bench/data/statsmodels/randhie.csv', 'utf8').trim().split('\n');
    const file = join(dir, 'randhie-10k.csv');
    writeFileSync(file, `${[header, ...rows.slice(0, 10_000)].join('\n')}\n`);
    const runtime = await createContainer({ cwd: process.cwd() });
    const policy = await resolvePolicy(args.policy ?? 'default', runtime, process.cwd());
    const base = tf.memory().numBytes;
    let peak = 0;
    const { summary } = await fit({
      data: file,
      target: 'mdvis',
      policy,
      epochs: args.epochs ?? 20,
      out: join(dir, 'model'),
      runtime,
      onEvent: () => void (peak = Math.max(peak, tf.memory().numBytes - base)),
    });
    const t = summary.timings;
    const around = t.loadSeconds + t.backendSeconds + t.featurizeSeconds + t.suggestSeconds + t.evaluateSeconds + t.saveSeconds;
    // The data as tensors: x and y of train and validation, float32.
    const dataBytes = (summary.rows.train + summary.rows.validation) * (summary.inputs + 1) * 4;
    write(`${machineLine(describeMachine())} · backend ${summary.backend} · ${summary.epochs} epochs · policy ${policy.artifact.learner.id}`);
    printTable({
      title: `fit's overhead around training, 10,000-row CSV (randhie, ${summary.inputs} inputs), budget 1`,
      head: ['load', 'backend start', 'featurise', 'suggest', 'evaluate', 'save', 'train', 'total', 'overhead share', 'tensors at epoch ends, MiB', 'data tensors, MiB', 'ratio', 'process max RSS, MiB'],
      rows: [
        [
          `${t.loadSeconds.toFixed(2)} s`,
          `${t.backendSeconds.toFixed(2)} s`,
          `${t.featurizeSeconds.toFixed(2)} s`,
          `${(t.suggestSeconds * 1000).toFixed(1)} ms`,
          `${t.evaluateSeconds.toFixed(2)} s`,
          `${t.saveSeconds.toFixed(3)} s`,
          `${t.trainSeconds.toFixed(1)} s`,
          `${t.totalSeconds.toFixed(1)} s`,
          `${((100 * around) / t.totalSeconds).toFixed(1)}%`,
          (peak / 2 ** 20).toFixed(2),
          (dataBytes / 2 ** 20).toFixed(2),
          `${(peak / dataBytes).toFixed(2)}×`,
          (process.resourceUsage().maxRSS / 1024).toFixed(0),
        ],
      ],
      write,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseArgs(argv: string[]): FitBenchArgs & { overhead?: boolean } {
  const out: FitBenchArgs & { overhead?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--overhead') {
      out.overhead = true;
      continue;
    }
    i++;
    if (flag === '--datasets') out.datasets = value.split(',');
    else if (flag === '--seeds') out.seeds = value.split(',').map(Number);
    else if (flag === '--epochs') out.epochs = Number(value);
    else if (flag === '--policy') out.policy = value;
    else throw new Error(`unknown option ${flag}; options: --datasets anes96,fair --seeds 0,1,2 --epochs 20 --policy default --overhead`);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = parseArgs(process.argv.slice(2));
  if (args.overhead) await runOverhead(args);
  else await runFitBench(args);
}
