/**
 * Builds `LoadedTask` objects straight from small literal arrays, so featurizer tests do not depend
 * on the task loaders: the numbers in a test are exactly the numbers the featurizer sees.
 */
import type { LoadedTask } from '../../../src/tasks/task.js';
import { readIris } from '../../helpers/iris.js';

export interface MakeTaskArgs {
  /** Training rows (each `features` long). */
  train: number[][];
  trainY: number[];
  /** Validation rows. Defaults to none. */
  validation?: number[][];
  validationY?: number[];
  kind: 'classification' | 'regression';
  /** Defaults to max(label) + 1 for classification. */
  numClasses?: number;
  /** Defaults to [features]. */
  inputShape?: number[];
  id?: string;
  seed?: number;
}

export function makeTask(a: MakeTaskArgs): LoadedTask {
  const d = a.train[0]?.length ?? a.validation?.[0]?.length ?? 0;
  const split = (x: number[][], y: number[]) => ({
    x: Float32Array.from(x.flat()),
    y: a.kind === 'classification' ? Int32Array.from(y) : Float32Array.from(y),
    n: x.length,
  });
  const allY = [...a.trainY, ...(a.validationY ?? [])];
  return {
    ref: { id: a.id ?? 'tiny', kind: a.kind },
    inputShape: a.inputShape ?? [d],
    featureNames: Array.from({ length: d }, (_, j) => `f${j}`),
    ...(a.kind === 'classification' ? { numClasses: a.numClasses ?? Math.max(...allY) + 1 } : {}),
    train: split(a.train, a.trainY),
    validation: split(a.validation ?? [], a.validationY ?? []),
    seed: a.seed ?? 0,
    notes: [],
  };
}

/**
 * Iris read from the shared dataset file (header `150,4,names`, then 4 features + label), raw
 * (not standardised). Every 5th row goes to validation: a deterministic split with 10 of each class.
 */
export function irisTask(): LoadedTask {
  const raw = readIris();
  const rows = Array.from({ length: raw.n }, (_, i) => Array.from(raw.features.subarray(i * 4, i * 4 + 4)));
  const labels = Array.from(raw.labels);
  const isVal = (i: number) => i % 5 === 4;
  return makeTask({
    id: 'iris',
    kind: 'classification',
    numClasses: 3,
    train: rows.filter((_, i) => !isVal(i)),
    trainY: labels.filter((_, i) => !isVal(i)),
    validation: rows.filter((_, i) => isVal(i)),
    validationY: labels.filter((_, i) => isVal(i)),
  });
}
