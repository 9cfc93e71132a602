import type * as tf from '@tensorflow/tfjs';
import { NotFoundError } from '../core/errors.js';
import type { OptimizerAdapter } from './optimizer-adapter.js';

/**
 * Where optimizer adapters come from: the container's `Registry<OptimizerAdapter>` (anything with
 * has/get/ids) or a plain list (tests, embedding without a container).
 */
export type OptimizerAdapterSource =
  | { has(id: string): boolean; get(id: string): OptimizerAdapter; ids(): string[] }
  | readonly OptimizerAdapter[];

/**
 * The adapter for `optimizer`, by `getClassName()`. An optimizer nobody adapts is a `NotFoundError`
 * (`NO_OPTIMIZER_ADAPTER`): silently not scheduling would train with a constant LR.
 */
export function adapterFor(optimizer: tf.Optimizer, source: OptimizerAdapterSource): OptimizerAdapter {
  const className = typeof optimizer?.getClassName === 'function' ? optimizer.getClassName() : String(optimizer);
  let found: OptimizerAdapter | undefined;
  let supported: string[];
  if (Array.isArray(source)) {
    const list = source as readonly OptimizerAdapter[];
    found = list.find((a) => a.className === className);
    supported = list.map((a) => a.className).sort();
  } else {
    const registry = source as Exclude<OptimizerAdapterSource, readonly OptimizerAdapter[]>;
    found = registry.has(className) ? registry.get(className) : undefined;
    supported = registry.ids();
  }
  if (!found) {
    throw new NotFoundError(
      'NO_OPTIMIZER_ADAPTER',
      `No optimizer adapter for tfjs optimizer class "${className}": metatune cannot change its learning rate. ` +
        `Supported classes: ${supported.join(', ') || '(none registered)'}. ` +
        `Use one of them, or contribute an OptimizerAdapter for "${className}" from a plugin.`,
      { className, supported },
    );
  }
  return found;
}
