import * as tf from '@tensorflow/tfjs';
import { resolveBackend } from '../../../src/tfjs/backend.js';
import { getStore } from '../../../src/container.js';
import type { TraceStore } from '../../../src/traces/store.js';
import type { TrialConfig } from '../../../src/sweeps/trial.js';
import { runTrial } from '../../../src/container.js';
import { substitutePlaceholders } from '../../../src/schedules/placeholders.js';
import { makeOptimizer } from '../../../src/train/optimizers.js';
import type { MetatuneError } from '../../../src/core/errors.js';

describe('runTrial: one candidate trained on a real task and stored as a trace', () => {
  let store: TraceStore;
  beforeAll(async () => {
    await resolveBackend({ preferred: 'wasm', quiet: true });
    store = await getStore('memory:');
  });
  afterAll(() => store.close());

  const base: TrialConfig = {
    trialId: 't0',
    task: 'iris',
    seed: 1,
    model: 'mlp-small',
    optimizer: { name: 'adam', learningRate: 0.01 },
    schedule: { family: 'cosine_decay', params: { initialLearningRate: 0.01, decaySteps: '$totalSteps' } },
    epochs: 3,
    batchSize: 16,
  };

  it('trains, records every epoch, and stores the spec with its placeholders filled in', async () => {
    const result = await runTrial(base, { store, sweepId: 's1' });
    expect(result.status).toBe('completed');
    expect(result.runId).toBe('s1:t0');
    expect(result.valLosses).toHaveLength(3);
    const run = await store.getRun('s1:t0');
    // iris: 150 rows, 20 % validation → 120 train rows → ceil(120/16) = 8 steps per epoch, 24 in all.
    expect(run.schedule).toEqual({ family: 'cosine_decay', params: { initialLearningRate: 0.01, decaySteps: 24 } });
    expect(run.epochs.map((e) => e.step)).toEqual([8, 16, 24]);
    expect(run.model).toEqual({ zooId: 'mlp-small' });
    expect(run.optimizer?.className).toBe('Adam');
    expect(run.provenance).toEqual({ importer: 'sweep', sourceKey: 's1' });
    expect(run.task).toMatchObject({ id: 'iris', kind: 'classification', parentDataset: 'iris' });
    // Cosine decay over 24 steps: the last epoch ends at step 23's LR = 0.01·½(1+cos(π·23/24)).
    expect(run.epochs[2].lr).toBeCloseTo(0.005 * (1 + Math.cos((Math.PI * 23) / 24)), 9);
  });

  it('every epoch is in the store as soon as it ends (a killed attempt keeps its finished epochs)', async () => {
    const seen: number[] = [];
    await runTrial({ ...base, trialId: 't-durable', epochs: 3 }, {
      store,
      sweepId: 's1',
      decide: async () => {
        seen.push((await store.getRun('s1:t-durable')).epochs.length);
        return 'continue' as const;
      },
    });
    expect(seen).toEqual([1, 2]); // asked after epochs 0 and 1 (not after the last)
  });

  it('a pruned trial is stored as pruned after the epoch it was stopped at', async () => {
    const result = await runTrial({ ...base, trialId: 't1', epochs: 4 }, { store, sweepId: 's1', decide: (epoch) => (epoch === 1 ? 'prune' : 'continue') });
    expect(result.status).toBe('pruned');
    const run = await store.getRun('s1:t1');
    expect(run.epochs).toHaveLength(2);
    expect(run.outcome?.reason).toMatch(/pruned after epoch 1/);
  });

  it('trains a regression task with a linear model and an SGD-momentum optimizer', async () => {
    const result = await runTrial(
      { ...base, trialId: 't2', task: 'diabetes', model: 'linear', optimizer: { name: 'momentum', learningRate: 0.01, momentum: 0.9 }, schedule: { family: 'constant', params: { learningRate: 0.01 } } },
      { store, sweepId: 's1' },
    );
    expect(result.status).toBe('completed');
    // Standardised targets: a linear model beats predicting the mean (MSE 1) on validation.
    expect(result.valLosses[result.valLosses.length - 1]).toBeLessThan(1);
  });

  it('is reproducible: the same trial (shuffled batches, dropout) gives the same losses twice', async () => {
    const config = { ...base, trialId: 'rep', model: 'mlp-dropout', epochs: 2 };
    const realRandom = Math.random;
    const a = await runTrial(config, { store: await getStore('memory:'), sweepId: 'r' });
    const b = await runTrial(config, { store: await getStore('memory:'), sweepId: 'r' });
    expect(b.valLosses).toEqual(a.valLosses);
    // …and Math.random is the real one again afterwards.
    expect(Math.random).toBe(realRandom);
    const c = await runTrial({ ...config, trialId: 'rep2' }, { store: await getStore('memory:'), sweepId: 'r' });
    expect(c.valLosses).not.toEqual(a.valLosses);
  });

  it.each([
    ['adam (two moment slots per weight)', { name: 'adam', learningRate: 0.01 }],
    ['momentum (one slot per weight)', { name: 'momentum', learningRate: 0.01, momentum: 0.9 }],
  ] as const)('leaves no tensors behind: %s — model, data and optimizer slots are all disposed', async (_label, optimizer) => {
    const config = { ...base, trialId: 'leak', optimizer: { ...optimizer }, epochs: 2 };
    const taskCache = new Map();
    // The first trial warms the task cache and tfjs' own caches.
    await runTrial(config, { store: await getStore('memory:'), sweepId: 'warm', taskCache });
    const before = tf.memory().numTensors;
    await runTrial(config, { store: await getStore('memory:'), sweepId: 'leak', taskCache });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves no tensors behind when the trial fails before training', async () => {
    const taskCache = new Map();
    await runTrial({ ...base, trialId: 'w', epochs: 1 }, { store: await getStore('memory:'), sweepId: 'warm', taskCache });
    const before = tf.memory().numTensors;
    // A schedule that does not resolve fails inside fit, after the model, optimizer and data exist.
    await expect(
      runTrial({ ...base, trialId: 'bad', schedule: { family: 'no_such_family', params: {} } }, { store: await getStore('memory:'), sweepId: 'bad', taskCache }),
    ).rejects.toBeDefined();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an unknown model before training, naming the choices', async () => {
    await expect(runTrial({ ...base, trialId: 't3', model: 'resnet' }, { store, sweepId: 's1' })).rejects.toMatchObject({
      code: 'UNKNOWN_MODEL',
      message: expect.stringMatching(/unknown model "resnet"\. Valid choices: .*mlp-small/),
    });
  });
});

