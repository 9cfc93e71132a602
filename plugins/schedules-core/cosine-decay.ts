import type { Schedule } from '../../src/schedules/schedule.js';
import { ValidationError } from '../../src/core/errors.js';
import { defineFamily, schema } from './common.js';
import { readNumber, readOptionalNumber } from '../../src/core/validation.js';

export interface CosineDecayArgs {
  /** Learning rate at step 0 (the warm-up start when `warmupTarget` is set). Required; no default. */
  readonly initialLearningRate: number;
  /** Steps of the cosine decay, after the warm-up (> 0). Required; no default. */
  readonly decaySteps: number;
  /** Final rate as a fraction of the rate the decay starts from. Defaults to 0. */
  readonly alpha?: number;
  /** Rate reached by a linear warm-up from `initialLearningRate` (Keras 3). Defaults to none (no warm-up). */
  readonly warmupTarget?: number;
  /** Steps of that warm-up (needs `warmupTarget`). Defaults to 0. */
  readonly warmupSteps?: number;
  /** Power applied to the cosine factor (optax `exponent`). Defaults to 1. */
  readonly exponent?: number;
}

/**
 * Keras 3 `CosineDecay` (with its optional warm-up) and optax `cosine_decay_schedule`:
 * `from * ((1 - alpha) * (0.5 * (1 + cos(pi * t / decaySteps))) ** exponent + alpha)`,
 * `t = min(step - warmupSteps, decaySteps)`; past the end the rate stays at `alpha * from`.
 * `from` is `warmupTarget` when set (the warm-up ramps linearly from `initialLearningRate` to it),
 * else `initialLearningRate`.
 */
export function cosineDecaySchedule(args: CosineDecayArgs): Schedule {
  const where = 'cosine_decay';
  const lr0 = readNumber(args, 'initialLearningRate', '>=0', where);
  const decaySteps = readNumber(args, 'decaySteps', '>0', where);
  const alpha = readNumber(args, 'alpha', '>=0', where, 0);
  const warmupTarget = readOptionalNumber(args, 'warmupTarget', '>=0', where);
  const warmupSteps = readNumber(args, 'warmupSteps', 'int>=0', where, 0);
  const exponent = readNumber(args, 'exponent', '>0', where, 1);
  if (warmupTarget === undefined && warmupSteps > 0) {
    // Keras silently ignores warmup_steps without warmup_target; a forgotten target is a bug, so say so.
    throw new ValidationError(
      'INVALID_PARAMETER',
      `${where}: \`warmupSteps\` needs \`warmupTarget\` (the rate the warm-up reaches). Received: warmupSteps=${warmupSteps}, warmupTarget=undefined.`,
      { argument: 'warmupSteps', rule: 'requires warmupTarget', received: warmupSteps },
    );
  }
  const from = warmupTarget ?? lr0;
  const decay = (t: number) => from * ((1 - alpha) * (0.5 * (1 + Math.cos((Math.PI * t) / decaySteps))) ** exponent + alpha);
  if (warmupTarget === undefined) return (step) => decay(Math.min(step, decaySteps));
  return (step) => {
    const s = Math.min(step, decaySteps + warmupSteps);
    if (s < warmupSteps) return (warmupTarget - lr0) * (s / warmupSteps) + lr0;
    return decay(s - warmupSteps);
  };
}

export const cosineDecayFamily = defineFamily<CosineDecayArgs>({
  id: 'cosine_decay',
  description: 'Cosine decay to `alpha` times the start rate over `decaySteps`, with an optional linear warm-up (Keras 3).',
  equivalents: {
    keras: 'CosineDecay',
    pytorch: 'CosineAnnealingLR (in steps, no restart past T_max)',
    optax: 'cosine_decay_schedule / warmup_cosine_decay_schedule',
    fastai: 'SchedCos',
  },
  paramsSchema: {
    required: ['initialLearningRate', 'decaySteps'],
    properties: {
      initialLearningRate: schema.rate('Learning rate at step 0.'),
      decaySteps: schema.positive('Steps of the cosine decay (after the warm-up).'),
      alpha: schema.rate('Final rate as a fraction of the start rate.', 0),
      warmupTarget: schema.rate('Rate reached at the end of the warm-up.'),
      warmupSteps: schema.int('Steps of the linear warm-up.', 0, 0),
      exponent: schema.positive('Power of the cosine factor.', 1),
    },
  },
  examples: [
    { initialLearningRate: 0.1, decaySteps: 1000 },
    { initialLearningRate: 0, decaySteps: 1000, alpha: 0.01, warmupTarget: 0.1, warmupSteps: 100 },
  ],
  build: (a) => cosineDecaySchedule(a),
});
