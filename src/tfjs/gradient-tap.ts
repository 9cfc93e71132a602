import * as tf from '@tensorflow/tfjs';

/** What `Optimizer.applyGradients` accepts. */
export type VariableGradients = tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>;

/**
 * All gradients as one Float32Array, in the order they are given (model.fit and minimize always
 * pass the same variables in the same order, so positions are stable across steps). A missing
 * (null) gradient counts as zeros of its variable's size, so the length never changes.
 * Always a fresh array: stateful schedules may keep the previous step's gradients (hypergradient).
 */
export function flattenGradients(grads: VariableGradients): Float32Array {
  const parts: ArrayLike<number>[] = [];
  let length = 0;
  const push = (name: string, t: tf.Tensor | null | undefined) => {
    if (t != null) {
      const data = t.dataSync() as ArrayLike<number>;
      parts.push(data);
      length += data.length;
    } else {
      const size = tf.engine().registeredVariables[name]?.size ?? 0;
      parts.push(new Float32Array(size));
      length += size;
    }
  };
  if (Array.isArray(grads)) for (const g of grads) push(g.name, g.tensor);
  else for (const name of Object.keys(grads)) push(name, grads[name]);
  const out = new Float32Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

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
