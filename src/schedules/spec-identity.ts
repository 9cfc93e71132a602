/**
 * Which schedule a spec names — asked in one place. With a registry (`ScheduleRegistry.nameOf`),
 * the spec's own format says it: native specs name their `family`, each `ScheduleSpecFormat` names
 * its specs through `nameOf` (a plugin's format included). Without one (a stored record being
 * indexed, an export), `scheduleNameOf` reads the envelope keys of the native and built-in formats,
 * which is what stores index and query on (`TraceQuery.scheduleFamily`).
 */
import type { ScheduleSpecFormat } from './schedule.js';

/** The envelope key that names the schedule: native first, then the built-in interop formats. */
export const SPEC_NAME_KEYS: readonly string[] = ['family', 'class_name', 'torch', 'optax', 'fastai'];

/** The name a spec gives its schedule, from its envelope; undefined for anything else. */
export function scheduleNameOf(spec: unknown): string | undefined {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return undefined;
  const s = spec as Record<string, unknown>;
  for (const key of SPEC_NAME_KEYS) {
    const v = s[key];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

/** What a format says a spec names: its `nameOf`, else the envelope, else the format's id. */
export function nameFromFormat(format: Pick<ScheduleSpecFormat, 'id'> & { nameOf?(spec: Readonly<Record<string, unknown>>): string | undefined }, spec: Readonly<Record<string, unknown>>): string {
  return format.nameOf?.(spec) ?? scheduleNameOf(spec) ?? format.id;
}
