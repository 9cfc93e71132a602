import { defaultRuntime } from '../core/container.js';
import type { BuiltSchedule, ScheduleResolver, ScheduleSpec } from '../schedules/schedule.js';
import { isStatefulSchedule } from '../schedules/schedule.js';
import { ValidationError, describeValue } from '../core/errors.js';
import type { OptimizerAdapterSource } from './adapter-lookup.js';

/**
 * The registries the callback and the wrapper need. Both fields are optional: a missing one comes
 * from the process container's `defaultRuntime()` (built-in plugins), fetched only when needed so
 * that callers passing both never build the container.
 */
export interface TfjsRuntime {
  /** Builds schedule specs (native or interop). Defaults to defaultRuntime().schedules. */
  readonly schedules?: ScheduleResolver;
  /** Optimizer adapters by tfjs class name. Defaults to defaultRuntime().optimizers. */
  readonly optimizers?: OptimizerAdapterSource;
}

export function optimizerSource(runtime?: TfjsRuntime): OptimizerAdapterSource {
  return runtime?.optimizers ?? defaultRuntime().optimizers;
}

/** A built schedule is a function (pure) or `{kind: "stateful"}`; anything else is a spec to build. */
export function isBuiltSchedule(value: unknown): value is BuiltSchedule {
  return typeof value === 'function' || (typeof value === 'object' && value !== null && isStatefulSchedule(value as BuiltSchedule));
}

/** Builds `schedule` when it is a spec; returns it unchanged when it is already built. */
export function resolveSchedule(schedule: ScheduleSpec | BuiltSchedule | undefined, runtime?: TfjsRuntime, where = 'lrScheduler'): BuiltSchedule {
  if (schedule === undefined || schedule === null) {
    throw new ValidationError('MISSING_PARAMETER', `${where}: \`schedule\` is required. Received: schedule=${describeValue(schedule)}.`, {
      argument: 'schedule',
      rule: 'required',
      received: schedule,
    });
  }
  if (isBuiltSchedule(schedule)) return schedule;
  if (typeof schedule !== 'object' || Array.isArray(schedule)) {
    throw new ValidationError(
      'INVALID_PARAMETER',
      `${where}: \`schedule\` must be a schedule spec object, a Schedule function or a StatefulSchedule. Received: schedule=${describeValue(schedule)}.`,
      { argument: 'schedule', rule: 'spec or schedule', received: schedule },
    );
  }
  const resolver = runtime?.schedules ?? defaultRuntime().schedules;
  return resolver.build(schedule as ScheduleSpec);
}

/** A short label for messages: the family / class name of a spec, else "custom schedule". */
export function describeSchedule(spec: unknown): string {
  if (typeof spec === 'object' && spec !== null) {
    const s = spec as Record<string, unknown>;
    for (const key of ['family', 'class_name', 'torch', 'optax', 'fastai']) {
      if (typeof s[key] === 'string') return s[key] as string;
    }
    if (isStatefulSchedule(spec as BuiltSchedule)) return 'stateful schedule';
  }
  return 'custom schedule';
}
