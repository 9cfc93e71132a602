/**
 * Checks shared by every zoo entry: input and output specs are validated before any layer is made,
 * so a bad spec is a `ValidationError` naming the entry rather than a tfjs shape error mid-build.
 */
import { ValidationError, describeValue } from '../../src/core/errors.js';
import { requireInteger, requireOneOf } from '../../src/core/validation.js';
import type { ModelInputSpec, ModelOutputSpec, ModelZooEntry } from '../../src/models/model-zoo.js';

/** True when `shape` is a non-empty list of positive integers. */
export function isShape(shape: unknown): shape is readonly number[] {
  return Array.isArray(shape) && shape.length > 0 && shape.every((v) => Number.isInteger(v) && v > 0);
}

/** Throws `MODEL_INPUT_MISMATCH` unless `entry` accepts `input`; `needs` says what it accepts. */
export function requireAccepted(entry: Pick<ModelZooEntry, 'id' | 'accepts'>, input: ModelInputSpec, needs: string): void {
  if (!entry.accepts(input)) {
    throw new ValidationError(
      'MODEL_INPUT_MISMATCH',
      `Model "${entry.id}" cannot take inputs of shape ${describeValue(input?.shape)}: it needs ${needs}. ` +
        'Pick a model whose accepts(input) is true (e.g. an MLP for tables), or reshape the task input.',
      { model: entry.id, shape: input?.shape, needs },
    );
  }
}

/**
 * Seed of the i-th initialised layer, derived from the model seed by an integer hash, so layers of
 * one model differ from each other and models with neighbouring seeds do not share layers.
 */
export function layerSeed(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function requireSeed(seed: unknown, where: string): number {
  return requireInteger('seed', seed, 0, where);
}
