import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { defaultLandmarkFeaturizer } from './landmark-featurizer.js';

/** Contributes the `landmark` featurizer (cheap learners' validation scores). */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Featurizer).toConstantValue(defaultLandmarkFeaturizer);
});

export { landmarkFeaturizer, defaultLandmarkFeaturizer, LANDMARK_FEATURES, type LandmarkFeaturizerArgs } from './landmark-featurizer.js';
