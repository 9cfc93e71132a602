/**
 * `probe`: its sizing arithmetic, its budget (counted by spying on the optimizer and the loss, not
 * timed), determinism on cpu, agreement on wasm, and that the fingerprint means something.
 */
import { jest } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { planProbe } from '../../../plugins/featurizer-probe/plan.js';
import { lrLabel, probeFeaturizer, runProbe } from '../../../plugins/featurizer-probe/probe-featurizer.js';
import { checkFeaturizerOutput } from '../../../src/tasks/featurize.js';
import { resolveBackend } from '../../../src/tfjs/backend.js';
import type { LoadedTask } from '../../../src/tasks/task.js';
import { readDigits } from '../../helpers/digits.js';
import { irisTask, makeTask } from './make-task.js';

const DEFAULT_PLAN = { learningRates: 4, maxSteps: 10, maxBatchSize: 32, maxEvalRows: 64, budgetFraction: 0.02, referenceEpochs: 20, referenceBatchSize: 32 };

/** Digits, pixels / 16: the first 1437 rows train, the other 360 validate. */
function digitsTask(): LoadedTask {
  const raw = readDigits();
  const x = Array.from({ length: raw.n }, (_, i) => Array.from(raw.pixels.subarray(i * 64, i * 64 + 64), (v) => v / 16));
  const y = Array.from(raw.labels);
  return makeTask({ id: 'digits', kind: 'classification', numClasses: 10, train: x.slice(0, 1437), trainY: y.slice(0, 1437), validation: x.slice(1437), validationY: y.slice(1437) });
}

beforeAll(async () => {
  await resolveBackend({ preferred: 'cpu', quiet: true });
});

describe('planProbe (hand-computed sizing)', () => {
  it('iris (120 training rows): 48 sample passes allowed, 46 used', () => {
    // reference: 20 epochs × 120 rows = 2400 passes (20 × 4 = 80 steps of 32); budget floor(0.02 × 2400) = 48
    // eval rows: floor(0.25 × 48 / 5) = 2; training budget 48 - 5·2 = 38 → batch max(1, floor(38/40)) = 1,
    // steps min(10, floor(38 / 4)) = 9 → cost 4·9·1 + 5·2 = 46
    expect(planProbe(120, DEFAULT_PLAN)).toEqual({
      steps: 9, batchSize: 1, evalRows: 2, budgetSamples: 48, probeSamples: 46, probeSteps: 36,
      referenceSamples: 2400, referenceSteps: 80, fraction: 46 / 2400,
    });
  });

  it('5000 rows: the full probe (10 steps of 32 at 4 rates, 64 eval rows) = 1.6 % of a run', () => {
    // budget 0.02 × 100000 = 2000; eval min(64, floor(500/5)) = 64; training 2000 - 320 = 1680
    // batch min(32, floor(1680/40) = 42) = 32; steps min(10, floor(1680/128) = 13) = 10 → 1280 + 320 = 1600
    const p = planProbe(5000, DEFAULT_PLAN);
    expect([p.steps, p.batchSize, p.evalRows, p.probeSamples, p.referenceSteps]).toEqual([10, 32, 64, 1600, 20 * 157]);
    expect(p.fraction).toBeCloseTo(0.016, 12);
  });

  it('too few rows for one step at every rate: nothing runs', () => {
    // 20 rows: budget floor(0.02 × 400) = 8 < 4 rates × 1 step + 5 eval rows → steps 0
    expect(planProbe(20, DEFAULT_PLAN)).toMatchObject({ steps: 0, evalRows: 0, probeSamples: 0 });
  });

  it.each([24, 120, 150, 777, 1437, 5000, 60000])('never above 2 %% of the reference run (%i rows)', (n) => {
    const p = planProbe(n, DEFAULT_PLAN);
    expect(p.probeSamples).toBeLessThanOrEqual(p.budgetSamples);
    expect(p.fraction).toBeLessThanOrEqual(0.02);
  });
});

describe('probe budget, counted while it runs', () => {
  it.each([['iris', irisTask], ['digits', digitsTask]] as const)('%s: optimizer steps and rows through the loss stay within 2 %% of 20 epochs', async (_name, make) => {
    const task = make();
    const minimize = jest.spyOn(tf.AdamOptimizer.prototype, 'minimize');
    const loss = jest.spyOn(tf.losses, 'softmaxCrossEntropy');
    try {
      const run = await runProbe(task, 0);
      const rowsThroughLoss = loss.mock.calls.reduce((s, c) => s + (c[0] as tf.Tensor).shape[0]!, 0);
      expect(minimize).toHaveBeenCalledTimes(run.plan.probeSteps);
      expect(run.steps).toBe(run.plan.probeSteps);
      expect(rowsThroughLoss).toBe(run.samples);
      expect(run.samples).toBe(run.plan.probeSamples);
      // The budget itself: 2 % of 20 epochs over the training rows, in sample passes.
      expect(rowsThroughLoss).toBeLessThanOrEqual(0.02 * 20 * task.train.n);
      // In steps of the reference batch (32): at most 2 % of the reference run's steps (plus rounding of its last batch).
      expect(rowsThroughLoss / 32).toBeLessThanOrEqual(0.02 * run.plan.referenceSteps);
    } finally {
      minimize.mockRestore();
      loss.mockRestore();
    }
  });
});

