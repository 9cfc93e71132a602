import type { Schedule } from '../../src/schedules/schedule.js';
import { defineFamily, schema } from './common.js';
import { readNumber } from '../../src/core/validation.js';

export interface StepArgs {
  /** Learning rate at step 0. Required; no default. */
  readonly initialLearningRate: number;
  /** Multiply by `gamma` every `stepSize` steps (integer >= 1). Required; no default. */
  readonly stepSize: number;
  /** Multiplicative factor. Defaults to 0.1. */
  readonly gamma?: number;
}

/** PyTorch `StepLR` in optimizer steps: `initialLearningRate * gamma ** floor(step / stepSize)`. */
export function stepSchedule(args: StepArgs): Schedule {
  const where = 'step';
  const lr0 = readNumber(args, 'initialLearningRate', '>=0', where);
  const stepSize = readNumber(args, 'stepSize', 'int>=1', where);
  const gamma = readNumber(args, 'gamma', '>0', where, 0.1);
  return (step) => lr0 * gamma ** Math.floor(step / stepSize);
}

export const stepFamily = defineFamily<StepArgs>({
  id: 'step',
  description: 'Multiplies the learning rate by `gamma` every `stepSize` steps.',
  equivalents: { pytorch: 'StepLR', keras: 'ExponentialDecay(staircase=True)', optax: 'exponential_decay(staircase=True)' },
  paramsSchema: {
    required: ['initialLearningRate', 'stepSize'],
    properties: {
      initialLearningRate: schema.rate('Learning rate at step 0.'),
      stepSize: schema.int('Steps between two decays.', 1),
      gamma: schema.positive('Multiplicative factor per decay.', 0.1),
    },
  },
  examples: [{ initialLearningRate: 0.1, stepSize: 30, gamma: 0.5 }],
  build: (a) => stepSchedule(a),
});
