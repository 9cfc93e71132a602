/**
 * The optax schedule factories (optax/schedules/_schedule.py and _join.py), by name, with optax's
 * keyword arguments and defaults. Each maps onto the native factories with optax's own numbers,
 * including its lenient cases: a non-positive `transition_steps` gives a constant schedule, a
 * negative `transition_begin` falls back to 0, a zero `decay_rate` gives a constant.
 */
import type { BuiltSchedule, Schedule, ScheduleResolver } from '../../src/schedules/schedule.js';
import {
  constantSchedule,
  cosineDecaySchedule,
  exponentialSchedule,
  joinSchedules,
  linearSchedule,
  piecewiseInterpolateSchedule,
  polynomialSchedule,
} from '../schedules-core/api.js';
import { boundariesAndScales, objectList } from './kwargs.js';
import { optaxPiecewiseConstant } from './piecewise-constant.js';
import { invalidArgument, readBoolean, readChoice, readNumber, readOptionalNumber } from '../../src/core/validation.js';

type Kwargs = Readonly<Record<string, unknown>>;

export interface OptaxFactory {
  /** Keyword arguments optax accepts. */
  readonly keys: readonly string[];
  readonly build: (kw: Kwargs, where: string, resolver: ScheduleResolver) => BuiltSchedule;
}

/** optax `polynomial_schedule`, leniencies included. */
function polynomial(init: number, end: number, power: number, steps: number, begin: number): Schedule {
  if (steps <= 0) return constantSchedule({ learningRate: init });
  return polynomialSchedule({
    initialLearningRate: init,
    endLearningRate: end,
    power,
    decaySteps: steps,
    transitionBegin: Math.max(0, begin),
  });
}

function linear(init: number, end: number, steps: number, begin = 0): Schedule {
  if (steps <= 0) return constantSchedule({ learningRate: init });
  return linearSchedule({ initialValue: init, endValue: end, transitionSteps: steps, transitionBegin: Math.max(0, begin) });
}

function exponential(kw: Kwargs, init: number, where: string): Schedule {
  const steps = readNumber(kw, 'transition_steps', 'finite', where);
  const rate = readNumber(kw, 'decay_rate', 'finite', where);
  if (steps <= 0 || rate === 0) return constantSchedule({ learningRate: init });
  if (rate < 0) invalidArgument('decay_rate', '>= 0 (a negative base has no real fractional powers)', rate, where);
  return exponentialSchedule({
    initialLearningRate: init,
    decaySteps: steps,
    decayRate: rate,
    transitionBegin: Math.max(0, readNumber(kw, 'transition_begin', 'finite', where, 0)),
    staircase: readBoolean(kw, 'staircase', where, false),
    endValue: readOptionalNumber(kw, 'end_value', '>=0', where),
  });
}

function warmupCosine(kw: Kwargs, where: string): Schedule {
  const init = readNumber(kw, 'init_value', '>=0', where);
  const peak = readNumber(kw, 'peak_value', '>=0', where);
  const warmup = readNumber(kw, 'warmup_steps', 'int>=0', where);
  const decaySteps = readNumber(kw, 'decay_steps', 'finite', where);
  const end = readNumber(kw, 'end_value', '>=0', where, 0);
  const exponent = readNumber(kw, 'exponent', '>0', where, 1);
  // optax raises in cosine_decay_schedule when its decay_steps (= decay_steps - warmup_steps) is not positive.
  if (!(decaySteps - warmup > 0)) invalidArgument('decay_steps', `> warmup_steps (${warmup})`, decaySteps, where);
  const alpha = peak === 0 ? 0 : end / peak;
  return joinSchedules(
    [linear(init, peak, warmup), cosineDecaySchedule({ initialLearningRate: peak, decaySteps: decaySteps - warmup, alpha, exponent })],
    [warmup],
  );
}

const WARMUP_COSINE_KEYS = ['init_value', 'peak_value', 'warmup_steps', 'decay_steps', 'end_value', 'exponent'];

