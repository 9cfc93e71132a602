import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from '@jest/globals';
import { TrainingError, ValidationError } from '../../../src/core/errors.js';
import type { StatefulSchedule, StepObservation } from '../../../src/schedules/schedule.js';
import { hypergradient, hypergradientFamily, type HypergradientState } from '../../../plugins/schedules-adaptive/hypergradient.js';
import { flattenGradients } from '../../../plugins/schedules-adaptive/flatten-gradients.js';
import { expectError } from '../../helpers/expect-error.js';

// f(θ) = ½ θᵀAθ, A symmetric positive definite (eigenvalues ≈ 2.2, 0.86, 0.45); ∇f = Aθ.
const A = [
  [2, 0.5, 0],
  [0.5, 1, 0.2],
  [0, 0.2, 0.5],
];
const THETA0 = [1, -2, 3];
const matVec = (x: number[]): number[] => A.map((row) => row.reduce((s, a, j) => s + a * x[j], 0));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const quadLoss = (x: number[]): number => 0.5 * dot(x, matVec(x));

const gradObs = (step: number, g: ArrayLike<number>): StepObservation => ({ kind: 'gradients', step, epoch: 0, gradients: Float32Array.from(g) });

/**
 * SGD-HD as written in Baydin et al. 2018 (Algorithm "SGD-HD"), in plain float64 JS:
 *   g_t = ∇f(θ_{t-1}); h_t = g_t · ∇_α u_{t-1} with ∇_α u_{t-1} = -g_{t-1} (0 at t = 1);
 *   α_t = α_{t-1} - β h_t; θ_t = θ_{t-1} - α_t g_t.
 */
function sgdHdReference(alpha0: number, beta: number, steps: number): number[] {
  let theta = [...THETA0];
  let alpha = alpha0;
  let dUdAlpha = [0, 0, 0];
  const alphas: number[] = [];
  for (let t = 1; t <= steps; t++) {
    const g = matVec(theta);
    const h = dot(g, dUdAlpha);
    alpha = alpha - beta * h;
    alphas.push(alpha);
    theta = theta.map((x, i) => x - alpha * g[i]);
    dUdAlpha = g.map((gi) => -gi);
  }
  return alphas;
}

/**
 * Adam-HD as written in the paper (Algorithm "Adam-HD"), plain float64 JS:
 *   g_t = ∇f(θ_{t-1}); h_t = g_t · ∇_α u_{t-1}, ∇_α u_{t-1} = -m̂_{t-1}/(√v̂_{t-1} + ε) (0 at t = 1);
 *   α_t = α_{t-1} - β h_t; m_t = β1 m + (1-β1) g; v_t = β2 v + (1-β2) g²;
 *   m̂_t = m_t/(1-β1^t); v̂_t = v_t/(1-β2^t); θ_t = θ_{t-1} - α_t m̂_t/(√v̂_t + ε).
 */
function adamHdReference(alpha0: number, beta: number, steps: number, b1 = 0.9, b2 = 0.999, eps = 1e-7): number[] {
  let theta = [...THETA0];
  let alpha = alpha0;
  let m = [0, 0, 0];
  let v = [0, 0, 0];
  let dUdAlpha = [0, 0, 0];
  const alphas: number[] = [];
  for (let t = 1; t <= steps; t++) {
    const g = matVec(theta);
    alpha = alpha - beta * dot(g, dUdAlpha);
    alphas.push(alpha);
    m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
    v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
    const dir = m.map((mi, i) => mi / (1 - b1 ** t) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps));
    theta = theta.map((x, i) => x - alpha * dir[i]);
    dUdAlpha = dir.map((d) => -d);
  }
  return alphas;
}

