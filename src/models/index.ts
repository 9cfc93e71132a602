/**
 * Model zoo barrel: the contract, the built-in entries and the helpers to build, compile and
 * describe zoo models. The entries live in plugins/zoo-basic (registered through the container);
 * they are re-exported here so a user can build one without a container.
 */
export type { ModelInputSpec, ModelOutputSpec, ModelZooEntry } from './model-zoo.js';
export {
  BASIC_ZOO,
  linearEntry,
  mlpSmallEntry,
  mlpMediumEntry,
  mlpWideEntry,
  mlpDeepEntry,
  mlpDropoutEntry,
  mlpBatchNormEntry,
  cnnSmallEntry,
  mlpEntry,
  type MlpEntryArgs,
} from '../../plugins/zoo-basic/index.js';
export { compileFor, checkOutput, type CompileForArgs } from './compile.js';
export { describeModel, type ModelDescription } from '../../plugins/featurizer-model/describe-model.js';
