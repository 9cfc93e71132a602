import type { Schedule } from '../../src/schedules/schedule.js';
import { defineFamily, schema } from './common.js';
import { readBoolean, readNumber, readOptionalNumber } from '../../src/core/validation.js';

export interface ExponentialArgs {
  /** Learning rate at step 0 (and until `transitionBegin`). Required; no default. */
  readonly initialLearningRate: number;
  /** Steps per factor `decayRate` (> 0). Required; no default. */
  readonly decaySteps: number;
  /** The rate is multiplied by `decayRate` every `decaySteps` steps (> 0). Required; no default. */
  readonly decayRate: number;
  /** Decay at discrete intervals (`floor(p)`). Defaults to false. */
  readonly staircase?: boolean;
  /** Steps held at `initialLearningRate` before decaying (optax `transition_begin`). Defaults to 0. */
  readonly transitionBegin?: number;
  /** Bound the decay stops at: a floor when `decayRate < 1`, a ceiling otherwise (optax). Defaults to none. */
  readonly endValue?: number;
}

/**
 * Keras `ExponentialDecay` / optax `exponential_decay`:
 * `p = (step - transitionBegin) / decaySteps` (floored when staircase),
 * `lr = initialLearningRate * decayRate ** p` once `step > transitionBegin`, clipped at `endValue`.
 * With the defaults Keras and optax agree.
 */
export function exponentialSchedule(args: ExponentialArgs): Schedule {
  const where = 'exponential';
  const lr0 = readNumber(args, 'initialLearningRate', '>=0', where);
  const decaySteps = readNumber(args, 'decaySteps', '>0', where);
  const decayRate = readNumber(args, 'decayRate', '>0', where);
  const staircase = readBoolean(args, 'staircase', where, false);
  const begin = readNumber(args, 'transitionBegin', '>=0', where, 0);
  const endValue = readOptionalNumber(args, 'endValue', '>=0', where);
  // optax: end_value is a lower bound for decay (rate < 1) and an upper bound for growth.
  const clip = endValue === undefined ? (v: number) => v : decayRate < 1 ? (v: number) => Math.max(v, endValue) : (v: number) => Math.min(v, endValue);
  return (step) => {
    const t = step - begin;
    let p = t / decaySteps;
    if (staircase) p = Math.floor(p);
    return clip(t <= 0 ? lr0 : lr0 * decayRate ** p);
  };
}

export const exponentialFamily = defineFamily<ExponentialArgs>({
  id: 'exponential',
  description: 'Multiplies the learning rate by `decayRate` every `decaySteps` steps, continuously or as a staircase.',
  equivalents: { keras: 'ExponentialDecay', pytorch: 'ExponentialLR (decaySteps=1)', optax: 'exponential_decay' },
  paramsSchema: {
    required: ['initialLearningRate', 'decaySteps', 'decayRate'],
    properties: {
      initialLearningRate: schema.rate('Learning rate at step 0.'),
      decaySteps: schema.positive('Steps per factor decayRate.'),
      decayRate: schema.positive('Decay factor per decaySteps.'),
      staircase: schema.bool('Decay at discrete intervals.', false),
      transitionBegin: schema.rate('Steps held constant before decaying.', 0),
      endValue: schema.rate('Bound where the decay stops (optax end_value).'),
    },
  },
  examples: [
    { initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96 },
    { initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5, staircase: true, transitionBegin: 50, endValue: 0.001 },
  ],
  build: (a) => exponentialSchedule(a),
});