export const OPTAX_FACTORIES: Readonly<Record<string, OptaxFactory>> = {
  constant_schedule: {
    keys: ['value'],
    build: (kw, where) => constantSchedule({ learningRate: readNumber(kw, 'value', '>=0', where) }),
  },
  polynomial_schedule: {
    keys: ['init_value', 'end_value', 'power', 'transition_steps', 'transition_begin'],
    build: (kw, where) =>
      polynomial(
        readNumber(kw, 'init_value', '>=0', where),
        readNumber(kw, 'end_value', '>=0', where),
        readNumber(kw, 'power', '>0', where),
        readNumber(kw, 'transition_steps', 'finite', where),
        readNumber(kw, 'transition_begin', 'finite', where, 0),
      ),
  },
  linear_schedule: {
    keys: ['init_value', 'end_value', 'transition_steps', 'transition_begin'],
    build: (kw, where) =>
      linear(
        readNumber(kw, 'init_value', '>=0', where),
        readNumber(kw, 'end_value', '>=0', where),
        readNumber(kw, 'transition_steps', 'finite', where),
        readNumber(kw, 'transition_begin', 'finite', where, 0),
      ),
  },
  exponential_decay: {
    keys: ['init_value', 'transition_steps', 'decay_rate', 'transition_begin', 'staircase', 'end_value'],
    build: (kw, where) => exponential(kw, readNumber(kw, 'init_value', '>=0', where), where),
  },
  cosine_decay_schedule: {
    keys: ['init_value', 'decay_steps', 'alpha', 'exponent'],
    build: (kw, where) =>
      cosineDecaySchedule({
        initialLearningRate: readNumber(kw, 'init_value', '>=0', where),
        decaySteps: readNumber(kw, 'decay_steps', '>0', where),
        alpha: readNumber(kw, 'alpha', '>=0', where, 0),
        exponent: readNumber(kw, 'exponent', '>0', where, 1),
      }),
  },
  warmup_constant_schedule: {
    keys: ['init_value', 'peak_value', 'warmup_steps'],
    build: (kw, where) => linear(readNumber(kw, 'init_value', '>=0', where), readNumber(kw, 'peak_value', '>=0', where), readNumber(kw, 'warmup_steps', 'finite', where)),
  },
  warmup_cosine_decay_schedule: {
    keys: WARMUP_COSINE_KEYS,
    build: (kw, where) => warmupCosine(kw, where),
  },
  warmup_exponential_decay_schedule: {
    keys: ['init_value', 'peak_value', 'warmup_steps', 'transition_steps', 'decay_rate', 'transition_begin', 'staircase', 'end_value'],
    build: (kw, where) => {
      const init = readNumber(kw, 'init_value', '>=0', where);
      const peak = readNumber(kw, 'peak_value', '>=0', where);
      const warmup = readNumber(kw, 'warmup_steps', 'int>=0', where);
      return joinSchedules([linear(init, peak, warmup), exponential(kw, peak, where)], [warmup]);
    },
  },
  piecewise_constant_schedule: {
    keys: ['init_value', 'boundaries_and_scales'],
    build: (kw, where) => optaxPiecewiseConstant(readNumber(kw, 'init_value', '>=0', where), boundariesAndScales(kw, where)),
  },
  piecewise_interpolate_schedule: {
    keys: ['interpolate_type', 'init_value', 'boundaries_and_scales'],
    build: (kw, where) =>
      piecewiseInterpolateSchedule({
        interpolateType: readChoice(kw, 'interpolate_type', ['linear', 'cosine'] as const, where),
        initValue: readNumber(kw, 'init_value', '>=0', where),
        boundariesAndScales: boundariesAndScales(kw, where),
      }),
  },
  linear_onecycle_schedule: {
    keys: ['transition_steps', 'peak_value', 'pct_start', 'pct_final', 'div_factor', 'final_div_factor'],
    build: (kw, where) => {
      const steps = readNumber(kw, 'transition_steps', 'int>=1', where);
      const peak = readNumber(kw, 'peak_value', '>=0', where);
      const pctStart = readNumber(kw, 'pct_start', '>=0', where, 0.3);
      const pctFinal = readNumber(kw, 'pct_final', '>=0', where, 0.85);
      const div = readNumber(kw, 'div_factor', '>0', where, 25);
      const finalDiv = readNumber(kw, 'final_div_factor', '>0', where, 1e4);
      // A Python dict literal: a repeated key keeps its first position and its last value.
      const knots = new Map<number, number>();
      knots.set(Math.trunc(pctStart * steps), div);
      knots.set(Math.trunc(pctFinal * steps), 1 / div);
      knots.set(steps, 1 / finalDiv);
      return piecewiseInterpolateSchedule({
        interpolateType: 'linear',
        initValue: peak / div,
        boundariesAndScales: [...knots].sort((a, b) => a[0] - b[0]),
      });
    },
  },
  cosine_onecycle_schedule: {
    keys: ['transition_steps', 'peak_value', 'pct_start', 'div_factor', 'final_div_factor'],
    build: (kw, where) => {
      const steps = readNumber(kw, 'transition_steps', 'int>=1', where);
      const peak = readNumber(kw, 'peak_value', '>=0', where);
      const pctStart = readNumber(kw, 'pct_start', '>=0', where, 0.3);
      const div = readNumber(kw, 'div_factor', '>0', where, 25);
      const finalDiv = readNumber(kw, 'final_div_factor', '>0', where, 1e4);
      const knots = new Map<number, number>();
      knots.set(Math.trunc(pctStart * steps), div);
      knots.set(Math.trunc(steps), 1 / (div * finalDiv));
      return piecewiseInterpolateSchedule({
        interpolateType: 'cosine',
        initValue: peak / div,
        boundariesAndScales: [...knots].sort((a, b) => a[0] - b[0]),
      });
    },
  },
  sgdr_schedule: {
    keys: ['cosine_kwargs'],
    build: (kw, where) => {
      const cycles = objectList(kw, 'cosine_kwargs', where);
      const schedules: Schedule[] = [];
      const boundaries: number[] = [];
      let step = 0;
      cycles.forEach((c, i) => {
        const w = `${where} cosine_kwargs[${i}]`;
        const unknown = Object.keys(c).filter((k) => !WARMUP_COSINE_KEYS.includes(k));
        if (unknown.length > 0) invalidArgument(unknown[0], `one of ${WARMUP_COSINE_KEYS.join(', ')}`, c[unknown[0]], w);
        schedules.push(warmupCosine(c, w));
        step += c.decay_steps as number;
        boundaries.push(step);
      });
      return joinSchedules(schedules, boundaries.slice(0, -1));
    },
  },
  join_schedules: {
    keys: ['schedules', 'boundaries'],
    build: (kw, where, resolver) => {
      const children = objectList(kw, 'schedules', where).map((s) => resolver.build(s));
      const boundaries = kw.boundaries;
      if (boundaries === undefined) return invalidArgument('boundaries', `an array of ${children.length - 1} steps`, boundaries, where);
      return joinSchedules(children, boundaries as number[]);
    },
  },
};
