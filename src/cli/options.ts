import { ValidationError, describeValue } from '../core/errors.js';

/** Parses an integer option eagerly, Keras-style message naming the flag: "`--steps` must be an integer >= 1. Received: --steps="ten"." */
export function integerOption(flag: string, raw: unknown, min: number): number {
  const value = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : typeof raw === 'number' ? raw : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ValidationError('INVALID_OPTION', `\`${flag}\` must be an integer >= ${min}. Received: ${flag}=${describeValue(raw)}.`, {
      argument: flag,
      rule: `an integer >= ${min}`,
      received: raw,
    });
  }
  return value;
}

/** A required option given without a value. */
export function missingOption(flag: string, example: string): never {
  throw new ValidationError('MISSING_OPTION', `\`${flag}\` is required. Example: ${example}`, { argument: flag, rule: 'required' });
}
