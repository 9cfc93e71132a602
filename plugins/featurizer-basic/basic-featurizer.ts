/**
 * `basic`: statistical meta-features of a whole task (train and validation rows together: they
 * describe the dataset, not a model's view of it). Pure float64 JavaScript, so the numbers are the
 * same on every tfjs backend. Values that do not apply to a task kind take a fixed neutral value
 * (documented per feature) so the output always has the same keys.
 */
import type { Featurizer, FeaturizeContext } from '../../src/tasks/featurizer.js';
import { rowSize, sampleIndices } from '../../src/tasks/featurize.js';
import type { LoadedTask } from '../../src/tasks/task.js';
import { requireInteger } from '../../src/core/validation.js';
import { entropyBits, moments, pearson, type Moments } from './moments.js';

/** Every feature `basic` returns, with its meaning (the README table is generated from this). */
export const BASIC_FEATURES = {
  rows: 'rows in the task (train + validation)',
  features: 'values per input row (prod of the input shape)',
  classes: 'number of classes (0 for regression)',
  log_rows: 'log10(rows)',
  rows_per_feature: 'rows / features',
  is_classification: '1 for classification, 0 for regression',
  class_imbalance: 'min / max class frequency (1 = balanced; 1 for regression)',
  target_entropy: 'Shannon entropy of the class distribution in bits (log2(classes) when balanced; 0 for regression)',
  target_skew: 'skewness g1 of the regression target (0 for classification)',
  target_kurtosis: 'excess kurtosis g2 of the regression target (0 for classification)',
  feature_skew_mean: 'mean |skewness| over non-constant features',
  feature_skew_max: 'max |skewness| over non-constant features',
  feature_kurtosis_mean: 'mean |excess kurtosis| over non-constant features',
  feature_kurtosis_max: 'max |excess kurtosis| over non-constant features',
  mean_abs_correlation: 'mean |Pearson r| over pairs of non-constant features (0 with fewer than 2)',
  sparsity: 'fraction of cells that are exactly 0',
  binary_fraction: 'fraction of features with exactly two distinct values',
  // Input scale (version 2): what the optimizer sees. Standardised tables sit near mean 0 / std 1;
  // unscaled ones (raw counts, prices, years) do not, and then a rate that suits one task diverges on another.
  feature_abs_mean: 'mean |x| over all cells, as loaded',
  feature_abs_max: 'max |x| over all cells, as loaded',
  log10_feature_abs_max: 'log10 of max |x| (-12 when every cell is 0)',
  feature_std_mean: 'mean standard deviation (population) over non-constant features (0 with none)',
  log10_feature_std_spread: 'log10(max std / min std) over non-constant features (0 with fewer than 2)',
  feature_mean_abs_max: 'max over features of |column mean|',
  target_abs_mean: 'mean |y| of the regression target as loaded (0 for classification)',
  target_std: 'standard deviation of the regression target as loaded, i.e. the scale the loss sees (0 for classification)',
  log10_target_raw_std: 'log10 of the regression target\'s std in its original units (targetScaling.std, else target_std; 0 for classification)',
} as const;

export type BasicFeatureName = keyof typeof BASIC_FEATURES;

export interface BasicFeaturizerArgs {
  /**
   * Rows used for the pairwise correlation (O(rows × features²)); a seeded subsample above this.
   * Every other statistic uses all rows. Defaults to 2000.
   */
  correlationRows?: number;
}

/** All rows of a task as one row-major matrix view: train rows first, then validation rows. */
function column(task: LoadedTask, d: number, j: number, rows?: readonly number[]): Float64Array {
  const nt = task.train.n;
  const pick = rows ?? Array.from({ length: nt + task.validation.n }, (_, i) => i);
  const out = new Float64Array(pick.length);
  pick.forEach((r, i) => {
    out[i] = r < nt ? task.train.x[r * d + j]! : task.validation.x[(r - nt) * d + j]!;
  });
  return out;
}

function targets(task: LoadedTask): number[] {
  return [...task.train.y, ...task.validation.y];
}

function meanMax(values: number[]): [number, number] {
  if (values.length === 0) return [0, 0];
  return [values.reduce((a, b) => a + b, 0) / values.length, Math.max(...values)];
}

