/**
 * `probe`: a short learning-rate range test, a fingerprint of the task's optimisation landscape.
 * For each learning rate a fresh copy of one small network (d → 16 relu → outputs, weights from a
 * seeded glorot-uniform draw made in JavaScript, so identical on every backend) takes a few Adam
 * steps on the same seeded mini-batches; the loss on a fixed held-out batch before and after gives
 * the loss ratio. Sizing: plan.ts (at most 2 % of one reference training run).
 *
 * Determinism: every random choice comes from the seed, so on the cpu backend two runs give
 * bit-identical features. Other backends order float32 sums differently (wasm's XNNPACK matmul):
 * the ratios then agree to about 1e-5 relative (test/unit/featurizers/probe.test.ts checks 1e-3).
 */
import * as tf from '@tensorflow/tfjs';
import { requireIncreasing, requireInRange, requireInteger, requireOneOf, requirePositive } from '../../src/core/validation.js';
import type { FeaturizeContext, Featurizer } from '../../src/tasks/featurizer.js';
import { rowSize, sampleIndices, seededRandom } from '../../src/tasks/featurize.js';
import type { LoadedTask, TaskSplit } from '../../src/tasks/task.js';
import { planProbe, type ProbePlan } from './plan.js';

export interface ProbeFeaturizerArgs {
  /** Learning rates tried, increasing. Defaults to [1e-4, 1e-3, 1e-2, 1e-1]. */
  learningRates?: number[];
  /** Optimizer of the probe. Defaults to 'adam'. */
  optimizer?: 'adam' | 'sgd';
  /** Hidden units of the probe network. Defaults to 16. */
  hiddenUnits?: number;
  /** Most optimizer steps per learning rate. Defaults to 10. */
  maxSteps?: number;
  /** Largest mini-batch. Defaults to 32. */
  maxBatchSize?: number;
  /** Largest evaluation batch. Defaults to 64. */
  maxEvalRows?: number;
  /** Share of one reference training run the probe may cost. Defaults to 0.02. */
  budgetFraction?: number;
  /** Epochs of the reference run (the sweep's default). Defaults to 20. */
  referenceEpochs?: number;
  /** Batch size of the reference run. Defaults to 32. */
  referenceBatchSize?: number;
  /** A rate "diverged" when its loss ratio exceeds this (or the loss is not finite). Defaults to 1 (the loss went up). */
  divergeAbove?: number;
  /** Ratios are capped here so one exploding rate does not dominate a feature vector. Defaults to 10. */
  ratioCap?: number;
}

/** One probe run: the features and what it cost (counted while running, not taken from the plan). */
export interface ProbeRun {
  readonly features: Readonly<Record<string, number>>;
  readonly plan: ProbePlan;
  /** Optimizer steps actually taken (all rates). */
  readonly steps: number;
  /** Rows passed through the network (training rows + evaluation rows). */
  readonly samples: number;
  readonly initialLoss: number;
  readonly losses: ReadonlyArray<{ readonly lr: number; readonly after: number; readonly ratio: number; readonly diverged: boolean }>;
}

/** "1e-4" for 1e-4; feature names carry the rate so a stored vector is self-describing. */
export function lrLabel(lr: number): string {
  return lr.toExponential().replace(/\.?0+e/, 'e').replace('e+', 'e');
}

function rows(split: TaskSplit, d: number, idx: readonly number[]): Float32Array {
  const out = new Float32Array(idx.length * d);
  idx.forEach((r, i) => out.set(split.x.subarray(r * d, (r + 1) * d), i * d));
  return out;
}

/** Glorot-uniform draw in JavaScript: limit √(6 / (fanIn + fanOut)). */
function glorot(fanIn: number, fanOut: number, rand: () => number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: fanIn * fanOut }, () => (2 * rand() - 1) * limit);
}

interface Resolved {
  readonly lrs: number[];
  readonly optimizer: 'adam' | 'sgd';
  readonly hidden: number;
  readonly maxSteps: number;
  readonly maxBatchSize: number;
  readonly maxEvalRows: number;
  readonly budgetFraction: number;
  readonly referenceEpochs: number;
  readonly referenceBatchSize: number;
  readonly divergeAbove: number;
  readonly ratioCap: number;
}

