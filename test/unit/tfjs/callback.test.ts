import * as tf from '@tensorflow/tfjs';
import { jest } from '@jest/globals';
import { builtinOptimizerAdapters } from '../../../plugins/optimizers-tfjs/index.js';
import { reduceOnPlateau } from '../../../plugins/schedules-adaptive/index.js';
import { NotFoundError, TrainingError } from '../../../src/core/errors.js';
import { defaultRuntime } from '../../../src/container.js';
import type { StatefulSchedule, StepObservation } from '../../../src/schedules/schedule.js';
import { lrScheduler, type LrSchedulerCallback } from '../../../src/callback.js';
import { currentController } from '../../../src/tfjs/controller-lock.js';
import { MemoryRecorder } from '../../../src/tfjs/memory-recorder.js';
import type { RunOutcome, RunRecorder } from '../../../src/tfjs/recorder.js';
import type { OptimizerAdapter } from '../../../src/tfjs/optimizer-adapter.js';
import { scheduledOptimizer } from '../../../src/callback.js';

/**
 * The callback's hooks driven by hand with literal logs, the way tfjs calls them
 * (tests/unit for tfjs-layers' own callbacks do the same), on a real compiled model and optimizer.
 */

const lrOf = (opt: tf.Optimizer) => (opt as unknown as { learningRate: number }).learningRate;

function compiled(optimizer: tf.Optimizer): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  return model;
}

/** What tfjs passes to setParams for model.fit(x, y, { epochs, batchSize }) with `samples` rows. */
function fitParams(epochs: number, samples: number, batchSize: number): tf.CustomCallbackArgs & Record<string, unknown> {
  return { epochs, initialEpoch: 0, samples, steps: null, batchSize, verbose: 0, doValidation: false, metrics: ['loss'] };
}

function attach(cb: LrSchedulerCallback, model: tf.LayersModel, params: Record<string, unknown>): void {
  cb.setModel(model);
  cb.setParams(params as never);
}

interface DriveOptions {
  epochs: number;
  batches: number;
  /** Batch loss per (epoch, batch). Defaults to 1. */
  loss?: (epoch: number, batch: number) => number | tf.Tensor;
  /** Epoch logs per epoch. Defaults to { loss: 1 }. */
  epochLogs?: (epoch: number) => Record<string, number>;
  /** Called after onBatchBegin (the LR for this step is set). */
  onStep?: (epoch: number, batch: number) => void;
  model?: tf.LayersModel;
}

/** Runs the hooks in tfjs's order; stops like fitLoop when model.stopTraining is set. */
async function drive(cb: LrSchedulerCallback, o: DriveOptions): Promise<Array<Record<string, number>>> {
  const epochLogs: Array<Record<string, number>> = [];
  await cb.onTrainBegin({});
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    await cb.onEpochBegin(epoch, {});
    for (let batch = 0; batch < o.batches; batch++) {
      await cb.onBatchBegin(batch, { batch, size: 2 });
      o.onStep?.(epoch, batch);
      await cb.onBatchEnd(batch, { batch, size: 2, loss: (o.loss?.(epoch, batch) ?? 1) as number });
      if (o.model?.stopTraining) break;
    }
    const logs = o.epochLogs?.(epoch) ?? { loss: 1 };
    await cb.onEpochEnd(epoch, logs);
    epochLogs.push(logs);
    if (o.model?.stopTraining) break;
  }
  await cb.onTrainEnd({});
  return epochLogs;
}

/** Adapters whose setLearningRate calls are counted. */
function countingAdapters(): { adapters: OptimizerAdapter[]; calls: number[] } {
  const calls: number[] = [];
  const adapters = builtinOptimizerAdapters.map((a) => ({
    ...a,
    setLearningRate: (opt: tf.Optimizer, lr: number) => {
      calls.push(lr);
      a.setLearningRate(opt, lr);
    },
  }));
  return { adapters, calls };
}

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

