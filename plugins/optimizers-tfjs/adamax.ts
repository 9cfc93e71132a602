import { fieldLearningRateAdapter } from './fields.js';

/** tf.train.adamax. Same field semantics as Adam: `learningRate` and `beta1` are read each step. */
export const adamaxAdapter = fieldLearningRateAdapter('Adamax', { name: 'beta1', field: 'beta1' });
