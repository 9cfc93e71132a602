/**
 * Column statistics in float64, two-pass (mean first, then central moments) so that large offsets
 * do not cancel. Conventions are scipy's defaults, so numbers can be checked against
 * `scipy.stats.skew(x)` / `scipy.stats.kurtosis(x)` (biased, Fisher) and `numpy.corrcoef`.
 */

export interface Moments {
  readonly mean: number;
  /** Population variance m2 = Σ(x − mean)² / n. */
  readonly variance: number;
  /** g1 = m3 / m2^1.5; 0 for a constant column (undefined there; 0 keeps the feature finite). */
  readonly skew: number;
  /** g2 = m4 / m2² − 3 (excess); 0 for a constant column. */
  readonly kurtosis: number;
  /** True when every value is equal (m2 is 0). */
  readonly constant: boolean;
}

/** Moments of `values` (a column copied out of the row-major matrix). */
export function moments(values: ArrayLike<number>): Moments {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = n > 0 ? sum / n : 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  if (n === 0) return { mean: 0, variance: 0, skew: 0, kurtosis: 0, constant: true };
  m2 /= n;
  m3 /= n;
  m4 /= n;
  // Relative threshold: float32 data standardised to a constant leaves m2 at rounding noise, not exactly 0.
  const constant = !(m2 > 1e-12 * Math.max(1, mean * mean));
  if (constant) return { mean, variance: 0, skew: 0, kurtosis: 0, constant };
  return { mean, variance: m2, skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) - 3, constant };
}

/** Pearson correlation of two centred columns given their population variances (both > 0). */
export function pearson(a: ArrayLike<number>, meanA: number, varA: number, b: ArrayLike<number>, meanB: number, varB: number): number {
  const n = a.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i]! - meanA) * (b[i]! - meanB);
  const r = s / n / Math.sqrt(varA * varB);
  // Rounding can push |r| a hair past 1 for duplicated columns.
  return Math.max(-1, Math.min(1, r));
}

/** Shannon entropy in bits of a count vector (zero counts contribute 0). */
export function entropyBits(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / total) * Math.log2(c / total);
  return h;
}
