import type { Schedule } from '../../src/schedules/schedule.js';
import { defineFamily, schema } from './common.js';
import { invalidArgument, readNumberArray } from '../../src/core/validation.js';

export interface PiecewiseConstantArgs {
  /** Strictly increasing step boundaries (at least one). Required; no default. */
  readonly boundaries: readonly number[];
  /** One more value than boundaries (each >= 0). Required; no default. */
  readonly values: readonly number[];
}

/**
 * Keras `PiecewiseConstantDecay`: `values[0]` while `step <= boundaries[0]`, `values[i]` while
 * `boundaries[i-1] < step <= boundaries[i]`, `values[n]` after the last boundary. A boundary step
 * still uses the value on its left (optax's piecewise_constant_schedule switches one step earlier).
 */
export function piecewiseConstantSchedule(args: PiecewiseConstantArgs): Schedule {
  const where = 'piecewise_constant';
  const boundaries = readNumberArray(args, 'boundaries', where, { order: 'increasing', minLength: 1 });
  const values = readNumberArray(args, 'values', where, { rule: '>=0' });
  if (values.length !== boundaries.length + 1) {
    invalidArgument('values', `one element longer than \`boundaries\` (${boundaries.length + 1} elements)`, values, where);
  }
  return (step) => {
    let i = 0;
    while (i < boundaries.length && step > boundaries[i]) i++;
    return values[i];
  };
}

export const piecewiseConstantFamily = defineFamily<PiecewiseConstantArgs>({
  id: 'piecewise_constant',
  description: 'Constant learning rate per interval; a boundary step still uses the value on its left (Keras).',
  equivalents: { keras: 'PiecewiseConstantDecay', pytorch: 'MultiStepLR (relative factors)', optax: 'piecewise_constant_schedule (switches at step == boundary)' },
  paramsSchema: {
    required: ['boundaries', 'values'],
    properties: {
      boundaries: { type: 'array', items: { type: 'number' }, minItems: 1, description: 'Strictly increasing steps.' },
      values: { type: 'array', items: { type: 'number', minimum: 0 }, minItems: 2, description: 'boundaries.length + 1 rates.' },
    },
  },
  examples: [{ boundaries: [100, 200], values: [1.0, 0.5, 0.1] }],
  build: (a) => piecewiseConstantSchedule(a),
});
