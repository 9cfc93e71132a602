/**
 * `landmark` on tiny tasks whose scores are worked out by hand (comments), then on iris.
 */
import { landmarkFeaturizer, LANDMARK_FEATURES } from '../../../plugins/featurizer-landmark/landmark-featurizer.js';
import { fitStump, r2 } from '../../../plugins/featurizer-landmark/learners.js';
import { ridgeFit } from '../../../src/core/ridge.js';
import { checkFeaturizerOutput } from '../../../src/tasks/featurize.js';
import { irisTask, makeTask } from './make-task.js';

const ctx = { seed: 0 };

/**
 * 2-D classification: train A(0,0)→0, B(0,1)→0, C(3,3)→1, D(4,3)→1, E(5,5)→1;
 * validation P(1,1)→0, Q(1.4,2.5)→0, R(4,4)→1.
 */
const points = makeTask({
  kind: 'classification',
  train: [[0, 0], [0, 1], [3, 3], [4, 3], [5, 5]],
  trainY: [0, 0, 1, 1, 1],
  validation: [[1, 1], [1.4, 2.5], [4, 4]],
  validationY: [0, 0, 1],
});

describe('landmark on 2-D points (hand-computed)', () => {
  let f: Record<string, number>;
  beforeAll(async () => {
    f = { ...(await landmarkFeaturizer().featurize(points, ctx)) };
  });

  it('returns its declared names', () => {
    expect(Object.keys(f).sort()).toEqual(Object.keys(LANDMARK_FEATURES).map((n) => `landmark.${n}`).sort());
    expect(checkFeaturizerOutput(landmarkFeaturizer(), f)).toEqual(f);
  });

  it('1-NN: P→B (0, right), Q→C (1, wrong), R→D (1, right) = 2/3', () => {
    // squared distances  P: A 2, B 1, C 8, D 13, E 32        → B
    //                    Q: A 8.21, B 4.21, C 2.81, D 7.01, E 19.21 → C
    //                    R: A 32, B 25, C 2, D 1, E 2       → D
    expect(f['landmark.nn1']).toBeCloseTo(2 / 3, 12);
  });

  it('stump: x0 <= 1.5 → 0 else 1 (0 training errors) gets all three validation points = 1', () => {
    // sorted x0: 0,0 | 3,4,5 with labels 0,0 | 1,1,1: the split at (0+3)/2 = 1.5 makes no error.
    // P x0=1 → 0 ✓, Q x0=1.4 → 0 ✓, R x0=4 → 1 ✓
    expect(f['landmark.stump']).toBe(1);
  });

  it('baseline: majority training class 1 (3 of 5) is right only for R = 1/3', () => {
    expect(f['landmark.baseline']).toBeCloseTo(1 / 3, 12);
  });
});

