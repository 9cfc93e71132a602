import type { Schedule } from '../../src/schedules/schedule.js';
import { defineFamily, schema } from './common.js';
import { readBoolean, readNumber } from '../../src/core/validation.js';

export interface PolynomialArgs {
  /** Learning rate at step 0. Required; no default. */
  readonly initialLearningRate: number;
  /** Steps to go from the initial to the end rate (> 0). Required; no default. */
  readonly decaySteps: number;
  /** Learning rate reached after `decaySteps`. Defaults to 0.0001 (Keras). */
  readonly endLearningRate?: number;
  /** Power of the polynomial (> 0). Defaults to 1. */
  readonly power?: number;
  /** Restart the decay beyond `decaySteps` over the next multiple of it (Keras `cycle`). Defaults to false. */
  readonly cycle?: boolean;
  /** Steps held at the initial rate before the decay starts (optax `transition_begin`). Defaults to 0. */
  readonly transitionBegin?: number;
}

/**
 * Keras `PolynomialDecay` / optax `polynomial_schedule`:
 * `(initial - end) * (1 - t / decaySteps) ** power + end`, with `t = clip(step - transitionBegin, 0, decaySteps)`.
 * With `cycle`, Keras stretches `decaySteps` to the first multiple of it that is >= t (1 at t = 0)
 * instead of clipping, so the rate jumps back up at each multiple.
 */
export function polynomialSchedule(args: PolynomialArgs): Schedule {
  const where = 'polynomial';
  const lr0 = readNumber(args, 'initialLearningRate', '>=0', where);
  const decaySteps = readNumber(args, 'decaySteps', '>0', where);
  const end = readNumber(args, 'endLearningRate', '>=0', where, 0.0001);
  const power = readNumber(args, 'power', '>0', where, 1);
  const cycle = readBoolean(args, 'cycle', where, false);
  const begin = readNumber(args, 'transitionBegin', '>=0', where, 0);
  return (step) => {
    const t = Math.max(0, step - begin);
    let steps = decaySteps;
    let s = t;
    if (cycle) steps = decaySteps * (t === 0 ? 1 : Math.ceil(t / decaySteps));
    else s = Math.min(t, decaySteps);
    return (lr0 - end) * (1 - s / steps) ** power + end;
  };
}

export const polynomialFamily = defineFamily<PolynomialArgs>({
  id: 'polynomial',
  description: 'Polynomial decay from the initial to the end learning rate over `decaySteps`, optionally cycling.',
  equivalents: { keras: 'PolynomialDecay', pytorch: 'PolynomialLR (endLearningRate=0)', optax: 'polynomial_schedule' },
  paramsSchema: {
    required: ['initialLearningRate', 'decaySteps'],
    properties: {
      initialLearningRate: schema.rate('Learning rate at step 0.'),
      decaySteps: schema.positive('Steps of the decay.'),
      endLearningRate: schema.rate('Learning rate at the end of the decay.', 0.0001),
      power: schema.positive('Power of the polynomial.', 1),
      cycle: schema.bool('Restart the decay after each multiple of decaySteps.', false),
      transitionBegin: schema.rate('Steps held constant before the decay.', 0),
    },
  },
  examples: [
    { initialLearningRate: 0.1, decaySteps: 1000, endLearningRate: 0.01, power: 0.5 },
    { initialLearningRate: 0.1, decaySteps: 100, cycle: true },
  ],
  build: (a) => polynomialSchedule(a),
});
