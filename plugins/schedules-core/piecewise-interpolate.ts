import type { Schedule } from '../../src/schedules/schedule.js';
import { defineFamily, schema } from './common.js';
import { invalidArgument, readChoice, readNumber } from '../../src/core/validation.js';

export interface PiecewiseInterpolateArgs {
  /** Value at step 0. Required; no default. */
  readonly initValue: number;
  /**
   * `[boundary, scale]` pairs (boundaries >= 0, strictly increasing; scales >= 0). The value reached
   * at a boundary is the previous one times its scale. Defaults to [] (constant).
   */
  readonly boundariesAndScales?: readonly (readonly [number, number])[];
  /** How to move between the cumulative values: 'linear' or 'cosine'. Defaults to 'linear'. */
  readonly interpolateType?: 'linear' | 'cosine';
}

/**
 * optax `piecewise_interpolate_schedule`, exactly: knots at steps `[0, b1, b2, …]` with values
 * `cumprod([initValue, s1, s2, …])`, interpolated linearly (`(end - start) * pct + start`) or by
 * cosine (`end + (start - end) / 2 * (cos(pi * pct) + 1)`); interval sizes are at least 1; the last
 * value holds after the last boundary.
 */
export function piecewiseInterpolateSchedule(args: PiecewiseInterpolateArgs): Schedule {
  const where = 'piecewise_interpolate';
  const init = readNumber(args, 'initValue', '>=0', where);
  const type = readChoice(args, 'interpolateType', ['linear', 'cosine'] as const, where, 'linear');
  const raw = (args as { boundariesAndScales?: unknown }).boundariesAndScales ?? [];
  if (!Array.isArray(raw)) invalidArgument('boundariesAndScales', 'an array of [boundary, scale] pairs', raw, where);
  const bounds = [0];
  const values = [init];
  raw.forEach((pair: unknown, i: number) => {
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      invalidArgument(`boundariesAndScales[${i}]`, 'a [boundary, scale] pair of finite numbers', pair, where);
    }
    const [b, s] = pair as [number, number];
    if (b < 0) invalidArgument(`boundariesAndScales[${i}][0]`, '>= 0', b, where);
    if (s < 0) invalidArgument(`boundariesAndScales[${i}][1]`, '>= 0', s, where);
    if (i > 0 && !(b > bounds[bounds.length - 1])) invalidArgument('boundariesAndScales', 'ordered by strictly increasing boundary', raw, where);
    bounds.push(b);
    values.push(values[values.length - 1] * s);
  });
  const interpolate =
    type === 'linear'
      ? (a: number, b: number, pct: number) => (b - a) * pct + a
      : (a: number, b: number, pct: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1);
  const n = bounds.length - 1;
  return (step) => {
    for (let i = 0; i < n; i++) {
      if (bounds[i] <= step && step < bounds[i + 1]) {
        const size = Math.max(bounds[i + 1] - bounds[i], 1);
        return interpolate(values[i], values[i + 1], (step - bounds[i]) / size);
      }
    }
    return step >= bounds[n] ? values[n] : 0;
  };
}

export const piecewiseInterpolateFamily = defineFamily<PiecewiseInterpolateArgs>({
  id: 'piecewise_interpolate',
  description: 'optax piecewise_interpolate_schedule: linear or cosine moves between cumulative products of scales.',
  equivalents: { optax: 'piecewise_interpolate_schedule', pytorch: 'LambdaLR', keras: 'none' },
  paramsSchema: {
    required: ['initValue'],
    properties: {
      initValue: schema.rate('Value at step 0.'),
      boundariesAndScales: {
        type: 'array',
        items: { type: 'array', prefixItems: [{ type: 'number', minimum: 0 }, { type: 'number', minimum: 0 }], minItems: 2, maxItems: 2 },
        default: [],
        description: '[boundary, scale] pairs, boundaries strictly increasing.',
      },
      interpolateType: { enum: ['linear', 'cosine'], default: 'linear', description: 'Interpolation between knots.' },
    },
  },
  examples: [
    { initValue: 1.0, boundariesAndScales: [[4, 0.1], [8, 0.01]], interpolateType: 'linear' },
    { initValue: 0.004, boundariesAndScales: [[300, 25], [1000, 0.0001]], interpolateType: 'cosine' },
  ],
  build: (a) => piecewiseInterpolateSchedule(a),
});