export function basicFeaturizer(args: BasicFeaturizerArgs = {}): Featurizer {
  const correlationRows = requireInteger('correlationRows', args.correlationRows ?? 2000, 2, 'basic featurizer');
  return Object.freeze({
    id: 'basic',
    version: 2,
    description: 'Size, class balance, target entropy/shape, feature skew/kurtosis, correlation, sparsity, binary features, input and target scale',
    featureNames: Object.freeze(Object.keys(BASIC_FEATURES)),
    async featurize(task: LoadedTask, ctx: FeaturizeContext): Promise<Record<string, number>> {
      const d = rowSize(task);
      const n = task.train.n + task.validation.n;
      const y = targets(task);
      const classification = task.ref.kind === 'classification';

      let classImbalance = 1;
      let targetEntropy = 0;
      let targetSkew = 0;
      let targetKurtosis = 0;
      let targetAbsMean = 0;
      let targetStd = 0;
      let targetRawStd = 0;
      if (classification) {
        const k = task.numClasses ?? 0;
        const counts = new Array<number>(k).fill(0);
        for (const c of y) counts[c] = (counts[c] ?? 0) + 1;
        const max = Math.max(...counts);
        classImbalance = max > 0 ? Math.min(...counts) / max : 0;
        targetEntropy = entropyBits(counts);
      } else {
        const m = moments(y);
        targetSkew = m.skew;
        targetKurtosis = m.kurtosis;
        targetAbsMean = y.length > 0 ? y.reduce((a, v) => a + Math.abs(v), 0) / y.length : 0;
        targetStd = Math.sqrt(m.variance);
        targetRawStd = task.targetScaling ? task.targetScaling.std : targetStd;
      }

      const cols: Moments[] = [];
      let zeros = 0;
      let binary = 0;
      let absSum = 0;
      let absMax = 0;
      for (let j = 0; j < d; j++) {
        const col = column(task, d, j);
        cols.push(moments(col));
        const distinct = new Set<number>();
        for (const v of col) {
          const a = Math.abs(v);
          absSum += a;
          if (a > absMax) absMax = a;
          if (v === 0) zeros++;
          if (distinct.size <= 2) distinct.add(v);
        }
        if (distinct.size === 2) binary++;
      }
      const varying = cols.map((m, j) => ({ m, j })).filter((c) => !c.m.constant);
      const [skewMean, skewMax] = meanMax(varying.map((c) => Math.abs(c.m.skew)));
      const [kurtMean, kurtMax] = meanMax(varying.map((c) => Math.abs(c.m.kurtosis)));
      const stds = varying.map((c) => Math.sqrt(c.m.variance));
      const [stdMean, stdMax] = meanMax(stds);
      const stdMin = stds.length > 0 ? Math.min(...stds) : 0;

      // Correlation on a seeded row subsample: moments of the subsample, not of all rows, so r stays in [-1, 1].
      let corrSum = 0;
      let pairs = 0;
      if (varying.length >= 2) {
        const rows = n > correlationRows ? sampleIndices(n, correlationRows, ctx.seed) : undefined;
        const sub = varying.map((c) => {
          const col = column(task, d, c.j, rows);
          return { col, m: moments(col) };
        }).filter((c) => !c.m.constant);
        for (let a = 0; a < sub.length; a++) {
          for (let b = a + 1; b < sub.length; b++) {
            corrSum += Math.abs(pearson(sub[a]!.col, sub[a]!.m.mean, sub[a]!.m.variance, sub[b]!.col, sub[b]!.m.mean, sub[b]!.m.variance));
            pairs++;
          }
        }
      }

      const values: Record<BasicFeatureName, number> = {
        rows: n,
        features: d,
        classes: classification ? task.numClasses ?? 0 : 0,
        log_rows: Math.log10(n),
        rows_per_feature: n / d,
        is_classification: classification ? 1 : 0,
        class_imbalance: classImbalance,
        target_entropy: targetEntropy,
        target_skew: targetSkew,
        target_kurtosis: targetKurtosis,
        feature_skew_mean: skewMean,
        feature_skew_max: skewMax,
        feature_kurtosis_mean: kurtMean,
        feature_kurtosis_max: kurtMax,
        mean_abs_correlation: pairs > 0 ? corrSum / pairs : 0,
        sparsity: n * d > 0 ? zeros / (n * d) : 0,
        binary_fraction: d > 0 ? binary / d : 0,
        feature_abs_mean: n * d > 0 ? absSum / (n * d) : 0,
        feature_abs_max: absMax,
        log10_feature_abs_max: Math.log10(Math.max(absMax, 1e-12)),
        feature_std_mean: stdMean,
        log10_feature_std_spread: stds.length >= 2 && stdMin > 0 ? Math.log10(stdMax / stdMin) : 0,
        feature_mean_abs_max: cols.length > 0 ? Math.max(...cols.map((m) => Math.abs(m.mean))) : 0,
        target_abs_mean: targetAbsMean,
        target_std: targetStd,
        log10_target_raw_std: classification || !(targetRawStd > 0) ? 0 : Math.log10(targetRawStd),
      };
      return Object.fromEntries(Object.entries(values).map(([k, v]) => [`basic.${k}`, v]));
    },
  });
}

/** The instance the plugin registers (default arguments). */
export const defaultBasicFeaturizer = basicFeaturizer();
