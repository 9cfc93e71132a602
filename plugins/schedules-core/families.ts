/** Every family this plugin contributes, in catalogue order (the README table follows it). */
import type { CoreScheduleFamily } from './common.js';
import { constantFamily } from './constant.js';
import { stepFamily } from './step.js';
import { multiStepFamily } from './multi-step.js';
import { exponentialFamily } from './exponential.js';
import { polynomialFamily } from './polynomial.js';
import { inverseTimeFamily } from './inverse-time.js';
import { cosineDecayFamily } from './cosine-decay.js';
import { cosineRestartsFamily } from './cosine-restarts.js';
import { linearFamily } from './linear.js';
import { warmupFamily } from './warmup.js';
import { oneCycleFamily } from './one-cycle.js';
import { cyclicFamily } from './cyclic.js';
import { piecewiseConstantFamily } from './piecewise-constant.js';
import { piecewiseLinearFamily } from './piecewise-linear.js';
import { piecewiseInterpolateFamily } from './piecewise-interpolate.js';
import { joinFamily } from './join.js';

export const coreScheduleFamilies: readonly CoreScheduleFamily[] = Object.freeze([
  constantFamily,
  stepFamily,
  multiStepFamily,
  exponentialFamily,
  polynomialFamily,
  inverseTimeFamily,
  cosineDecayFamily,
  cosineRestartsFamily,
  linearFamily,
  warmupFamily,
  oneCycleFamily,
  cyclicFamily,
  piecewiseConstantFamily,
  piecewiseLinearFamily,
  piecewiseInterpolateFamily,
  joinFamily,
]);