function resolve(args: ProbeFeaturizerArgs): Resolved {
  const where = 'probe featurizer';
  const lrs = requireIncreasing('learningRates', args.learningRates ?? [1e-4, 1e-3, 1e-2, 1e-1], where);
  lrs.forEach((lr, i) => requirePositive(`learningRates[${i}]`, lr, where));
  return {
    lrs,
    optimizer: requireOneOf('optimizer', args.optimizer ?? 'adam', ['adam', 'sgd'], where),
    hidden: requireInteger('hiddenUnits', args.hiddenUnits ?? 16, 1, where),
    maxSteps: requireInteger('maxSteps', args.maxSteps ?? 10, 1, where),
    maxBatchSize: requireInteger('maxBatchSize', args.maxBatchSize ?? 32, 1, where),
    maxEvalRows: requireInteger('maxEvalRows', args.maxEvalRows ?? 64, 1, where),
    budgetFraction: requireInRange('budgetFraction', args.budgetFraction ?? 0.02, 0, 1, where, { lo: true }),
    referenceEpochs: requireInteger('referenceEpochs', args.referenceEpochs ?? 20, 1, where),
    referenceBatchSize: requireInteger('referenceBatchSize', args.referenceBatchSize ?? 32, 1, where),
    divergeAbove: requirePositive('divergeAbove', args.divergeAbove ?? 1, where),
    ratioCap: requirePositive('ratioCap', args.ratioCap ?? 10, where),
  };
}

function featureNamesFor(lrs: readonly number[]): string[] {
  return ['initial_loss', 'best_loss_ratio', 'log10_best_lr', ...lrs.map((lr) => `loss_ratio_${lrLabel(lr)}`), ...lrs.map((lr) => `diverged_${lrLabel(lr)}`)];
}

