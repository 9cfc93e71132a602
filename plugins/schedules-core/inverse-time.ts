import type { Schedule } from '../../src/schedules/schedule.js';
import { defineFamily, schema } from './common.js';
import { readBoolean, readNumber } from '../../src/core/validation.js';

export interface InverseTimeArgs {
  /** Learning rate at step 0. Required; no default. */
  readonly initialLearningRate: number;
  /** Steps per unit of `decayRate` (> 0). Required; no default. */
  readonly decaySteps: number;
  /** Decay rate (>= 0). Required; no default. */
  readonly decayRate: number;
  /** Use `floor(step / decaySteps)`. Defaults to false. */
  readonly staircase?: boolean;
}

/** Keras `InverseTimeDecay`: `initialLearningRate / (1 + decayRate * step / decaySteps)`. */
export function inverseTimeSchedule(args: InverseTimeArgs): Schedule {
  const where = 'inverse_time';
  const lr0 = readNumber(args, 'initialLearningRate', '>=0', where);
  const decaySteps = readNumber(args, 'decaySteps', '>0', where);
  const decayRate = readNumber(args, 'decayRate', '>=0', where);
  const staircase = readBoolean(args, 'staircase', where, false);
  return (step) => {
    let p = step / decaySteps;
    if (staircase) p = Math.floor(p);
    return lr0 / (1 + decayRate * p);
  };
}

export const inverseTimeFamily = defineFamily<InverseTimeArgs>({
  id: 'inverse_time',
  description: '1/t decay: the initial learning rate divided by `1 + decayRate * step / decaySteps`.',
  equivalents: { keras: 'InverseTimeDecay', pytorch: 'LambdaLR(lambda s: 1 / (1 + r * s / n))', optax: 'none (use a custom schedule)' },
  paramsSchema: {
    required: ['initialLearningRate', 'decaySteps', 'decayRate'],
    properties: {
      initialLearningRate: schema.rate('Learning rate at step 0.'),
      decaySteps: schema.positive('Steps per unit of decayRate.'),
      decayRate: schema.rate('Decay rate.'),
      staircase: schema.bool('Decay at discrete intervals.', false),
    },
  },
  examples: [{ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }],
  build: (a) => inverseTimeSchedule(a),
});
