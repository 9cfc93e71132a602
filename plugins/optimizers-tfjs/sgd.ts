import type * as tf from '@tensorflow/tfjs';
import type { OptimizerAdapter } from '../../src/tfjs/optimizer-adapter.js';
import { checkLearningRate, readNumberField } from './fields.js';

/**
 * tf.train.sgd. SGD multiplies gradients by a cached tensor `c = -lr` built in `setLearningRate`,
 * so assigning `learningRate` is silently ignored (measured: the step still uses the old rate).
 * `setLearningRate()` disposes and rebuilds `c` (inside `tf.keep`, so it is safe inside `tidy`).
 */
export const sgdAdapter: OptimizerAdapter = Object.freeze({
  id: 'SGD',
  className: 'SGD',
  getLearningRate: (opt: tf.Optimizer) => readNumberField(opt, 'learningRate'),
  setLearningRate: (opt: tf.Optimizer, lr: number) => {
    (opt as tf.SGDOptimizer).setLearningRate(checkLearningRate('SGD', lr));
  },
});
