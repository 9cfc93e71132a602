/**
 * `basic` against values worked out by hand on two fixed tiny tasks (arithmetic in the comments),
 * plus iris against scipy / numpy (scipy.stats.skew / kurtosis defaults: biased, Fisher; np.corrcoef).
 */
import { basicFeaturizer, BASIC_FEATURES } from '../../../plugins/featurizer-basic/basic-featurizer.js';
import { moments, entropyBits } from '../../../plugins/featurizer-basic/moments.js';
import { checkFeaturizerOutput } from '../../../src/tasks/featurize.js';
import { irisTask, makeTask } from './make-task.js';

const basic = basicFeaturizer();
const ctx = { seed: 0 };

/**
 * 6 rows (4 train + 2 validation; basic uses all 6), 3 features, 2 classes:
 *   f0 = [0, 0, 0, 1, 1, 4]   f1 = [1, 2, 3, 4, 5, 6]   f2 = [0, 1, 0, 1, 0, 1]   y = [0, 0, 0, 0, 1, 1]
 */
const tinyClass = makeTask({
  kind: 'classification',
  train: [[0, 1, 0], [0, 2, 1], [0, 3, 0], [1, 4, 1]],
  trainY: [0, 0, 0, 0],
  validation: [[1, 5, 0], [4, 6, 1]],
  validationY: [1, 1],
});

describe('basic featurizer on a tiny classification task (hand-computed)', () => {
  let f: Record<string, number>;
  beforeAll(async () => {
    f = { ...(await basic.featurize(tinyClass, ctx)) };
  });

  it('returns exactly its declared names, prefixed, and passes the output check', () => {
    expect(Object.keys(f).sort()).toEqual(Object.keys(BASIC_FEATURES).map((n) => `basic.${n}`).sort());
    expect(checkFeaturizerOutput(basic, f)).toEqual(f);
  });

  it.each([
    ['rows', 6],
    ['features', 3],
    ['classes', 2],
    ['log_rows', Math.log10(6)], // 0.778151
    ['rows_per_feature', 2], // 6 / 3
    ['is_classification', 1],
    // counts [4, 2]: min/max = 2/4
    ['class_imbalance', 0.5],
    // -(4/6·log2(4/6) + 2/6·log2(2/6)) = 0.389975 + 0.528321
    ['target_entropy', 0.918296],
    ['target_skew', 0],
    ['target_kurtosis', 0],
    // f0: mean 1, deviations -1,-1,-1,0,0,3 → m2 = 12/6 = 2, m3 = 24/6 = 4, m4 = 84/6 = 14
    //     skew = 4 / 2^1.5 = √2 = 1.414214, kurtosis = 14/4 - 3 = 0.5
    // f1: mean 3.5, symmetric → skew 0; m2 = 17.5/6 = 2.916667, m4 = 88.375/6 = 14.729167
    //     kurtosis = 14.729167 / 8.506944 - 3 = -1.268571
    // f2: mean 0.5, deviations ±0.5 → skew 0, m2 = 0.25, m4 = 0.0625, kurtosis = 1 - 3 = -2
    ['feature_skew_mean', 1.414214 / 3], // (1.414214 + 0 + 0) / 3 = 0.471405
    ['feature_skew_max', 1.414214],
    ['feature_kurtosis_mean', (0.5 + 1.268571 + 2) / 3], // 1.256190
    ['feature_kurtosis_max', 2],
    // cov01 = (2.5+1.5+0.5+0+0+7.5)/6 = 2      → r01 = 2 / √(2 · 2.916667)     = 0.828079
    // cov02 = (0.5-0.5+0.5+0+0+1.5)/6 = 1/3    → r02 = 0.333333 / √(2 · 0.25)  = 0.471405
    // cov12 = (1.25-0.75+0.25+0.25-0.75+1.25)/6 = 0.25 → r12 = 0.25 / √(2.916667 · 0.25) = 0.292770
    ['mean_abs_correlation', (0.828079 + 0.471405 + 0.29277) / 3], // 0.530751
    // zeros: three in f0, three in f2 → 6 of 18 cells
    ['sparsity', 6 / 18],
    // only f2 has exactly two distinct values
    ['binary_fraction', 1 / 3],
    // input scale: |cells| sum to 6 + 21 + 3 = 30 over 18 cells; the largest is 6
    ['feature_abs_mean', 30 / 18], // 1.666667
    ['feature_abs_max', 6],
    ['log10_feature_abs_max', Math.log10(6)], // 0.778151
    // stds √2 = 1.414214, √2.916667 = 1.707825, 0.5
    ['feature_std_mean', (1.414214 + 1.707825 + 0.5) / 3], // 1.207346
    ['log10_feature_std_spread', Math.log10(1.707825 / 0.5)], // 0.533471
    ['feature_mean_abs_max', 3.5], // column means 1, 3.5, 0.5
    ['target_abs_mean', 0],
    ['target_std', 0],
    ['log10_target_raw_std', 0],
  ])('%s', (name, expected) => {
    expect(f[`basic.${name}`]).toBeCloseTo(expected, 5);
  });
});

/**
 * Regression, 4 rows: f0 = [0, 1, 2, 3], f1 = [5, 5, 5, 5] (constant), y = [1, 2, 3, 10].
 */
const tinyReg = makeTask({
  kind: 'regression',
  train: [[0, 5], [1, 5], [2, 5]],
  trainY: [1, 2, 3],
  validation: [[3, 5]],
  validationY: [10],
});

