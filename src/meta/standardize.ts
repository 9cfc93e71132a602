/**
 * Feature scaling, distances and the out-of-distribution check shared by feature-based learners.
 *
 * Meta-features span orders of magnitude (rows from 75 to 20,000, unscaled inputs up to 1e3), so
 * each value is first squashed with a signed log1p, then z-scored with the training tasks' mean and
 * standard deviation, and clipped to ±5 so one extreme feature cannot decide a distance alone.
 * A feature missing from a task is imputed with the training mean (z = 0) and reported.
 */

export interface Standardizer {
  readonly names: readonly string[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

const CLIP = 5;

export function squash(x: number): number {
  return Math.sign(x) * Math.log1p(Math.abs(x));
}

/** Feature names present (finite) in every given feature map, sorted; optionally only those with a prefix. */
export function commonFeatureNames(maps: ReadonlyArray<Readonly<Record<string, number>>>, prefixes?: readonly string[]): string[] {
  if (maps.length === 0) return [];
  const names = Object.keys(maps[0]!).filter((n) => !prefixes || prefixes.some((p) => n.startsWith(p)));
  return names.filter((n) => maps.every((m) => Number.isFinite(m[n]))).sort();
}

export function fitStandardizer(maps: ReadonlyArray<Readonly<Record<string, number>>>, names: readonly string[]): Standardizer {
  const mean: number[] = [];
  const std: number[] = [];
  for (const n of names) {
    const xs = maps.map((m) => squash(m[n]!));
    const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mu) ** 2, 0) / Math.max(1, xs.length - 1));
    mean.push(mu);
    std.push(sd > 1e-12 ? sd : 1);
  }
  return { names: [...names], mean, std };
}

export interface Standardized {
  readonly z: number[];
  /** Names the task lacked (imputed with the training mean). */
  readonly missing: string[];
}

export function standardize(s: Standardizer, features: Readonly<Record<string, number>>): Standardized {
  const missing: string[] = [];
  const z = s.names.map((n, i) => {
    const v = features[n];
    if (v === undefined || !Number.isFinite(v)) {
      missing.push(n);
      return 0;
    }
    return Math.max(-CLIP, Math.min(CLIP, (squash(v) - s.mean[i]!) / s.std[i]!));
  });
  return { z, missing };
}

/** Root-mean-square difference: Euclidean distance / sqrt(dimensions), comparable across feature sets. */
export function distance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / Math.max(1, a.length));
}

/**
 * The out-of-distribution threshold: 1.5 × the 90th percentile of each training task's distance to
 * its nearest task of another parent dataset (how far "new but familiar" usually is).
 */
export function oodThreshold(points: readonly number[][], parents: readonly string[]): number {
  const nearest: number[] = [];
  for (let i = 0; i < points.length; i++) {
    let best = Infinity;
    for (let j = 0; j < points.length; j++) if (parents[j] !== parents[i]) best = Math.min(best, distance(points[i]!, points[j]!));
    if (Number.isFinite(best)) nearest.push(best);
  }
  if (nearest.length === 0) return Infinity;
  nearest.sort((a, b) => a - b);
  return 1.5 * nearest[Math.min(nearest.length - 1, Math.floor(0.9 * nearest.length))]!;
}
