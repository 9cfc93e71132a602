import type * as tf from '@tensorflow/tfjs';
import { EnvironmentError } from '../../src/core/errors.js';
import { requireNonNegative, requireInRange } from '../../src/core/validation.js';
import type { OptimizerAdapter } from '../../src/tfjs/optimizer-adapter.js';

/**
 * tfjs declares `learningRate`, `beta1`, `momentum` as `protected`; they are plain instance fields at
 * run time. This is the one place that reaches into them, so a tfjs upgrade that renames a field
 * breaks one file (and the numeric tests in test/unit/tfjs/optimizer-adapters.test.ts).
 */
export function fieldsOf(optimizer: tf.Optimizer): Record<string, unknown> {
  return optimizer as unknown as Record<string, unknown>;
}

export function readNumberField(optimizer: tf.Optimizer, field: string): number {
  const value = fieldsOf(optimizer)[field];
  if (typeof value !== 'number') {
    // A tfjs upgrade renamed or retyped the field (or a custom optimizer reuses a built-in class
    // name): fail loudly, with a code, rather than drive nothing.
    throw new EnvironmentError(
      'UNSUPPORTED_OPTIMIZER_FIELDS',
      `${optimizer.getClassName()}.${field} is not a number (found ${typeof value}): this optimizer does not have the fields of tfjs 4.22's ${optimizer.getClassName()}. ` +
        'Fix: use @tensorflow/tfjs 4.22.0 (the version metatune is tested with), or contribute an optimizer adapter for this class in a plugin.',
      { className: optimizer.getClassName(), field, found: typeof value },
    );
  }
  return value;
}

export function checkLearningRate(className: string, lr: number): number {
  return requireNonNegative('learningRate', lr, `${className} adapter`);
}

export function checkMomentum(className: string, name: string, value: number): number {
  // Momentum / beta1 of 1 would freeze the moment estimate (and divide by 0 in Adam's bias correction).
  return requireInRange(name, value, 0, 1, `${className} adapter`, { hi: true });
}

/**
 * Adapter for optimizers that read `this.learningRate` as a plain number inside every
 * `applyGradients` (Adam, Adamax, Adagrad, Adadelta, RMSProp): assigning the field takes effect on
 * the next step. Checked numerically per class in the adapter tests.
 */
export function fieldLearningRateAdapter(
  className: string,
  momentum?: { name: string; field: string },
): OptimizerAdapter {
  const adapter: OptimizerAdapter = {
    id: className,
    className,
    getLearningRate: (opt) => readNumberField(opt, 'learningRate'),
    setLearningRate: (opt, lr) => {
      fieldsOf(opt)['learningRate'] = checkLearningRate(className, lr);
    },
    ...(momentum && {
      momentumName: momentum.name,
      getMomentum: (opt: tf.Optimizer) => readNumberField(opt, momentum.field),
      setMomentum: (opt: tf.Optimizer, value: number) => {
        fieldsOf(opt)[momentum.field] = checkMomentum(className, momentum.name, value);
      },
    }),
  };
  return Object.freeze(adapter);
}
