import type { BuiltSchedule, Schedule, ScheduleContext, StatefulSchedule, StepObservation } from '../../src/schedules/schedule.js';
import { isStatefulSchedule } from '../../src/schedules/schedule.js';
import { ValidationError } from '../../src/core/errors.js';
import { defineFamily, shiftContext } from './common.js';
import { invalidArgument, readNumberArray } from '../../src/core/validation.js';

/** Why a composite refuses its children: each must be a schedule function or a stateful schedule. */
export function requireSchedule(name: string, value: unknown, where: string): BuiltSchedule {
  if (typeof value === 'function' || (typeof value === 'object' && value !== null && isStatefulSchedule(value as BuiltSchedule))) {
    return value as BuiltSchedule;
  }
  return invalidArgument(name, 'a schedule (function or stateful schedule)', value, where);
}

/** Merges the children's `requires`; two different monitored metrics cannot be served at once. */
export function mergeRequires(children: readonly BuiltSchedule[], where: string): StatefulSchedule['requires'] {
  const monitors = new Set<string>();
  let gradients = false;
  for (const c of children) {
    if (!isStatefulSchedule(c)) continue;
    if (c.requires.monitor !== undefined) monitors.add(c.requires.monitor);
    gradients ||= c.requires.gradients === true;
  }
  if (monitors.size > 1) {
    throw new ValidationError(
      'CONFLICTING_MONITORS',
      `${where}: the children monitor different metrics (${[...monitors].join(', ')}); one run can feed only one. ` +
        'Make them monitor the same metric.',
      { monitors: [...monitors] },
    );
  }
  const monitor = monitors.values().next().value;
  return { ...(monitor !== undefined ? { monitor } : {}), ...(gradients ? { gradients } : {}) };
}

/**
 * The step an observation belongs to: an `epoch` observation reports the steps done so far, so its
 * last step is `step - 1`; `batch` and `gradients` observations name their step.
 */
export function observedStep(obs: StepObservation): number {
  return obs.kind === 'epoch' ? obs.step - 1 : obs.step;
}

/**
 * optax `join_schedules`: child 0 until `boundaries[0]`, then child i sees `step - boundaries[i-1]`
 * from `boundaries[i-1]` on (and a context whose `totalSteps` is shortened by the same offset).
 * Stateful children are allowed; the result is then stateful, and each child only observes the
 * steps of its own segment, with shifted step numbers.
 */
export function joinSchedules(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule;
export function joinSchedules(schedules: readonly BuiltSchedule[], boundaries: readonly number[]): BuiltSchedule;
export function joinSchedules(schedules: readonly BuiltSchedule[], boundaries: readonly number[]): BuiltSchedule {
  const where = 'join';
  if (!Array.isArray(schedules) || schedules.length === 0) invalidArgument('schedules', 'a non-empty array of schedules', schedules, where);
  const children = schedules.map((s, i) => requireSchedule(`schedules[${i}]`, s, where));
  const bounds = readNumberArray({ boundaries }, 'boundaries', where, { order: 'nondecreasing', rule: '>=0' });
  if (bounds.length !== children.length - 1) {
    invalidArgument('boundaries', `one element shorter than \`schedules\` (${children.length - 1} elements)`, boundaries, where);
  }
  const segment = (step: number) => {
    let i = 0;
    while (i < bounds.length && step >= bounds[i]) i++;
    return i;
  };
  const offset = (i: number) => (i === 0 ? 0 : bounds[i - 1]);

  if (children.every((c): c is Schedule => !isStatefulSchedule(c))) {
    const fn = (step: number, ctx?: ScheduleContext) => {
      const i = segment(step);
      return children[i](step - offset(i), shiftContext(ctx, offset(i)));
    };
    if (!children.every((c) => c.momentum)) return fn;
    return Object.assign(fn, {
      momentum: (step: number, ctx?: ScheduleContext) => {
        const i = segment(step);
        return children[i].momentum!(step - offset(i), shiftContext(ctx, offset(i)));
      },
    });
  }

  const joined: StatefulSchedule<readonly unknown[]> = {
    kind: 'stateful',
    requires: mergeRequires(children, where),
    init: () => children.map((c) => (isStatefulSchedule(c) ? c.init() : undefined)),
    update(state, obs) {
      const i = segment(observedStep(obs));
      const c = children[i];
      if (!isStatefulSchedule(c)) return state;
      const next = [...state];
      next[i] = c.update(state[i], { ...obs, step: obs.step - offset(i) });
      return next;
    },
    value(state, step, ctx) {
      const i = segment(step);
      const c = children[i];
      const s = step - offset(i);
      const shifted = shiftContext(ctx, offset(i));
      return isStatefulSchedule(c) ? c.value(state[i], s, shifted) : c(s, shifted);
    },
    momentum(state, step, ctx) {
      const i = segment(step);
      const c = children[i];
      const s = step - offset(i);
      const shifted = shiftContext(ctx, offset(i));
      return isStatefulSchedule(c) ? c.momentum?.(state[i], s, shifted) : c.momentum?.(s, shifted);
    },
  };
  return joined as StatefulSchedule<unknown>;
}

export interface JoinArgs {
  /** Child specs (any spec format), at least one. Required; no default. */
  readonly schedules: readonly Readonly<Record<string, unknown>>[];
  /** `schedules.length - 1` non-decreasing steps where the next child takes over. Required; no default. */
  readonly boundaries: readonly number[];
}

export const joinFamily = defineFamily<JoinArgs>({
  id: 'join',
  description: 'Sequence of schedules: child i takes over at boundaries[i-1] and sees step - boundaries[i-1].',
  equivalents: { optax: 'join_schedules', pytorch: 'SequentialLR (without its milestone quirk)', keras: 'none', fastai: 'combine_scheds' },
  paramsSchema: {
    required: ['schedules', 'boundaries'],
    properties: {
      schedules: { type: 'array', minItems: 1, items: { type: 'object' }, description: 'Child schedule specs.' },
      boundaries: { type: 'array', items: { type: 'number', minimum: 0 }, description: 'Non-decreasing switch steps.' },
    },
  },
  examples: [
    {
      schedules: [
        { family: 'linear', params: { initialValue: 0, endValue: 0.1, transitionSteps: 100 } },
        { family: 'cosine_decay', params: { initialLearningRate: 0.1, decaySteps: 900 } },
      ],
      boundaries: [100],
    },
  ],
  build: (a, resolver) => {
    const specs = (a as { schedules?: unknown }).schedules;
    if (specs === undefined) invalidArgument('schedules', 'a non-empty array of schedule specs', specs, 'join');
    if (!Array.isArray(specs) || specs.length === 0) invalidArgument('schedules', 'a non-empty array of schedule specs', specs, 'join');
    const bounds = readNumberArray(a, 'boundaries', 'join', { order: 'nondecreasing', rule: '>=0' });
    return joinSchedules(specs.map((s: Record<string, unknown>) => resolver.build(s)), bounds);
  },
});