/** Drives our schedule through the same quadratic; θ follows the LR the schedule returns. */
function drive(s: StatefulSchedule<HypergradientState>, steps: number, variant: 'sgd' | 'adam', b1 = 0.9, b2 = 0.999, eps = 1e-7): number[] {
  let theta = [...THETA0];
  let state = s.init();
  let m = [0, 0, 0];
  let v = [0, 0, 0];
  const lrs: number[] = [];
  for (let step = 0; step < steps; step++) {
    const g = matVec(theta);
    state = s.update(state, gradObs(step, g));
    const lr = s.value(state, step);
    lrs.push(lr);
    if (variant === 'sgd') theta = theta.map((x, i) => x - lr * g[i]);
    else {
      const t = step + 1;
      m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
      v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
      theta = theta.map((x, i) => x - (lr * m[i]) / (1 - b1 ** t) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps));
    }
  }
  return lrs;
}

function expectSequence(actual: number[], expected: number[], rtol: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    if (!(Math.abs(a - expected[i]) <= rtol * Math.abs(expected[i]))) {
      throw new Error(`step ${i}: got ${a}, expected ${expected[i]}`);
    }
  });
}

describe('hypergradient: LR sequences equal the paper\'s algorithms on a quadratic', () => {
  it('SGD-HD, 40 steps (α grows from a too-small 0.01, then settles)', () => {
    const expected = sgdHdReference(0.01, 0.01, 40);
    const actual = drive(hypergradient({ initialLearningRate: 0.01, hypergradientLr: 0.01 }), 40, 'sgd');
    // Gradients pass through Float32Array: agreement to float32 precision.
    expectSequence(actual, expected, 1e-5);
    expect(actual[0]).toBe(0.01); // first step: no previous gradient, no update
    expect(expected[39]).toBeGreaterThan(0.2);
  });

  it('Adam-HD, 40 steps, tfjs defaults (β1 0.9, β2 0.999, ε 1e-7)', () => {
    const expected = adamHdReference(0.001, 0.001, 40);
    const actual = drive(hypergradient({ initialLearningRate: 0.001, hypergradientLr: 0.001, variant: 'adam' }), 40, 'adam');
    expectSequence(actual, expected, 1e-5);
    expect(actual[0]).toBe(0.001);
    expect(expected[39]).toBeGreaterThan(0.02);
  });

  it('Adam-HD with other β1, β2, ε', () => {
    const expected = adamHdReference(0.002, 0.0005, 25, 0.8, 0.99, 1e-3);
    const s = hypergradient({ initialLearningRate: 0.002, hypergradientLr: 0.0005, variant: 'adam', beta1: 0.8, beta2: 0.99, epsilon: 1e-3 });
    expectSequence(drive(s, 25, 'adam', 0.8, 0.99, 1e-3), expected, 1e-5);
  });

  it('the TSDoc @example, and Adam-HD\'s second step by hand', () => {
    const hd = hypergradient({ initialLearningRate: 0.01, hypergradientLr: 0.001 });
    let s = hd.init();
    s = hd.update(s, gradObs(0, [2, 1]));
    s = hd.update(s, gradObs(1, [1, 1]));
    expect(hd.value(s, 1)).toBeCloseTo(0.013, 12);

    // g1 = g2 = 1: m̂_1 = 1, v̂_1 = 1 → h = 1/(1 + 1e-7); default β for adam is the paper's 1e-7.
    const ad = hypergradient({ initialLearningRate: 0.01, variant: 'adam' });
    let a = ad.init();
    a = ad.update(a, gradObs(0, [1]));
    a = ad.update(a, gradObs(1, [1]));
    expect(ad.value(a, 1)).toBeCloseTo(0.01 + 1e-7 / (1 + 1e-7), 12);
    // default β for sgd is the paper's 0.001
    const sg = hypergradient({ initialLearningRate: 0.01 });
    let b = sg.update(sg.init(), gradObs(0, [3]));
    b = sg.update(b, gradObs(1, [2]));
    expect(sg.value(b, 1)).toBeCloseTo(0.016, 12);
  });

  it('clamps α to [minLr, maxLr]', () => {
    const s = hypergradient({ initialLearningRate: 0.01, hypergradientLr: 1, minLr: 0.001, maxLr: 0.5 });
    let st = s.update(s.init(), gradObs(0, [1]));
    st = s.update(st, gradObs(1, [-1])); // h = -1 → 0.01 - 1 → clamped at 0.001
    expect(s.value(st, 1)).toBe(0.001);
    st = s.update(st, gradObs(2, [-1])); // h = +1 → 1.001 → clamped at 0.5
    expect(s.value(st, 2)).toBe(0.5);
  });
});

