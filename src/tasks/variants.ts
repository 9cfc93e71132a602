/**
 * Task variants widen the meta-training distribution: the same real dataset, subsampled, with noisy
 * labels, unscaled, or with fewer features. Each variant is its own task id, derived from the
 * parent's id and deterministic from its seed:
 *
 *   <base>[~sub<pct>][~noise<pct>][~half|~feat<pct>][~unscaled][~s<seed>]
 *
 * e.g. `wine~sub50~s1` (a stratified half of wine's rows), `iris~noise20~s3`, `boston_housing~unscaled`.
 * The seed suffix is required when a random modifier is present and forbidden otherwise, so one task
 * has exactly one id. A variant's `parentDataset` is the base id.
 */
import { ValidationError } from '../core/errors.js';

export interface VariantSpec {
  /** Fraction of the rows kept (stratified subsample), in (0, 1). Defaults to all rows. */
  readonly subsample?: number;
  /** Fraction of training labels replaced by a different class (classification only), in (0, 1). Exact: round(fraction × train rows). Defaults to 0. */
  readonly labelNoise?: number;
  /** Skip standardisation (tables) or [0, 1] scaling (images). Defaults to false. */
  readonly unscaled?: boolean;
  /** Fraction of the feature columns kept, chosen at random (tables only), in (0, 1). Defaults to all columns. */
  readonly featureFraction?: number;
  /** Seed of the variant's random choices (not of the split). Defaults to 1. */
  readonly seed?: number;
}

const GRAMMAR = '<base>[~sub<pct>][~noise<pct>][~half|~feat<pct>][~unscaled][~s<seed>] (e.g. "wine~sub50~s1", "iris~noise20~s3", "diabetes~unscaled")';

function invalid(id: string, why: string): ValidationError {
  return new ValidationError('INVALID_TASK_ID', `Task id ${JSON.stringify(id)}: ${why}. Variant ids read ${GRAMMAR}.`, { id });
}

function pct(id: string, token: string, digits: string): number {
  const p = Number(digits);
  if (!(p > 0 && p < 100)) throw invalid(id, `"${token}" must be a percentage in 1..99`);
  return p / 100;
}

/** Splits a task id into its base and variant; no variant when the id has no `~`. */
export function parseTaskId(id: string): { base: string; variant?: VariantSpec } {
  const [base, ...tokens] = id.split('~');
  if (!base) throw invalid(id, 'the base id is empty');
  if (tokens.length === 0) return { base };
  const v: { -readonly [K in keyof VariantSpec]: VariantSpec[K] } = {};
  let seedGiven = false;
  for (const t of tokens) {
    let m: RegExpExecArray | null;
    if ((m = /^sub(\d+)$/.exec(t)) && v.subsample === undefined) v.subsample = pct(id, t, m[1]!);
    else if ((m = /^noise(\d+)$/.exec(t)) && v.labelNoise === undefined) v.labelNoise = pct(id, t, m[1]!);
    else if (t === 'half' && v.featureFraction === undefined) v.featureFraction = 0.5;
    else if ((m = /^feat(\d+)$/.exec(t)) && v.featureFraction === undefined) v.featureFraction = pct(id, t, m[1]!);
    else if (t === 'unscaled' && !v.unscaled) v.unscaled = true;
    else if ((m = /^s(\d+)$/.exec(t)) && !seedGiven) {
      v.seed = Number(m[1]);
      seedGiven = true;
    } else throw invalid(id, `unknown or repeated modifier "${t}"`);
  }
  const canonical = formatTaskId(base, v);
  if (canonical !== id) throw invalid(id, `write it as ${JSON.stringify(canonical)} (modifiers in canonical order, seed last, seed only with random modifiers)`);
  return { base, variant: v };
}

function isRandom(v: VariantSpec): boolean {
  return v.subsample !== undefined || v.labelNoise !== undefined || v.featureFraction !== undefined;
}

/** The canonical id of `base` with `variant` applied (inverse of parseTaskId). */
export function formatTaskId(base: string, variant?: VariantSpec): string {
  if (!variant) return base;
  const parts = [base];
  const p = (f: number) => String(Math.round(f * 100));
  if (variant.subsample !== undefined) parts.push(`sub${p(variant.subsample)}`);
  if (variant.labelNoise !== undefined) parts.push(`noise${p(variant.labelNoise)}`);
  if (variant.featureFraction !== undefined) parts.push(variant.featureFraction === 0.5 ? 'half' : `feat${p(variant.featureFraction)}`);
  if (variant.unscaled) parts.push('unscaled');
  // A seed that changes nothing would make two ids for one task: only random modifiers carry it.
  if (isRandom(variant)) parts.push(`s${variant.seed ?? 1}`);
  return parts.join('~');
}
