import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { jest } from '@jest/globals';
import { defaultRuntime } from '../../src/container.js';
import type { Schedule } from '../../src/schedules/schedule.js';
import { lrScheduler } from '../../src/callback.js';
import { currentController } from '../../src/tfjs/controller-lock.js';
import { MemoryRecorder } from '../../src/tfjs/memory-recorder.js';
import { irisTensors } from '../helpers/iris.js';

/**
 * One real model.fit per callback kind on iris (150 × 4, 3 classes), wasm backend.
 * 150 samples: with validationSplit 0.2 → 120 training rows; batch 24 → 5 steps per epoch.
 */

let x: tf.Tensor2D;
let y: tf.Tensor2D;
const lrOf = (opt: tf.Optimizer) => (opt as unknown as { learningRate: number }).learningRate;

function mlp(optimizer: tf.Optimizer): tf.Sequential {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }), tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })],
  });
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['acc'] });
  return model;
}

const fitArgs = (epochs: number, extra: tf.ModelFitArgs = {}): tf.ModelFitArgs => ({ epochs, batchSize: 24, validationSplit: 0.2, shuffle: true, verbose: 0, ...extra });
const STEPS_PER_EPOCH = 5;

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  const iris = irisTensors();
  // iris.csv is sorted by class: a fixed permutation (37 is coprime with 150) mixes the validation split.
  const perm = tf.tensor1d(Array.from({ length: 150 }, (_, i) => (i * 37) % 150), 'int32');
  x = tf.gather(iris.x, perm);
  y = tf.gather(iris.y, perm);
  tf.dispose([iris.x, iris.y, iris.labels, perm]);
});

afterAll(() => {
  tf.dispose([x, y]);
});

