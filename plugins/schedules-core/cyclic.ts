import type { Schedule } from '../../src/schedules/schedule.js';
import { defineFamily, schema } from './common.js';
import { readBoolean, readChoice, readNumber, readOptionalNumber } from '../../src/core/validation.js';

export interface CyclicArgs {
  /** Lower bound of the cycle (rate at step 0). Required; no default. */
  readonly baseLearningRate: number;
  /** Upper bound of the cycle (reached after `stepSizeUp`, scaled by the mode). Required; no default. */
  readonly maxLearningRate: number;
  /** Steps of the increasing half (> 0). Defaults to 2000. */
  readonly stepSizeUp?: number;
  /** Steps of the decreasing half (> 0). Defaults to `stepSizeUp`. */
  readonly stepSizeDown?: number;
  /** 'triangular', 'triangular2' (amplitude halves each cycle) or 'exp_range' (scaled by gamma**step). Defaults to 'triangular'. */
  readonly mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** Base of the 'exp_range' scaling. Defaults to 1. */
  readonly gamma?: number;
  /** Cycle momentum inversely to the rate (exposed as `.momentum`). Defaults to true. */
  readonly cycleMomentum?: boolean;
  /** Momentum at the rate's peak. Defaults to 0.8. */
  readonly baseMomentum?: number;
  /** Momentum at the rate's trough. Defaults to 0.9. */
  readonly maxMomentum?: number;
}

/**
 * PyTorch `CyclicLR` (Smith 2017), step for step: `cycle = floor(1 + step / total)`,
 * `x = 1 + step / total - cycle`, rising while `x <= up / total`. triangular/triangular2 scale per
 * cycle; exp_range scales by `gamma ** step` (PyTorch's scale_mode 'iterations'). It never ends.
 */
export function cyclicSchedule(args: CyclicArgs): Schedule {
  const where = 'cyclic';
  const baseLr = readNumber(args, 'baseLearningRate', '>=0', where);
  const maxLr = readNumber(args, 'maxLearningRate', '>=0', where);
  const up = readNumber(args, 'stepSizeUp', '>0', where, 2000);
  const down = readOptionalNumber(args, 'stepSizeDown', '>0', where) ?? up;
  const mode = readChoice(args, 'mode', ['triangular', 'triangular2', 'exp_range'] as const, where, 'triangular');
  const gamma = readNumber(args, 'gamma', '>0', where, 1);
  const cycleMomentum = readBoolean(args, 'cycleMomentum', where, true);
  const baseM = readNumber(args, 'baseMomentum', '>=0', where, 0.8);
  const maxM = readNumber(args, 'maxMomentum', '>=0', where, 0.9);
  const total = up + down;
  const ratio = up / total;
  const scale =
    mode === 'triangular' ? () => 1 : mode === 'triangular2' ? (cycle: number) => 1 / 2 ** (cycle - 1) : (_cycle: number, step: number) => gamma ** step;
  const position = (step: number): [number, number] => {
    const cycle = Math.floor(1 + step / total);
    const x = 1 + step / total - cycle;
    const factor = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
    return [factor * scale(cycle, step), cycle];
  };
  const lr = (step: number) => baseLr + (maxLr - baseLr) * position(step)[0];
  if (!cycleMomentum) return lr;
  return Object.assign(lr, { momentum: (step: number) => maxM - (maxM - baseM) * position(step)[0] });
}

export const cyclicFamily = defineFamily<CyclicArgs>({
  id: 'cyclic',
  description: 'Cyclical learning rate between two bounds (triangular, triangular2, exp_range), PyTorch CyclicLR numbers.',
  equivalents: { pytorch: 'CyclicLR', keras: 'none (tensorflow_addons CyclicalLearningRate)', optax: 'none' },
  paramsSchema: {
    required: ['baseLearningRate', 'maxLearningRate'],
    properties: {
      baseLearningRate: schema.rate('Lower bound of the cycle.'),
      maxLearningRate: schema.rate('Upper bound of the cycle.'),
      stepSizeUp: schema.positive('Steps of the increasing half.', 2000),
      stepSizeDown: schema.positive('Steps of the decreasing half (defaults to stepSizeUp).'),
      mode: { enum: ['triangular', 'triangular2', 'exp_range'], default: 'triangular', description: 'Amplitude policy.' },
      gamma: schema.positive('exp_range base.', 1),
      cycleMomentum: schema.bool('Cycle momentum inversely to the rate.', true),
      baseMomentum: schema.rate('Momentum at the rate peak.', 0.8),
      maxMomentum: schema.rate('Momentum at the rate trough.', 0.9),
    },
  },
  examples: [
    { baseLearningRate: 0.001, maxLearningRate: 0.006, stepSizeUp: 200 },
    { baseLearningRate: 0.001, maxLearningRate: 0.1, stepSizeUp: 20, stepSizeDown: 60, mode: 'exp_range', gamma: 0.999 },
  ],
  build: (a) => cyclicSchedule(a),
});
