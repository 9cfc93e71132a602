import type { Schedule } from '../../src/schedules/schedule.js';
import { defineFamily, schema } from './common.js';
import { invalidArgument, readNumber } from '../../src/core/validation.js';

export interface CosineRestartsArgs {
  /** Learning rate at step 0. Required; no default. */
  readonly initialLearningRate: number;
  /** Length of the first cosine period in steps (> 0). Required; no default. */
  readonly firstDecaySteps: number;
  /** Each period is `tMul` times longer than the previous one (>= 1). Defaults to 2. */
  readonly tMul?: number;
  /** Each restart starts at `mMul` times the previous start rate. Defaults to 1. */
  readonly mMul?: number;
  /** Minimum rate as a fraction of `initialLearningRate`. Defaults to 0. */
  readonly alpha?: number;
}

/**
 * Keras `CosineDecayRestarts` (SGDR, Loshchilov & Hutter 2017). Period i lasts `firstDecaySteps * tMul**i`
 * and decays `initialLearningRate * ((1 - alpha) * 0.5 * mMul**i * (1 + cos(pi * f)) + alpha)`, f the
 * fraction of period i done. Keras finds i with a float32 log; here the log's guess is corrected to
 * the exact period so a restart never lands one step early or late. `tMul < 1` is refused: the periods
 * would sum to a finite length and Keras returns NaN after it.
 */
export function cosineRestartsSchedule(args: CosineRestartsArgs): Schedule {
  const where = 'cosine_restarts';
  const lr0 = readNumber(args, 'initialLearningRate', '>=0', where);
  const first = readNumber(args, 'firstDecaySteps', '>0', where);
  const tMul = readNumber(args, 'tMul', 'finite', where, 2);
  if (!(tMul >= 1)) invalidArgument('tMul', '>= 1', tMul, where);
  const mMul = readNumber(args, 'mMul', '>=0', where, 1);
  const alpha = readNumber(args, 'alpha', '>=0', where, 0);
  // Start of period i in units of firstDecaySteps: (1 - tMul**i) / (1 - tMul).
  const start = (i: number) => (1 - tMul ** i) / (1 - tMul);
  return (step) => {
    const done = Math.max(0, step) / first;
    let i: number;
    let fraction: number;
    if (tMul === 1) {
      i = Math.floor(done);
      fraction = done - i;
    } else {
      i = Math.floor(Math.log(1 - done * (1 - tMul)) / Math.log(tMul));
      while (start(i + 1) <= done) i++;
      while (i > 0 && start(i) > done) i--;
      fraction = Math.max(0, (done - start(i)) / tMul ** i);
    }
    const cosine = 0.5 * mMul ** i * (1 + Math.cos(Math.PI * fraction));
    return lr0 * ((1 - alpha) * cosine + alpha);
  };
}

export const cosineRestartsFamily = defineFamily<CosineRestartsArgs>({
  id: 'cosine_restarts',
  description: 'Cosine decay with warm restarts (SGDR): periods grow by `tMul`, restart peaks scale by `mMul`.',
  equivalents: { keras: 'CosineDecayRestarts', pytorch: 'CosineAnnealingWarmRestarts (integer T_mult)', optax: 'sgdr_schedule' },
  paramsSchema: {
    required: ['initialLearningRate', 'firstDecaySteps'],
    properties: {
      initialLearningRate: schema.rate('Learning rate at step 0.'),
      firstDecaySteps: schema.positive('Steps of the first period.'),
      tMul: { type: 'number', minimum: 1, default: 2, description: 'Period growth factor.' },
      mMul: schema.rate('Restart peak factor.', 1),
      alpha: schema.rate('Minimum rate as a fraction of the initial one.', 0),
    },
  },
  examples: [
    { initialLearningRate: 0.1, firstDecaySteps: 100 },
    { initialLearningRate: 0.1, firstDecaySteps: 50, tMul: 1, mMul: 0.5, alpha: 0.1 },
  ],
  build: (a) => cosineRestartsSchedule(a),
});
