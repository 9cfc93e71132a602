import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { portfolioLearner } from './portfolio-learner.js';

/** Contributes the `portfolio` learner. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Learner).toConstantValue(portfolioLearner);
});

export { portfolioLearner } from './portfolio-learner.js';
