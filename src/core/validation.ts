import { ValidationError, describeValue } from './errors.js';

/**
 * Eager argument checks shared by every factory. Messages follow Keras:
 *   "`decaySteps` must be > 0. Received: decaySteps=0."
 * `where` (optional) prefixes the message with the thing being built, e.g. "cosine_decay: ".
 */
/** The one way to refuse an argument: `INVALID_PARAMETER` naming it, the rule and the value received. */
export function invalidArgument(name: string, rule: string, value: unknown, where?: string): never {
  throw new ValidationError(
    'INVALID_PARAMETER',
    `${where ? `${where}: ` : ''}\`${name}\` must be ${rule}. Received: ${name}=${describeValue(value)}.`,
    { argument: name, rule, received: value },
  );
}

export function requireFinite(name: string, value: unknown, where?: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) invalidArgument(name, 'a finite number', value, where);
  return value;
}

export function requirePositive(name: string, value: unknown, where?: string): number {
  const v = requireFinite(name, value, where);
  if (!(v > 0)) invalidArgument(name, '> 0', value, where);
  return v;
}

export function requireNonNegative(name: string, value: unknown, where?: string): number {
  const v = requireFinite(name, value, where);
  if (!(v >= 0)) invalidArgument(name, '>= 0', value, where);
  return v;
}

export function requireInteger(name: string, value: unknown, min = 0, where?: string): number {
  const v = requireFinite(name, value, where);
  if (!Number.isInteger(v) || v < min) invalidArgument(name, `an integer >= ${min}`, value, where);
  return v;
}

/** Inclusive range unless `open` says otherwise. */
export function requireInRange(
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  where?: string,
  open: { lo?: boolean; hi?: boolean } = {},
): number {
  const v = requireFinite(name, value, where);
  const okLo = open.lo ? v > lo : v >= lo;
  const okHi = open.hi ? v < hi : v <= hi;
  if (!okLo || !okHi) invalidArgument(name, `in ${open.lo ? '(' : '['}${lo}, ${hi}${open.hi ? ')' : ']'}`, value, where);
  return v;
}

export function requireOneOf<T extends string>(name: string, value: unknown, choices: readonly T[], where?: string): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    invalidArgument(name, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, value, where);
  }
  return value as T;
}

/** A non-empty array of finite numbers, strictly increasing. */
export function requireIncreasing(name: string, value: unknown, where?: string): number[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    invalidArgument(name, 'an array of finite numbers', value, where);
  }
  for (let i = 1; i < value.length; i++) {
    if (!(value[i] > value[i - 1])) invalidArgument(name, 'strictly increasing', value, where);
  }
  return value as number[];
}

export function requireMissing(name: string, where?: string): never {
  throw new ValidationError(
    'MISSING_PARAMETER',
    `${where ? `${where}: ` : ''}\`${name}\` is required. Received: ${name}=undefined.`,
    { argument: name, rule: 'required', received: undefined },
  );
}

/** Rejects keys outside `allowed` (typos such as `decay_step` must not be silently ignored). */
export function rejectUnknownKeys(obj: Readonly<Record<string, unknown>>, allowed: readonly string[], where?: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(
        'UNKNOWN_PARAMETER',
        `${where ? `${where}: ` : ''}unknown parameter \`${key}\`. Valid parameters: ${allowed.join(', ')}. Received: ${key}=${describeValue(obj[key])}.`,
        { argument: key, allowed, received: obj[key] },
      );
    }
  }
}