describe('placeholders and optimizers', () => {
  it('substitutes $totalSteps, $stepsPerEpoch and scaled forms, rounding to integers >= 1', () => {
    const spec = { a: '$totalSteps', b: ['0.3*$totalSteps', '$stepsPerEpoch'], c: 'cos', d: 2 };
    expect(substitutePlaceholders(spec, { totalSteps: 100, stepsPerEpoch: 7 })).toEqual({ a: 100, b: [30, 7], c: 'cos', d: 2 });
    expect(() => substitutePlaceholders({ x: '$epochs' }, { totalSteps: 1, stepsPerEpoch: 1 })).toThrow(/\/x: "\$epochs" is not a placeholder/);
  });

  it('builds every tfjs optimizer and rejects typos', () => {
    for (const name of ['sgd', 'momentum', 'adam', 'adamax', 'adagrad', 'adadelta', 'rmsprop'] as const) {
      expect(makeOptimizer({ name, learningRate: 0.1 }).getClassName()).toMatch(/SGD|Momentum|Adam|Adamax|Adagrad|Adadelta|RMSProp/);
    }
    expect(() => makeOptimizer({ name: 'adam', learningRate: 0.1, beta: 0.9 })).toThrow(/unknown parameter `beta`/);
    let error: MetatuneError | undefined;
    try {
      makeOptimizer({ name: 'lion' as never, learningRate: 0.1 });
    } catch (e) {
      error = e as MetatuneError;
    }
    expect(error).toMatchObject({ code: 'UNKNOWN_OPTIMIZER', message: expect.stringMatching(/Valid choices: sgd, momentum, adam/) });
    expect(() => makeOptimizer({ name: 'sgd', learningRate: 0 })).toThrow(/`learningRate` must be > 0/);
  });
});
