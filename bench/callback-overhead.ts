/**
 * Callback overhead: model.fit throughput (samples/s) of an MLP 64-128-128-10 on digits with and
 * without the lrScheduler callback, per backend and batch size, side by side in one run.
 *
 * The callback drives a cosine decay whose value changes every step (the worst case: the LR is
 * pushed into the optimizer before every batch; for SGD that rebuilds its cached -lr tensor).
 * Runs with and without alternate (so slow drift on a shared machine hits both). Both variants pass
 * `yieldEvery: 'never'`: without any callback tfjs adds its own CustomCallback that yields to the
 * event loop every 125 ms, and with a tf.Callback instance it adds none, so the default settings
 * would compare two different loops. Three overhead figures:
 * - "wall (median)": (median time with − median without) / median without. The honest total, but
 *   on a busy shared machine its noise (see the spread column) can exceed the effect.
 * - "CPU (median)": the same on this process's CPU time (user + system, `process.cpuUsage`). The
 *   cpu and wasm backends run on this one thread, so CPU time measures the same work while other
 *   processes competing for the cores inflate wall time but hardly this.
 * - "in hooks": time spent inside the callback's hooks as a median share of the fit's wall time,
 *   timed around each hook. Immune to the drift between runs.
 *
 * Run: `npm run build && node dist/bench/callback-overhead.js [--repeats 9] [--backends wasm,cpu]
 *       [--batches 32,64] [--optimizers sgd,adam]`
 */
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { resolveBackend, type BackendInfo, type BackendName } from '../src/tfjs/backend.js';
import { lrScheduler, type LrSchedulerCallback } from '../src/callback.js';
import { loadDigits, type DigitsArrays } from './lib/digits.js';
import { describeMachine, machineLine } from './lib/machine.js';
import { formatNumber, formatPercent, formatSpread, printTable } from './lib/table.js';
import { median, perSecond } from './lib/timing.js';

export type BenchOptimizer = 'sgd' | 'adam';

export interface CallbackOverheadArgs {
  /** Backends to compare. Defaults to wasm and cpu. */
  backends?: BackendName[];
  /** Batch sizes. Defaults to 32 and 64. */
  batches?: number[];
  /** Optimizers (SGD is the worst case: a new -lr tensor per step). Defaults to sgd and adam. */
  optimizers?: BenchOptimizer[];
  /** Timed pairs (with, without) per cell. Defaults to 9. */
  repeats?: number;
  /** Epochs per timed fit, per backend (enough for ~0.5 s per fit). Defaults to wasm 4, cpu 1, others 2. */
  epochs?: Partial<Record<BackendName, number>>;
  /** Output sink. Defaults to console.log. */
  write?: (text: string) => void;
}

export interface OverheadRow {
  readonly backend: BackendName;
  readonly batchSize: number;
  readonly optimizer: BenchOptimizer;
  readonly withoutPerSec: number;
  readonly withPerSec: number;
  /** (with − without) / without, on median wall times. */
  readonly wallOverhead: number;
  /** (with − without) / without, on median process CPU time. */
  readonly cpuOverhead: number;
  /** Median share of a fit's wall time spent inside the callback's hooks. */
  readonly inHooks: number;
  /** Larger of the two variants' half-spread of wall time relative to the median. */
  readonly relSpread: number;
}

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'] as const;

function mlp(optimizer: BenchOptimizer): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [64], units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: optimizer === 'sgd' ? tf.train.sgd(0.05) : tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/** Wraps each hook of `cb` with a timer; returns a reader of the accumulated milliseconds. */
function timeHooks(cb: LrSchedulerCallback): () => number {
  let total = 0;
  const hooks = cb as unknown as Record<string, (...a: unknown[]) => Promise<void>>;
  for (const name of HOOKS) {
    const original = hooks[name]!;
    hooks[name] = async (...a: unknown[]) => {
      const t0 = performance.now();
      try {
        await original(...a);
      } finally {
        total += performance.now() - t0;
      }
    };
  }
  return () => total;
}

function spreadOf(samples: number[]): number {
  const m = median(samples);
  return m > 0 ? (Math.max(...samples) - Math.min(...samples)) / 2 / m : 0;
}

