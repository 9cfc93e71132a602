import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { bestDefaultLearner } from './best-default-learner.js';

/** Contributes the `best-default` learner. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Learner).toConstantValue(bestDefaultLearner);
});

export { bestDefaultLearner } from './best-default-learner.js';
