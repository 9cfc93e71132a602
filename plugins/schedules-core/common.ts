/**
 * Shared plumbing for the classic schedule families: `defineFamily`, which turns a factory into a
 * registrable `ScheduleFamily` whose params are exactly the factory's `XxxArgs` (camelCase, 1:1).
 * Arguments are read and refused through src/core/validation.ts (`readNumber`, `readChoice`, …),
 * the one argument-check vocabulary of metatune and its interop formats.
 */
import { invalidArgument, readChoice, readNumber, rejectUnknownKeys } from '../../src/core/validation.js';
import type {
  BuiltSchedule,
  ScheduleContext,
  ScheduleFamily,
  ScheduleResolver,
} from '../../src/schedules/schedule.js';

/** A schedule family that also ships example params (used by the conformance suite and the README). */
export interface CoreScheduleFamily extends ScheduleFamily {
  readonly examples: readonly Readonly<Record<string, unknown>>[];
}

export interface FamilyDefinition<A> {
  readonly id: string;
  readonly description: string;
  readonly equivalents: CoreScheduleFamily['equivalents'];
  /** `properties` lists every accepted key; unknown keys are rejected before the factory runs. */
  readonly paramsSchema: { readonly properties: Readonly<Record<string, unknown>> } & Readonly<Record<string, unknown>>;
  readonly examples: readonly A[];
  readonly build: (args: A, resolver: ScheduleResolver) => BuiltSchedule;
}

/** Wraps a factory as a family. Params are checked for unknown keys here; values by the factory. */
export function defineFamily<A>(def: FamilyDefinition<A>): CoreScheduleFamily {
  const allowed = Object.keys(def.paramsSchema.properties);
  const paramsSchema = Object.freeze({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `${def.id} params`,
    type: 'object',
    additionalProperties: false,
    ...def.paramsSchema,
  });
  return Object.freeze({
    id: def.id,
    description: def.description,
    equivalents: def.equivalents,
    paramsSchema,
    examples: def.examples as readonly Readonly<Record<string, unknown>>[],
    build(params: Record<string, unknown> | undefined, resolver: ScheduleResolver): BuiltSchedule {
      const p = params ?? {};
      if (typeof p !== 'object' || p === null || Array.isArray(p)) {
        invalidArgument('params', 'an object', params, def.id);
      }
      rejectUnknownKeys(p, allowed, def.id);
      return def.build(p as A, resolver);
    },
  });
}

/** Children of composites (join, warm-up) see a context shifted by their start step. */
export function shiftContext(ctx: ScheduleContext | undefined, offset: number): ScheduleContext | undefined {
  if (!ctx || ctx.totalSteps === undefined || offset === 0) return ctx;
  return { ...ctx, totalSteps: Math.max(0, ctx.totalSteps - offset) };
}

/** JSON Schema snippets used by the families' `paramsSchema`. */
export const schema = {
  rate: (description: string, dflt?: number) => ({ type: 'number', minimum: 0, description, ...(dflt !== undefined ? { default: dflt } : {}) }),
  positive: (description: string, dflt?: number) => ({ type: 'number', exclusiveMinimum: 0, description, ...(dflt !== undefined ? { default: dflt } : {}) }),
  number: (description: string, dflt?: number) => ({ type: 'number', description, ...(dflt !== undefined ? { default: dflt } : {}) }),
  int: (description: string, minimum: number, dflt?: number) => ({ type: 'integer', minimum, description, ...(dflt !== undefined ? { default: dflt } : {}) }),
  bool: (description: string, dflt: boolean) => ({ type: 'boolean', description, default: dflt }),
  spec: (description: string) => ({ type: 'object', description }),
} as const;
