/**
 * Wall-clock measurement for benchmarks: warm-up runs first (JIT, wasm compilation, tfjs kernel
 * setup), then repeated timed runs summarised by the median, which a busy shared machine disturbs
 * less than the mean. Never used for assertions in tests (DESIGN: benches print, tests don't time).
 */
import { performance } from 'node:perf_hooks';

export interface MeasureArgs {
  /** Untimed runs before measuring. Defaults to 1. */
  warmup?: number;
  /** Timed runs. Defaults to 5. */
  repeats?: number;
}

export interface Measurement {
  /** Each timed run, in milliseconds. */
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Half the spread between the fastest and slowest run, relative to the median (0.05 = ±5 %). */
  readonly relSpread: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Times `fn` (sync or async). */
export async function measure(fn: () => unknown, args: MeasureArgs = {}): Promise<Measurement> {
  const warmup = args.warmup ?? 1;
  const repeats = args.repeats ?? 5;
  for (let i = 0; i < warmup; i++) await fn();
  const samplesMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    samplesMs.push(performance.now() - t0);
  }
  const med = median(samplesMs);
  const minMs = Math.min(...samplesMs);
  const maxMs = Math.max(...samplesMs);
  return {
    samplesMs,
    medianMs: med,
    meanMs: samplesMs.reduce((a, b) => a + b, 0) / samplesMs.length,
    minMs,
    maxMs,
    relSpread: med > 0 ? (maxMs - minMs) / 2 / med : 0,
  };
}

/** Items per second for `items` processed in `ms` milliseconds. */
export function perSecond(items: number, ms: number): number {
  return (items * 1000) / ms;
}