/** A boolean, or `INVALID_PARAMETER`. */
export function requireBoolean(name: string, value: unknown, where?: string): boolean {
  if (typeof value !== 'boolean') invalidArgument(name, 'a boolean', value, where);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Reading one argument out of an args / kwargs / config object: the same checks as above, plus
// what an absent value means. Every schedule family and every interop format (Keras, PyTorch, optax,
// fastai) reads its arguments through these, so they all refuse in the words above.

/** The number rules argument readers check (each refusal names the rule: "> 0", "an integer >= 1", …). */
export type NumberRule = 'finite' | '>0' | '>=0' | 'int>=0' | 'int>=1';

/** What `null` means when reading an argument. */
export interface ReadOptions {
  /**
   * Read `null` (Python's `None` in a JSON-converted kwargs dict) as "not given", i.e. the default.
   * For PyTorch and fastai kwargs, whose Python defaults are often `None`. Defaults to false: `null`
   * is a value, refused where a number is needed.
   */
  readonly nullIsAbsent?: boolean;
}

/** `ReadOptions` for Python kwargs: `None` means "use the default". */
export const PYTHON_NONE_IS_DEFAULT: ReadOptions = Object.freeze({ nullIsAbsent: true });

/** `value` checked against `rule`; `INVALID_PARAMETER` naming the rule otherwise. */
export function requireNumber(name: string, value: unknown, rule: NumberRule, where?: string): number {
  const v = requireFinite(name, value, where);
  switch (rule) {
    case '>0':
      if (!(v > 0)) invalidArgument(name, '> 0', value, where);
      break;
    case '>=0':
      if (!(v >= 0)) invalidArgument(name, '>= 0', value, where);
      break;
    case 'int>=0':
      if (!Number.isInteger(v) || v < 0) invalidArgument(name, 'an integer >= 0', value, where);
      break;
    case 'int>=1':
      if (!Number.isInteger(v) || v < 1) invalidArgument(name, 'an integer >= 1', value, where);
      break;
    default:
      break;
  }
  return v;
}

function argOf(args: unknown, name: string, options: ReadOptions | undefined): unknown {
  const v = (args as Record<string, unknown> | undefined)?.[name];
  return v === null && options?.nullIsAbsent ? undefined : v;
}

/** A number argument: absent → `dflt`, or `MISSING_PARAMETER` when there is none. */
export function readNumber(args: unknown, name: string, rule: NumberRule, where: string, dflt?: number, options?: ReadOptions): number {
  const v = argOf(args, name, options);
  if (v === undefined) {
    if (dflt === undefined) requireMissing(name, where);
    return dflt;
  }
  return requireNumber(name, v, rule, where);
}

/** An optional number without default: `undefined` and `null` (Keras/optax `None`) mean absent. */
export function readOptionalNumber(args: unknown, name: string, rule: NumberRule, where: string): number | undefined {
  const v = argOf(args, name, undefined);
  if (v === undefined || v === null) return undefined;
  return requireNumber(name, v, rule, where);
}

/** A boolean argument: absent → `dflt`. */
export function readBoolean(args: unknown, name: string, where: string, dflt: boolean, options?: ReadOptions): boolean {
  const v = argOf(args, name, options);
  if (v === undefined) return dflt;
  return requireBoolean(name, v, where);
}

/** One of `choices`: absent → `dflt`, or `MISSING_PARAMETER` when there is none. */
export function readChoice<T extends string>(args: unknown, name: string, choices: readonly T[], where: string, dflt?: T, options?: ReadOptions): T {
  const v = argOf(args, name, options);
  if (v === undefined) {
    if (dflt === undefined) requireMissing(name, where);
    return dflt;
  }
  return requireOneOf(name, v, choices, where);
}

/** A required array of finite numbers; `order` checks strictly increasing or non-decreasing order. */
export function readNumberArray(
  args: unknown,
  name: string,
  where: string,
  opts: { order?: 'increasing' | 'nondecreasing'; rule?: NumberRule; minLength?: number } = {},
): number[] {
  const v = argOf(args, name, undefined);
  if (v === undefined) requireMissing(name, where);
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    invalidArgument(name, 'an array of finite numbers', v, where);
  }
  const arr = v as number[];
  if (arr.length < (opts.minLength ?? 0)) invalidArgument(name, `an array with at least ${opts.minLength} element(s)`, v, where);
  if (opts.rule) arr.forEach((x, i) => requireNumber(`${name}[${i}]`, x, opts.rule!, where));
  for (let i = 1; i < arr.length; i++) {
    if (opts.order === 'increasing' && !(arr[i]! > arr[i - 1]!)) invalidArgument(name, 'strictly increasing', v, where);
    if (opts.order === 'nondecreasing' && !(arr[i]! >= arr[i - 1]!)) invalidArgument(name, 'non-decreasing', v, where);
  }
  return [...arr];
}

/** A plain object (not null, not an array), or `INVALID_PARAMETER` with `rule` (default "an object"). */
export function requireObject(name: string, value: unknown, where?: string, rule = 'an object'): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalidArgument(name, rule, value, where);
  return value as Record<string, unknown>;
}
