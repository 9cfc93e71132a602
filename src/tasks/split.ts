/**
 * Row selection: the train/validation split and subsamples, both stratified by class for
 * classification so that every class keeps its share (the exact counts come from largest-remainder
 * rounding, so totals are exact: `round(n × fraction)` rows).
 */
import { seededRandom, shuffleInPlace } from './random.js';

/**
 * Integer counts proportional to `sizes` that sum to `total` (largest remainder; ties go to the
 * earlier group). Each count is capped by `caps` (defaults to `sizes`).
 */
export function allocate(total: number, sizes: readonly number[], caps: readonly number[] = sizes): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum === 0) return sizes.map(() => 0);
  const exact = sizes.map((s) => (total * s) / sum);
  const counts = exact.map((e, i) => Math.min(Math.floor(e), caps[i]!));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  // Several passes: a capped group passes its share to the next-largest remainder.
  while (left > 0) {
    let gave = false;
    for (const { i } of order) {
      if (left === 0) break;
      if (counts[i]! < caps[i]!) {
        counts[i]!++;
        left--;
        gave = true;
      }
    }
    if (!gave) break;
  }
  return counts;
}

/** Row indices grouped by class label, each group in row order. */
function groupByClass(labels: ArrayLike<number>, rows: readonly number[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const r of rows) {
    const c = labels[r]!;
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(r);
  }
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}

export interface SplitResult {
  readonly train: number[];
  readonly validation: number[];
}

/**
 * Seeded split of `rows` (default 0..n-1). With `labels` the split is stratified: each class puts
 * its proportional share of `round(n × validationFraction)` rows into validation, keeping at least
 * one row of every class with two or more rows in train. Both lists come back shuffled.
 */
export function trainValidationSplit(
  n: number,
  validationFraction: number,
  seed: number,
  labels?: ArrayLike<number>,
  rows: readonly number[] = Array.from({ length: n }, (_, i) => i),
): SplitResult {
  const rand = seededRandom(seed);
  const nVal = Math.round(rows.length * validationFraction);
  if (!labels) {
    const idx = shuffleInPlace([...rows], rand);
    return { validation: idx.slice(0, nVal), train: idx.slice(nVal) };
  }
  const groups = [...groupByClass(labels, rows).values()];
  const sizes = groups.map((g) => g.length);
  const counts = allocate(nVal, sizes, sizes.map((s) => (s >= 2 ? s - 1 : s)));
  const train: number[] = [];
  const validation: number[] = [];
  groups.forEach((g, k) => {
    const idx = shuffleInPlace([...g], rand);
    validation.push(...idx.slice(0, counts[k]));
    train.push(...idx.slice(counts[k]));
  });
  return { train: shuffleInPlace(train, rand), validation: shuffleInPlace(validation, rand) };
}

/**
 * A seeded subsample of `count` rows out of `rows` (default 0..n-1), stratified by `labels` when
 * given (every class keeps at least one row when `count` allows). Returned in ascending row order,
 * so reading them from a file is sequential.
 */
export function subsampleRows(
  n: number,
  count: number,
  seed: number,
  labels?: ArrayLike<number>,
  rows: readonly number[] = Array.from({ length: n }, (_, i) => i),
): number[] {
  if (count >= rows.length) return [...rows];
  const rand = seededRandom(seed);
  if (!labels) return shuffleInPlace([...rows], rand).slice(0, count).sort((a, b) => a - b);
  const groups = [...groupByClass(labels, rows).values()];
  const sizes = groups.map((g) => g.length);
  let counts = allocate(count, sizes);
  // A class that rounds to zero rows would vanish from the task: give it one, taken from the largest class.
  if (count >= groups.length) {
    for (let k = 0; k < counts.length; k++) {
      if (counts[k] === 0) {
        const big = counts.indexOf(Math.max(...counts));
        counts = counts.map((c, i) => (i === k ? 1 : i === big ? c - 1 : c));
      }
    }
  }
  const picked: number[] = [];
  groups.forEach((g, k) => picked.push(...shuffleInPlace([...g], rand).slice(0, counts[k])));
  return picked.sort((a, b) => a - b);
}