describe('landmark linear model (hand-computed least squares)', () => {
  it('one-vs-rest least squares on a 1-D task: boundary at x = 1.5', async () => {
    // x = 0,1,2,3, y = 0,0,1,1, ridge 0. Indicator of class 1: mean x 1.5, mean t 0.5, Sxx = 5, Sxt = 2
    // → t1(x) = 0.4x - 0.1 and t0(x) = 1 - t1(x) = 1.1 - 0.4x; class 1 wins when 0.8x > 1.2, i.e. x > 1.5.
    // Validation x = 1.4 (0), 1.6 (1), -1 (1): predicted 0, 1, 0 → 2/3.
    const task = makeTask({ kind: 'classification', train: [[0], [1], [2], [3]], trainY: [0, 0, 1, 1], validation: [[1.4], [1.6], [-1]], validationY: [0, 1, 1] });
    const f = await landmarkFeaturizer({ ridge: 0 }).featurize(task, ctx);
    expect(f['landmark.linear']).toBeCloseTo(2 / 3, 12);
  });

  /** Regression x = 0,1,2,3 → y = 1,3,5,7 (y = 2x + 1); validation x = 1.5, 4 → y = 4, 9 (mean 6.5, SS_tot = 12.5). */
  const line = makeTask({ kind: 'regression', train: [[0], [1], [2], [3]], trainY: [1, 3, 5, 7], validation: [[1.5], [4]], validationY: [4, 9] });

  it('ridge 0 recovers the line exactly: R² = 1', async () => {
    const f = await landmarkFeaturizer({ ridge: 0 }).featurize(line, ctx);
    expect(f['landmark.linear']).toBeCloseTo(1, 10);
  });

  it('ridge 1 shrinks the slope, not the bias: w = 40/24, b = 36/24, R² = 0.944444', async () => {
    // [[Σx²+λ, Σx], [Σx, n]] = [[15, 6], [6, 4]], Aᵀy = [34, 16], det 24
    // w = (4·34 - 6·16)/24 = 1.666667, b = (15·16 - 6·34)/24 = 1.5
    // predictions 4 and 8.166667 → SS_res = 0.833333² = 0.694444 → R² = 1 - 0.694444/12.5
    const f = await landmarkFeaturizer({ ridge: 1 }).featurize(line, ctx);
    expect(f['landmark.linear']).toBeCloseTo(1 - 0.694444 / 12.5, 5);
    const w = ridgeFit(new Float64Array([0, 1, 2, 3]), 4, 1, new Float64Array([1, 3, 5, 7]), 1, 1);
    expect(w[0]).toBeCloseTo(40 / 24, 12);
    expect(w[1]).toBeCloseTo(36 / 24, 12);
  });

  it('1-NN, stump and baseline R² on the line task', async () => {
    const f = await landmarkFeaturizer().featurize(line, ctx);
    // 1-NN: x=1.5 is 0.5 from x=1 and x=2 → first row wins (y=3); x=4 → x=3 (y=7). SS_res = 1 + 4 → 1 - 5/12.5
    expect(f['landmark.nn1']).toBeCloseTo(0.6, 10);
    // stump: SSE at thresholds 0.5 / 1.5 / 2.5 = 8 / 4 / 8 → split at 1.5, means 2 | 6.
    // predictions 2, 6 → SS_res = 4 + 9 = 13 → 1 - 13/12.5 = -0.04
    expect(f['landmark.stump']).toBeCloseTo(-0.04, 10);
    // baseline: training mean 4 → SS_res = 0 + 25 → 1 - 2 = -1
    expect(f['landmark.baseline']).toBeCloseTo(-1, 10);
  });

  it('R² is clipped at -1 (a useless learner must not dominate the feature vector)', () => {
    expect(r2([100, 100], [0, 1])).toBe(-1);
    expect(r2([2, 2], [2, 2])).toBe(1);
  });

  it('a constant feature with ridge 0 gets weight 0 instead of a singular solve', () => {
    // x1 is constant 7: its column equals 7 × the bias column; the solver drops it.
    const w = ridgeFit(new Float64Array([0, 7, 1, 7, 2, 7]), 3, 2, new Float64Array([1, 3, 5]), 1, 0);
    expect(Array.from(w).every(Number.isFinite)).toBe(true);
    expect(w[0]! * 1 + w[1]! * 7 + w[2]!).toBeCloseTo(3, 10);
  });

  it('a stump with nothing to split on predicts the majority everywhere', () => {
    const s = fitStump(new Float64Array([1, 1, 1]), 3, 1, [2, 0, 2], 3);
    expect(s).toEqual({ feature: -1, threshold: 0, left: 2, right: 2 });
  });
});

describe('landmark on iris', () => {
  it('separates the easy and hard learners as expected, deterministically', async () => {
    const lm = landmarkFeaturizer();
    const a = await lm.featurize(irisTask(), ctx);
    expect(await lm.featurize(irisTask(), ctx)).toEqual(a);
    // 30 validation flowers, 10 per class: the majority class gets exactly 10.
    expect(a['landmark.baseline']).toBeCloseTo(1 / 3, 12);
    expect(a['landmark.nn1']).toBeGreaterThanOrEqual(0.9);
    // a petal split isolates setosa: about 2/3 right
    expect(a['landmark.stump']).toBeGreaterThanOrEqual(0.6);
    expect(a['landmark.stump']).toBeLessThanOrEqual(0.7);
    expect(a['landmark.linear']).toBeGreaterThanOrEqual(0.7);
  });

  it('subsamples train and validation rows with the seed', async () => {
    const small = landmarkFeaturizer({ maxTrainRows: 30, maxValidationRows: 15 });
    const s0 = await small.featurize(irisTask(), { seed: 0 });
    expect(await small.featurize(irisTask(), { seed: 0 })).toEqual(s0);
    const others = await Promise.all([1, 2, 3].map((seed) => small.featurize(irisTask(), { seed })));
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(s0))).toBe(true);
  });

  it('validates its arguments', () => {
    expect(() => landmarkFeaturizer({ ridge: -1 })).toThrow(/`ridge` must be >= 0\. Received: ridge=-1\./);
    expect(() => landmarkFeaturizer({ maxTrainRows: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });
});
