/**
 * Runs featurizers over a task and turns what they return into one validated, prefixed feature map
 * (`basic.rows`, `landmark.nn1`, …) plus the `<id>@<version>` of each featurizer that produced it.
 *
 * Also the small toolkit featurizer plugins share (seeded sampling, the output schema), so every
 * featurizer subsamples the same way and a third-party one can too.
 */
import { PluginError, ValidationError, describeValue } from '../core/errors.js';
import { validateWithSchema } from '../core/json-validation.js';
import type { ModelInputSpec, ModelOutputSpec, ModelZooEntry } from '../models/model-zoo.js';
import type { FeaturizeContext, Featurizer } from './featurizer.js';
import type { LoadedTask } from './task.js';
import { seededRandom } from './random.js';

/**
 * A featurizer whose numbers describe a (model, task input) pair rather than the task alone
 * (parameter count, depth). `featurize(task, ctx)` reads the model from `ctx.model`.
 */
export interface ModelFeaturizer extends Featurizer {
  readonly modelAware: true;
  featurizeModel(entry: ModelZooEntry, input: ModelInputSpec, output: ModelOutputSpec): Readonly<Record<string, number>>;
}

/** `FeaturizeContext` plus the zoo entry model-aware featurizers describe. */
export interface FeaturizeTaskContext extends FeaturizeContext {
  /** The model to describe; model-aware featurizers are skipped without it. Defaults to none. */
  readonly model?: ModelZooEntry;
}

export interface FeaturizeResult {
  /** Every feature, keyed `<featurizer id>.<name>`, in featurizer then name order. */
  readonly features: Readonly<Record<string, number>>;
  /** `<id>@<version>` of each featurizer that ran, in order (store these next to the features). */
  readonly featurizers: readonly string[];
  /** Ids of model-aware featurizers skipped because `ctx.model` was not given. */
  readonly skipped: readonly string[];
}

export function isModelFeaturizer(f: Featurizer): f is ModelFeaturizer {
  return (f as Partial<ModelFeaturizer>).modelAware === true && typeof (f as Partial<ModelFeaturizer>).featurizeModel === 'function';
}

/** The model output a task needs: softmax over its classes, or one linear unit per target. */
export function outputSpecOf(task: LoadedTask): ModelOutputSpec {
  return task.ref.kind === 'classification' ? { kind: 'classification', units: task.numClasses ?? 0 } : { kind: 'regression', units: 1 };
}

const schemaCache = new WeakMap<Featurizer, object>();

/**
 * JSON Schema of a featurizer's output: exactly its `<id>.<name>` keys, each a number. Built from
 * `featureNames` (so it cannot drift from them) and cached per featurizer, so ajv compiles it once.
 */
export function featurizerOutputSchema(f: Featurizer): object {
  let schema = schemaCache.get(f);
  if (!schema) {
    const keys = f.featureNames.map((n) => `${f.id}.${n}`);
    // No $id: ajv keys schemas by $id, and two configurations of one featurizer (probe with other
    // rates) share id@version but not names.
    schema = {
      type: 'object',
      properties: Object.fromEntries(keys.map((k) => [k, { type: 'number' }])),
      required: keys,
      additionalProperties: false,
    };
    schemaCache.set(f, schema);
  }
  return schema;
}

/**
 * Prefixes (names returned without `<id>.` get it) and validates one featurizer's output: the keys
 * must be exactly its `featureNames` (schema check) and every value finite (NaN/Infinity are bugs:
 * a featurizer must define its value for degenerate data, e.g. skew of a constant column = 0).
 */
export function checkFeaturizerOutput(f: Featurizer, raw: Readonly<Record<string, number>>): Record<string, number> {
  const prefix = `${f.id}.`;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) out[k.startsWith(prefix) ? k : prefix + k] = v;
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new PluginError(
        'FEATURE_NOT_FINITE',
        `Featurizer "${f.id}"@${f.version} returned ${k}=${describeValue(v)}; features must be finite numbers. ` +
          'Fix the featurizer so it defines a value for this data (and bump its version).',
        { featurizer: f.id, feature: k, received: String(v) },
      );
    }
  }
  validateWithSchema(featurizerOutputSchema(f), out, { file: `featurizer "${f.id}"@${f.version} output` });
  // Stable order: the featurizer's declared order, whatever order it built the object in.
  return Object.fromEntries(f.featureNames.map((n) => [prefix + n, out[prefix + n]!]));
}

/**
 * Runs `featurizers` in order over `task`. Model-aware featurizers run only when `ctx.model` is
 * given (they describe that model for this task's input); otherwise they are listed in `skipped`.
 *
 * @example
 * const { features, featurizers } = await featurizeTask(task, [basicFeaturizer, landmarkFeaturizer()], { seed: 0 });
 * features['basic.rows'];   // 150 for iris
 * featurizers;              // ['basic@2', 'landmark@1']
 */
export async function featurizeTask(task: LoadedTask, featurizers: readonly Featurizer[], ctx: FeaturizeTaskContext): Promise<FeaturizeResult> {
  if (!Number.isInteger(ctx.seed)) {
    throw new ValidationError('INVALID_PARAMETER', `\`seed\` must be an integer. Received: seed=${describeValue(ctx.seed)}.`, {
      argument: 'seed',
      rule: 'integer',
      received: ctx.seed,
    });
  }
  const seen = new Set<string>();
  for (const f of featurizers) {
    if (seen.has(f.id)) {
      throw new ValidationError('DUPLICATE_FEATURIZER', `The featurizer "${f.id}" is listed twice. List each featurizer once.`, { id: f.id });
    }
    seen.add(f.id);
  }
  const features: Record<string, number> = {};
  const ran: string[] = [];
  const skipped: string[] = [];
  for (const f of featurizers) {
    let raw: Readonly<Record<string, number>>;
    if (isModelFeaturizer(f)) {
      if (!ctx.model) {
        skipped.push(f.id);
        continue;
      }
      raw = f.featurizeModel(ctx.model, { shape: task.inputShape }, outputSpecOf(task));
    } else {
      raw = await f.featurize(task, ctx);
    }
    Object.assign(features, checkFeaturizerOutput(f, raw));
    ran.push(`${f.id}@${f.version}`);
  }
  return { features: Object.freeze(features), featurizers: Object.freeze(ran), skipped: Object.freeze(skipped) };
}

// ---------------------------------------------------------------------------------------------
// Shared toolkit for featurizers

/** Featurizers draw from the same seeded PRNG as task loading (identical subsamples on every backend). */
export { seededRandom };

/**
 * `k` distinct row indices out of `n`, chosen by a seeded partial Fisher–Yates shuffle and returned
 * in increasing order (so results do not depend on the shuffle's order, only on the chosen set).
 * All rows when `k >= n`.
 */
export function sampleIndices(n: number, k: number, seed: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  const idx = Array.from({ length: n }, (_, i) => i);
  const rand = seededRandom(seed);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, k).sort((a, b) => a - b);
}

/** Number of values in one input row (`prod(inputShape)`). */
export function rowSize(task: LoadedTask): number {
  return task.inputShape.reduce((a, b) => a * b, 1);
}
