import { ValidationError, describeValue } from '../../src/core/errors.js';
import { invalidArgument, rejectUnknownKeys, requireInteger, requireOneOf } from '../../src/core/validation.js';
import type {
  BuiltSchedule,
  Schedule,
  ScheduleContext,
  ScheduleResolver,
  ScheduleSpecFormat,
} from '../../src/schedules/schedule.js';
import { ABSOLUTE_CLASSES, SUPPORTED_TORCH_SCHEDULERS, TORCH_SCHEDULER_CLASSES } from './classes.js';
import { createDirect, createReplay, type Replay } from './replay.js';
import type { ParamGroup } from './runtime.js';
import { CosineAnnealingWarmRestartsSim } from './schedulers/cosine-annealing-warm-restarts.js';
import { reduceLROnPlateauSpec } from './schedulers/reduce-lr-on-plateau.js';
import { perGroup, type PreparedTorch, type TorchClassContext } from './torch-class.js';

/**
 * How a 0-based global optimizer step maps to PyTorch's epoch counter (PyTorch Lightning's `interval`):
 * - "epoch": the scheduler is stepped once per epoch; torch epoch = floor(step / ctx.stepsPerEpoch).
 * - "step": stepped once per optimizer step; torch epoch = step.
 * - "fractional_epoch" (CosineAnnealingWarmRestarts only): PyTorch's per-batch recipe
 *   `scheduler.step(epoch + i / iters)`; torch epoch = step / ctx.stepsPerEpoch.
 */
export type TorchInterval = 'epoch' | 'step' | 'fractional_epoch';