describe('lrScheduler: learning rate per global step', () => {
  it('step schedule over 2 epochs × 3 batches: the table of LRs set before each step', async () => {
    const opt = tf.train.sgd(0.5);
    const model = compiled(opt);
    const { adapters, calls } = countingAdapters();
    const recorder = new MemoryRecorder();
    const cb = lrScheduler({
      schedule: { family: 'step', params: { initialLearningRate: 0.1, stepSize: 2, gamma: 0.5 } },
      recorder,
      runtime: { schedules: defaultRuntime().schedules, optimizers: adapters },
    });
    attach(cb, model, fitParams(2, 6, 2));
    const seen: Array<[number, number, number, number]> = [];
    const epochLogs = await drive(cb, {
      epochs: 2,
      batches: 3,
      onStep: (epoch, batch) => {
        // SGD's cached -lr tensor is what the step multiplies by: check it, not only the field.
        const c = (opt as unknown as { c: tf.Scalar }).c.dataSync()[0];
        seen.push([epoch, batch, lrOf(opt), -c]);
      },
    });
    const expected = [0.1, 0.1, 0.05, 0.05, 0.025, 0.025];
    expect(seen.map(([e, b]) => [e, b])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    seen.forEach(([, , lr, c], i) => {
      expect(lr).toBeCloseTo(expected[i], 12);
      expect(c).toBeCloseTo(expected[i], 7);
    });
    // Only when the value changes: steps 0, 2 and 4.
    expect(calls).toEqual([0.1, 0.05, 0.025]);
    expect(cb.context).toEqual({ stepsPerEpoch: 3, totalSteps: 6 });
    expect(cb.step).toBe(6);
    // learning_rate in the epoch logs = LR of the epoch's last step.
    expect(epochLogs.map((l) => l['learning_rate'])).toEqual([0.05, 0.025]);
    expect(recorder.epochs.map((r) => [r.epoch, r.step, r.lr, r.loss])).toEqual([
      [0, 3, 0.05, 1],
      [1, 6, 0.025, 1],
    ]);
    expect(recorder.info?.optimizer).toEqual({ className: 'SGD', initialLearningRate: 0.5 });
    expect(recorder.info?.schedule).toEqual({ family: 'step', params: { initialLearningRate: 0.1, stepSize: 2, gamma: 0.5 } });
    expect(recorder.info?.stepsPerEpoch).toBe(3);
    expect(recorder.outcome).toMatchObject({ status: 'completed', epochsRun: 2, steps: 6 });
    expect(cb.status).toBe('completed');
    expect(currentController(opt)).toBeUndefined();
  });

  it('infers stepsPerEpoch = ceil(samples / batchSize), honours an explicit stepsPerEpoch, resumes from initialEpoch', async () => {
    const schedule = (step: number) => 1 / (step + 1);
    const a = lrScheduler({ schedule, runtime: { optimizers: builtinOptimizerAdapters } });
    attach(a, compiled(tf.train.adam(0.01)), fitParams(3, 7, 2));
    await a.onTrainBegin({});
    expect(a.context).toEqual({ stepsPerEpoch: 4, totalSteps: 12 });
    await a.onTrainEnd({});

    const b = lrScheduler({ schedule, stepsPerEpoch: 10, runtime: { optimizers: builtinOptimizerAdapters } });
    const model = compiled(tf.train.adam(0.01));
    attach(b, model, { ...fitParams(3, 7, 2), initialEpoch: 2 });
    await b.onTrainBegin({});
    expect(b.context).toEqual({ stepsPerEpoch: 10, totalSteps: 30 });
    expect(b.step).toBe(20);
    await b.onEpochBegin(2, {});
    await b.onBatchBegin(0, {});
    expect(lrOf(model.optimizer)).toBeCloseTo(1 / 21, 12);
    await b.onTrainEnd({});
  });

  it('reads a loss given as a scalar tensor (tf.Callback subclasses receive tensors)', async () => {
    const model = compiled(tf.train.sgd(0.1));
    const cb = lrScheduler({ schedule: () => 0.1, runtime: { optimizers: builtinOptimizerAdapters } });
    attach(cb, model, fitParams(1, 4, 2));
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const nan = tf.scalar(Number.NaN);
    await drive(cb, { epochs: 1, batches: 2, loss: () => nan, model });
    spy.mockRestore();
    nan.dispose();
    expect(cb.status).toBe('diverged');
  });
});

describe('lrScheduler: divergence', () => {
  it('NaN loss stops training, names step / epoch / LR, and marks the run diverged', async () => {
    const opt = tf.train.momentum(0.1, 0.9);
    const model = compiled(opt);
    const recorder = new MemoryRecorder();
    const cb = lrScheduler({ schedule: (s: number) => 0.1 * (s + 1), recorder, runtime: { optimizers: builtinOptimizerAdapters } });
    attach(cb, model, fitParams(3, 6, 2));
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    let steps = 0;
    await drive(cb, {
      epochs: 3,
      batches: 3,
      model,
      loss: (e, b) => (e === 1 && b === 1 ? Number.NaN : 0.5),
      epochLogs: (e) => ({ loss: e === 1 ? Number.NaN : 0.5 }),
      onStep: () => void steps++,
    });
    spy.mockRestore();
    expect(model.stopTraining).toBe(true);
    expect(steps).toBe(5); // 3 in epoch 0, 2 in epoch 1, none after
    expect(cb.status).toBe('diverged');
    expect(cb.divergence).toMatchObject({ step: 4, epoch: 1, batch: 1, learningRate: 0.5 });
    expect(cb.divergence!.loss).toBeNaN();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/loss is NaN at step 4 \(epoch 1, batch 1, learning rate 0\.5\); training stopped and the run marked diverged/);
    expect(recorder.outcome).toMatchObject({ status: 'diverged', epochsRun: 2, steps: 5 });
    expect(recorder.outcome!.reason).toMatch(/step 4/);
    // The partial epoch is recorded without its non-finite loss (records stay JSON).
    expect(recorder.epochs[1]).toMatchObject({ epoch: 1, step: 5 });
    expect(recorder.epochs[1].loss).toBeUndefined();
    expect(currentController(opt)).toBeUndefined();
  });

  it('Infinity in the epoch loss also counts as divergence', async () => {
    const model = compiled(tf.train.sgd(0.1));
    const cb = lrScheduler({ schedule: () => 0.1, runtime: { optimizers: builtinOptimizerAdapters } });
    attach(cb, model, fitParams(2, 2, 2));
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await drive(cb, { epochs: 2, batches: 1, model, epochLogs: () => ({ loss: Number.POSITIVE_INFINITY }) });
    spy.mockRestore();
    expect(cb.status).toBe('diverged');
    expect(cb.divergence).toMatchObject({ step: 0, epoch: 0, loss: Number.POSITIVE_INFINITY });
  });
});

