import * as tf from '@tensorflow/tfjs';
import type { OptimizerAdapter } from '../../src/tfjs/optimizer-adapter.js';
import { checkLearningRate, checkMomentum, fieldsOf, readNumberField } from './fields.js';

/**
 * tf.train.momentum. Extends SGD, so the learning rate lives in the cached `-lr` tensor and needs
 * `setLearningRate()`. The momentum is cached too, as the scalar tensor `m` built in the
 * constructor; tfjs 4.22's own `setMomentum()` only updates the number field and is therefore
 * ignored as well (measured). We rebuild `m` the way `setLearningRate` rebuilds `c`.
 */
export const momentumAdapter: OptimizerAdapter = Object.freeze({
  id: 'Momentum',
  className: 'Momentum',
  momentumName: 'momentum',
  getLearningRate: (opt: tf.Optimizer) => readNumberField(opt, 'learningRate'),
  setLearningRate: (opt: tf.Optimizer, lr: number) => {
    (opt as tf.MomentumOptimizer).setLearningRate(checkLearningRate('Momentum', lr));
  },
  getMomentum: (opt: tf.Optimizer) => readNumberField(opt, 'momentum'),
  setMomentum: (opt: tf.Optimizer, value: number) => {
    const fields = fieldsOf(opt);
    const m = checkMomentum('Momentum', 'momentum', value);
    fields['momentum'] = m;
    (fields['m'] as tf.Tensor | undefined)?.dispose();
    // keep(): applyGradients runs inside model.fit's tidy(); the tensor must outlive it.
    fields['m'] = tf.keep(tf.scalar(m));
  },
});
