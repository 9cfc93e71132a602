import { ValidationError } from '../core/errors.js';

/**
 * Schedule specs in a search space may refer to the run's length before it is known:
 * "$totalSteps" and "$stepsPerEpoch" (optionally scaled: "0.3*$totalSteps", rounded to an integer).
 * A trial substitutes them once the task and batch size fix the numbers, so the stored trace holds
 * the exact spec that ran.
 */
export interface RunLength {
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
}

const PLACEHOLDER = /^(?:(\d+(?:\.\d+)?)\s*\*\s*)?\$(totalSteps|stepsPerEpoch)$/;

export function substitutePlaceholders<T>(spec: T, length: RunLength, path = ''): T {
  if (typeof spec === 'string' && spec.includes('$')) {
    const m = PLACEHOLDER.exec(spec.trim());
    if (!m) {
      throw new ValidationError(
        'INVALID_PLACEHOLDER',
        `${path || 'spec'}: "${spec}" is not a placeholder. Expected "$totalSteps", "$stepsPerEpoch", "$learningRate" or "<number>*$totalSteps".`,
        { path, received: spec },
      );
    }
    const base = length[m[2] as keyof RunLength];
    return Math.max(1, Math.round(Number(m[1] ?? 1) * base)) as T;
  }
  if (Array.isArray(spec)) return spec.map((v, i) => substitutePlaceholders(v, length, `${path}/${i}`)) as T;
  if (spec !== null && typeof spec === 'object') {
    return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, substitutePlaceholders(v, length, `${path}/${k}`)])) as T;
  }
  return spec;
}

const LR_PLACEHOLDER = /^(?:(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*\*\s*)?\$learningRate$/i;

/**
 * Ties a schedule's learning rate to the trial's optimizer: "$learningRate" (or "<number>*$learningRate",
 * e.g. "10*$learningRate" for a one-cycle peak) becomes that number, unrounded. Runs before
 * `substitutePlaceholders` (which would reject it), so a search space samples one learning rate per
 * trial and every schedule template follows it. Other strings are left alone.
 */
export function substituteLearningRate<T>(spec: T, learningRate: number): T {
  if (typeof spec === 'string' && spec.includes('$learningRate')) {
    const m = LR_PLACEHOLDER.exec(spec.trim());
    if (!m) return spec; // reported by substitutePlaceholders with the path
    return (Number(m[1] ?? 1) * learningRate) as T;
  }
  if (Array.isArray(spec)) return spec.map((v) => substituteLearningRate(v, learningRate)) as T;
  if (spec !== null && typeof spec === 'object') {
    return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, substituteLearningRate(v, learningRate)])) as T;
  }
  return spec;
}
