/**
 * A task in memory: real data, split and standardised, ready for featurizers, the model zoo and
 * sweeps. Loaded from a task file (schemas/task.schema.json) or from the built-in suite.
 *
 * Invariants:
 * - `x` is row-major Float32Array of `n × prod(inputShape)`; rows of train and validation never overlap.
 * - Classification targets are integer class indices 0..numClasses-1 stored in an Int32Array;
 *   regression targets are Float32Array (standardised when `targetScaling` says so).
 * - The split is a deterministic function of (data, seed): the same task file and seed give the same rows.
 */
import type { TaskKind, TaskRef } from '../traces/trace.js';

export interface TaskSplit {
  readonly x: Float32Array;
  readonly y: Float32Array | Int32Array;
  /** Number of rows. */
  readonly n: number;
}

export interface LoadedTask {
  readonly ref: TaskRef & { readonly kind: Exclude<TaskKind, 'unknown'> };
  /** Shape of one input row: `[features]` for tables, `[h, w, c]` for images. */
  readonly inputShape: readonly number[];
  readonly featureNames: readonly string[];
  /** Classification only. */
  readonly numClasses?: number;
  /** Classification only: the name of each class index (text labels, or the original numeric label as text). */
  readonly classNames?: readonly string[];
  /** Regression only, when the target was standardised: original = y × std + mean. */
  readonly targetScaling?: { readonly mean: number; readonly std: number };
  /** Tables only, when features were standardised: per input column (one-hot columns: mean 0, std 1). */
  readonly featureScaling?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  readonly train: TaskSplit;
  readonly validation: TaskSplit;
  /** Seed used for the split (and for anything else random in loading). */
  readonly seed: number;
  /** What loading did that a user should know (imputed cells, dropped constant columns, …). */
  readonly notes: readonly string[];
}
