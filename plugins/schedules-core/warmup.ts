import type { BuiltSchedule, Schedule, ScheduleContext, StatefulSchedule } from '../../src/schedules/schedule.js';
import { isStatefulSchedule } from '../../src/schedules/schedule.js';
import { readNumber, requireMissing } from '../../src/core/validation.js';
import { defineFamily, schema, shiftContext } from './common.js';
import { observedStep, requireSchedule } from './join.js';

export interface WarmupArgs<S extends BuiltSchedule = BuiltSchedule> {
  /** Steps of the linear warm-up (integer >= 0; 0 means none). Required; no default. */
  readonly warmupSteps: number;
  /** Rate at step 0. Defaults to 0. */
  readonly startLearningRate?: number;
  /** The schedule that follows; it sees `step - warmupSteps`. Required; no default. */
  readonly after: S;
}

/**
 * Linear warm-up in front of any schedule: from `startLearningRate` at step 0 to `after(0)` at
 * `warmupSteps`, then `after(step - warmupSteps)` (Goyal et al. 2017). In front of a stateful
 * schedule the result is stateful: it forwards the observations made after the warm-up, with steps
 * shifted by `warmupSteps`, and ramps towards the stateful schedule's current value at its step 0.
 */
export function warmupSchedule(args: WarmupArgs<Schedule>): Schedule;
export function warmupSchedule(args: WarmupArgs): BuiltSchedule;
export function warmupSchedule(args: WarmupArgs): BuiltSchedule {
  const where = 'warmup';
  const warmupSteps = readNumber(args, 'warmupSteps', 'int>=0', where);
  const start = readNumber(args, 'startLearningRate', '>=0', where, 0);
  if (args?.after === undefined) requireMissing('after', where);
  const after = requireSchedule('after', args.after, where);
  const ramp = (step: number, target: number) => start + ((target - start) * step) / warmupSteps;

  if (!isStatefulSchedule(after)) {
    const fn = (step: number, ctx?: ScheduleContext) => {
      const shifted = shiftContext(ctx, warmupSteps);
      return step < warmupSteps ? ramp(step, after(0, shifted)) : after(step - warmupSteps, shifted);
    };
    const m = after.momentum;
    if (!m) return fn;
    return Object.assign(fn, {
      momentum: (step: number, ctx?: ScheduleContext) => m(Math.max(0, step - warmupSteps), shiftContext(ctx, warmupSteps)),
    });
  }

  const warm: StatefulSchedule<unknown> = {
    kind: 'stateful',
    requires: after.requires,
    init: () => after.init(),
    update(state, obs) {
      if (observedStep(obs) < warmupSteps) return state;
      return after.update(state, { ...obs, step: obs.step - warmupSteps });
    },
    value(state, step, ctx) {
      const shifted = shiftContext(ctx, warmupSteps);
      return step < warmupSteps ? ramp(step, after.value(state, 0, shifted)) : after.value(state, step - warmupSteps, shifted);
    },
    ...(after.momentum
      ? { momentum: (state: unknown, step: number, ctx?: ScheduleContext) => after.momentum!(state, Math.max(0, step - warmupSteps), shiftContext(ctx, warmupSteps)) }
      : {}),
  };
  return warm;
}

export interface WarmupParams {
  readonly warmupSteps: number;
  readonly startLearningRate?: number;
  /** Spec of the schedule that follows (any format). */
  readonly after: Readonly<Record<string, unknown>>;
}

export const warmupFamily = defineFamily<WarmupParams>({
  id: 'warmup',
  description: 'Linear warm-up from `startLearningRate` to the next schedule\'s step-0 value, in front of any schedule.',
  equivalents: {
    keras: 'CosineDecay(warmup_target=…) for cosine only',
    pytorch: 'SequentialLR([LinearLR, …])',
    optax: 'join_schedules([linear_schedule, …])',
    fastai: 'combine_scheds',
  },
  paramsSchema: {
    required: ['warmupSteps', 'after'],
    properties: {
      warmupSteps: schema.int('Steps of the warm-up.', 0),
      startLearningRate: schema.rate('Rate at step 0.', 0),
      after: schema.spec('Spec of the schedule that follows.'),
    },
  },
  examples: [
    { warmupSteps: 100, after: { family: 'cosine_decay', params: { initialLearningRate: 0.1, decaySteps: 900 } } },
    { warmupSteps: 50, startLearningRate: 0.001, after: { family: 'one_cycle', params: { maxLearningRate: 0.1 } } },
  ],
  build: (a, resolver) => {
    const afterSpec = (a as { after?: unknown }).after;
    if (afterSpec === undefined) requireMissing('after', 'warmup');
    return warmupSchedule({ warmupSteps: a.warmupSteps, startLearningRate: a.startLearningRate, after: resolver.build(afterSpec as Record<string, unknown>) });
  },
});
