import { ValidationError, describeValue } from '../../src/core/errors.js';
import { invalidArgument, PYTHON_NONE_IS_DEFAULT, readNumber, rejectUnknownKeys, requireBoolean } from '../../src/core/validation.js';
import type { SimFactory } from './runtime.js';

/**
 * Arguments are read through src/core/validation.ts (`readNumber(kwargs, 'gamma', 'finite', where,
 * 0.1, PYTHON_NONE_IS_DEFAULT)`: PyTorch's `None` reads as the default), so PyTorch specs are refused
 * in the same words as every other schedule.
 *
 * The contract every supported `torch.optim.lr_scheduler` class implements (one file per class).
 * Arguments keep PyTorch's names (`step_size`, `T_max`, …) so error messages point at what the user wrote.
 */
export interface TorchSchedulerClass {
  /** PyTorch's class name, e.g. "StepLR". */
  readonly name: string;
  /** Accepted kwargs (PyTorch's names, `optimizer` excluded). */
  readonly kwargs: readonly string[];
  /** True for schedulers PyTorch steps per batch (CyclicLR, OneCycleLR): their `interval` defaults to "step". */
  readonly perBatch?: boolean;
  /** Validates eagerly and returns the prepared scheduler. */
  prepare(kwargs: Readonly<Record<string, unknown>>, ctx: TorchClassContext): PreparedTorch;
}

export interface PreparedTorch {
  readonly className: string;
  readonly factory: SimFactory;
  /** True when the scheduler (or a nested one) is stepped per batch in PyTorch. */
  readonly perBatch: boolean;
  /** True when the scheduler also drives momentum (CyclicLR / OneCycleLR with cycle_momentum). */
  readonly momentum: boolean;
  /** False where PyTorch cannot restart it at epoch 0 (`_update_lr(0)`), i.e. inside SequentialLR after a milestone. */
  readonly restartable: boolean;
}

export interface TorchClassContext {
  /** Prefix for messages, e.g. "torch StepLR". */
  readonly where: string;
  /** Index into per-param-group lists (`min_lr`, `max_lr`, `lr_lambda`, …). */
  readonly paramGroup: number;
  /** True for the spec's own class, false for schedulers nested in ChainedScheduler / SequentialLR / SWALR. */
  readonly topLevel: boolean;
  /** Prepares a nested scheduler spec (`{"torch": "StepLR", "kwargs": {...}}` or `{"StepLR": {...}}`). */
  nested(spec: unknown, argument: string): PreparedTorch;
}

/** Shared kwargs every LRScheduler accepts; `verbose` is deprecated in PyTorch and only printed. */
export const COMMON_KWARGS = ['last_epoch', 'verbose'] as const;

/** Checks kwargs names and the resume-only `last_epoch` (metatune always replays from epoch 0). */
export function checkKwargs(kwargs: Readonly<Record<string, unknown>>, cls: TorchSchedulerClass, where: string): void {
  rejectUnknownKeys(kwargs, cls.kwargs, where);
  if (kwargs.last_epoch !== undefined && kwargs.last_epoch !== -1) {
    invalidArgument('last_epoch', '-1 (metatune replays the schedule from epoch 0; resume by step instead)', kwargs.last_epoch, where);
  }
  if (kwargs.verbose !== undefined && kwargs.verbose !== 'deprecated') requireBoolean('verbose', kwargs.verbose, where);
}

/** PyTorch accepts a list (one value per param group) for some arguments; pick this group's. */
export function perGroup(name: string, value: unknown, ctx: TorchClassContext): unknown {
  if (!Array.isArray(value)) return value;
  if (ctx.paramGroup >= value.length) {
    throw new ValidationError(
      'INVALID_PARAMETER',
      `${ctx.where}: \`${name}\` lists ${value.length} param groups but \`param_group\` is ${ctx.paramGroup}. Received: ${name}=${describeValue(value)}.`,
      { argument: name, rule: `a list with more than ${ctx.paramGroup} entries`, received: value },
    );
  }
  return value[ctx.paramGroup];
}

/** Prepared result for a leaf scheduler. */
export function leaf(className: string, factory: SimFactory, extra: Partial<Omit<PreparedTorch, 'className' | 'factory'>> = {}): PreparedTorch {
  return { className, factory, perBatch: false, momentum: false, restartable: true, ...extra };
}
