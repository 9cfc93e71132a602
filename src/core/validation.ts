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
