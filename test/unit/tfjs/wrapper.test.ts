import * as tf from '@tensorflow/tfjs';
import { builtinOptimizerAdapters } from '../../../plugins/optimizers-tfjs/index.js';
import { hypergradient, reduceOnPlateau } from '../../../plugins/schedules-adaptive/index.js';
import { TrainingError } from '../../../src/core/errors.js';
import { defaultRuntime } from '../../../src/container.js';
import { currentController } from '../../../src/tfjs/controller-lock.js';
import { scheduledOptimizer } from '../../../src/callback.js';

/** Custom training loops: f(θ) = ½ θ², so the gradient is θ and every step can be computed by hand. */

const runtime = { schedules: defaultRuntime().schedules, optimizers: builtinOptimizerAdapters };
let n = 0;

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

describe('scheduledOptimizer', () => {
  it('minimize: exponential decay, θ_{t+1} = θ_t − lr_t θ_t with lr_t = 0.5 · 0.5^(t/2)', () => {
    const theta = tf.variable(tf.scalar(1), true, `wrap_theta_${n++}`);
    const opt = scheduledOptimizer(tf.train.sgd(1), {
      schedule: { family: 'exponential', params: { initialLearningRate: 0.5, decaySteps: 2, decayRate: 0.5 } },
      runtime,
    });
    let expected = 1;
    const costs: number[] = [];
    for (let t = 0; t < 6; t++) {
      expect(opt.step).toBe(t);
      const lr = 0.5 * 0.5 ** (t / 2);
      expect(opt.learningRate).toBeCloseTo(lr, 12);
      const cost = opt.minimize(() => theta.square().mul(0.5).asScalar() as tf.Scalar, true, [theta])!;
      costs.push(cost.dataSync()[0]);
      cost.dispose();
      expected -= lr * expected;
      expect(theta.dataSync()[0]).toBeCloseTo(expected, 6);
    }
    expect(costs[0]).toBeCloseTo(0.5, 7);
    expect(opt.minimize(() => theta.square().asScalar() as tf.Scalar)).toBeNull();
    opt.release();
    theta.dispose();
  });

  it('applyGradients + hypergradient (SGD-HD): α_t = α_{t−1} + β g_t·g_{t−1}, from gradients the wrapper shows it', () => {
    const theta = tf.variable(tf.tensor1d([1, -2]), true, `wrap_hd_${n++}`);
    const sgd = tf.train.sgd(1);
    const opt = scheduledOptimizer(sgd, { schedule: hypergradient({ initialLearningRate: 0.1, hypergradientLr: 0.05 }), runtime });
    let th = [1, -2];
    let prev: number[] | null = null;
    let alpha = 0.1;
    for (let t = 0; t < 5; t++) {
      const g = th.slice(); // ∇ ½|θ|² = θ
      if (prev) alpha += 0.05 * (g[0] * prev[0] + g[1] * prev[1]);
      const { grads } = tf.variableGrads(() => theta.square().sum().mul(0.5) as tf.Scalar, [theta]);
      opt.applyGradients(grads);
      tf.dispose(grads);
      expect((sgd as unknown as { learningRate: number }).learningRate).toBeCloseTo(alpha, 6);
      th = th.map((v, i) => v - alpha * g[i]);
      const got = Array.from(theta.dataSync());
      expect(got[0]).toBeCloseTo(th[0], 5);
      expect(got[1]).toBeCloseTo(th[1], 5);
      prev = g;
    }
    expect(alpha).toBeGreaterThan(0.1); // consecutive gradients agree → the LR grows
    expect(opt.step).toBe(5);
    opt.release();
    theta.dispose();
  });

  it('observe / endEpoch feed a plateau schedule; a missing metric is METRIC_NOT_FOUND', () => {
    const opt = scheduledOptimizer(tf.train.adam(0.3), {
      schedule: reduceOnPlateau({ learningRate: 0.1, monitor: 'val_loss', factor: 0.1, patience: 1 }),
      runtime,
    });
    const lrs: number[] = [];
    for (const val of [1, 0.5, 0.6, 0.7, 0.8]) {
      lrs.push(opt.learningRate);
      opt.observe({ loss: val });
      opt.endEpoch({ val_loss: val });
    }
    // Keras semantics, patience 1: reduce after the first non-improving epoch (0.6), again after 0.7.
    expect(lrs.map((v) => +v.toPrecision(6))).toEqual([0.1, 0.1, 0.1, 0.01, 0.001]);
    expect(opt.epoch).toBe(5);
    let err: unknown;
    try {
      opt.endEpoch({ loss: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrainingError);
    expect((err as TrainingError).code).toBe('METRIC_NOT_FOUND');
    expect((err as Error).message).toMatch(/monitors `val_loss`.*Available: loss\./);
    opt.release();
  });

  it('one controller per optimizer; release() hands it back; a released wrapper refuses to step', () => {
    const adam = tf.train.adam(0.01);
    const a = scheduledOptimizer(adam, { schedule: () => 0.01, runtime });
    expect(currentController(adam)).toBeDefined();
    expect(() => scheduledOptimizer(adam, { schedule: () => 0.02, runtime })).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_LR_CONTROLLER' }) as unknown as Error,
    );
    a.release();
    a.release(); // idempotent
    expect(currentController(adam)).toBeUndefined();
    expect(() => a.applyGradients({})).toThrow(/was released/);
    const b = scheduledOptimizer(adam, { schedule: () => 0.02, runtime });
    b.release();
  });

  it('minimize disposes the cost tensor (and the gradients) when the step throws, whatever returnCost is', () => {
    const theta = tf.variable(tf.scalar(1), true, `wrap_leak_${n++}`);
    const released = scheduledOptimizer(tf.train.sgd(0.1), { schedule: () => 0.1, runtime });
    released.release();
    const negative = scheduledOptimizer(tf.train.sgd(0.1), { schedule: () => -1, runtime });
    const f = () => theta.square().asScalar() as tf.Scalar;
    const cases: Array<[typeof released, string]> = [
      [released, 'WRAPPER_RELEASED'],
      [negative, 'INVALID_LEARNING_RATE'],
    ];
    for (const [opt, code] of cases) {
      for (const returnCost of [false, true]) {
        const before = tf.memory().numTensors;
        expect(() => opt.minimize(f, returnCost, [theta])).toThrow(expect.objectContaining({ code }) as unknown as Error);
        expect(tf.memory().numTensors).toBe(before);
      }
    }
    expect(theta.dataSync()[0]).toBe(1);
    negative.release();
    theta.dispose();
  });

  it('validates arguments and the optimizer class', () => {
    expect(() => scheduledOptimizer(tf.train.sgd(0.1), { schedule: () => 0.1, totalSteps: 0, runtime })).toThrow(
      /scheduledOptimizer: `totalSteps` must be an integer >= 1\. Received: totalSteps=0\./,
    );
    class Odd extends tf.SGDOptimizer {
      static override get className() {
        return 'Odd';
      }
    }
    expect(() => scheduledOptimizer(new Odd(0.1), { schedule: () => 0.1, runtime })).toThrow(
      expect.objectContaining({ code: 'NO_OPTIMIZER_ADAPTER' }) as unknown as Error,
    );
  });
});