describe('basic featurizer on a tiny regression task (hand-computed)', () => {
  let f: Record<string, number>;
  beforeAll(async () => {
    f = { ...(await basic.featurize(tinyReg, ctx)) };
  });

  it.each([
    ['rows', 4],
    ['features', 2],
    ['classes', 0],
    ['is_classification', 0],
    ['class_imbalance', 1], // neutral value for regression
    ['target_entropy', 0],
    // y: mean 4, deviations -3,-2,-1,6 → m2 = 50/4 = 12.5, m3 = 180/4 = 45, m4 = 1394/4 = 348.5
    ['target_skew', 45 / 12.5 ** 1.5], // 1.018233
    ['target_kurtosis', 348.5 / 156.25 - 3], // -0.7696
    // the constant f1 is left out; f0 symmetric → skew 0; m2 = 1.25, m4 = 2.5625 → 1.64 - 3
    ['feature_skew_mean', 0],
    ['feature_kurtosis_mean', 1.36],
    ['feature_kurtosis_max', 1.36],
    ['mean_abs_correlation', 0], // fewer than two non-constant features
    ['sparsity', 1 / 8], // one zero (f0 row 0) of 8 cells
    ['binary_fraction', 0],
    ['feature_abs_mean', 26 / 8], // (0+1+2+3) + 4·5 = 26 over 8 cells
    ['feature_abs_max', 5],
    ['log10_feature_abs_max', Math.log10(5)],
    ['feature_std_mean', Math.sqrt(1.25)], // only f0 varies: 1.118034
    ['log10_feature_std_spread', 0], // fewer than two non-constant features
    ['feature_mean_abs_max', 5], // the constant column's mean
    ['target_abs_mean', 4], // (1+2+3+10)/4
    ['target_std', Math.sqrt(12.5)], // 3.535534
    ['log10_target_raw_std', Math.log10(Math.sqrt(12.5))], // no targetScaling: the std as loaded, 0.548455
  ])('%s', (name, expected) => {
    expect(f[`basic.${name}`]).toBeCloseTo(expected, 5);
  });
});

describe('moment helpers', () => {
  it('constant columns have skew and kurtosis 0 instead of NaN', () => {
    expect(moments([3, 3, 3])).toEqual({ mean: 3, variance: 0, skew: 0, kurtosis: 0, constant: true });
  });
  it('entropy in bits: uniform over 4 classes is 2, empty classes add nothing', () => {
    expect(entropyBits([5, 5, 5, 5])).toBeCloseTo(2, 12);
    expect(entropyBits([5, 0, 5])).toBeCloseTo(1, 12);
  });
});

describe('basic featurizer on iris (real data)', () => {
  it('matches scipy/numpy on the iris file', async () => {
    const f = await basic.featurize(irisTask(), ctx);
    // scipy.stats.skew(X) = [0.311753, 0.315767, -0.272128, -0.101934]
    // scipy.stats.kurtosis(X) = [-0.573568, 0.180976, -1.395536, -1.336067]
    // np.corrcoef upper triangle = [-0.117570, 0.871754, 0.817941, -0.428440, -0.366126, 0.962865]
    expect(f['basic.rows']).toBe(150);
    expect(f['basic.features']).toBe(4);
    expect(f['basic.classes']).toBe(3);
    expect(f['basic.class_imbalance']).toBe(1);
    expect(f['basic.target_entropy']).toBeCloseTo(Math.log2(3), 10);
    expect(f['basic.feature_skew_mean']).toBeCloseTo(0.250395, 5);
    expect(f['basic.feature_skew_max']).toBeCloseTo(0.315767, 5);
    expect(f['basic.feature_kurtosis_mean']).toBeCloseTo(0.871537, 5);
    expect(f['basic.feature_kurtosis_max']).toBeCloseTo(1.395536, 5);
    expect(f['basic.mean_abs_correlation']).toBeCloseTo(0.594116, 5);
    expect(f['basic.sparsity']).toBe(0);
    expect(f['basic.binary_fraction']).toBe(0);
    // Input scale of the raw (unstandardised) iris file, numpy: np.abs(X).mean() = 3.4645, np.abs(X).max() = 7.9,
    // X.std(0).mean() = 0.944702, log10(X.std(0).max() / X.std(0).min()) = 0.607465, np.abs(X.mean(0)).max() = 5.843333
    expect(f['basic.feature_abs_mean']).toBeCloseTo(3.4645, 4);
    expect(f['basic.feature_abs_max']).toBeCloseTo(7.9, 5);
    expect(f['basic.log10_feature_abs_max']).toBeCloseTo(Math.log10(7.9), 5);
    expect(f['basic.feature_std_mean']).toBeCloseTo(0.944702, 5);
    expect(f['basic.log10_feature_std_spread']).toBeCloseTo(0.607465, 5);
    expect(f['basic.feature_mean_abs_max']).toBeCloseTo(5.843333, 5);
    expect(f['basic.target_std']).toBe(0);
  });

  it('a seeded row subsample for the correlation stays close to the full value and is deterministic', async () => {
    const sub = basicFeaturizer({ correlationRows: 100 });
    const a = await sub.featurize(irisTask(), { seed: 3 });
    const b = await sub.featurize(irisTask(), { seed: 3 });
    expect(a).toEqual(b);
    expect(a['basic.mean_abs_correlation']).toBeCloseTo(0.594116, 1);
  });

  it('rejects a bad correlationRows with a Keras-style message', () => {
    expect(() => basicFeaturizer({ correlationRows: 1 })).toThrow(/`correlationRows` must be an integer >= 2\. Received: correlationRows=1\./);
  });
});
