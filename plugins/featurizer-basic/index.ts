import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { defaultBasicFeaturizer } from './basic-featurizer.js';

/** Contributes the `basic` featurizer (statistical task meta-features). */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Featurizer).toConstantValue(defaultBasicFeaturizer);
});

export { basicFeaturizer, defaultBasicFeaturizer, BASIC_FEATURES, type BasicFeaturizerArgs } from './basic-featurizer.js';
