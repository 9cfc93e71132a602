/**
 * The adaptive schedules under metatune's own drivers (the model.fit callback and the custom-loop
 * wrapper), to prove the observation protocol end to end. A local SGD/Adam adapter keeps this
 * independent of the optimizer plugin.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from '@jest/globals';
import type { OptimizerAdapter } from '../../../src/tfjs/optimizer-adapter.js';
import { lrScheduler } from '../../../src/callback.js';
import { scheduledOptimizer } from '../../../src/callback.js';
import { hypergradient } from '../../../plugins/schedules-adaptive/hypergradient.js';
import { reduceOnPlateau } from '../../../plugins/schedules-adaptive/reduce-on-plateau.js';

const adapters: OptimizerAdapter[] = [
  {
    id: 'SGD',
    className: 'SGD',
    getLearningRate: (o) => (o as unknown as { learningRate: number }).learningRate,
    setLearningRate: (o, lr) => (o as tf.SGDOptimizer).setLearningRate(lr),
  },
  {
    id: 'Adam',
    className: 'Adam',
    getLearningRate: (o) => (o as unknown as { learningRate: number }).learningRate,
    setLearningRate: (o, lr) => {
      (o as unknown as { learningRate: number }).learningRate = lr;
    },
  },
];
const runtime = { optimizers: adapters, schedules: { build: () => (): number => 1 } };

// y = 2·x0 - x1 + 0.5 on a fixed grid (deterministic data; zero-initialised weights).
function data(n: number, offset: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.sin(i + offset);
    const b = Math.cos(2 * i + offset);
    x.push([a, b]);
    y.push([2 * a - b + 0.5]);
  }
  return { xs: tf.tensor2d(x), ys: tf.tensor2d(y) };
}

function model(optimizer: tf.Optimizer): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros', biasInitializer: 'zeros' }));
  m.compile({ optimizer, loss: 'meanSquaredError' });
  return m;
}

describe('adaptive schedules under the drivers', () => {
  it('reduce_on_plateau in model.fit: epoch LRs follow the Keras rule applied to the run\'s own val_loss', async () => {
    const train = data(64, 0);
    const val = data(32, 100);
    const opt = tf.train.sgd(0.2);
    const m = model(opt);
    const schedule = reduceOnPlateau({ learningRate: 0.2, patience: 1, factor: 0.5, minDelta: 0.02 });
    const history = await m.fit(train.xs, train.ys, {
      epochs: 8,
      batchSize: 16,
      validationData: [val.xs, val.ys],
      callbacks: [lrScheduler({ schedule, runtime })],
    });
    const lrs = history.history['learning_rate'] as number[];
    const valLoss = history.history['val_loss'] as number[];
    // Replay: the LR of epoch e+1 is the rule's value after val_loss[0..e]; epoch 0 runs at 0.2.
    const replay = reduceOnPlateau({ learningRate: 0.2, patience: 1, factor: 0.5, minDelta: 0.02 });
    let state = replay.init();
    const expected = [0.2];
    for (let e = 0; e < 7; e++) {
      state = replay.update(state, { kind: 'epoch', step: (e + 1) * 4, epoch: e, logs: { val_loss: valLoss[e] } });
      expected.push(replay.value(state, (e + 1) * 4));
    }
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(expected[i], 10));
    // Non-vacuous: the loss plateaus within 8 epochs (improvements < 0.02), so at least one reduction fired.
    expect(Math.min(...lrs)).toBeLessThan(0.2);
    tf.dispose([train.xs, train.ys, val.xs, val.ys]);
    m.dispose();
  });

  it('hypergradient (SGD-HD) in model.fit: the callback feeds gradients, the LR grows from a too-small start, loss beats fixed LR', async () => {
    const train = data(64, 0);
    const fit = async (withHd: boolean) => {
      const opt = tf.train.sgd(0.005);
      const m = model(opt);
      const callbacks = withHd ? [lrScheduler({ schedule: hypergradient({ initialLearningRate: 0.005, hypergradientLr: 0.01 }), runtime })] : [];
      const h = await m.fit(train.xs, train.ys, { epochs: 5, batchSize: 16, shuffle: false, callbacks });
      m.dispose();
      return h.history;
    };
    const fixed = await fit(false);
    const hd = await fit(true);
    const lrs = hd['learning_rate'] as number[];
    expect(lrs[4]).toBeGreaterThan(5 * 0.005);
    const lastFixed = (fixed['loss'] as number[])[4];
    const lastHd = (hd['loss'] as number[])[4];
    expect(lastHd).toBeLessThan(lastFixed / 2);
    tf.dispose([train.xs, train.ys]);
  });

  it('hypergradient (Adam-HD) in a custom loop with scheduledOptimizer: LR sequence equals the paper\'s loop', () => {
    // ½‖θ - c‖² with c = (3, -1): ∇ = θ - c, from θ0 = 0.
    const c = [3, -1];
    const theta = tf.variable(tf.zeros([2]), true, 'theta_adaptive_driver');
    const target = tf.tensor1d(c);
    const opt = scheduledOptimizer(tf.train.adam(0.01), {
      schedule: hypergradient({ initialLearningRate: 0.01, hypergradientLr: 0.001, variant: 'adam' }),
      runtime,
    });
    const lrs: number[] = [];
    for (let i = 0; i < 30; i++) {
      opt.minimize(() => tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(tf.sub(theta, target)))) as tf.Scalar));
      lrs.push(opt.learningRate);
    }
    opt.release();

    // Paper's Adam-HD in float64, tfjs ε = 1e-7.
    let th = [0, 0];
    let alpha = 0.01;
    let m = [0, 0];
    let v = [0, 0];
    let dir = [0, 0];
    const ref: number[] = [];
    for (let t = 1; t <= 30; t++) {
      const g = th.map((x, i) => x - c[i]);
      alpha += 0.001 * (g[0] * dir[0] + g[1] * dir[1]);
      ref.push(alpha);
      m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]);
      v = v.map((vi, i) => 0.999 * vi + 0.001 * g[i] * g[i]);
      dir = m.map((mi, i) => mi / (1 - 0.9 ** t) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-7));
      th = th.map((x, i) => x - alpha * dir[i]);
    }
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(ref[i], 6));
    expect(lrs[29]).toBeGreaterThan(0.05);
    theta.dispose();
    target.dispose();
  });
});
