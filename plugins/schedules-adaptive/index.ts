import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { hypergradientFamily } from './hypergradient.js';
import { reduceOnPlateauFamily } from './reduce-on-plateau.js';

export { flattenGradients, type GradientsInput } from './flatten-gradients.js';
export { hypergradient, hypergradientFamily, type HypergradientArgs, type HypergradientState } from './hypergradient.js';
export {
  inferPlateauDirection,
  reduceOnPlateau,
  reduceOnPlateauFamily,
  type ReduceOnPlateauArgs,
  type ReduceOnPlateauParams,
  type ReduceOnPlateauState,
} from './reduce-on-plateau.js';

/** Adaptive (metric- and gradient-driven) schedule families. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.ScheduleFamily).toConstantValue(reduceOnPlateauFamily);
  options.bind(TOKENS.ScheduleFamily).toConstantValue(hypergradientFamily);
});
