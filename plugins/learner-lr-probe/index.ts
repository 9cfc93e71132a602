import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { lrProbeLearner } from './lr-probe-learner.js';

/** Contributes the `lr-probe` learner. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Learner).toConstantValue(lrProbeLearner);
});

export { lrProbeLearner, LR_PROBE_FEATURE_PREFIXES } from './lr-probe-learner.js';
