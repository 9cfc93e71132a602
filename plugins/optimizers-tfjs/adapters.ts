import type { OptimizerAdapter } from '../../src/tfjs/optimizer-adapter.js';
import { adadeltaAdapter } from './adadelta.js';
import { adagradAdapter } from './adagrad.js';
import { adamAdapter } from './adam.js';
import { adamaxAdapter } from './adamax.js';
import { momentumAdapter } from './momentum.js';
import { rmspropAdapter } from './rmsprop.js';
import { sgdAdapter } from './sgd.js';

/** The seven built-in tfjs optimizers, keyed by `getClassName()`. */
export const builtinOptimizerAdapters: readonly OptimizerAdapter[] = Object.freeze([
  sgdAdapter,
  momentumAdapter,
  adamAdapter,
  adamaxAdapter,
  adagradAdapter,
  adadeltaAdapter,
  rmspropAdapter,
]);

export { sgdAdapter, momentumAdapter, adamAdapter, adamaxAdapter, adagradAdapter, adadeltaAdapter, rmspropAdapter };
