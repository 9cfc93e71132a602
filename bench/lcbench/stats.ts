/**
 * Small statistics of the LCBench protocol that src/meta/evaluate.ts does not have (its
 * `expectedMinOfK` and `pairedBootstrap` are used as they are): the smallest budget reaching a
 * target, average ranks, quantiles.
 */

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
