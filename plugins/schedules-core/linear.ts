import type { Schedule } from '../../src/schedules/schedule.js';
import { defineFamily, schema } from './common.js';
import { readNumber } from '../../src/core/validation.js';

export interface LinearArgs {
  /** Value before and at `transitionBegin`. Required; no default. */
  readonly initialValue: number;
  /** Value from `transitionBegin + transitionSteps` on. Required; no default. */
  readonly endValue: number;
  /** Steps of the linear transition (> 0). Required; no default. */
  readonly transitionSteps: number;
  /** Steps held at `initialValue` before the transition. Defaults to 0. */
  readonly transitionBegin?: number;
}

/**
 * optax `linear_schedule`: `initialValue + (endValue - initialValue) * t / transitionSteps`,
 * `t = clip(step - transitionBegin, 0, transitionSteps)`: constant before and after.
 * PyTorch `LinearLR` is the relative cousin (factors of the base rate, `total_iters` in steps).
 */
export function linearSchedule(args: LinearArgs): Schedule {
  const where = 'linear';
  const init = readNumber(args, 'initialValue', '>=0', where);
  const end = readNumber(args, 'endValue', '>=0', where);
  const steps = readNumber(args, 'transitionSteps', '>0', where);
  const begin = readNumber(args, 'transitionBegin', '>=0', where, 0);
  return (step) => {
    const t = Math.min(Math.max(step - begin, 0), steps);
    // Same expression as optax's polynomial_schedule with power 1, so the rounding matches too.
    return (init - end) * (1 - t / steps) + end;
  };
}

export const linearFamily = defineFamily<LinearArgs>({
  id: 'linear',
  description: 'Linear ramp from `initialValue` to `endValue` over `transitionSteps`, constant outside.',
  equivalents: { optax: 'linear_schedule', pytorch: 'LinearLR (relative factors)', keras: 'PolynomialDecay(power=1)' },
  paramsSchema: {
    required: ['initialValue', 'endValue', 'transitionSteps'],
    properties: {
      initialValue: schema.rate('Value at the start.'),
      endValue: schema.rate('Value at the end.'),
      transitionSteps: schema.positive('Steps of the ramp.'),
      transitionBegin: schema.rate('Steps held at initialValue first.', 0),
    },
  },
  examples: [{ initialValue: 0.001, endValue: 0.1, transitionSteps: 500 }],
  build: (a) => linearSchedule(a),
});
