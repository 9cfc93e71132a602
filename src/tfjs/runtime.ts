import type { BuiltSchedule, ScheduleResolver, ScheduleSpec } from '../schedules/schedule.js';
import { isStatefulSchedule } from '../schedules/schedule.js';
import { scheduleNameOf } from '../schedules/spec-identity.js';
import { ValidationError, describeValue } from '../core/errors.js';
import type { OptimizerAdapterSource } from './adapter-lookup.js';

/**
 * The registries the callback and the wrapper need. Both fields are optional: a missing one comes
 * from the process default that a composition root installed (the public barrel installs the full
 * built-in runtime, 'metatune/callback' the schedule-only one), fetched only when needed so that
 * callers passing both never build it.
 */
export interface TfjsRuntime {
  /** Builds schedule specs (native or interop). Defaults to the installed default's. */
  readonly schedules?: ScheduleResolver;
  /** Optimizer adapters by tfjs class name. Defaults to the installed default's. */
  readonly optimizers?: OptimizerAdapterSource;
}

type DefaultKind = 'schedules-only' | 'full';
let installed: { provider: () => Required<TfjsRuntime>; kind: DefaultKind } | undefined;

/**
 * Called by a composition root when it is loaded: which runtime `lrScheduler` / `scheduledOptimizer`
 * use when given a spec and no runtime. The full built-in runtime wins over the schedule-only one
 * (both hold the same schedule families and adapters; the full one is already built when loaded).
 */
export function installDefaultTfjsRuntime(provider: () => Required<TfjsRuntime>, kind: DefaultKind): void {
  if (installed?.kind === 'full') return;
  installed = { provider, kind };
}

function defaults(): Required<TfjsRuntime> {
  if (!installed) {
    throw new ValidationError(
      'NO_RUNTIME',
      'No schedule runtime: pass `runtime` (e.g. `await createContainer()`), or import lrScheduler from "metatune" or "metatune/callback", which install the built-in one.',
    );
  }
  return installed.provider();
}

export function optimizerSource(runtime?: TfjsRuntime): OptimizerAdapterSource {
  return runtime?.optimizers ?? defaults().optimizers;
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
  const resolver = runtime?.schedules ?? defaults().schedules;
  return resolver.build(schedule as ScheduleSpec);
}

/** A short label for messages: the schedule a spec names (asked of its format), else "custom schedule". */
export function describeSchedule(spec: unknown, runtime?: TfjsRuntime): string {
  const resolver = runtime?.schedules as (ScheduleResolver & { nameOf?(spec: unknown): string | undefined }) | undefined;
  const name = resolver?.nameOf ? resolver.nameOf(spec) : scheduleNameOf(spec);
  if (name !== undefined) return name;
  if (typeof spec === 'object' && spec !== null && isStatefulSchedule(spec as BuiltSchedule)) return 'stateful schedule';
  return 'custom schedule';
}
