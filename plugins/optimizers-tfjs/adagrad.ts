import { fieldLearningRateAdapter } from './fields.js';

/** tf.train.adagrad. Reads `learningRate` each step; has no momentum-like coefficient. */
export const adagradAdapter = fieldLearningRateAdapter('Adagrad');