const TOP_KEYS = ['torch', 'kwargs', 'base_lr', 'interval', 'param_group', 'monitor'] as const;
const NESTED_KEYS = ['torch', 'kwargs'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownClass(name: unknown, where: string): never {
  throw new ValidationError(
    'UNKNOWN_TORCH_SCHEDULER',
    `${where}: unknown PyTorch scheduler ${describeValue(name)}. Supported: ${SUPPORTED_TORCH_SCHEDULERS.join(', ')}.`,
    { argument: 'torch', received: name, choices: SUPPORTED_TORCH_SCHEDULERS },
  );
}

function kwargsOf(spec: Readonly<Record<string, unknown>>, where: string): Readonly<Record<string, unknown>> {
  const kwargs = spec.kwargs ?? {};
  if (!isRecord(kwargs)) {
    invalidArgument('kwargs', `an object of the scheduler's keyword arguments`, kwargs, where);
  }
  return kwargs;
}

/** Prepares a scheduler spec, recursively for nested ones (which share the top-level optimizer). */
function prepare(className: unknown, kwargs: Readonly<Record<string, unknown>>, paramGroup: number, topLevel: boolean, where: string): PreparedTorch {
  if (className === 'ReduceLROnPlateau') {
    throw new ValidationError(
      'INVALID_PARAMETER',
      `${where}: ReduceLROnPlateau cannot be nested in ChainedScheduler / SequentialLR / SWALR (PyTorch refuses it too: its step() needs the metric). Received: torch="ReduceLROnPlateau".`,
      { argument: 'torch', rule: 'not ReduceLROnPlateau when nested', received: className },
    );
  }
  const cls = typeof className === 'string' ? TORCH_SCHEDULER_CLASSES.get(className) : undefined;
  if (!cls) unknownClass(className, where);
  const ctx: TorchClassContext = {
    where: topLevel ? `torch ${cls.name}` : `${where} ${cls.name}`,
    paramGroup,
    topLevel,
    nested(spec, argument) {
      const at = `${this.where} ${argument}`;
      if (!isRecord(spec)) {
        throw new ValidationError(
          'INVALID_PARAMETER',
          `${this.where}: \`${argument}\` must be a scheduler spec such as {"torch": "StepLR", "kwargs": {...}}. Received: ${argument}=${describeValue(spec)}.`,
          { argument, rule: 'a scheduler spec', received: spec },
        );
      }
      if (typeof spec.torch === 'string') {
        rejectUnknownKeys(spec, NESTED_KEYS, at);
        return prepare(spec.torch, kwargsOf(spec, at), paramGroup, false, at);
      }
      // Shorthand {"StepLR": {...}}: one key, the class name; {"ChainedScheduler": [...]} lists its schedulers.
      const keys = Object.keys(spec);
      const value = keys.length === 1 ? spec[keys[0]] : undefined;
      if (isRecord(value)) return prepare(keys[0], value, paramGroup, false, at);
      if (Array.isArray(value) && keys[0] === 'ChainedScheduler') return prepare(keys[0], { schedulers: value }, paramGroup, false, at);
      return unknownClass(keys.join(', '), at);
    },
  };
  return cls.prepare(kwargs, ctx);
}

function toEpoch(step: number, ctx: ScheduleContext | undefined, interval: TorchInterval, className: string): number {
  if (!Number.isInteger(step) || step < 0) {
    invalidArgument('step', 'an integer >= 0', step, `torch ${className}`);
  }
  if (interval === 'step') return step;
  const spe = ctx?.stepsPerEpoch;
  if (spe === undefined) {
    throw new ValidationError(
      'STEPS_PER_EPOCH_REQUIRED',
      `torch ${className}: interval "${interval}" maps optimizer steps to epochs, so the run's steps per epoch must be known. ` +
        'Pass `stepsPerEpoch` in the schedule context (the model.fit callback does; CLI: --steps-per-epoch K), or set "interval": "step".',
      { argument: 'stepsPerEpoch', interval },
    );
  }
  requireInteger('stepsPerEpoch', spe, 1, `torch ${className}`);
  return interval === 'epoch' ? Math.floor(step / spe) : step / spe;
}

function readBaseLr(spec: Readonly<Record<string, unknown>>, className: string, ctx: TorchClassContext): number | undefined {
  const raw = spec.base_lr;
  if (raw === undefined || raw === null) {
    // CyclicLR and OneCycleLR overwrite the optimizer's lr with their own base_lr / max_lr / div_factor.
    if (className === 'CyclicLR' || className === 'OneCycleLR') return undefined;
    throw new ValidationError(
      'MISSING_PARAMETER',
      `torch ${className}: \`base_lr\` (the optimizer's initial lr, PyTorch's param_groups[i]["lr"]) is required. Received: base_lr=undefined.`,
      { argument: 'base_lr', rule: 'required', received: undefined },
    );
  }
  const v = perGroup('base_lr', raw, ctx);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    invalidArgument('base_lr', 'a finite number >= 0', raw, `torch ${className}`);
  }
  return v;
}

