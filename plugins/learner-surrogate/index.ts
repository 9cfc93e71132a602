import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { surrogateLearner } from './surrogate-learner.js';

/** Contributes the `surrogate` learner. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Learner).toConstantValue(surrogateLearner);
});

export { surrogateLearner, SURROGATE_FEATURE_PREFIXES } from './surrogate-learner.js';
