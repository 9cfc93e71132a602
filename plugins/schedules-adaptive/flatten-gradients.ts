/**
 * Hypergradient descent needs all gradients as one vector in a fixed order; the implementation
 * lives with the gradient tap in src/tfjs (the callback and the wrapper use it) and is re-exported
 * here for custom drivers of the adaptive schedules.
 */
export { flattenGradients, type GradientsInput } from '../../src/tfjs/gradient-tap.js';
