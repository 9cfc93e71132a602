import type { Schedule } from '../../src/schedules/schedule.js';
import { defineFamily, schema } from './common.js';
import { readNumber } from '../../src/core/validation.js';

export interface ConstantArgs {
  /** The learning rate at every step (>= 0). Required; no default. */
  readonly learningRate: number;
}

/** The same learning rate at every step (what tfjs does without metatune). */
export function constantSchedule(args: ConstantArgs): Schedule {
  const lr = readNumber(args, 'learningRate', '>=0', 'constant');
  return () => lr;
}

export const constantFamily = defineFamily<ConstantArgs>({
  id: 'constant',
  description: 'The same learning rate at every step.',
  equivalents: { keras: 'a float learning_rate', pytorch: 'ConstantLR(factor=1) / no scheduler', optax: 'constant_schedule' },
  paramsSchema: {
    required: ['learningRate'],
    properties: { learningRate: schema.rate('The learning rate.') },
  },
  examples: [{ learningRate: 0.01 }],
  build: (a) => constantSchedule(a),
});
