/** The built-in zoo: a capacity ladder of dense nets plus regularised variants and a small CNN. */
import type { ModelZooEntry } from '../../src/models/model-zoo.js';
import { cnnSmallEntry } from './cnn-small.js';
import { mlpEntry } from './mlp.js';

export const linearEntry = mlpEntry({ id: 'linear', hidden: [] });
export const mlpSmallEntry = mlpEntry({ id: 'mlp-small', hidden: [32] });
export const mlpMediumEntry = mlpEntry({ id: 'mlp-medium', hidden: [64, 64] });
export const mlpWideEntry = mlpEntry({ id: 'mlp-wide', hidden: [256] });
export const mlpDeepEntry = mlpEntry({ id: 'mlp-deep', hidden: [64, 64, 64, 64] });
export const mlpDropoutEntry = mlpEntry({ id: 'mlp-dropout', hidden: [128, 128], dropout: 0.3 });
export const mlpBatchNormEntry = mlpEntry({ id: 'mlp-batchnorm', hidden: [64, 64], batchNorm: true });

export const BASIC_ZOO: readonly ModelZooEntry[] = Object.freeze([
  linearEntry,
  mlpSmallEntry,
  mlpMediumEntry,
  mlpWideEntry,
  mlpDeepEntry,
  mlpDropoutEntry,
  mlpBatchNormEntry,
  cnnSmallEntry,
]);
