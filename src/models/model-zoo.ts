/**
 * Extension point `ModelZooEntry` (token `metatune.ModelZooEntry`): named model builders that
 * sweeps and suggestions choose among.
 *
 * Invariants:
 * - `build` returns a fresh, uncompiled `tf.LayersModel` every call (never a shared instance).
 * - Initial weights are a deterministic function of `seed` (layers get seeded initializers).
 * - `accepts` says whether the entry can handle an input shape (the CNN needs `[h, w, c]`);
 *   building an entry for an input it does not accept is a `ValidationError` (`MODEL_INPUT_MISMATCH`).
 */
import type * as tf from '@tensorflow/tfjs';

export interface ModelInputSpec {
  readonly shape: readonly number[];
}

export interface ModelOutputSpec {
  readonly kind: 'classification' | 'regression';
  /** Classes for classification (2 → one sigmoid unit is NOT used: always softmax over numClasses), outputs for regression. */
  readonly units: number;
}

export interface ModelZooEntry {
  readonly id: string;
  readonly description: string;
  accepts(input: ModelInputSpec): boolean;
  build(input: ModelInputSpec, output: ModelOutputSpec, options?: { readonly seed?: number }): tf.LayersModel;
}
