import { ValidationError, describeValue } from '../../src/core/errors.js';
import { invalidArgument, PYTHON_NONE_IS_DEFAULT, readNumber, rejectUnknownKeys, requireInRange, requireInteger, requirePositive } from '../../src/core/validation.js';
import type { Schedule, ScheduleContext, ScheduleSpecFormat } from '../../src/schedules/schedule.js';
import { schedCos, schedExp, schedLin, schedNo, schedPoly, type PosFn } from './annealers.js';
import { combineScheds, combinedCos } from './combine-scheds.js';

/**
 * The `fastai` spec format: `{"fastai": "fit_one_cycle", "kwargs": {"lr_max": 1e-3, ...}}`, plus the
 * building blocks SchedLin / SchedCos / SchedNo / SchedExp / SchedPoly / combine_scheds /
 * combined_cos and the fit_flat_cos / fit_sgdr policies. fastai evaluates a schedule at
 * pos = step / total_steps (the fraction of training done before the batch); total_steps comes
 * from `kwargs.total_steps`, else `n_epoch` × ctx.stepsPerEpoch (fit_* policies), else ctx.totalSteps.
 * Past the end the schedule holds its value at pos = 1.
 */

type Kwargs = Readonly<Record<string, unknown>>;

interface Prepared {
  readonly lr: PosFn;
  readonly momentum?: PosFn;
  /** Epochs implied by the policy (fit_* functions), to derive total_steps from stepsPerEpoch. */
  readonly nEpoch?: number;
}

