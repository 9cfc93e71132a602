import type * as tf from '@tensorflow/tfjs';

/**
 * Extension point `OptimizerAdapter` (token `metatune.OptimizerAdapter`): how to change one tfjs
 * optimizer class's learning rate (and momentum, where it has one) in place.
 *
 * Invariants:
 * - Never replace the optimizer (that would reset Adam's moments); mutate it in place.
 * - A value set with `setLearningRate` takes effect on the very next `applyGradients`
 *   (each built-in adapter has a numeric test proving it). SGD and Momentum cache `-lr` as a
 *   tensor, so assigning the field is silently ignored there: they must use `setLearningRate()`.
 * - Looked up by `optimizer.getClassName()`; an optimizer without an adapter is a
 *   `NotFoundError` with code `NO_OPTIMIZER_ADAPTER`, never a silent no-op.
 */
export interface OptimizerAdapter {
  /** Same as `className`: registries key contributions by `id`. */
  readonly id: string;
  /** tfjs class name as returned by `getClassName()`, e.g. "SGD", "Adam". */
  readonly className: string;
  getLearningRate(optimizer: tf.Optimizer): number;
  setLearningRate(optimizer: tf.Optimizer, lr: number): void;
  /** Name of the momentum-like coefficient this optimizer has ("momentum", "beta1"), if any. */
  readonly momentumName?: string;
  getMomentum?(optimizer: tf.Optimizer): number;
  setMomentum?(optimizer: tf.Optimizer, momentum: number): void;
}
