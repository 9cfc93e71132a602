/**
 * `landmark`: how well three cheap learners do on the task (landmarking, Pfahringer et al. 2000).
 * Their scores place a task between "linearly separable", "local structure" and "one feature
 * decides", which predicts how much capacity and how many steps a network needs.
 *
 * All on a seeded subsample (≤ 500 train rows, ≤ 200 validation rows), in float64 JavaScript: the
 * same seed gives the same numbers on every backend. Scores are validation accuracy
 * (classification) or R² clipped to [-1, 1] (regression).
 */
import { requireInteger, requireNonNegative } from '../../src/core/validation.js';
import type { FeaturizeContext, Featurizer } from '../../src/tasks/featurizer.js';
import { rowSize, sampleIndices } from '../../src/tasks/featurize.js';
import type { LoadedTask, TaskSplit } from '../../src/tasks/task.js';
import { accuracy, argmax, fitStump, leafValue, nearestNeighbours, predictStump, r2 } from './learners.js';
import { ridgeFit, ridgePredict } from '../../src/core/ridge.js';

export const LANDMARK_FEATURES = {
  linear:
    'closed-form ridge regression (λ = ridge) on the features plus a bias: one-vs-rest least squares on one-hot targets, argmax (classification) / the prediction (regression)',
  nn1: '1-nearest-neighbour (Euclidean, first training row on ties) predicting its neighbour’s target',
  stump: 'best single-feature threshold split (decision stump) fitted on the training subsample',
  baseline: 'majority training class (classification) / training-target mean (regression)',
} as const;

export interface LandmarkFeaturizerArgs {
  /** Training rows used (seeded subsample above this). Defaults to 500. */
  maxTrainRows?: number;
  /** Validation rows scored (seeded subsample above this). Defaults to 200. */
  maxValidationRows?: number;
  /** Ridge penalty λ on the weights (not the bias); features are standardised, so 1 is mild. Defaults to 1. */
  ridge?: number;
}

interface Sample {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
}

function subsample(split: TaskSplit, d: number, max: number, seed: number): Sample {
  const rows = sampleIndices(split.n, max, seed);
  const x = new Float64Array(rows.length * d);
  const y = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) x[i * d + j] = split.x[r * d + j]!;
    y[i] = split.y[r]!;
  });
  return { x, y, n: rows.length };
}

export function landmarkFeaturizer(args: LandmarkFeaturizerArgs = {}): Featurizer {
  const where = 'landmark featurizer';
  const maxTrain = requireInteger('maxTrainRows', args.maxTrainRows ?? 500, 1, where);
  const maxVal = requireInteger('maxValidationRows', args.maxValidationRows ?? 200, 1, where);
  const lambda = requireNonNegative('ridge', args.ridge ?? 1, where);
  return Object.freeze({
    id: 'landmark',
    version: 1,
    description: 'Validation score of ridge least squares, 1-NN, a decision stump and the majority/mean baseline on a seeded subsample',
    featureNames: Object.freeze(Object.keys(LANDMARK_FEATURES)),
    async featurize(task: LoadedTask, ctx: FeaturizeContext): Promise<Record<string, number>> {
      const d = rowSize(task);
      // Different streams for the two splits: equal sizes must not pick the same row positions.
      const train = subsample(task.train, d, maxTrain, ctx.seed);
      const val = subsample(task.validation, d, maxVal, (ctx.seed ^ 0x5bd1e995) >>> 0);
      const classification = task.ref.kind === 'classification';
      const k = classification ? task.numClasses ?? 0 : 1;
      const score = classification ? accuracy : r2;

      // Linear: one-hot targets for classification (one-vs-rest least squares), the target itself otherwise.
      const targets = new Float64Array(train.n * k);
      for (let i = 0; i < train.n; i++) {
        if (classification) targets[i * k + train.y[i]!] = 1;
        else targets[i] = train.y[i]!;
      }
      const w = ridgeFit(train.x, train.n, d, targets, k, lambda);
      const raw = ridgePredict(val.x, val.n, d, w, k);
      const linearPred = classification ? Float64Array.from({ length: val.n }, (_, i) => argmax(raw, i * k, k)) : raw;

      const nn = nearestNeighbours(train.x, train.n, val.x, val.n, d);
      const nnPred = Float64Array.from(nn, (r) => train.y[r]!);

      const numClasses = classification ? k : undefined;
      const stump = fitStump(train.x, train.n, d, train.y, numClasses);
      const stumpPred = predictStump(stump, val.x, val.n, d);

      const base = leafValue(Array.from({ length: train.n }, (_, i) => i), train.y, numClasses).value;
      const basePred = new Float64Array(val.n).fill(base);

      return {
        'landmark.linear': score(linearPred, val.y),
        'landmark.nn1': score(nnPred, val.y),
        'landmark.stump': score(stumpPred, val.y),
        'landmark.baseline': score(basePred, val.y),
      };
    },
  });
}

export const defaultLandmarkFeaturizer = landmarkFeaturizer();
