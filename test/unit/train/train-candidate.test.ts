import * as tf from '@tensorflow/tfjs';
import { defaultRuntime } from '../../../src/container.js';
import type { ModelZooEntry } from '../../../src/models/model-zoo.js';
import { loadTask } from '../../../src/tasks/suite.js';
import type { LoadedTask } from '../../../src/tasks/task.js';
import { resolveBackend } from '../../../src/tfjs/backend.js';
import { MemoryRecorder } from '../../../src/tfjs/memory-recorder.js';
import { trainCandidate, type TrainRuntime } from '../../../src/train/train-candidate.js';

/** One candidate on real iris rows: the trace, placeholders, divergence, the kept model, no leaks. */
describe('trainCandidate', () => {
  let iris: LoadedTask;
  let runtime: TrainRuntime;
  beforeAll(async () => {
    await resolveBackend({ preferred: 'wasm', quiet: true });
    iris = await loadTask('iris', { seed: 1 });
    const rt = defaultRuntime();
    const models = rt.contributions<ModelZooEntry>('models').map((c) => c.value);
    runtime = { schedules: rt.schedules, optimizers: rt.optimizers, models: { values: () => models } };
  });

  it('trains a zoo model, resolves placeholders and returns the trace of every epoch', async () => {
    const recorder = new MemoryRecorder();
    const out = await trainCandidate({
      task: iris,
      candidate: { model: 'mlp-small', optimizer: { name: 'adam', learningRate: 0.01 }, schedule: { family: 'cosine_decay', params: { initialLearningRate: '$learningRate', decaySteps: '$totalSteps' } } },
      epochs: 3,
      batchSize: 16,
      runtime,
      recorder,
    });
    // iris: 120 train rows → ceil(120/16) = 8 steps per epoch, 24 in all.
    expect(out.status).toBe('completed');
    expect(out.stepsPerEpoch).toBe(8);
    expect(out.totalSteps).toBe(24);
    expect(out.schedule).toEqual({ family: 'cosine_decay', params: { initialLearningRate: 0.01, decaySteps: 24 } });
    expect(out.epochs.map((e) => e.step)).toEqual([8, 16, 24]);
    expect(out.epochs[2].lr).toBeCloseTo(0.005 * (1 + Math.cos((Math.PI * 23) / 24)), 9);
    expect(out.start.optimizer).toEqual({ className: 'Adam', initialLearningRate: 0.01 });
    // The caller's recorder saw the same run.
    expect(recorder.epochs).toEqual(out.epochs);
    expect(recorder.outcome).toEqual(out.outcome);
    expect(out.history.val_loss).toHaveLength(3);
    expect(out.model).toBeUndefined();
  });

  it('without a schedule holds the optimizer rate constant and still traces the run', async () => {
    const out = await trainCandidate({ task: iris, candidate: { model: 'linear', optimizer: { name: 'sgd', learningRate: 0.05 } }, epochs: 2, batchSize: 32, runtime });
    expect(out.schedule).toEqual({ family: 'constant', params: { learningRate: 0.05 } });
    expect(out.epochs.map((e) => e.lr)).toEqual([0.05, 0.05]);
  });

  it('stops a diverging run and says where', async () => {
    // Least squares on standardised diabetes targets: SGD at rate 10 overshoots by orders of magnitude each step.
    const diabetes = await loadTask('diabetes', { seed: 1 });
    const out = await trainCandidate({ task: diabetes, candidate: { model: 'linear', optimizer: { name: 'sgd', learningRate: 10 } }, epochs: 5, batchSize: 16, runtime });
    expect(out.status).toBe('diverged');
    expect(out.divergence).toMatchObject({ learningRate: 10, epoch: 0 });
    expect(out.divergence!.message).toMatch(/Lower the learning rate/);
    expect(out.epochs.length).toBeLessThan(5);
  });

  it('stops when onEpochEnd asks it to', async () => {
    const seen: number[] = [];
    const out = await trainCandidate({
      task: iris,
      candidate: { model: 'linear', optimizer: { name: 'adam', learningRate: 0.01 } },
      epochs: 6,
      batchSize: 32,
      runtime,
      onEpochEnd: (epoch, logs, control) => {
        seen.push(epoch);
        expect(logs.val_loss).toBeGreaterThan(0);
        if (epoch === 1) control.stop();
      },
    });
    expect(seen).toEqual([0, 1]);
    expect(out.epochs).toHaveLength(2);
  });

  it('is reproducible for one random key, and different for another', async () => {
    const run = (randomKey: string) =>
      trainCandidate({ task: iris, candidate: { model: 'mlp-dropout', optimizer: { name: 'adam', learningRate: 0.01 } }, epochs: 2, batchSize: 16, runtime, randomKey });
    const [a, b, c] = [await run('k1'), await run('k1'), await run('k2')];
    expect(b.history.val_loss).toEqual(a.history.val_loss);
    expect(c.history.val_loss).not.toEqual(a.history.val_loss);
  });

  it('keeps the trained model on request; dispose() releases it and its optimizer; otherwise nothing leaks', async () => {
    const args = { task: iris, candidate: { model: 'mlp-small', optimizer: { name: 'momentum' as const, learningRate: 0.01 } }, epochs: 1, batchSize: 32, runtime };
    await trainCandidate(args); // warms tfjs' caches
    const before = tf.memory().numTensors;
    await trainCandidate(args);
    expect(tf.memory().numTensors).toBe(before);

    const kept = await trainCandidate({ ...args, keepModel: true });
    const x = tf.tensor2d(iris.validation.x.subarray(0, 4 * 4), [4, 4]);
    const p = kept.model!.predict(x) as tf.Tensor;
    expect(p.shape).toEqual([4, 3]);
    // Softmax rows sum to one.
    for (const row of (await p.array()) as number[][]) expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    tf.dispose([x, p]);
    kept.dispose();
    kept.dispose(); // idempotent
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an unknown model id, naming the choices, before any tensor exists', async () => {
    const before = tf.memory().numTensors;
    await expect(trainCandidate({ task: iris, candidate: { model: 'resnet', optimizer: { name: 'adam', learningRate: 0.01 } }, epochs: 1, batchSize: 8, runtime })).rejects.toMatchObject({
      code: 'UNKNOWN_MODEL',
      message: expect.stringMatching(/unknown model "resnet"\. Valid choices: .*mlp-small/),
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