/** Builds a `{"torch": ..., "kwargs": ..., "base_lr": ..., "interval": ...}` spec. */
export function buildTorchSchedule(spec: Readonly<Record<string, unknown>>, resolver: ScheduleResolver): BuiltSchedule {
  const className = spec.torch;
  if (typeof className !== 'string' || (!TORCH_SCHEDULER_CLASSES.has(className) && className !== 'ReduceLROnPlateau')) {
    unknownClass(className, 'torch');
  }
  const where = `torch ${className}`;
  rejectUnknownKeys(spec, TOP_KEYS, where);
  const paramGroup = spec.param_group === undefined ? 0 : requireInteger('param_group', spec.param_group, 0, where);
  const kwargs = kwargsOf(spec, where);
  const groupCtx = { where, paramGroup, topLevel: true } as TorchClassContext;
  const baseLr = readBaseLr(spec, className, groupCtx);

  if (className === 'ReduceLROnPlateau') {
    if (spec.interval !== undefined && spec.interval !== 'epoch') {
      requireOneOf('interval', spec.interval, ['epoch'] as const, where);
    }
    const monitor = spec.monitor === undefined ? 'val_loss' : spec.monitor;
    if (typeof monitor !== 'string' || monitor === '') {
      invalidArgument('monitor', 'a log key such as "val_loss"', monitor, where);
    }
    return resolver.build(reduceLROnPlateauSpec(kwargs, baseLr as number, monitor, groupCtx));
  }
  if (spec.monitor !== undefined) {
    throw new ValidationError('UNKNOWN_PARAMETER', `${where}: \`monitor\` only applies to ReduceLROnPlateau. Received: monitor=${describeValue(spec.monitor)}.`, {
      argument: 'monitor',
      received: spec.monitor,
    });
  }

  const prepared = prepare(className, kwargs, paramGroup, true, where);
  const interval: TorchInterval =
    spec.interval === undefined
      ? prepared.perBatch
        ? 'step'
        : 'epoch'
      : requireOneOf('interval', spec.interval, ['epoch', 'step', 'fractional_epoch'] as const, where);
  const lr0 = baseLr ?? 0;

  if (interval === 'fractional_epoch') {
    if (className !== 'CosineAnnealingWarmRestarts') {
      throw new ValidationError(
        'INVALID_PARAMETER',
        `${where}: \`interval\` must be "epoch" or "step"; only CosineAnnealingWarmRestarts accepts fractional epochs. Received: interval="fractional_epoch".`,
        { argument: 'interval', rule: 'one of "epoch", "step"', received: interval },
      );
    }
    // step(epoch) with an explicit epoch depends on nothing but the epoch: a fresh scheduler per call keeps it pure.
    const schedule: Schedule = (step, ctx) => {
      const epoch = toEpoch(step, ctx, interval, className);
      const group: ParamGroup = { lr: lr0 };
      (prepared.factory(group) as CosineAnnealingWarmRestartsSim).stepAt(epoch);
      return group.lr;
    };
    schedule(0, { stepsPerEpoch: 1 });
    return schedule;
  }

  const replay: Replay = ABSOLUTE_CLASSES.has(className) ? createDirect(prepared.factory, lr0) : createReplay(prepared.factory, lr0);
  const lrFn = (step: number, ctx?: ScheduleContext): number => replay.lrAt(toEpoch(step, ctx, interval, className));
  if (!prepared.momentum) return lrFn;
  const momentum = (step: number, ctx?: ScheduleContext): number => replay.momentumAt(toEpoch(step, ctx, interval, className)) as number;
  return Object.assign(lrFn, { momentum });
}

/** The `torch` spec format: `{"torch": "StepLR", "kwargs": {...}, "base_lr": 0.05, "interval": "epoch"}`. */
export const torchSpecFormat: ScheduleSpecFormat = {
  id: 'torch',
  matches: (spec) => spec.torch !== undefined,
  nameOf: (spec) => (typeof spec.torch === 'string' ? spec.torch : undefined),
  shape: '{"torch": "StepLR", "kwargs": {...}, "base_lr": 0.1} (PyTorch)',
  specSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'PyTorch {"torch", "kwargs", "base_lr", "interval"}',
    description: "A torch.optim.lr_scheduler class with its constructor kwargs and the optimizer's initial lr.",
    type: 'object',
    properties: {
      torch: { type: 'string', minLength: 1 },
      kwargs: { type: 'object' },
      base_lr: {
        description:
          'The optimizer\'s initial learning rate (PyTorch\'s param_groups[i]["lr"]), one number or one per param group. Required by every scheduler except CyclicLR and OneCycleLR; checked when the spec is built.',
        oneOf: [
          { type: 'number', minimum: 0 },
          { type: 'array', items: { type: 'number', minimum: 0 }, minItems: 1 },
        ],
      },
      interval: {
        enum: ['epoch', 'step', 'fractional_epoch'],
        description:
          'When scheduler.step() is called: once per epoch (PyTorch\'s usual loop, the default), once per optimizer step, or per batch with a fractional epoch (CosineAnnealingWarmRestarts).',
      },
      param_group: { type: 'integer', minimum: 0, description: "Which param group's per-group kwargs / base_lr to use. Defaults to 0." },
      monitor: { type: 'string', minLength: 1, description: 'ReduceLROnPlateau: the log key passed to scheduler.step(metric), e.g. "val_loss".' },
    },
    required: ['torch'],
    additionalProperties: false,
  },
  build: buildTorchSchedule,
};
