import type * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../core/errors.js';

/**
 * At most one LR controller (callback or wrapper) per optimizer instance: two would overwrite each
 * other's learning rate every step and the run would follow neither schedule. The owner is kept
 * under a non-enumerable `Symbol.for` key so that it survives a second copy of metatune and never
 * shows up in `getConfig()` / serialisation.
 */
const LOCK = Symbol.for('metatune.lrController');

export interface LrControllerLock {
  /** The callback or wrapper holding the optimizer. */
  readonly owner: object;
  /** Human description for the error message, e.g. "lrScheduler callback (cosine_decay)". */
  readonly description: string;
  /**
   * True while the owner still drives the optimizer. A callback whose fit() died with an exception
   * never gets onTrainEnd; this lets the next controller see that the lock is stale.
   */
  readonly isActive: () => boolean;
  /** Called when a stale lock is taken over, so its owner can undo what it installed (gradient tap). */
  readonly evict?: () => void;
}

export function currentController(optimizer: tf.Optimizer): LrControllerLock | undefined {
  return (optimizer as unknown as Record<symbol, LrControllerLock | undefined>)[LOCK];
}

export function acquireController(optimizer: tf.Optimizer, lock: LrControllerLock): void {
  const held = currentController(optimizer);
  if (held && held.owner !== lock.owner && held.isActive()) {
    throw new TrainingError(
      'DUPLICATE_LR_CONTROLLER',
      `The ${optimizer.getClassName()} optimizer is already driven by ${held.description}; ` +
        `a second learning-rate controller (${lock.description}) would overwrite its learning rate every step. ` +
        `Use one lrScheduler callback (or one scheduledOptimizer) per optimizer; call .release() on a wrapper you no longer use.`,
      { optimizer: optimizer.getClassName(), held: held.description, requested: lock.description },
    );
  }
  if (held && held.owner !== lock.owner) held.evict?.();
  Object.defineProperty(optimizer, LOCK, { value: lock, enumerable: false, configurable: true, writable: true });
}

export function releaseController(optimizer: tf.Optimizer, owner: object): void {
  if (currentController(optimizer)?.owner === owner) {
    delete (optimizer as unknown as Record<symbol, unknown>)[LOCK];
  }
}