describe('probe features', () => {
  let digits: LoadedTask;
  beforeAll(() => {
    digits = digitsTask();
  });

  it('names: initial loss, best ratio, log10 best rate, one ratio and one flag per rate', () => {
    const p = probeFeaturizer();
    expect(p.featureNames).toEqual([
      'initial_loss', 'best_loss_ratio', 'log10_best_lr',
      'loss_ratio_1e-4', 'loss_ratio_1e-3', 'loss_ratio_1e-2', 'loss_ratio_1e-1',
      'diverged_1e-4', 'diverged_1e-3', 'diverged_1e-2', 'diverged_1e-1',
    ]);
    expect([0.0003, 0.25, 2].map(lrLabel)).toEqual(['3e-4', '2.5e-1', '2e0']);
  });

  it('on digits: larger rates lower the loss more; the smallest barely moves it; ln(10) start', async () => {
    const f = await probeFeaturizer().featurize(digits, { seed: 0 });
    expect(checkFeaturizerOutput(probeFeaturizer(), f)).toEqual(f);
    // Softmax over 10 classes from a small random init starts near ln 10 = 2.303.
    expect(f['probe.initial_loss']).toBeGreaterThan(2);
    expect(f['probe.initial_loss']).toBeLessThan(2.8);
    expect(f['probe.loss_ratio_1e-4']).toBeGreaterThan(0.97);
    expect(f['probe.loss_ratio_1e-4']).toBeLessThan(1);
    expect(f['probe.loss_ratio_1e-2']).toBeLessThan(f['probe.loss_ratio_1e-3']!);
    expect(f['probe.log10_best_lr']).toBeGreaterThanOrEqual(-2);
    expect(f['probe.best_loss_ratio']).toBeLessThan(0.8);
  });

  it('is bit-identical for a seed on cpu, and differs for another seed', async () => {
    const p = probeFeaturizer();
    const a = await p.featurize(digits, { seed: 5 });
    expect(await p.featurize(digits, { seed: 5 })).toEqual(a);
    expect(await p.featurize(digits, { seed: 6 })).not.toEqual(a);
  });

  it('agrees between cpu and wasm to 1e-3 (float32 sums in another order)', async () => {
    const p = probeFeaturizer();
    const cpu = await p.featurize(digits, { seed: 1 });
    await resolveBackend({ preferred: 'wasm', quiet: true });
    try {
      const wasm = await p.featurize(digits, { seed: 1 });
      for (const [k, v] of Object.entries(cpu)) expect(Math.abs(wasm[k]! - v)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(v)));
    } finally {
      await resolveBackend({ preferred: 'cpu', quiet: true });
    }
  });

  it('flags a rate that makes the loss go up (plain SGD at 100 on regression)', async () => {
    const x = Array.from({ length: 400 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
    const task = makeTask({ kind: 'regression', train: x, trainY: x.map(([a, b]) => 3 * a! - 2 * b!), validation: x.slice(0, 50), validationY: x.slice(0, 50).map(([a, b]) => 3 * a! - 2 * b!) });
    const f = await probeFeaturizer({ optimizer: 'sgd', learningRates: [1e-2, 100] }).featurize(task, { seed: 0 });
    expect(f['probe.diverged_1e-2']).toBe(0);
    expect(f['probe.diverged_1e2']).toBe(1);
    expect(f['probe.loss_ratio_1e2']).toBe(10); // capped
    expect(f['probe.log10_best_lr']).toBe(-2);
  });

  it('a task too small for the budget gets neutral values', async () => {
    const tiny = makeTask({ kind: 'classification', train: [[0], [1], [2], [3]], trainY: [0, 1, 0, 1], validation: [[4]], validationY: [0] });
    const run = await runProbe(tiny, 0);
    expect(run.steps).toBe(0);
    expect(run.features['probe.loss_ratio_1e-2']).toBe(1);
    expect(run.features['probe.diverged_1e-1']).toBe(0);
  });

  it('validates its arguments', () => {
    expect(() => probeFeaturizer({ learningRates: [1e-2, 1e-3] })).toThrow(/`learningRates` must be strictly increasing/);
    expect(() => probeFeaturizer({ learningRates: [-1, 1] })).toThrow(/`learningRates\[0\]` must be > 0/);
    expect(() => probeFeaturizer({ budgetFraction: 0 })).toThrow(/`budgetFraction` must be in \(0, 1\]/);
  });
});
