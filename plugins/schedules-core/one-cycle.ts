import type { Schedule, ScheduleContext } from '../../src/schedules/schedule.js';
import { ValidationError } from '../../src/core/errors.js';
import { defineFamily, schema } from './common.js';
import { invalidArgument, readBoolean, readChoice, readNumber, readOptionalNumber } from '../../src/core/validation.js';

export interface OneCycleArgs {
  /** Peak learning rate. Required; no default. */
  readonly maxLearningRate: number;
  /** Steps of the cycle (integer >= 2). Defaults to the run's `ctx.totalSteps`; an error if neither is known. */
  readonly totalSteps?: number;
  /** Fraction of the cycle spent increasing the rate, in [0, 1]. Defaults to 0.3. */
  readonly pctStart?: number;
  /** 'cos' or 'linear' annealing. Defaults to 'cos'. */
  readonly annealStrategy?: 'cos' | 'linear';
  /** Initial rate = maxLearningRate / divFactor. Defaults to 25. */
  readonly divFactor?: number;
  /** Final rate = initial rate / finalDivFactor. Defaults to 1e4. */
  readonly finalDivFactor?: number;
  /** Use three phases (up, back down to the initial rate, then down to the final rate). Defaults to false. */
  readonly threePhase?: boolean;
  /** Cycle momentum inversely to the rate (exposed as `.momentum`). Defaults to true. */
  readonly cycleMomentum?: boolean;
  /** Lowest momentum (at the rate's peak). Defaults to 0.85. */
  readonly baseMomentum?: number;
  /** Highest momentum (at the start and end). Defaults to 0.95. */
  readonly maxMomentum?: number;
}

interface Phase {
  readonly end: number;
  readonly lr: readonly [number, number];
  readonly mom: readonly [number, number];
}