describe('lrScheduler: one LR controller per optimizer', () => {
  it('a second callback on the same model is a TrainingError DUPLICATE_LR_CONTROLLER; released at train end', async () => {
    const opt = tf.train.adam(0.01);
    const model = compiled(opt);
    const first = lrScheduler({ schedule: { family: 'constant', params: { learningRate: 0.01 } }, runtime: { schedules: defaultRuntime().schedules, optimizers: builtinOptimizerAdapters } });
    const second = lrScheduler({ schedule: () => 0.02, runtime: { optimizers: builtinOptimizerAdapters } });
    attach(first, model, fitParams(1, 2, 2));
    attach(second, model, fitParams(1, 2, 2));
    await first.onTrainBegin({});
    const err = await second.onTrainBegin({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect((err as TrainingError).code).toBe('DUPLICATE_LR_CONTROLLER');
    expect((err as Error).message).toMatch(/The Adam optimizer is already driven by another lrScheduler callback \(constant\)/);
    expect(second.status).toBe('failed');
    // The marker is invisible to enumeration / serialisation.
    expect(Object.keys(opt)).not.toContain(Symbol.for('metatune.lrController').toString());
    expect(JSON.stringify(opt.getConfig())).not.toMatch(/metatune/);
    // A wrapper on the same optimizer is refused too.
    expect(() => scheduledOptimizer(opt, { schedule: () => 0.1, runtime: { optimizers: builtinOptimizerAdapters } })).toThrow(/already driven/);
    await first.onTrainEnd({});
    await second.onTrainBegin({}); // free again
    await second.onTrainEnd({});
  });
});

describe('lrScheduler: stateful schedules', () => {
  it('reduce_on_plateau sees epoch logs and lowers the LR from the next step', async () => {
    const opt = tf.train.sgd(1);
    const model = compiled(opt);
    const cb = lrScheduler({
      schedule: reduceOnPlateau({ learningRate: 0.1, monitor: 'val_loss', factor: 0.5, patience: 0 }),
      runtime: { optimizers: builtinOptimizerAdapters },
    });
    attach(cb, model, fitParams(3, 4, 2));
    const lrs: number[] = [];
    const logs = await drive(cb, {
      epochs: 3,
      batches: 2,
      epochLogs: (e) => ({ loss: 1, val_loss: [1, 2, 3][e] }),
      onStep: () => lrs.push(lrOf(opt)),
    });
    // Epoch 1 is worse than epoch 0 → halved from step 4 on (Keras: the log shows the LR used in the epoch).
    expect(lrs).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05]);
    expect(logs.map((l) => l['learning_rate'])).toEqual([0.1, 0.1, 0.05]);
  });

  it('a monitored metric missing from the epoch logs is a TrainingError METRIC_NOT_FOUND listing the available keys', async () => {
    const opt = tf.train.sgd(1);
    const model = compiled(opt);
    const recorder = new MemoryRecorder();
    const cb = lrScheduler({
      schedule: reduceOnPlateau({ learningRate: 0.1, monitor: 'val_loss' }),
      recorder,
      runtime: { optimizers: builtinOptimizerAdapters },
    });
    attach(cb, model, fitParams(2, 2, 2));
    const err = await drive(cb, { epochs: 2, batches: 1, epochLogs: () => ({ loss: 1, acc: 0.5 }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect((err as TrainingError).code).toBe('METRIC_NOT_FOUND');
    expect((err as Error).message).toMatch(/monitors `val_loss`, which is not in the epoch logs \(epoch 0\)\. Available: loss, acc\./);
    expect((err as Error).message).toMatch(/validationData/);
    expect(cb.status).toBe('failed');
    expect(recorder.outcome).toMatchObject({ status: 'failed' });
    expect(currentController(opt)).toBeUndefined();
  });

  it('requires.gradients: observes applyGradients on the same optimizer instance, sets the LR, restores at train end', async () => {
    const opt = tf.train.sgd(1);
    const model = compiled(opt);
    const seen: StepObservation[] = [];
    // A literal stateful schedule: LR = 0.1 × (1 + sum of the gradients it has seen).
    const schedule: StatefulSchedule<number> = {
      kind: 'stateful',
      requires: { gradients: true },
      init: () => 0,
      update: (s, obs) => {
        seen.push(obs);
        return obs.kind === 'gradients' ? s + obs.gradients!.reduce((x, y) => x + y, 0) : s;
      },
      value: (s) => 0.1 * (1 + s),
    };
    const cb = lrScheduler({ schedule, runtime: { optimizers: builtinOptimizerAdapters } });
    attach(cb, model, fitParams(1, 2, 2));
    expect(Object.prototype.hasOwnProperty.call(opt, 'applyGradients')).toBe(false);
    await cb.onTrainBegin({});
    await cb.onEpochBegin(0, {});
    await cb.onBatchBegin(0, {});
    expect(lrOf(opt)).toBeCloseTo(0.1, 12);
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'cb_grad_w');
    // d/dw sum(3w) = [3, 3]; model.fit reaches applyGradients through optimizer.minimize the same way.
    model.optimizer.minimize(() => w.mul(3).sum() as tf.Scalar, false, [w]);
    expect(seen.filter((o) => o.kind === 'gradients').map((o) => [o.step, Array.from(o.gradients!)])).toEqual([[0, [3, 3]]]);
    expect(lrOf(opt)).toBeCloseTo(0.7, 12); // 0.1 × (1 + 6), set before the step was applied
    const [w0, w1] = Array.from(w.dataSync());
    expect(w0).toBeCloseTo(1 - 0.7 * 3, 6);
    expect(w1).toBeCloseTo(2 - 0.7 * 3, 6);
    await cb.onBatchEnd(0, { loss: 1 });
    await cb.onEpochEnd(0, { loss: 1 });
    await cb.onTrainEnd({});
    expect(seen.map((o) => o.kind)).toEqual(['gradients', 'batch', 'epoch']);
    expect(Object.prototype.hasOwnProperty.call(opt, 'applyGradients')).toBe(false);
    w.dispose();
  });
});

describe('lrScheduler: reuse, resume and early stops', () => {
  it('reused after a fit that died elsewhere (no onTrainEnd): the old gradient tap is gone, the stale run is finished as failed "interrupted"', async () => {
    const opt = tf.train.sgd(1);
    const model = compiled(opt);
    const events: string[] = [];
    const outcomes: RunOutcome[] = [];
    const recorder: RunRecorder = {
      start: () => void events.push('start'),
      epoch: () => void events.push('epoch'),
      finish: (o) => {
        events.push(`finish:${o.status}`);
        outcomes.push(o);
      },
    };
    let gradientObservations = 0;
    // LR = 0.01 × (step + 1); it needs gradients, so the LR is set inside the applyGradients tap.
    const schedule: StatefulSchedule<null> = {
      kind: 'stateful',
      requires: { gradients: true },
      init: () => null,
      update: (s, obs) => {
        if (obs.kind === 'gradients') gradientObservations++;
        return s;
      },
      value: (_s, step) => 0.01 * (step + 1),
    };
    const cb = lrScheduler({ schedule, recorder, runtime: { optimizers: builtinOptimizerAdapters } });
    attach(cb, model, fitParams(1, 4, 2));
    const w = tf.variable(tf.tensor1d([0]), true, 'cb_reuse_w');
    const step = () => model.optimizer.minimize(() => w.mul(1).sum() as tf.Scalar, false, [w]); // gradient 1

    // Fit 1: one full step, then another callback throws: tfjs never calls our onTrainEnd.
    await cb.onTrainBegin({});
    await cb.onEpochBegin(0, {});
    await cb.onBatchBegin(0, {});
    step();
    await cb.onBatchEnd(0, { loss: 1 });
    expect(w.dataSync()[0]).toBeCloseTo(-0.01, 7);

    // Fit 2 with the same instance: step 0 must run at 0.01, observed once.
    gradientObservations = 0;
    await cb.onTrainBegin({});
    await cb.onEpochBegin(0, {});
    await cb.onBatchBegin(0, {});
    step();
    expect(gradientObservations).toBe(1);
    expect(lrOf(opt)).toBeCloseTo(0.01, 12);
    expect(w.dataSync()[0]).toBeCloseTo(-0.02, 7);
    await cb.onBatchEnd(0, { loss: 1 });
    await cb.onEpochEnd(0, { loss: 1 });
    await cb.onTrainEnd({});

    expect(events).toEqual(['start', 'finish:failed', 'start', 'epoch', 'finish:completed']);
    expect(outcomes[0]).toMatchObject({ status: 'failed', reason: 'interrupted', epochsRun: 0, steps: 1 });
    expect(outcomes[1]).toMatchObject({ status: 'completed', epochsRun: 1, steps: 1 });
    expect(Object.prototype.hasOwnProperty.call(opt, 'applyGradients')).toBe(false);
    expect(currentController(opt)).toBeUndefined();
    w.dispose();
  });

  it('wrapped by tfjs (no params) with stepsPerEpoch and { model }: the first onEpochBegin(initialEpoch) sets the global step', async () => {
    const model = compiled(tf.train.sgd(0.5));
    const cb = lrScheduler({ schedule: (s: number) => 0.001 * (s + 1), stepsPerEpoch: 4, model, runtime: { optimizers: builtinOptimizerAdapters } });
    // A CustomCallback wrapper forwards the hooks only: no setModel, no setParams.
    const lrs: number[] = [];
    await cb.onTrainBegin({});
    for (let epoch = 2; epoch < 4; epoch++) {
      await cb.onEpochBegin(epoch, {});
      for (let batch = 0; batch < 4; batch++) {
        await cb.onBatchBegin(batch, {});
        lrs.push(lrOf(model.optimizer));
        await cb.onBatchEnd(batch, { loss: 1 });
      }
      await cb.onEpochEnd(epoch, { loss: 1 });
    }
    await cb.onTrainEnd({});
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(0.001 * (8 + i + 1), 12));
    expect(cb.step).toBe(16);
  });

  it('another callback stops training mid-epoch (no validation that epoch): no METRIC_NOT_FOUND, no epoch observation', async () => {
    const opt = tf.train.sgd(1);
    const model = compiled(opt);
    const recorder = new MemoryRecorder();
    const seen: StepObservation[] = [];
    const plateau = reduceOnPlateau({ learningRate: 0.1, monitor: 'val_loss', factor: 0.5, patience: 0 });
    const schedule: StatefulSchedule<ReturnType<typeof plateau.init>> = {
      ...plateau,
      update: (s, obs) => {
        seen.push(obs);
        return plateau.update(s, obs);
      },
    };
    const cb = lrScheduler({ schedule, recorder, runtime: { optimizers: builtinOptimizerAdapters } });
    attach(cb, model, fitParams(3, 6, 2));
    await drive(cb, {
      epochs: 3,
      batches: 3,
      model,
      // Another callback's onBatchEnd stops training at epoch 1, batch 0: tfjs then skips validation.
      onStep: (epoch, batch) => {
        if (epoch === 1 && batch === 0) model.stopTraining = true;
      },
      epochLogs: (e): Record<string, number> => (e === 0 ? { loss: 1, val_loss: 1 } : { loss: 1 }),
    });
    expect(cb.status).toBe('completed');
    expect(seen.filter((o) => o.kind === 'epoch').map((o) => o.epoch)).toEqual([0]);
    expect(recorder.epochs.map((r) => [r.epoch, r.step])).toEqual([
      [0, 3],
      [1, 4],
    ]);
    expect(recorder.outcome).toMatchObject({ status: 'completed', epochsRun: 2, steps: 4 });
    expect(currentController(opt)).toBeUndefined();
  });
});

describe('lrScheduler: momentum and adapters', () => {
  it('one_cycle on Momentum sets momentum each step; on Adagrad it warns once', async () => {
    const spec = { family: 'one_cycle', params: { maxLearningRate: 0.1 } };
    const runtime = { schedules: defaultRuntime().schedules, optimizers: builtinOptimizerAdapters };
    const built = defaultRuntime().schedules.build(spec) as ((s: number, c?: object) => number) & { momentum: (s: number, c?: object) => number };
    const ctx = { stepsPerEpoch: 5, totalSteps: 10 };

    const opt = tf.train.momentum(0.1, 0.9);
    const model = compiled(opt);
    const cb = lrScheduler({ schedule: spec, runtime });
    attach(cb, model, fitParams(2, 10, 2));
    const moms: number[] = [];
    const lrs: number[] = [];
    const mTensor: number[] = [];
    await drive(cb, {
      epochs: 2,
      batches: 5,
      onStep: () => {
        moms.push((opt as unknown as { momentum: number }).momentum);
        mTensor.push((opt as unknown as { m: tf.Scalar }).m.dataSync()[0]);
        lrs.push(lrOf(opt));
      },
    });
    for (let s = 0; s < 10; s++) {
      expect(lrs[s]).toBeCloseTo(built(s, ctx), 12);
      expect(moms[s]).toBeCloseTo(built.momentum(s, ctx), 12);
      expect(mTensor[s]).toBeCloseTo(built.momentum(s, ctx), 6);
    }
    expect(new Set(moms.map((m) => m.toFixed(6))).size).toBeGreaterThan(3);

    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const cb2 = lrScheduler({ schedule: spec, runtime });
    attach(cb2, compiled(tf.train.adagrad(0.1)), fitParams(2, 10, 2));
    await drive(cb2, { epochs: 2, batches: 5 });
    const ours = warn.mock.calls.filter((c) => String(c[0]).includes('momentum'));
    warn.mockRestore();
    expect(ours).toHaveLength(1);
    expect(String(ours[0][0])).toMatch(/Adagrad optimizer has no momentum-like coefficient/);
  });

  it('an optimizer without adapter is NotFoundError NO_OPTIMIZER_ADAPTER at train begin, before any step', async () => {
    class LionOptimizer extends tf.SGDOptimizer {
      static override get className() {
        return 'Lion';
      }
    }
    const opt = new LionOptimizer(0.3);
    const model = compiled(opt);
    const cb = lrScheduler({ schedule: () => 0.01, runtime: { optimizers: builtinOptimizerAdapters } });
    attach(cb, model, fitParams(1, 2, 2));
    const err = await cb.onTrainBegin({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).code).toBe('NO_OPTIMIZER_ADAPTER');
    expect((err as Error).message).toMatch(/"Lion"/);
    expect(lrOf(opt)).toBe(0.3);
    expect(currentController(opt)).toBeUndefined();
  });

  it('validates its arguments eagerly', () => {
    expect(() => lrScheduler({ schedule: () => 0.1, stepsPerEpoch: 0 })).toThrow(/`stepsPerEpoch` must be an integer >= 1\. Received: stepsPerEpoch=0\./);
    expect(() => lrScheduler({ schedule: { family: 'cosine_decay', params: { initialLearningRate: 0.1 } } })).toThrow(/decaySteps/);
    expect(() => lrScheduler({ schedule: 42 as never })).toThrow(/`schedule` must be a schedule spec object/);
  });

  it('a schedule returning a negative LR is a TrainingError INVALID_LEARNING_RATE naming the step', async () => {
    const cb = lrScheduler({ schedule: (s: number) => 0.1 - 0.1 * s, runtime: { optimizers: builtinOptimizerAdapters } });
    attach(cb, compiled(tf.train.sgd(0.1)), fitParams(1, 6, 2));
    const err = await drive(cb, { epochs: 1, batches: 3 }).catch((e: unknown) => e);
    expect((err as TrainingError).code).toBe('INVALID_LEARNING_RATE');
    expect((err as Error).message).toMatch(/learning rate -0\.1 for step 2/);
  });
});