describe('hypergradient: state handling', () => {
  const g = (...xs: number[]): StepObservation => gradObs(0, xs);

  it('never mutates the state it is given; returns new frozen states; ignores batch/epoch observations', () => {
    const s = hypergradient({ initialLearningRate: 0.1, variant: 'adam', hypergradientLr: 0.01 });
    const s0 = s.init();
    expect(s.update(s0, { kind: 'epoch', step: 0, epoch: 0, logs: { loss: 1 } })).toBe(s0);
    const s1 = s.update(s0, g(1, 2));
    const snap1 = { lr: s1.lr, first: Array.from(s1.first!), second: Array.from(s1.second!) };
    const s2 = s.update(s1, g(3, -1));
    const snap2 = { lr: s2.lr, first: Array.from(s2.first!), second: Array.from(s2.second!) };
    const s3 = s.update(s2, g(0.5, 0.5)); // written into s1's arrays (recycled), never into s2's
    expect(Object.isFrozen(s2)).toBe(true);
    expect(s2).not.toBe(s1);
    expect(s3.first).not.toBe(s2.first);
    expect(s.requires.gradients).toBe(true);
    expect({ lr: s2.lr, first: Array.from(s2.first!), second: Array.from(s2.second!) }).toEqual(snap2);
    // s1 (two updates before the newest) had its arrays recycled: updating from it is refused, not miscomputed.
    expect(s1.lr).toBe(snap1.lr);
    expectError(() => s.update(s1, g(1, 1)), TrainingError, 'STALE_STATE', /updates old, whose arrays have been reused/);
  });

  it('branching from the state before the newest gives the same result as a fresh run', () => {
    const mk = () => hypergradient({ initialLearningRate: 0.1, variant: 'adam', hypergradientLr: 0.01 });
    const s = mk();
    const a1 = s.update(s.init(), g(1, 2));
    const a2 = s.update(a1, g(3, -1));
    s.update(a2, g(0.5, 0.5)); // newest; a2 is now the one before it
    const branched = s.update(a2, g(-2, 4));

    const f = mk();
    const fresh = f.update(f.update(f.update(f.init(), g(1, 2)), g(3, -1)), g(-2, 4));
    expect(branched.lr).toBe(fresh.lr);
    expect(Array.from(branched.first!)).toEqual(Array.from(fresh.first!));
    expect(Array.from(branched.second!)).toEqual(Array.from(fresh.second!));
  });

  it('a non-finite hypergradient leaves α unchanged and counts it', () => {
    const s = hypergradient({ initialLearningRate: 0.1, hypergradientLr: 0.01 });
    const s1 = s.update(s.init(), g(1, 1));
    const s2 = s.update(s1, g(NaN, 1));
    expect(s2.lr).toBe(0.1);
    expect(s2.skipped).toBe(1);
    const s3 = s.update(s2, g(2, 2)); // continues from g_1 = (1, 1)
    expect(s3.lr).toBeCloseTo(0.1 + 0.01 * 4, 12);
    // Deeper in a chain the skipped pass has written into the arrays of the state before the
    // newest (s3's predecessor): branching from that one is now refused rather than miscomputed.
    const s4 = s.update(s3, g(1, 0));
    const s5 = s.update(s4, g(Infinity, -Infinity));
    expect(s5.lr).toBe(s4.lr);
    expect(Array.from(s5.first!)).toEqual([1, 0]);
    expectError(() => s.update(s3, g(1, 1)), TrainingError, 'STALE_STATE', /arrays have been reused/);
    expect(s.update(s5, g(3, 1)).lr).toBeCloseTo(s4.lr + 0.01 * 3, 12);
  });

  it('a change in gradient size, or a gradients observation without gradients, is a TrainingError', () => {
    const s = hypergradient({ initialLearningRate: 0.1 });
    const s1 = s.update(s.init(), g(1, 1));
    expectError(() => s.update(s1, g(1, 1, 1)), TrainingError, 'GRADIENT_SIZE_CHANGED', /has 3 values at step 0, but 2 before/);
    expectError(() => s.update(s1, { kind: 'gradients', step: 4, epoch: 0 }), TrainingError, 'GRADIENTS_MISSING', /at step 4 carries no Float32Array/);
  });
});

