/** The factories, their `XxxArgs` and the family objects, for other plugins and src/schedules/index.ts. */
export type { CoreScheduleFamily } from './common.js';
export { coreScheduleFamilies } from './families.js';
export { constantSchedule, constantFamily, type ConstantArgs } from './constant.js';
export { stepSchedule, stepFamily, type StepArgs } from './step.js';
export { multiStepSchedule, multiStepFamily, type MultiStepArgs } from './multi-step.js';
export { exponentialSchedule, exponentialFamily, type ExponentialArgs } from './exponential.js';
export { polynomialSchedule, polynomialFamily, type PolynomialArgs } from './polynomial.js';
export { inverseTimeSchedule, inverseTimeFamily, type InverseTimeArgs } from './inverse-time.js';
export { cosineDecaySchedule, cosineDecayFamily, type CosineDecayArgs } from './cosine-decay.js';
export { cosineRestartsSchedule, cosineRestartsFamily, type CosineRestartsArgs } from './cosine-restarts.js';
export { linearSchedule, linearFamily, type LinearArgs } from './linear.js';
export { warmupSchedule, warmupFamily, type WarmupArgs } from './warmup.js';
export { oneCycleSchedule, oneCycleFamily, type OneCycleArgs } from './one-cycle.js';
export { cyclicSchedule, cyclicFamily, type CyclicArgs } from './cyclic.js';
export { piecewiseConstantSchedule, piecewiseConstantFamily, type PiecewiseConstantArgs } from './piecewise-constant.js';
export { piecewiseLinearSchedule, piecewiseLinearFamily, type PiecewiseLinearArgs } from './piecewise-linear.js';
export { piecewiseInterpolateSchedule, piecewiseInterpolateFamily, type PiecewiseInterpolateArgs } from './piecewise-interpolate.js';
export { joinSchedules, joinFamily, type JoinArgs } from './join.js';
