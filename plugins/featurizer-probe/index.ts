import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { defaultProbeFeaturizer } from './probe-featurizer.js';

/** Contributes the `probe` featurizer (a short learning-rate range test). */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Featurizer).toConstantValue(defaultProbeFeaturizer);
});

export { probeFeaturizer, defaultProbeFeaturizer, runProbe, lrLabel, type ProbeFeaturizerArgs, type ProbeRun } from './probe-featurizer.js';
export { planProbe, type ProbePlan, type ProbePlanArgs } from './plan.js';
