import type { Schedule } from '../../src/schedules/schedule.js';
import { defineFamily, schema } from './common.js';
import { readNumber, readNumberArray } from '../../src/core/validation.js';

export interface MultiStepArgs {
  /** Learning rate at step 0. Required; no default. */
  readonly initialLearningRate: number;
  /**
   * Steps at which the rate is multiplied by `gamma` (integers >= 0, non-decreasing). A repeated
   * milestone applies `gamma` twice, as PyTorch's `Counter` of milestones does. Required; no default.
   */
  readonly milestones: readonly number[];
  /** Multiplicative factor. Defaults to 0.1. */
  readonly gamma?: number;
}

/** PyTorch `MultiStepLR`: `initialLearningRate * gamma ** (number of milestones <= step)` (bisect_right). */
export function multiStepSchedule(args: MultiStepArgs): Schedule {
  const where = 'multi_step';
  const lr0 = readNumber(args, 'initialLearningRate', '>=0', where);
  const milestones = readNumberArray(args, 'milestones', where, { order: 'nondecreasing', rule: 'int>=0' });
  const gamma = readNumber(args, 'gamma', '>0', where, 0.1);
  return (step) => {
    let passed = 0;
    while (passed < milestones.length && milestones[passed] <= step) passed++;
    return lr0 * gamma ** passed;
  };
}

export const multiStepFamily = defineFamily<MultiStepArgs>({
  id: 'multi_step',
  description: 'Multiplies the learning rate by `gamma` at each milestone step.',
  equivalents: { pytorch: 'MultiStepLR', keras: 'PiecewiseConstantDecay', optax: 'piecewise_constant_schedule' },
  paramsSchema: {
    required: ['initialLearningRate', 'milestones'],
    properties: {
      initialLearningRate: schema.rate('Learning rate at step 0.'),
      milestones: { type: 'array', items: { type: 'integer', minimum: 0 }, description: 'Non-decreasing decay steps.' },
      gamma: schema.positive('Multiplicative factor per milestone.', 0.1),
    },
  },
  examples: [{ initialLearningRate: 0.1, milestones: [100, 300, 600], gamma: 0.1 }],
  build: (a) => multiStepSchedule(a),
});