describe('hypergradient: bad input', () => {
  it.each([
    [{ initialLearningRate: 0 }, 'INVALID_PARAMETER', /^hypergradient: `initialLearningRate` must be > 0\. Received: initialLearningRate=0\./],
    [{ initialLearningRate: 0.1, variant: 'rmsprop' }, 'INVALID_PARAMETER', /`variant` must be one of "sgd", "adam"\. Received: variant="rmsprop"\./],
    [{ initialLearningRate: 0.1, hypergradientLr: -1 }, 'INVALID_PARAMETER', /`hypergradientLr` must be >= 0/],
    [{ initialLearningRate: 0.1, variant: 'adam', beta1: 1 }, 'INVALID_PARAMETER', /`beta1` must be in \[0, 1\)\. Received: beta1=1\./],
    [{ initialLearningRate: 0.1, beta1: 0.8 }, 'INVALID_PARAMETER', /`beta1` only applies to variant "adam"/],
    [{ initialLearningRate: 0.1, minLr: 0.5 }, 'INVALID_PARAMETER', /`initialLearningRate` must be in \[0\.5, Infinity\]/],
    [{ initialLearningRate: 0.1, maxLr: 0.01 }, 'INVALID_PARAMETER', /`initialLearningRate` must be in \[0, 0\.01\]/],
    [{}, 'MISSING_PARAMETER', /^hypergradient: `initialLearningRate` is required\./],
  ] as Array<[Record<string, unknown>, string, RegExp]>)('%j', (args, code, message) => {
    expectError(() => hypergradient(args as never), ValidationError, code, message);
  });

  it('the family rejects unknown params', () => {
    expectError(
      () => hypergradientFamily.build({ initialLearningRate: 0.1, hypergrad_lr: 1e-3 } as never, { build: () => () => 0 }),
      ValidationError,
      'UNKNOWN_PARAMETER',
      /unknown parameter `hypergrad_lr`/,
    );
  });
});

describe('flattenGradients', () => {
  it('concatenates in sorted variable-name order by default, whatever the input order', () => {
    const grads = {
      'dense_1/kernel': tf.tensor2d([[5, 6]]),
      'dense/bias': tf.tensor1d([1]),
      'dense/kernel': tf.tensor2d([
        [2, 3],
        [4, 4.5],
      ]),
    };
    expect(Array.from(flattenGradients(grads))).toEqual([1, 2, 3, 4, 4.5, 5, 6]);
    const asArray = Object.entries(grads)
      .reverse()
      .map(([name, tensor]) => ({ name, tensor }));
    expect(Array.from(flattenGradients(asArray))).toEqual([1, 2, 3, 4, 4.5, 5, 6]);
    expect(Array.from(flattenGradients(grads, ['dense_1/kernel', 'dense/bias', 'dense/kernel']))).toEqual([5, 6, 1, 2, 3, 4, 4.5]);
    expect(flattenGradients(grads)).toBeInstanceOf(Float32Array);
    expectError(() => flattenGradients(grads, ['dense/bias', 'other']), TrainingError, 'GRADIENT_ORDER_MISMATCH', /missing: other; not in order: dense_1\/kernel, dense\/kernel/);
    tf.dispose(Object.values(grads));
  });

  it('a null gradient counts as zeros of its variable\'s size', () => {
    const v = tf.variable(tf.zeros([3]), true, 'adaptive_flatten_null_var');
    const w = tf.tensor1d([7, 8]);
    const flat = flattenGradients([
      { name: 'adaptive_flatten_null_var', tensor: null },
      { name: 'a_first', tensor: w },
    ]);
    expect(Array.from(flat)).toEqual([7, 8, 0, 0, 0]);
    v.dispose();
    w.dispose();
  });
});

