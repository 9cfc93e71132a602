/**
 * Small statistics of the LCBench protocol: expected best-of-k of random search over a finite
 * reference pool, average ranks, a paired bootstrap over tasks. Deterministic (seeded).
 */
import { seededRandom } from '../../src/tasks/random.js';

/**
 * Expected minimum of `k` draws without replacement from `sortedAsc` (N values, ascending):
 * Σ_i v_i · P(the smallest rank drawn is i), with P(all ranks ≥ i) = C(N−i+1, k) / C(N, k)
 * built up as a running product. k ≥ N gives the minimum.
 */
export function expectedMinOfK(sortedAsc: ArrayLike<number>, k: number): number {
  const n = sortedAsc.length;
  if (k >= n) return sortedAsc[0]!;
  // s = P(all k draws have rank ≥ i) for i = 1 (= 1), then updated to i + 1.
  let s = 1;
  let e = 0;
  for (let i = 1; i <= n - k + 1; i++) {
    const remaining = n - i + 1; // values with rank ≥ i
    const next = remaining - 1 < k ? 0 : (s * (remaining - k)) / remaining; // P(all ranks ≥ i + 1)
    e += sortedAsc[i - 1]! * (s - next);
    s = next;
    if (s === 0) break;
  }
  return e;
}

/**
 * Smallest k (1…N) whose expected random-search best-of-k `f(k)` is ≤ `target`; `f` must be
 * non-increasing in k. Returns Infinity when even k = N does not reach it.
 */
export function smallestK(f: (k: number) => number, target: number, n: number): number {
  if (f(n) > target + 1e-12) return Number.POSITIVE_INFINITY;
  let lo = 1;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (f(mid) <= target + 1e-12) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Ranks (1 = lowest value), ties sharing their average rank. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  for (let a = 0; a < order.length; ) {
    let b = a;
    while (b + 1 < order.length && order[b + 1]!.v === order[a]!.v) b++;
    const r = (a + b) / 2 + 1;
    for (let j = a; j <= b; j++) ranks[order[j]!.i] = r;
    a = b + 1;
  }
  return ranks;
}

export const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

export function quantile(xs: readonly number[], q: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const median = (xs: readonly number[]) => quantile(xs, 0.5);

/**
 * Paired bootstrap over units (tasks): the mean of `diffs` (one paired difference per unit) and
 * its percentile interval at `level` from `resamples` resamples of the units.
 */
export function pairedBootstrap(diffs: readonly number[], level = 0.9, resamples = 2000, seed = 1): { mean: number; lo: number; hi: number } {
  const rand = seededRandom(seed);
  const n = diffs.length;
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += diffs[Math.floor(rand() * n)]!;
    means.push(s / n);
  }
  return { mean: mean(diffs), lo: quantile(means, (1 - level) / 2), hi: quantile(means, 1 - (1 - level) / 2) };
}