const annealCos = (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
const annealLinear = (start: number, end: number, pct: number) => (end - start) * pct + start;

/**
 * PyTorch `OneCycleLR`, step for step (phase ends at `pctStart * total - 1`, `2 * pctStart * total - 2`,
 * `total - 1`). Past the last step (PyTorch raises there) the rate stays at its final value
 * `maxLearningRate / divFactor / finalDivFactor`. When `cycleMomentum`, the schedule carries `.momentum`.
 */
export function oneCycleSchedule(args: OneCycleArgs): Schedule {
  const where = 'one_cycle';
  const maxLr = readNumber(args, 'maxLearningRate', '>0', where);
  const fixedTotal = readOptionalNumber(args, 'totalSteps', 'int>=1', where);
  const pctStart = readNumber(args, 'pctStart', 'finite', where, 0.3);
  if (!(pctStart >= 0 && pctStart <= 1)) invalidArgument('pctStart', 'in [0, 1]', pctStart, where);
  const strategy = readChoice(args, 'annealStrategy', ['cos', 'linear'] as const, where, 'cos');
  const divFactor = readNumber(args, 'divFactor', '>0', where, 25);
  const finalDivFactor = readNumber(args, 'finalDivFactor', '>0', where, 1e4);
  const threePhase = readBoolean(args, 'threePhase', where, false);
  const cycleMomentum = readBoolean(args, 'cycleMomentum', where, true);
  const baseM = readNumber(args, 'baseMomentum', '>=0', where, 0.85);
  const maxM = readNumber(args, 'maxMomentum', '>=0', where, 0.95);
  const anneal = strategy === 'cos' ? annealCos : annealLinear;
  const initialLr = maxLr / divFactor;
  const minLr = initialLr / finalDivFactor;

  const phasesFor = (total: number): Phase[] => {
    const phases: Phase[] = threePhase
      ? [
          { end: pctStart * total - 1, lr: [initialLr, maxLr], mom: [maxM, baseM] },
          { end: 2 * pctStart * total - 2, lr: [maxLr, initialLr], mom: [baseM, maxM] },
          { end: total - 1, lr: [initialLr, minLr], mom: [maxM, maxM] },
        ]
      : [
          { end: pctStart * total - 1, lr: [initialLr, maxLr], mom: [maxM, baseM] },
          { end: total - 1, lr: [maxLr, minLr], mom: [baseM, maxM] },
        ];
    // PyTorch divides by each phase's length and dies with ZeroDivisionError when a step lands in an
    // empty phase; refuse that up front. Empty phases no step reaches (pctStart = 0 or 1) are fine.
    let start = 0;
    for (const [i, p] of phases.entries()) {
      const last = i === phases.length - 1;
      const firstStep = i === 0 ? 0 : Math.max(0, Math.floor(start) + 1);
      const reachable = firstStep <= (last ? total - 1 : Math.min(p.end, total - 1));
      if (reachable && p.end === start) {
        invalidArgument('pctStart', `such that phase ${i + 1} of the cycle is not empty (totalSteps=${total})`, pctStart, where);
      }
      start = p.end;
    }
    return phases;
  };
  if (fixedTotal !== undefined) phasesFor(fixedTotal);

  let cachedTotal = -1;
  let cached: Phase[] = [];
  const resolve = (ctx?: ScheduleContext): [Phase[], number] => {
    const total = fixedTotal ?? ctx?.totalSteps;
    if (total === undefined) {
      throw new ValidationError(
        'MISSING_PARAMETER',
        `${where}: \`totalSteps\` is required when the run's total steps are unknown. Received: totalSteps=undefined. ` +
          'Pass `totalSteps`, or drive the schedule from model.fit with known epochs and steps per epoch.',
        { argument: 'totalSteps', rule: 'required', received: undefined },
      );
    }
    if (total !== cachedTotal) {
      cached = phasesFor(total);
      cachedTotal = total;
    }
    return [cached, total];
  };
  const evaluate = (step: number, ctx: ScheduleContext | undefined, pick: (p: Phase) => readonly [number, number]) => {
    const [phases, total] = resolve(ctx);
    const s = Math.min(Math.max(step, 0), total - 1);
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const p = phases[i];
      if (s <= p.end || i === phases.length - 1) {
        const [a, b] = pick(p);
        return anneal(a, b, (s - start) / (p.end - start));
      }
      start = p.end;
    }
    return NaN; // unreachable: the last phase always matches
  };
  const lr = (step: number, ctx?: ScheduleContext) => evaluate(step, ctx, (p) => p.lr);
  if (!cycleMomentum) return lr;
  return Object.assign(lr, { momentum: (step: number, ctx?: ScheduleContext) => evaluate(step, ctx, (p) => p.mom) });
}

export const oneCycleFamily = defineFamily<OneCycleArgs>({
  id: 'one_cycle',
  description: 'One-cycle policy (Smith 2018) with PyTorch OneCycleLR numbers; momentum cycled inversely.',
  equivalents: { pytorch: 'OneCycleLR', optax: 'cosine_onecycle_schedule / linear_onecycle_schedule', fastai: 'fit_one_cycle', keras: 'none' },
  paramsSchema: {
    required: ['maxLearningRate'],
    properties: {
      maxLearningRate: schema.positive('Peak learning rate.'),
      totalSteps: schema.int('Steps of the cycle (defaults to the run length).', 1),
      pctStart: { type: 'number', minimum: 0, maximum: 1, default: 0.3, description: 'Fraction of the cycle spent increasing.' },
      annealStrategy: { enum: ['cos', 'linear'], default: 'cos', description: 'Annealing shape.' },
      divFactor: schema.positive('maxLearningRate / initial rate.', 25),
      finalDivFactor: schema.positive('initial rate / final rate.', 1e4),
      threePhase: schema.bool('Use the three-phase variant.', false),
      cycleMomentum: schema.bool('Cycle momentum inversely to the rate.', true),
      baseMomentum: schema.rate('Lowest momentum.', 0.85),
      maxMomentum: schema.rate('Highest momentum.', 0.95),
    },
  },
  examples: [
    { maxLearningRate: 0.1, totalSteps: 1000 },
    { maxLearningRate: 0.01, totalSteps: 100, annealStrategy: 'linear', threePhase: true, cycleMomentum: false },
    { maxLearningRate: 0.05 },
  ],
  build: (a) => oneCycleSchedule(a),
});