describe('hypergradient driving real tfjs optimizers on a quadratic', () => {
  /** Runs `steps` optimizer steps on ½θᵀAθ; with `schedule`, the LR is set from it before each step. */
  function train(optimizer: tf.Optimizer, steps: number, schedule?: StatefulSchedule<HypergradientState>, setLr?: (lr: number) => void) {
    const theta = tf.variable(tf.tensor1d(THETA0), true, `theta_${Math.random().toString(36).slice(2)}`);
    const a = tf.tensor2d(A);
    const f = () => tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(theta, tf.matMul(a, theta.reshape([3, 1])).reshape([3])))) as tf.Scalar);
    let state = schedule?.init();
    const lrs: number[] = [];
    for (let step = 0; step < steps; step++) {
      const { value, grads } = optimizer.computeGradients(f);
      value.dispose();
      if (schedule && state && setLr) {
        state = schedule.update(state, { kind: 'gradients', step, epoch: 0, gradients: flattenGradients(grads) });
        const lr = schedule.value(state, step);
        setLr(lr);
        lrs.push(lr);
      }
      optimizer.applyGradients(grads);
      tf.dispose(Object.values(grads));
    }
    const finalTheta = Array.from(theta.dataSync());
    const loss = quadLoss(finalTheta);
    theta.dispose();
    a.dispose();
    return { loss, lrs, state };
  }

  it('SGD-HD on tf.train.sgd with a too-small LR: the LR grows and the loss falls far below fixed-LR SGD', () => {
    const fixed = tf.train.sgd(0.01);
    const fixedRun = train(fixed, 50);
    const sgd = tf.train.sgd(0.01);
    const hdRun = train(sgd, 50, hypergradient({ initialLearningRate: 0.01, hypergradientLr: 0.01 }), (lr) => sgd.setLearningRate(lr));
    fixed.dispose();
    sgd.dispose();
    // float64 reference of the same 50 steps: fixed 1.920, HD 2.1e-4.
    expect(fixedRun.loss).toBeCloseTo(1.9203, 3);
    expect(hdRun.loss).toBeLessThan(1e-3);
    expect(hdRun.loss).toBeLessThan(fixedRun.loss / 1000);
    expect(hdRun.lrs[0]).toBe(0.01);
    expect(hdRun.lrs[49]).toBeGreaterThan(0.2);
    // The LR sequence is the paper's (θ followed the tfjs optimizer, in float32).
    expectSequence(hdRun.lrs, sgdHdReference(0.01, 0.01, 50), 1e-4);
  });

  it('Adam-HD on tf.train.adam: shadow moments equal tfjs Adam\'s own, and the loss beats fixed-LR Adam', async () => {
    const fixed = tf.train.adam(0.001);
    const fixedRun = train(fixed, 60);
    const adam = tf.train.adam(0.001);
    const hd = hypergradient({ initialLearningRate: 0.001, hypergradientLr: 0.001, variant: 'adam' });
    const hdRun = train(adam, 60, hd, (lr) => {
      (adam as unknown as { learningRate: number }).learningRate = lr;
    });
    // tfjs keeps m and v as optimizer weights: [iterations, m..., v...].
    const weights = await adam.getWeights();
    const m = Array.from(weights[1].tensor.dataSync());
    const v = Array.from(weights[2].tensor.dataSync());
    expectSequence(Array.from(hdRun.state!.first!), m, 1e-4);
    expectSequence(Array.from(hdRun.state!.second!), v, 1e-4);
    fixed.dispose();
    adam.dispose();
    expect(hdRun.lrs[59]).toBeGreaterThan(10 * 0.001);
    // float32 run here: fixed-LR Adam 2.875, Adam-HD 0.0269.
    expect(hdRun.loss).toBeLessThan(fixedRun.loss / 20);
    expectSequence(hdRun.lrs, adamHdReference(0.001, 0.001, 60), 1e-3);
  });
});