async function cell(data: DigitsArrays, backend: BackendName, batchSize: number, optimizer: BenchOptimizer, epochs: number, repeats: number): Promise<OverheadRow> {
  const x = tf.tensor2d(data.x, [data.n, 64]);
  const y = tf.tensor2d(data.y, [data.n, 10]);
  const model = mlp(optimizer);
  const totalSteps = Math.ceil(data.n / batchSize) * epochs;
  const fitArgs = { epochs, batchSize, verbose: 0 as const, yieldEvery: 'never' as const };
  const spec = { family: 'cosine_decay', params: { initialLearningRate: optimizer === 'sgd' ? 0.05 : 1e-3, decaySteps: totalSteps, alpha: 0.1 } };
  const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
  const runWithout = async () => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await model.fit(x, y, fitArgs);
    return { ms: performance.now() - t0, cpu: cpuMs(process.cpuUsage(c0)) };
  };
  const runWith = async () => {
    const cb = lrScheduler({ schedule: spec });
    const hookMs = timeHooks(cb);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await model.fit(x, y, { ...fitArgs, callbacks: [cb] });
    const ms = performance.now() - t0;
    return { ms, cpu: cpuMs(process.cpuUsage(c0)), share: hookMs() / ms };
  };
  try {
    await runWithout(); // warm-up: kernels, wasm compilation, JIT
    await runWith();
    const without: number[] = [];
    const withMs: number[] = [];
    const cpuWithout: number[] = [];
    const cpuWith: number[] = [];
    const shares: number[] = [];
    for (let r = 0; r < repeats; r++) {
      // Alternate the order so drift on a shared machine does not favour one variant.
      const pair = r % 2 === 0 ? [false, true] : [true, false];
      for (const useCallback of pair) {
        if (useCallback) {
          const { ms, cpu, share } = await runWith();
          withMs.push(ms);
          cpuWith.push(cpu);
          shares.push(share);
        } else {
          const { ms, cpu } = await runWithout();
          without.push(ms);
          cpuWithout.push(cpu);
        }
      }
    }
    const samples = data.n * epochs;
    const mWithout = median(without);
    const mWith = median(withMs);
    return {
      backend,
      batchSize,
      optimizer,
      withoutPerSec: perSecond(samples, mWithout),
      withPerSec: perSecond(samples, mWith),
      wallOverhead: (mWith - mWithout) / mWithout,
      cpuOverhead: (median(cpuWith) - median(cpuWithout)) / median(cpuWithout),
      inHooks: median(shares),
      relSpread: Math.max(spreadOf(without), spreadOf(withMs)),
    };
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
}

export async function runCallbackOverhead(args: CallbackOverheadArgs = {}): Promise<OverheadRow[]> {
  const write = args.write ?? console.log;
  const backends = args.backends ?? ['wasm', 'cpu'];
  const batches = args.batches ?? [32, 64];
  const optimizers = args.optimizers ?? ['sgd', 'adam'];
  const repeats = args.repeats ?? 9;
  const epochsFor = (b: BackendName) => args.epochs?.[b] ?? ({ wasm: 4, cpu: 1 } as Partial<Record<BackendName, number>>)[b] ?? 2;
  const data = loadDigits();
  const rows: OverheadRow[] = [];
  const infos: BackendInfo[] = [];
  const started = performance.now();
  for (const backend of backends) {
    infos.push(await resolveBackend({ preferred: backend, quiet: true }));
    for (const batchSize of batches) {
      for (const optimizer of optimizers) rows.push(await cell(data, backend, batchSize, optimizer, epochsFor(backend), repeats));
    }
  }
  const wasm = infos.find((i) => i.name === 'wasm');
  write(
    `Callback overhead: model.fit of an MLP 64-128-128-10 on digits (n=${data.n}) with and without lrScheduler(cosine_decay, LR changes every step); ` +
      `${repeats} alternating pairs per cell; epochs per fit: ${backends.map((b) => `${b} ${epochsFor(b)}`).join(', ')}`,
  );
  write(`${machineLine(describeMachine())} · tfjs ${tf.version_core}${wasm ? ` · wasm ${wasm.simd ? 'SIMD' : 'no SIMD'}, ${wasm.threads} thread(s)` : ''}`);
  printTable({
    head: ['backend', 'batch', 'optimizer', 'without (samples/s)', 'with (samples/s)', 'wall (median)', 'CPU (median)', 'in hooks', 'wall spread'],
    rows: rows.map((r) => [
      r.backend,
      String(r.batchSize),
      r.optimizer === 'sgd' ? 'SGD' : 'Adam',
      formatNumber(r.withoutPerSec),
      formatNumber(r.withPerSec),
      formatPercent(r.wallOverhead),
      formatPercent(r.cpuOverhead),
      `${(r.inHooks * 100).toFixed(2)} %`,
      formatSpread(r.relSpread),
    ]),
    align: ['left', 'right', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
    write,
  });
  write(`total bench time ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return rows;
}

function parseArgs(argv: string[]): CallbackOverheadArgs {
  const out: CallbackOverheadArgs = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--repeats') out.repeats = Number(value);
    else if (flag === '--backends') out.backends = value.split(',') as BackendName[];
    else if (flag === '--batches') out.batches = value.split(',').map(Number);
    else if (flag === '--optimizers') out.optimizers = value.split(',') as BenchOptimizer[];
    else throw new Error(`unknown option ${flag}; options: --repeats N --backends wasm,cpu --batches 32,64 --optimizers sgd,adam`);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCallbackOverhead(parseArgs(process.argv.slice(2)));
}
