/**
 * Shared plumbing for the classic schedule families: argument readers that produce the Keras-style
 * messages of src/core/validation.ts, and `defineFamily`, which turns a factory into a registrable
 * `ScheduleFamily` whose params are exactly the factory's `XxxArgs` (camelCase, 1:1).
 */
import { invalidArgument, rejectUnknownKeys, requireBoolean, requireMissing } from '../../src/core/validation.js';
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
        invalid('params', 'an object', params, def.id);
      }
      rejectUnknownKeys(p, allowed, def.id);
      return def.build(p as A, resolver);
    },
  });
}

/** The core's one refusal (src/core/validation.ts): schedules speak the same argument-check vocabulary. */
export function invalid(name: string, rule: string, value: unknown, where?: string): never {
  return invalidArgument(name, rule, value, where);
}

export type NumberRule = 'finite' | '>0' | '>=0' | 'int>=0' | 'int>=1';

function checkNumber(name: string, v: unknown, rule: NumberRule, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) invalid(name, 'a finite number', v, where);
  switch (rule) {
    case '>0':
      if (!(v > 0)) invalid(name, '> 0', v, where);
      break;
    case '>=0':
      if (!(v >= 0)) invalid(name, '>= 0', v, where);
      break;
    case 'int>=0':
      if (!Number.isInteger(v) || v < 0) invalid(name, 'an integer >= 0', v, where);
      break;
    case 'int>=1':
      if (!Number.isInteger(v) || v < 1) invalid(name, 'an integer >= 1', v, where);
      break;
    default:
      break;
  }
  return v;
}

function field(args: unknown, name: string): unknown {
  return (args as Record<string, unknown> | undefined)?.[name];
}

/** A required number (or one with a default). */
export function num(args: unknown, name: string, rule: NumberRule, where: string, dflt?: number): number {
  const v = field(args, name);
  if (v === undefined) {
    if (dflt === undefined) requireMissing(name, where);
    return dflt;
  }
  return checkNumber(name, v, rule, where);
}

/** An optional number without default: `undefined` and `null` (Keras/optax `None`) mean absent. */
export function optNum(args: unknown, name: string, rule: NumberRule, where: string): number | undefined {
  const v = field(args, name);
  if (v === undefined || v === null) return undefined;
  return checkNumber(name, v, rule, where);
}

export function bool(args: unknown, name: string, where: string, dflt: boolean): boolean {
  const v = field(args, name);
  if (v === undefined) return dflt;
  return requireBoolean(name, v, where);
}

export function choice<T extends string>(args: unknown, name: string, choices: readonly T[], where: string, dflt?: T): T {
  const v = field(args, name);
  if (v === undefined) {
    if (dflt === undefined) requireMissing(name, where);
    return dflt;
  }
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    invalid(name, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, v, where);
  }
  return v as T;
}

/** A required array of finite numbers; `order` checks strictly increasing or non-decreasing order. */
export function numArray(
  args: unknown,
  name: string,
  where: string,
  opts: { order?: 'increasing' | 'nondecreasing'; rule?: NumberRule; minLength?: number } = {},
): number[] {
  const v = field(args, name);
  if (v === undefined) requireMissing(name, where);
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    invalid(name, 'an array of finite numbers', v, where);
  }
  const arr = v as number[];
  if (arr.length < (opts.minLength ?? 0)) invalid(name, `an array with at least ${opts.minLength} element(s)`, v, where);
  if (opts.rule) arr.forEach((x, i) => checkNumber(`${name}[${i}]`, x, opts.rule!, where));
  for (let i = 1; i < arr.length; i++) {
    if (opts.order === 'increasing' && !(arr[i] > arr[i - 1])) invalid(name, 'strictly increasing', v, where);
    if (opts.order === 'nondecreasing' && !(arr[i] >= arr[i - 1])) invalid(name, 'non-decreasing', v, where);
  }
  return [...arr];
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
