import { fieldLearningRateAdapter } from './fields.js';

/** tf.train.rmsprop. Reads `learningRate` and `momentum` as numbers each step. */
export const rmspropAdapter = fieldLearningRateAdapter('RMSProp', { name: 'momentum', field: 'momentum' });
