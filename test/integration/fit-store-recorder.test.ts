import { jest } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { lrScheduler } from '../../src/callback.js';
import { StoreRecorder } from '../../src/traces/store-recorder.js';
import { getStore } from '../../src/container.js';
import type { TraceStore } from '../../src/traces/store.js';
import { resolveBackend } from '../../src/tfjs/backend.js';
import { irisTensors } from '../helpers/iris.js';

/** The loop closes: a real model.fit on iris, driven by the callback, lands in the store as a trace. */
describe('model.fit → StoreRecorder → trace store', () => {
  let store: TraceStore;
  beforeAll(async () => {
    await resolveBackend({ preferred: 'wasm', quiet: true });
    store = await getStore('memory:');
  });
  afterAll(() => store.close());

  function model(seed: number): tf.LayersModel {
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
      ],
    });
    return m;
  }

  it('records every epoch with its learning rate and finishes the run completed', async () => {
    const { x, y, labels } = irisTensors();
    const m = model(3);
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const recorder = new StoreRecorder({ store, task: { id: 'iris', kind: 'classification', parentDataset: 'iris' }, model: { name: 'mlp-16' } });
    const schedule = { family: 'step', params: { initialLearningRate: 0.1, stepSize: 10, gamma: 0.5 } };
    // 150 rows, batch 30 → 5 steps per epoch; the LR halves every 10 steps = every 2 epochs.
    await m.fit(x, y, { epochs: 4, batchSize: 30, validationSplit: 0.2, shuffle: true, verbose: 0, callbacks: [lrScheduler({ schedule, recorder })] });
    const run = await store.getRun(recorder.runId!);
    expect(run.status).toBe('completed');
    expect(run.task.id).toBe('iris');
    expect(run.optimizer).toEqual({ className: 'SGD', hyperparameters: { learningRate: 0.1 } });
    expect(run.schedule).toEqual(schedule);
    expect(run.environment?.backend).toBe('wasm');
    // validationSplit 0.2 → 120 training rows → 4 steps per epoch; LR of each epoch's last step.
    expect(run.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
    expect(run.epochs.map((e) => e.step)).toEqual([4, 8, 12, 16]);
    expect(run.epochs.map((e) => e.lr)).toEqual([0.1, 0.1, 0.05, 0.05]);
    for (const e of run.epochs) {
      expect(Number.isFinite(e.loss)).toBe(true);
      expect(Number.isFinite(e.val_loss)).toBe(true);
    }
    expect(run.outcome?.epochsRun).toBe(4);
    expect(run.outcome?.best?.name).toBe('val_loss');
    tf.dispose([x, y, labels]);
    m.dispose();
  });

  it('with epochsPerWrite, buffers epochs and writes them before finishing', async () => {
    const { x, y, labels } = irisTensors();
    const m = model(4);
    m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const spy = jest.spyOn(store, 'appendEpochs');
    const recorder = new StoreRecorder({ store, task: { id: 'iris' }, epochsPerWrite: 2 });
    await m.fit(x, y, { epochs: 5, batchSize: 50, verbose: 0, callbacks: [lrScheduler({ schedule: { family: 'constant', params: { learningRate: 0.01 } }, recorder })] });
    // Two full buffers of 2, then the last epoch flushed by finish().
    expect(spy.mock.calls.map(([, epochs]) => epochs.length)).toEqual([2, 2, 1]);
    spy.mockRestore();
    const run = await store.getRun(recorder.runId!);
    expect(run.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4]);
    expect(run.status).toBe('completed');
    tf.dispose([x, y, labels]);
    m.dispose();
  });

  it('keeps buffered epochs when a store write fails, and writes them with the next flush', async () => {
    const spy = jest.spyOn(store, 'appendEpochs').mockRejectedValueOnce(new Error('disk full'));
    const recorder = new StoreRecorder({ store, task: { id: 'iris' }, epochsPerWrite: 2 });
    await recorder.start({ optimizer: { className: 'SGD', initialLearningRate: 0.1 }, backend: 'wasm', tfjsVersion: tf.version.tfjs, startedAt: new Date().toISOString() });
    const epoch = (i: number) => ({ epoch: i, step: (i + 1) * 4, lr: 0.1, loss: 1 / (i + 1), val_loss: 1 / (i + 1), metrics: {}, wallTimeMs: 1 });
    await recorder.epoch(epoch(0));
    await expect(recorder.epoch(epoch(1))).rejects.toThrow('disk full');
    // The failed write's epochs are still buffered: the next write carries them with the new one.
    await recorder.epoch(epoch(2));
    await recorder.finish({ status: 'completed', epochsRun: 3, steps: 12, wallTimeMs: 3 });
    expect(spy.mock.calls.map(([, epochs]) => epochs.map((e) => e.epoch))).toEqual([[0, 1], [0, 1, 2]]);
    spy.mockRestore();
    const run = await store.getRun(recorder.runId!);
    expect(run.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(run.status).toBe('completed');
  });

  it('marks a diverging run diverged, with the reason', async () => {
    const { x, y, labels } = irisTensors();
    // Squared error on a linear output has no clipping: a huge learning rate overflows float32 to Infinity/NaN.
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) })] });
    m.compile({ optimizer: tf.train.sgd(1), loss: 'meanSquaredError' });
    const recorder = new StoreRecorder({ store, task: { id: 'iris' } });
    // A learning rate of 1e6 blows the weights up within a few steps.
    await m.fit(x, y, { epochs: 5, batchSize: 30, verbose: 0, callbacks: [lrScheduler({ schedule: { family: 'constant', params: { learningRate: 1e6 } }, recorder })] });
    const run = await store.getRun(recorder.runId!);
    expect(run.status).toBe('diverged');
    expect(run.outcome?.reason).toMatch(/loss is (NaN|Infinity|-Infinity)/);
    expect(run.epochs.length).toBeLessThan(5);
    tf.dispose([x, y, labels]);
    m.dispose();
  });
});