describe('lrScheduler inside a real model.fit (iris, wasm)', () => {
  it('pure schedule (cosine_decay): LR after fit = schedule(totalSteps − 1); History.learning_rate per epoch; works next to earlyStopping in either order', async () => {
    const spec = { family: 'cosine_decay', params: { initialLearningRate: 0.2, decaySteps: 30, alpha: 0.1 } };
    const schedule = defaultRuntime().schedules.build(spec) as Schedule;
    const opt = tf.train.sgd(0.5);
    const model = mlp(opt);
    const recorder = new MemoryRecorder();
    const cb = lrScheduler({ schedule: spec, recorder });
    const history = await model.fit(x, y, fitArgs(4, { callbacks: [cb] }));
    const totalSteps = 4 * STEPS_PER_EPOCH;
    expect(cb.context).toEqual({ stepsPerEpoch: STEPS_PER_EPOCH, totalSteps });
    expect(lrOf(opt)).toBeCloseTo(schedule(totalSteps - 1), 12);
    expect(-(opt as unknown as { c: tf.Scalar }).c.dataSync()[0]).toBeCloseTo(schedule(totalSteps - 1), 6);
    const expectedPerEpoch = [0, 1, 2, 3].map((e) => schedule((e + 1) * STEPS_PER_EPOCH - 1));
    (history.history['learning_rate'] as number[]).forEach((v, i) => expect(v).toBeCloseTo(expectedPerEpoch[i], 12));
    expect(recorder.epochs).toHaveLength(4);
    for (const r of recorder.epochs) {
      expect(Number.isFinite(r.loss)).toBe(true);
      expect(Number.isFinite(r.val_loss)).toBe(true);
      expect(Object.keys(r.metrics).sort()).toEqual(['acc', 'val_acc']);
      expect(r.wallTimeMs).toBeGreaterThan(0);
    }
    expect(recorder.info).toMatchObject({ backend: 'wasm', tfjsVersion: '4.22.0', epochs: 4, stepsPerEpoch: STEPS_PER_EPOCH });
    expect(recorder.outcome).toMatchObject({ status: 'completed', epochsRun: 4, steps: totalSteps });
    expect(currentController(opt)).toBeUndefined();

    // tfjs passes an array through only when its first entry is a tf.Callback instance; ours is one,
    // so EarlyStopping (a Callback subclass) keeps working in either position. minDelta 10 → it stops
    // after 2 epochs (the first sets the best, the second "fails to improve" by 10).
    for (const order of ['ours-first', 'ours-second'] as const) {
      const opt2 = tf.train.adam(0.01);
      const m2 = mlp(opt2);
      const ours = lrScheduler({ schedule: spec });
      const early = tf.callbacks.earlyStopping({ monitor: 'val_loss', minDelta: 10, patience: 1 });
      const h = await m2.fit(x, y, fitArgs(6, { callbacks: order === 'ours-first' ? [ours, early] : [early, ours] }));
      expect(h.epoch).toEqual([0, 1]);
      expect(h.history['learning_rate']).toHaveLength(2);
      expect(lrOf(opt2)).toBeCloseTo(schedule(2 * STEPS_PER_EPOCH - 1), 12);
      expect(ours.status).toBe('completed');
    }
  });

  it('a plain config object first in the array: tfjs wraps every entry; works when given { model }, clear error otherwise', async () => {
    const epochsSeen: number[] = [];
    const plain = { onEpochEnd: async (epoch: number) => void epochsSeen.push(epoch) };
    const opt = tf.train.rmsprop(0.01);
    const model = mlp(opt);
    const err = await model.fit(x, y, fitArgs(1, { callbacks: [plain, lrScheduler({ schedule: () => 0.002 })] })).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('CALLBACK_WITHOUT_MODEL');
    expect((err as Error).message).toMatch(/pass \{ model \} to lrScheduler/);

    const cb = lrScheduler({ schedule: (s: number) => 0.001 * (s + 1), model, stepsPerEpoch: STEPS_PER_EPOCH });
    const h = await model.fit(x, y, fitArgs(2, { callbacks: [plain, cb] }));
    expect(epochsSeen).toEqual([0, 1]);
    expect(lrOf(opt)).toBeCloseTo(0.001 * 10, 12);
    expect(h.history['learning_rate']).toEqual([0.001 * 5, 0.001 * 10]);
  });

  it('reduce_on_plateau (stateful, epoch metric val_loss): the LR halves after each epoch that fails to improve', async () => {
    const opt = tf.train.adam(0.3);
    const model = mlp(opt);
    const cb = lrScheduler({
      // minDelta 10: only the first epoch counts as an improvement, so the reductions are predictable.
      schedule: { family: 'reduce_on_plateau', params: { learningRate: 0.02, monitor: 'val_loss', factor: 0.5, patience: 1, minDelta: 10 } },
    });
    const h = await model.fit(x, y, fitArgs(4, { callbacks: [cb] }));
    // Keras writes the LR in use during the epoch; the reduction applies from the next epoch.
    const lrs = h.history['learning_rate'] as number[];
    [0.02, 0.02, 0.01, 0.005].forEach((v, i) => expect(lrs[i]).toBeCloseTo(v, 12));
    expect(lrOf(opt)).toBeCloseTo(0.005, 12);
  });

  it('hypergradient (SGD-HD): gradients are observed inside model.fit and the LR moves off its initial value', async () => {
    const opt = tf.train.sgd(1);
    const model = mlp(opt);
    const cb = lrScheduler({ schedule: { family: 'hypergradient', params: { initialLearningRate: 0.05, hypergradientLr: 0.01 } } });
    const h = await model.fit(x, y, fitArgs(3, { callbacks: [cb] }));
    const lrs = h.history['learning_rate'] as number[];
    expect(lrs).toHaveLength(3);
    expect(Math.abs(lrOf(opt) - 0.05)).toBeGreaterThan(1e-4);
    expect(new Set(lrs).size).toBe(3);
    expect(lrOf(opt)).toBe(lrs[2]);
    // The tap is removed after fit: the optimizer is the same instance with its own methods back.
    expect(model.optimizer).toBe(opt);
    expect(Object.prototype.hasOwnProperty.call(opt, 'applyGradients')).toBe(false);
  });

  it('one_cycle on a Momentum optimizer: LR and momentum follow the schedule', async () => {
    const spec = { family: 'one_cycle', params: { maxLearningRate: 0.1 } };
    const schedule = defaultRuntime().schedules.build(spec) as Schedule & { momentum: NonNullable<Schedule['momentum']> };
    const opt = tf.train.momentum(0.01, 0.9);
    const model = mlp(opt);
    const momentumPerEpoch: number[] = [];
    const probe = new tf.CustomCallback({ onEpochEnd: async () => void momentumPerEpoch.push((opt as unknown as { momentum: number }).momentum) });
    const cb = lrScheduler({ schedule: spec });
    const h = await model.fit(x, y, fitArgs(3, { callbacks: [cb, probe] }));
    const ctx = { stepsPerEpoch: STEPS_PER_EPOCH, totalSteps: 3 * STEPS_PER_EPOCH };
    const last = (e: number) => (e + 1) * STEPS_PER_EPOCH - 1;
    (h.history['learning_rate'] as number[]).forEach((v, e) => expect(v).toBeCloseTo(schedule(last(e), ctx), 12));
    momentumPerEpoch.forEach((m, e) => expect(m).toBeCloseTo(schedule.momentum(last(e), ctx), 12));
    expect(new Set(momentumPerEpoch.map((m) => m.toFixed(4))).size).toBe(3);
    expect((opt as unknown as { m: tf.Scalar }).m.dataSync()[0]).toBeCloseTo(schedule.momentum(last(2), ctx), 6);
  });

  it('NaN/Inf loss stops model.fit early and marks the run diverged', async () => {
    // A linear least-squares model: with LR 50 every SGD step multiplies the error, so it overflows.
    const opt = tf.train.sgd(0.01);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
    model.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const recorder = new MemoryRecorder();
    const cb = lrScheduler({ schedule: (s: number) => (s < 3 ? 0.01 : 50), recorder });
    const messages: string[] = [];
    const errors = jest.spyOn(console, 'error').mockImplementation((m: unknown) => void messages.push(String(m)));
    const h = await model.fit(x, y, fitArgs(20, { callbacks: [cb] }));
    errors.mockRestore();
    expect(cb.status).toBe('diverged');
    expect(cb.divergence!.step).toBeGreaterThanOrEqual(3);
    expect(cb.divergence!.learningRate).toBe(50);
    expect(Number.isFinite(cb.divergence!.loss)).toBe(false);
    expect(h.epoch.length).toBeLessThan(20);
    expect(h.epoch.length).toBe(cb.divergence!.epoch + 1);
    expect(messages).toEqual([cb.divergence!.message]);
    expect(recorder.outcome).toMatchObject({ status: 'diverged', epochsRun: cb.divergence!.epoch + 1, steps: cb.divergence!.step + 1 });
  });

  it('two lrScheduler callbacks in one fit: DUPLICATE_LR_CONTROLLER; the model trains again afterwards', async () => {
    const opt = tf.train.adagrad(0.1);
    const model = mlp(opt);
    const err = await model
      .fit(x, y, fitArgs(1, { callbacks: [lrScheduler({ schedule: () => 0.1 }), lrScheduler({ schedule: () => 0.2 })] }))
      .catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('DUPLICATE_LR_CONTROLLER');
    // The first callback never got onTrainEnd (tfjs aborted the fit): its lock is stale, not blocking.
    const cb = lrScheduler({ schedule: () => 0.05 });
    await model.fit(x, y, fitArgs(1, { callbacks: [cb] }));
    expect(lrOf(opt)).toBe(0.05);
  });

  it('fitDataset: stepsPerEpoch from batchesPerEpoch', async () => {
    const opt = tf.train.adamax(0.01);
    const model = mlp(opt);
    const ds = tf.data.zip({ xs: tf.data.array(x.arraySync()), ys: tf.data.array(y.arraySync()) }).batch(30).repeat();
    const cb = lrScheduler({ schedule: { family: 'step', params: { initialLearningRate: 0.01, stepSize: 4, gamma: 0.5 } } });
    const h = await model.fitDataset(ds, { epochs: 2, batchesPerEpoch: 4, verbose: 0, callbacks: [cb] });
    expect(cb.context).toEqual({ stepsPerEpoch: 4, totalSteps: 8 });
    expect(h.history['learning_rate']).toEqual([0.01, 0.005]);
  });

  it('fitDataset with initialEpoch (tfjs passes initialEpoch null to the callbacks): the global step starts at initialEpoch × stepsPerEpoch', async () => {
    const opt = tf.train.sgd(0.5);
    const model = mlp(opt);
    const ds = tf.data.zip({ xs: tf.data.array(x.arraySync()), ys: tf.data.array(y.arraySync()) }).batch(30).repeat();
    const steps: number[] = [];
    const lrs: number[] = [];
    const cb = lrScheduler({ schedule: (s: number) => 0.001 * (s + 1) });
    const probe = new tf.CustomCallback({
      onBatchBegin: async () => {
        steps.push(cb.step);
        lrs.push(lrOf(opt));
      },
    });
    await model.fitDataset(ds, { epochs: 3, initialEpoch: 2, batchesPerEpoch: 4, verbose: 0, callbacks: [cb, probe] });
    expect(steps).toEqual([8, 9, 10, 11]);
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(0.001 * (9 + i), 12));
    expect(cb.context).toEqual({ stepsPerEpoch: 4, totalSteps: 12 });
  });

  it('reused after a fit killed by another callback: the next fit follows the schedule from step 0 with one gradient tap', async () => {
    const opt = tf.train.sgd(1);
    const model = mlp(opt);
    const recorder = new MemoryRecorder();
    const outcomes: unknown[] = [];
    const finish = recorder.finish.bind(recorder);
    recorder.finish = (o) => {
      outcomes.push(o);
      finish(o);
    };
    let observations = 0;
    const cb = lrScheduler({
      // LR = 0.01 × (step + 1), set inside the applyGradients tap (the schedule needs gradients).
      schedule: {
        kind: 'stateful',
        requires: { gradients: true },
        init: () => null,
        update: (s: null, obs: { kind: string }) => {
          if (obs.kind === 'gradients') observations++;
          return s;
        },
        value: (_s: null, step: number) => 0.01 * (step + 1),
      },
      recorder,
    });
    const boom = new tf.CustomCallback({
      onEpochEnd: async () => {
        throw new Error('another callback failed');
      },
    });
    await expect(model.fit(x, y, fitArgs(1, { callbacks: [cb, boom] }))).rejects.toThrow('another callback failed');
    expect(cb.step).toBe(STEPS_PER_EPOCH);

    observations = 0;
    const lrAfterStep: number[] = [];
    const probe = new tf.CustomCallback({ onBatchEnd: async () => void lrAfterStep.push(lrOf(opt)) });
    await model.fit(x, y, fitArgs(1, { callbacks: [cb, probe] }));
    expect(observations).toBe(STEPS_PER_EPOCH);
    lrAfterStep.forEach((lr, i) => expect(lr).toBeCloseTo(0.01 * (i + 1), 12));
    expect(outcomes).toEqual([
      expect.objectContaining({ status: 'failed', reason: 'interrupted', steps: STEPS_PER_EPOCH }),
      expect.objectContaining({ status: 'completed', steps: STEPS_PER_EPOCH }),
    ]);
    expect(Object.prototype.hasOwnProperty.call(opt, 'applyGradients')).toBe(false);
    expect(currentController(opt)).toBeUndefined();
  });

  it('another callback stops model.fit mid-epoch (tfjs skips that validation): a val_loss plateau schedule does not fail', async () => {
    const opt = tf.train.adam(0.01);
    const model = mlp(opt);
    const cb = lrScheduler({ schedule: { family: 'reduce_on_plateau', params: { learningRate: 0.02, monitor: 'val_loss', patience: 1 } } });
    const stopper = new tf.CustomCallback({
      onBatchEnd: async (batch: number) => {
        if (batch === 1) model.stopTraining = true;
      },
    });
    const h = await model.fit(x, y, fitArgs(3, { callbacks: [cb, stopper] }));
    expect(h.epoch).toEqual([0]);
    expect(h.history['val_loss']).toBeUndefined();
    expect(cb.status).toBe('completed');
    expect(cb.step).toBe(2);
  });
});
