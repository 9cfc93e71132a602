import * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../core/errors.js';

/** What `optimizer.applyGradients` receives: a name → tensor map, or an array of `{name, tensor}`. */
export type GradientsInput = tf.NamedTensorMap | ReadonlyArray<{ readonly name: string; readonly tensor: tf.Tensor | null }>;

/**
 * All gradients concatenated into one Float32Array, in a fixed order so that two steps' vectors
 * can be dotted (hypergradient descent needs `g_t · g_{t-1}`).
 *
 * Order: `order` when given (every name in it must be present, and no other), otherwise the
 * variable names sorted by UTF-16 code units (`Array.prototype.sort`), which is stable across
 * steps whatever order tfjs or the caller builds the map in. Within one tensor, values are in
 * row-major (`dataSync`) order. Reads every tensor synchronously (`dataSync`); disposes nothing.
 * A null gradient (tfjs' applyGradients skips those) counts as zeros of its variable's size, so the
 * vector's length does not change from step to step. Always returns a fresh array.
 *
 * A name listed in `order` but absent, or present but not listed, is a `TrainingError` with code
 * `GRADIENT_ORDER_MISMATCH` (a silently shifted vector would give meaningless dot products).
 */
export function flattenGradients(grads: GradientsInput, order?: readonly string[]): Float32Array {
  const byName = new Map<string, tf.Tensor | null>();
  if (Array.isArray(grads)) {
    for (const { name, tensor } of grads as ReadonlyArray<{ name: string; tensor: tf.Tensor | null }>) byName.set(name, tensor);
  } else {
    for (const [name, tensor] of Object.entries(grads as tf.NamedTensorMap)) byName.set(name, tensor);
  }
  const sizeOf = (name: string): number => byName.get(name)?.size ?? tf.engine().registeredVariables[name]?.size ?? 0;
  let names: string[];
  if (order) {
    const missing = order.filter((n) => !byName.has(n));
    const extra = [...byName.keys()].filter((n) => !order.includes(n));
    if (missing.length || extra.length) {
      throw new TrainingError(
        'GRADIENT_ORDER_MISMATCH',
        `flattenGradients: the gradients do not match \`order\`` +
          `${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; not in order: ${extra.join(', ')}` : ''}. ` +
          `Pass the same variable names every step, or omit \`order\` to sort by name.`,
        { missing, extra },
      );
    }
    names = [...order];
  } else {
    names = [...byName.keys()].sort();
  }
  let total = 0;
  for (const n of names) total += sizeOf(n);
  const out = new Float32Array(total); // zero-filled: null gradients stay zeros
  let offset = 0;
  for (const n of names) {
    const t = byName.get(n);
    if (t != null) out.set(t.dataSync() as ArrayLike<number>, offset);
    offset += sizeOf(n);
  }
  return out;
}

/** What `Optimizer.applyGradients` accepts (kept for the wrapper's signature). */
export type VariableGradients = tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>;

/**
 * Observes `optimizer.applyGradients` without replacing the optimizer: shadows the method on the
 * instance (model.fit calls `model.optimizer.minimize`, which calls `this.applyGradients`, so the
 * instance property is what runs), calls `before(grads)` and then the original. Returns the undo.
 */
export function tapApplyGradients(optimizer: tf.Optimizer, before: (grads: VariableGradients) => void): () => void {
  const hadOwn = Object.prototype.hasOwnProperty.call(optimizer, 'applyGradients');
  const original = optimizer.applyGradients;
  const tapped = function (this: tf.Optimizer, grads: VariableGradients) {
    before(grads);
    return original.call(optimizer, grads);
  };
  optimizer.applyGradients = tapped;
  return () => {
    // Only undo our own patch: something installed after us stays in place.
    if (optimizer.applyGradients !== tapped) return;
    if (hadOwn) optimizer.applyGradients = original;
    else delete (optimizer as unknown as Record<string, unknown>)['applyGradients'];
  };
}
