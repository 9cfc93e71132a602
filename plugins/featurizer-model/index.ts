import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { modelFeaturizer } from './model-featurizer.js';

/** Contributes the model-aware `model` featurizer. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Featurizer).toConstantValue(modelFeaturizer);
});

export { modelFeaturizer, MODEL_FEATURES } from './model-featurizer.js';
export { describeModel, type ModelDescription } from './describe-model.js';
