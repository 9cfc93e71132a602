import type { Schedule } from '../../src/schedules/schedule.js';
import { defineFamily } from './common.js';
import { invalidArgument, requireMissing } from '../../src/core/validation.js';

export interface PiecewiseLinearArgs {
  /**
   * `[step, learningRate]` knots with strictly increasing steps (at least one). The rate is linearly
   * interpolated between knots and constant before the first and after the last. Required; no default.
   */
  readonly points: readonly (readonly [number, number])[];
}

/**
 * Linear interpolation through absolute (step, rate) knots. optax's `piecewise_interpolate_schedule`
 * is different: it interpolates between *cumulative products of scales*, starting at step 0; use
 * the `piecewise_interpolate` family for that.
 */
export function piecewiseLinearSchedule(args: PiecewiseLinearArgs): Schedule {
  const where = 'piecewise_linear';
  const points = (args as { points?: unknown })?.points;
  if (points === undefined) requireMissing('points', where);
  if (!Array.isArray(points) || points.length === 0) invalidArgument('points', 'a non-empty array of [step, learningRate] pairs', points, where);
  const steps: number[] = [];
  const rates: number[] = [];
  points.forEach((p: unknown, i: number) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      invalidArgument(`points[${i}]`, 'a [step, learningRate] pair of finite numbers', p, where);
    }
    if (p[1] < 0) invalidArgument(`points[${i}][1]`, '>= 0', p[1], where);
    if (i > 0 && !(p[0] > steps[i - 1])) invalidArgument('points', 'ordered by strictly increasing step', points, where);
    steps.push(p[0]);
    rates.push(p[1]);
  });
  const last = steps.length - 1;
  return (step) => {
    if (step <= steps[0]) return rates[0];
    if (step >= steps[last]) return rates[last];
    let i = 1;
    while (steps[i] < step) i++;
    const f = (step - steps[i - 1]) / (steps[i] - steps[i - 1]);
    return rates[i - 1] + (rates[i] - rates[i - 1]) * f;
  };
}

export const piecewiseLinearFamily = defineFamily<PiecewiseLinearArgs>({
  id: 'piecewise_linear',
  description: 'Linear interpolation through [step, learningRate] knots; constant outside them.',
  equivalents: { keras: 'none (PiecewiseConstantDecay is the step-wise cousin)', pytorch: 'LambdaLR with numpy.interp', optax: 'piecewise_interpolate_schedule (multiplicative; see piecewise_interpolate)', fastai: 'combine_scheds of SchedLin' },
  paramsSchema: {
    required: ['points'],
    properties: {
      points: {
        type: 'array',
        minItems: 1,
        items: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number', minimum: 0 }], minItems: 2, maxItems: 2 },
        description: '[step, learningRate] knots, steps strictly increasing.',
      },
    },
  },
  examples: [{ points: [[0, 0.0], [100, 0.1], [1000, 0.001]] }],
  build: (a) => piecewiseLinearSchedule(a),
});
