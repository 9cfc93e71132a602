import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { defaultRuntime } from '../../src/container.js';
import type { Schedule } from '../../src/schedules/schedule.js';
import { scheduledOptimizer } from '../../src/callback.js';
import { irisTensors } from '../helpers/iris.js';

/** Custom training loops on iris with the scheduledOptimizer wrapper (wasm backend). */

let x: tf.Tensor2D;
let y: tf.Tensor2D;

function net(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
}

const lossOf = (model: tf.Sequential, xb: tf.Tensor, yb: tf.Tensor) => tf.losses.softmaxCrossEntropy(yb, model.predict(xb) as tf.Tensor) as tf.Scalar;
const fullLoss = (model: tf.Sequential) => tf.tidy(() => lossOf(model, x, y).dataSync()[0]);

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  const iris = irisTensors();
  const perm = tf.tensor1d(Array.from({ length: 150 }, (_, i) => (i * 37) % 150), 'int32');
  x = tf.gather(iris.x, perm);
  y = tf.gather(iris.y, perm);
  tf.dispose([iris.x, iris.y, iris.labels, perm]);
});

afterAll(() => tf.dispose([x, y]));

describe('scheduledOptimizer in custom loops (iris, wasm)', () => {
  it('minimize with warm-up + cosine: the LR of every step matches the schedule and the loss falls', () => {
    const spec = { family: 'cosine_decay', params: { initialLearningRate: 0.0, warmupTarget: 0.5, warmupSteps: 5, decaySteps: 25 } };
    const schedule = defaultRuntime().schedules.build(spec) as Schedule;
    const model = net();
    const sgd = tf.train.sgd(1);
    const opt = scheduledOptimizer(sgd, { schedule: spec, totalSteps: 30, stepsPerEpoch: 5 });
    const before = fullLoss(model);
    const used: number[] = [];
    for (let epoch = 0; epoch < 6; epoch++) {
      for (let b = 0; b < 5; b++) {
        const xb = x.slice([b * 30, 0], [30, 4]);
        const yb = y.slice([b * 30, 0], [30, 3]);
        const cost = opt.minimize(() => lossOf(model, xb, yb), true)!;
        used.push((sgd as unknown as { learningRate: number }).learningRate);
        opt.observe({ loss: cost.dataSync()[0] });
        tf.dispose([cost, xb, yb]);
      }
      opt.endEpoch({ loss: fullLoss(model) });
    }
    used.forEach((lr, s) => expect(lr).toBeCloseTo(schedule(s), 12));
    expect(used[0]).toBe(0);
    expect(Math.max(...used)).toBeCloseTo(0.5, 12);
    expect(opt.step).toBe(30);
    expect(fullLoss(model)).toBeLessThan(0.5 * before);
    opt.release();
  });

  it('applyGradients with Adam-HD (hypergradient variant "adam"): the LR adapts from the gradients the loop passes', () => {
    const model = net();
    const adam = tf.train.adam(0.01);
    const opt = scheduledOptimizer(adam, { schedule: { family: 'hypergradient', params: { initialLearningRate: 0.01, variant: 'adam', hypergradientLr: 1e-4 } } });
    const before = fullLoss(model);
    const lrs: number[] = [];
    for (let step = 0; step < 20; step++) {
      const b = step % 5;
      const xb = x.slice([b * 30, 0], [30, 4]);
      const yb = y.slice([b * 30, 0], [30, 3]);
      const { value, grads } = tf.variableGrads(() => lossOf(model, xb, yb));
      opt.applyGradients(grads);
      lrs.push((adam as unknown as { learningRate: number }).learningRate);
      tf.dispose([value, xb, yb]);
      tf.dispose(grads);
    }
    expect(lrs[0]).toBe(0.01); // no previous update direction yet
    expect(new Set(lrs.slice(1)).size).toBeGreaterThan(10);
    expect(fullLoss(model)).toBeLessThan(before);
    opt.release();
  });
});
