import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '../core/errors.js';
import { rejectUnknownKeys, requirePositive, requireInRange, requireNonNegative } from '../core/validation.js';
import { OPTIMIZER_HYPERPARAMETERS, OPTIMIZER_NAMES, type OptimizerConfig } from './optimizer-config.js';

export { OPTIMIZER_NAMES, type OptimizerConfig, type OptimizerName } from './optimizer-config.js';


/**
 * A fresh tfjs optimizer from its config, validated eagerly (a sweep must fail on a typo before it
 * trains anything). Defaults are tfjs' own, except Momentum's momentum (0.9, PyTorch/Keras practice;
 * tfjs has no default).
 */
export function makeOptimizer(config: OptimizerConfig): tf.Optimizer {
  const where = `optimizer "${String(config.name)}"`;
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(config.name)) {
    throw new ValidationError('UNKNOWN_OPTIMIZER', `Unknown optimizer "${String(config.name)}". Valid choices: ${OPTIMIZER_NAMES.join(', ')}.`, {
      name: config.name,
    });
  }
  const { name, learningRate, ...hp } = config;
  rejectUnknownKeys(hp, OPTIMIZER_HYPERPARAMETERS[name], where);
  const lr = requirePositive('learningRate', learningRate, where);
  const num = (key: string, fallback: number) => (hp[key] === undefined ? fallback : requireNonNegative(key, hp[key], where));
  switch (name) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, requireInRange('momentum', hp.momentum ?? 0.9, 0, 1, where), hp.useNesterov === 1 || hp.useNesterov === 'true');
    case 'adam':
      return tf.train.adam(lr, num('beta1', 0.9), num('beta2', 0.999), hp.epsilon === undefined ? undefined : num('epsilon', 1e-7));
    case 'adamax':
      return tf.train.adamax(lr, num('beta1', 0.9), num('beta2', 0.999), hp.epsilon === undefined ? undefined : num('epsilon', 1e-7), num('decay', 0));
    case 'adagrad':
      return tf.train.adagrad(lr, num('initialAccumulatorValue', 0.1));
    case 'adadelta':
      return tf.train.adadelta(lr, num('rho', 0.95), hp.epsilon === undefined ? undefined : num('epsilon', 1e-7));
    case 'rmsprop':
      return tf.train.rmsprop(lr, num('decay', 0.9), num('momentum', 0), hp.epsilon === undefined ? undefined : num('epsilon', 1e-7), hp.centered === 1 || hp.centered === 'true');
  }
}

/**
 * Disposes an optimizer and all its tensors. tfjs 4.22's `MomentumOptimizer.dispose()` overrides
 * `SGDOptimizer.dispose()` without calling it, so the `-learningRate` scalar `c` that Momentum
 * inherits from SGD stays alive: one tensor per trial. We dispose it when the optimizer did not.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const c = (optimizer as unknown as { c?: unknown }).c;
  if (c instanceof tf.Tensor && !c.isDisposed) c.dispose();
}
