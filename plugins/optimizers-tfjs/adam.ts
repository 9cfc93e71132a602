import { fieldLearningRateAdapter } from './fields.js';

/**
 * tf.train.adam. `learningRate` and `beta1` are read as numbers in every step, so assigning them
 * works from the next step (measured). A changed beta1 also enters the running product `accBeta1`
 * used for bias correction, from the step after (tfjs multiplies it in at the end of each step).
 */
export const adamAdapter = fieldLearningRateAdapter('Adam', { name: 'beta1', field: 'beta1' });