/** Runs the probe on the current tfjs backend. */
export async function runProbe(task: LoadedTask, seed: number, args: ProbeFeaturizerArgs = {}): Promise<ProbeRun> {
  const o = resolve(args);
  const d = rowSize(task);
  const classification = task.ref.kind === 'classification';
  const k = classification ? task.numClasses ?? 0 : 1;
  const plan = planProbe(task.train.n, {
    learningRates: o.lrs.length,
    maxSteps: o.maxSteps,
    maxBatchSize: o.maxBatchSize,
    maxEvalRows: o.maxEvalRows,
    budgetFraction: o.budgetFraction,
    referenceEpochs: o.referenceEpochs,
    referenceBatchSize: o.referenceBatchSize,
  });

  const rand = seededRandom(seed);
  const init = [glorot(d, o.hidden, rand), new Float32Array(o.hidden), glorot(o.hidden, k, rand), new Float32Array(k)];
  const shapes: Array<[number, number] | [number]> = [[d, o.hidden], [o.hidden], [o.hidden, k], [k]];

  const target = (split: TaskSplit, idx: readonly number[]): tf.Tensor2D =>
    classification
      ? tf.tidy(() => tf.oneHot(tf.tensor1d(idx.map((r) => split.y[r]!), 'int32'), k).toFloat() as tf.Tensor2D)
      : tf.tensor2d(idx.map((r) => split.y[r]!), [idx.length, 1]);
  // The same mini-batches for every rate: rates are the only difference between the runs.
  const batches = Array.from({ length: plan.steps }, (_, s) => {
    const idx = sampleIndices(task.train.n, plan.batchSize, (seed + 0x9e3779b9 * (s + 1)) >>> 0);
    return { x: tf.tensor2d(rows(task.train, d, idx), [idx.length, d]), y: target(task.train, idx) };
  });
  // Held-out rows when there are any: the probe measures loss the model did not train on.
  const evalSplit = task.validation.n > 0 ? task.validation : task.train;
  const evalIdx = sampleIndices(evalSplit.n, plan.evalRows, (seed ^ 0x27d4eb2f) >>> 0);
  const evalX = tf.tensor2d(rows(evalSplit, d, evalIdx), [evalIdx.length, d]);
  const evalY = target(evalSplit, evalIdx);

  const lossOf = (p: readonly tf.Tensor[], x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar => {
    const h = tf.relu(tf.add(tf.matMul(x, p[0] as tf.Tensor2D), p[1]!));
    const out = tf.add(tf.matMul(h, p[2] as tf.Tensor2D), p[3]!);
    return classification ? tf.losses.softmaxCrossEntropy(y, out) : tf.losses.meanSquaredError(y, out);
  };
  const evaluate = async (p: readonly tf.Tensor[]): Promise<number> => {
    const t = tf.tidy(() => lossOf(p, evalX, evalY));
    const v = (await t.data())[0]!;
    t.dispose();
    return v;
  };

  let steps = 0;
  let samples = 0;
  const losses: Array<ProbeRun['losses'][number]> = [];
  let initialLoss = 0;
  try {
    if (plan.steps > 0) {
      const initial = init.map((v, i) => tf.tensor(v, shapes[i]));
      initialLoss = await evaluate(initial);
      samples += evalIdx.length;
      tf.dispose(initial);
    }
    for (const lr of o.lrs) {
      if (plan.steps === 0) {
        losses.push({ lr, after: initialLoss, ratio: 1, diverged: false });
        continue;
      }
      const vars = init.map((v, i) => tf.variable(tf.tensor(v, shapes[i])));
      const opt = o.optimizer === 'adam' ? tf.train.adam(lr) : tf.train.sgd(lr);
      try {
        for (const b of batches) {
          opt.minimize(() => lossOf(vars, b.x, b.y), false, vars);
          steps++;
          samples += b.x.shape[0];
        }
        const after = await evaluate(vars);
        samples += evalIdx.length;
        const raw = initialLoss > 0 ? after / initialLoss : 1;
        const diverged = !Number.isFinite(after) || raw > o.divergeAbove;
        const ratio = Number.isFinite(raw) ? Math.min(raw, o.ratioCap) : o.ratioCap;
        losses.push({ lr, after, ratio, diverged });
      } finally {
        opt.dispose();
        tf.dispose(vars);
      }
    }
  } finally {
    tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    tf.dispose([evalX, evalY]);
  }

  // Best rate: lowest ratio among rates that did not diverge (the first on ties); the smallest rate if all did.
  const ok = losses.filter((l) => !l.diverged);
  const best = ok.length ? ok.reduce((a, b) => (b.ratio < a.ratio ? b : a)) : losses[0]!;
  const features: Record<string, number> = {
    'probe.initial_loss': Number.isFinite(initialLoss) ? initialLoss : 0,
    'probe.best_loss_ratio': best.ratio,
    'probe.log10_best_lr': Math.log10(best.lr),
  };
  for (const l of losses) features[`probe.loss_ratio_${lrLabel(l.lr)}`] = l.ratio;
  for (const l of losses) features[`probe.diverged_${lrLabel(l.lr)}`] = l.diverged ? 1 : 0;
  return { features, plan, steps, samples, initialLoss, losses };
}

/** The `probe` featurizer; feature names depend on `learningRates` (one ratio and one flag per rate). */
export function probeFeaturizer(args: ProbeFeaturizerArgs = {}): Featurizer {
  const o = resolve(args);
  return Object.freeze({
    id: 'probe',
    version: 1,
    description: `Learning-rate range test: loss ratio after a few ${o.optimizer} steps at ${o.lrs.map(lrLabel).join(', ')} (≤ ${o.budgetFraction * 100} % of one ${o.referenceEpochs}-epoch run)`,
    featureNames: Object.freeze(featureNamesFor(o.lrs)),
    async featurize(task: LoadedTask, ctx: FeaturizeContext): Promise<Record<string, number>> {
      return (await runProbe(task, ctx.seed, args)).features;
    },
  });
}

export const defaultProbeFeaturizer = probeFeaturizer();
