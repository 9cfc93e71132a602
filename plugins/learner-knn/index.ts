import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { knnLearner } from './knn-learner.js';

/** Contributes the `knn` learner. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Learner).toConstantValue(knnLearner);
});

export { knnLearner, knnSuggest, KNN_FEATURE_PREFIXES } from './knn-learner.js';