const TOTAL = ['total_steps'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** fastai's positional signatures, so that `{"SchedLin": [0, 1]}` reads like `SchedLin(0, 1)`. */
const POSITIONAL: Readonly<Record<string, readonly string[]>> = {
  SchedLin: ['start', 'end'],
  SchedCos: ['start', 'end'],
  SchedNo: ['start', 'end'],
  SchedExp: ['start', 'end'],
  SchedPoly: ['start', 'end', 'power'],
  combine_scheds: ['pcts', 'scheds'],
  combined_cos: ['pct', 'start', 'middle', 'end'],
};

const POLICIES: Readonly<Record<string, readonly string[]>> = {
  fit_one_cycle: ['n_epoch', 'lr_max', 'div', 'div_final', 'pct_start', 'moms'],
  fit_flat_cos: ['n_epoch', 'lr', 'div_final', 'pct_start'],
  fit_sgdr: ['n_cycles', 'cycle_len', 'lr_max', 'cycle_mult'],
};

export const SUPPORTED_FASTAI: readonly string[] = [...Object.keys(POLICIES), ...Object.keys(POSITIONAL)];

function unknownName(name: unknown, where: string): never {
  throw new ValidationError(
    'UNKNOWN_FASTAI_SCHEDULE',
    `${where}: unknown fastai schedule ${describeValue(name)}. Supported: ${SUPPORTED_FASTAI.join(', ')}.`,
    { argument: 'fastai', received: name, choices: SUPPORTED_FASTAI },
  );
}

/** A pos → value function (the Sched* blocks and their combinations). */
function prepareSched(name: string, kwargs: Kwargs, where: string): PosFn {
  const w = `${where} ${name}`;
  rejectUnknownKeys(kwargs, [...POSITIONAL[name], ...(where === 'fastai' ? TOTAL : [])], w);
  switch (name) {
    case 'SchedLin':
      return schedLin(readNumber(kwargs, 'start', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT), readNumber(kwargs, 'end', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT));
    case 'SchedCos':
      return schedCos(readNumber(kwargs, 'start', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT), readNumber(kwargs, 'end', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT));
    case 'SchedNo':
      return schedNo(readNumber(kwargs, 'start', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT), readNumber(kwargs, 'end', 'finite', w, 0, PYTHON_NONE_IS_DEFAULT));
    case 'SchedExp':
      return schedExp(requirePositive('start', readNumber(kwargs, 'start', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT), w), requirePositive('end', readNumber(kwargs, 'end', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT), w));
    case 'SchedPoly':
      return schedPoly(readNumber(kwargs, 'start', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT), readNumber(kwargs, 'end', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT), readNumber(kwargs, 'power', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT));
    case 'combined_cos':
      return combinedCos(
        requireInRange('pct', readNumber(kwargs, 'pct', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT), 0, 1, w, { hi: true }),
        readNumber(kwargs, 'start', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT),
        readNumber(kwargs, 'middle', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT),
        readNumber(kwargs, 'end', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT),
      );
    default: {
      // combine_scheds
      const pcts = kwargs.pcts;
      const scheds = kwargs.scheds;
      if (!Array.isArray(scheds) || scheds.length === 0) {
        invalidArgument('scheds', 'a non-empty list of fastai schedules', scheds, w);
      }
      const sum = Array.isArray(pcts) ? pcts.reduce((a: number, b: unknown) => a + (typeof b === 'number' ? b : NaN), 0) : NaN;
      if (
        !Array.isArray(pcts) ||
        pcts.length !== scheds.length ||
        pcts.some((p) => typeof p !== 'number' || !(p >= 0)) ||
        !(Math.abs(sum - 1) < 1e-9) ||
        !((pcts[pcts.length - 1] as number) > 0)
      ) {
        invalidArgument('pcts', `${scheds.length} fractions >= 0 summing to 1 (the last > 0), one per schedule`, pcts, w);
      }
      return combineScheds(pcts as number[], scheds.map((s, i) => prepareNested(s, `${w} scheds[${i}]:`)));
    }
  }
}

/** `{"fastai": "SchedLin", "kwargs": {...}}`, `{"SchedLin": {...}}` or `{"SchedLin": [0, 1]}`. */
function prepareNested(spec: unknown, where: string): PosFn {
  if (!isRecord(spec)) unknownName(spec, where);
  let name: unknown;
  let args: unknown;
  if (typeof spec.fastai === 'string') {
    rejectUnknownKeys(spec, ['fastai', 'kwargs'], where);
    name = spec.fastai;
    args = spec.kwargs ?? {};
  } else {
    const keys = Object.keys(spec);
    if (keys.length !== 1) unknownName(keys.join(', '), where);
    name = keys[0];
    args = spec[keys[0]];
  }
  if (typeof name !== 'string' || !(name in POSITIONAL)) unknownName(name, where);
  if (Array.isArray(args)) {
    const names = POSITIONAL[name];
    if (args.length > names.length) {
      throw new ValidationError('INVALID_PARAMETER', `${where} ${name}: takes at most ${names.length} positional arguments (${names.join(', ')}). Received: ${describeValue(args)}.`, {
        argument: name,
        received: args,
      });
    }
    args = Object.fromEntries(args.map((v, i) => [names[i], v]));
  }
  if (!isRecord(args)) unknownName(name, where);
  return prepareSched(name, args, where);
}

function preparePolicy(name: string, kwargs: Kwargs): Prepared {
  const w = `fastai ${name}`;
  rejectUnknownKeys(kwargs, [...POLICIES[name], ...TOTAL], w);
  const nEpoch = kwargs.n_epoch === undefined ? undefined : requireInteger('n_epoch', kwargs.n_epoch, 1, w);
  if (name === 'fit_one_cycle') {
    const lrMax = requirePositive('lr_max', readNumber(kwargs, 'lr_max', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT), w);
    const div = requirePositive('div', readNumber(kwargs, 'div', 'finite', w, 25.0, PYTHON_NONE_IS_DEFAULT), w);
    const divFinal = requirePositive('div_final', readNumber(kwargs, 'div_final', 'finite', w, 1e5, PYTHON_NONE_IS_DEFAULT), w);
    const pctStart = requireInRange('pct_start', readNumber(kwargs, 'pct_start', 'finite', w, 0.25, PYTHON_NONE_IS_DEFAULT), 0, 1, w, { hi: true });
    const moms = kwargs.moms ?? [0.95, 0.85, 0.95];
    if (!Array.isArray(moms) || moms.length !== 3 || moms.some((m) => typeof m !== 'number' || !Number.isFinite(m))) {
      invalidArgument('moms', 'three numbers (start, middle, end)', moms, w);
    }
    return {
      lr: combinedCos(pctStart, lrMax / div, lrMax, lrMax / divFinal),
      momentum: combinedCos(pctStart, moms[0], moms[1], moms[2]),
      nEpoch,
    };
  }
  if (name === 'fit_flat_cos') {
    const lr = requirePositive('lr', readNumber(kwargs, 'lr', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT), w);
    const divFinal = requirePositive('div_final', readNumber(kwargs, 'div_final', 'finite', w, 1e5, PYTHON_NONE_IS_DEFAULT), w);
    const pctStart = requireInRange('pct_start', readNumber(kwargs, 'pct_start', 'finite', w, 0.75, PYTHON_NONE_IS_DEFAULT), 0, 1, w, { hi: true });
    return { lr: combinedCos(pctStart, lr, lr, lr / divFinal), nEpoch };
  }
  // fit_sgdr: n_cycles cosine cycles, each cycle_mult times longer than the previous one.
  const nCycles = requireInteger('n_cycles', kwargs.n_cycles, 1, w);
  const cycleLen = requireInteger('cycle_len', kwargs.cycle_len, 1, w);
  const lrMax = requirePositive('lr_max', readNumber(kwargs, 'lr_max', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT), w);
  const mult = requireInteger('cycle_mult', kwargs.cycle_mult ?? 2, 1, w);
  // fastai divides by (cycle_mult - 1); cycle_mult = 1 is the limit n_cycles × cycle_len.
  const epochs = mult === 1 ? nCycles * cycleLen : Math.floor((cycleLen * (mult ** nCycles - 1)) / (mult - 1));
  const pcts = Array.from({ length: nCycles }, (_, i) => (cycleLen * mult ** i) / epochs);
  return { lr: combineScheds(pcts, pcts.map(() => schedCos(lrMax, 0))), nEpoch: epochs };
}

function resolveTotal(kwargs: Kwargs, nEpoch: number | undefined, ctx: ScheduleContext | undefined, name: string): number {
  if (kwargs.total_steps !== undefined) return kwargs.total_steps as number;
  if (nEpoch !== undefined && ctx?.stepsPerEpoch !== undefined) return nEpoch * ctx.stepsPerEpoch;
  if (ctx?.totalSteps !== undefined) return ctx.totalSteps;
  throw new ValidationError(
    'TOTAL_STEPS_REQUIRED',
    `fastai ${name}: fastai schedules run over the fraction of training done (pos = step / total_steps), so the run's length must be known. ` +
      'Set `total_steps` in kwargs, or pass `totalSteps` (or `n_epoch` with `stepsPerEpoch`) in the schedule context.',
    { argument: 'total_steps' },
  );
}

export function buildFastaiSchedule(spec: Readonly<Record<string, unknown>>): Schedule {
  const name = spec.fastai;
  if (typeof name !== 'string' || !(name in POLICIES || name in POSITIONAL)) unknownName(name, 'fastai');
  rejectUnknownKeys(spec, ['fastai', 'kwargs'], `fastai ${name}`);
  const kwargs = (spec.kwargs ?? {}) as Kwargs;
  if (!isRecord(kwargs)) {
    invalidArgument('kwargs', 'an object', kwargs, `fastai ${name}`);
  }
  if (kwargs.total_steps !== undefined) requireInteger('total_steps', kwargs.total_steps, 1, `fastai ${name}`);
  const prepared: Prepared = name in POLICIES ? preparePolicy(name, kwargs) : { lr: prepareSched(name, kwargs, 'fastai') };
  const at = (fn: PosFn) => (step: number, ctx?: ScheduleContext): number => {
    const total = resolveTotal(kwargs, prepared.nEpoch, ctx, name);
    return fn(Math.min(1, Math.max(0, step / total)));
  };
  const lr = at(prepared.lr);
  return prepared.momentum ? Object.assign(lr, { momentum: at(prepared.momentum) }) : lr;
}

export const fastaiSpecFormat: ScheduleSpecFormat = {
  id: 'fastai',
  matches: (spec) => spec.fastai !== undefined,
  nameOf: (spec) => (typeof spec.fastai === 'string' ? spec.fastai : undefined),
  shape: '{"fastai": "fit_one_cycle", "kwargs": {...}} (fastai)',
  specSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'fastai {"fastai", "kwargs"}',
    description: 'A fastai scheduler (e.g. fit_one_cycle) with its keyword arguments.',
    type: 'object',
    properties: { fastai: { type: 'string', minLength: 1 }, kwargs: { type: 'object' } },
    required: ['fastai'],
    additionalProperties: false,
  },
  build: (spec) => buildFastaiSchedule(spec),
};
