import type { TorchSchedulerClass } from './torch-class.js';
import { lambdaLR } from './schedulers/lambda-lr.js';
import { multiplicativeLR } from './schedulers/multiplicative-lr.js';
import { stepLR } from './schedulers/step-lr.js';
import { multiStepLR } from './schedulers/multi-step-lr.js';
import { constantLR } from './schedulers/constant-lr.js';
import { linearLR } from './schedulers/linear-lr.js';
import { exponentialLR } from './schedulers/exponential-lr.js';
import { polynomialLR } from './schedulers/polynomial-lr.js';
import { cosineAnnealingLR } from './schedulers/cosine-annealing-lr.js';
import { chainedScheduler } from './schedulers/chained-scheduler.js';
import { sequentialLR } from './schedulers/sequential-lr.js';
import { cyclicLR } from './schedulers/cyclic-lr.js';
import { oneCycleLR } from './schedulers/one-cycle-lr.js';
import { cosineAnnealingWarmRestarts } from './schedulers/cosine-annealing-warm-restarts.js';
import { swaLR } from './schedulers/swalr.js';

/** Every replayable class, by PyTorch name. ReduceLROnPlateau is handled by the format (it is metric-driven). */
export const TORCH_SCHEDULER_CLASSES: ReadonlyMap<string, TorchSchedulerClass> = new Map(
  [
    lambdaLR, multiplicativeLR, stepLR, multiStepLR, constantLR, linearLR, exponentialLR, polynomialLR,
    cosineAnnealingLR, chainedScheduler, sequentialLR, cyclicLR, oneCycleLR, cosineAnnealingWarmRestarts, swaLR,
  ].map((c) => [c.name, c]),
);

/** All class names a `{"torch": ...}` spec accepts, for error messages and the README. */
export const SUPPORTED_TORCH_SCHEDULERS: readonly string[] = [
  ...TORCH_SCHEDULER_CLASSES.keys(),
  'ReduceLROnPlateau',
].sort();

/** Classes whose lr depends only on the epoch index (not on the lr left by earlier steps). */
export const ABSOLUTE_CLASSES: ReadonlySet<string> = new Set(['LambdaLR', 'CyclicLR', 'OneCycleLR']);
