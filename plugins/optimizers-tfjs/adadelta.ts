import { fieldLearningRateAdapter } from './fields.js';

/**
 * tf.train.adadelta. Reads `learningRate` each step. `rho` is a decay of squared-gradient
 * averages, not a momentum, so one-cycle momentum is not mapped onto it.
 */
export const adadeltaAdapter = fieldLearningRateAdapter('Adadelta');
