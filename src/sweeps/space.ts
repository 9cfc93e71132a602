/**
 * Search spaces of `metatune sweep`: models × optimizer templates × schedule templates (+ epochs,
 * batch size), where any numeric leaf may be a distribution:
 *   [a, b, c]                        a choice (uniform)
 *   {"min": a, "max": b, "log": true} a float range (log-uniform when `log`, else uniform)
 *   {"int": [a, b]}                  an integer range, both ends included
 *   {"literal": [...]}               a literal array inside a schedule template (not a choice)
 * JSON Schema: schemas/sweep-space.schema.json. Random search draws trial i from its own PRNG
 * stream (seed, i), so trial i is the same whatever the number of workers or the budget; grid
 * search enumerates the cartesian product in the order documented on `enumerateGrid`.
 */
import { ValidationError } from '../core/errors.js';
import { readJsonFile, validateDocument } from '../core/json-validation.js';
import type { ScheduleRegistry } from '../schedules/registry.js';
import { deriveSeed, seededRandom } from '../tasks/random.js';
import { makeOptimizer, type OptimizerConfig } from '../train/optimizers.js';
import { substituteLearningRate, substitutePlaceholders } from '../schedules/placeholders.js';

/** A value as written in a space file: a literal or a distribution (see the module comment). */
export type SpaceValue = unknown;

export interface SearchSpace {
  readonly description?: string;
  readonly models: readonly string[];
  readonly optimizers: readonly Readonly<Record<string, SpaceValue>>[];
  readonly schedules: readonly Readonly<Record<string, SpaceValue>>[];
  /** Defaults to 20. */
  readonly epochs?: SpaceValue;
  /** Defaults to 32. */
  readonly batchSize?: SpaceValue;
}

/** One point of the space: what a trial trains (before run-length placeholders are filled). */
export interface TrialParams {
  readonly model: string;
  readonly optimizer: OptimizerConfig;
  readonly schedule: unknown;
  readonly epochs: number;
  readonly batchSize: number;
}

export const DEFAULT_EPOCHS = 20;
export const DEFAULT_BATCH_SIZE = 32;

/**
 * The space used when `--space` is absent: four dense models, Adam and SGD-momentum with a
 * log-uniform learning rate, and seven schedule families whose rate follows the optimizer's.
 */
export const DEFAULT_SPACE: SearchSpace = Object.freeze({
  description: 'metatune default sweep space',
  models: ['linear', 'mlp-small', 'mlp-medium', 'mlp-wide'],
  optimizers: [
    { name: 'adam', learningRate: { min: 1e-4, max: 3e-2, log: true } },
    { name: 'momentum', learningRate: { min: 1e-3, max: 1e-1, log: true }, momentum: 0.9 },
  ],
  schedules: [
    { family: 'constant', params: { learningRate: '$learningRate' } },
    { family: 'cosine_decay', params: { initialLearningRate: '$learningRate', decaySteps: '$totalSteps', alpha: [0, 0.01] } },
    {
      family: 'warmup',
      params: { warmupSteps: '0.1*$totalSteps', after: { family: 'cosine_decay', params: { initialLearningRate: '$learningRate', decaySteps: '0.9*$totalSteps' } } },
    },
    { family: 'one_cycle', params: { maxLearningRate: '$learningRate', totalSteps: '$totalSteps', pctStart: [0.25, 0.3] } },
    { family: 'step', params: { initialLearningRate: '$learningRate', stepSize: '0.3*$totalSteps', gamma: [0.1, 0.5] } },
    { family: 'reduce_on_plateau', params: { learningRate: '$learningRate', factor: [0.1, 0.5], patience: { int: [1, 3] } } },
    { family: 'exponential', params: { initialLearningRate: '$learningRate', decaySteps: '$stepsPerEpoch', decayRate: [0.8, 0.9, 0.95] } },
  ],
  epochs: DEFAULT_EPOCHS,
  batchSize: DEFAULT_BATCH_SIZE,
}) as SearchSpace;

// -------------------------------------------------------------------------------------------
// Distributions

type Distribution =
  | { readonly kind: 'choice'; readonly options: readonly unknown[] }
  | { readonly kind: 'float'; readonly min: number; readonly max: number; readonly log: boolean }
  | { readonly kind: 'int'; readonly min: number; readonly max: number };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function hasOnlyKeys(o: Record<string, unknown>, required: readonly string[], optional: readonly string[] = []): boolean {
  const keys = Object.keys(o);
  return required.every((k) => k in o) && keys.every((k) => required.includes(k) || optional.includes(k));
}

/** The distribution at `node` (with its checks), `literal` for `{"literal": …}`, or undefined for a plain value. */
function distributionOf(node: unknown, pointer: string, file: string): Distribution | { kind: 'literal'; value: unknown } | undefined {
  if (Array.isArray(node)) {
    if (node.length === 0) throw new ValidationError('INVALID_SEARCH_SPACE', `${file}: ${pointer}: a choice needs at least one option, found [].`, { file, pointer });
    return { kind: 'choice', options: node };
  }
  if (!isPlainObject(node)) return undefined;
  if (hasOnlyKeys(node, ['literal'])) return { kind: 'literal', value: node.literal };
  if (hasOnlyKeys(node, ['min', 'max'], ['log']) && typeof node.min === 'number' && typeof node.max === 'number') {
    const log = node.log === true;
    if (!(node.min <= node.max)) {
      throw new ValidationError('INVALID_SEARCH_SPACE', `${file}: ${pointer}: a range needs min <= max, found min ${node.min}, max ${node.max}.`, { file, pointer });
    }
    if (log && !(node.min > 0)) {
      throw new ValidationError('INVALID_SEARCH_SPACE', `${file}: ${pointer}: a log range needs min > 0, found min ${node.min}. Fix: use "log": false or a positive min.`, {
        file,
        pointer,
      });
    }
    return { kind: 'float', min: node.min, max: node.max, log };
  }
  if (hasOnlyKeys(node, ['int']) && Array.isArray(node.int) && node.int.length === 2 && node.int.every((v) => Number.isInteger(v))) {
    const [min, max] = node.int as [number, number];
    if (!(min <= max)) throw new ValidationError('INVALID_SEARCH_SPACE', `${file}: ${pointer}: an integer range needs a <= b, found [${min}, ${max}].`, { file, pointer });
    return { kind: 'int', min, max };
  }
  return undefined;
}

/** Six significant digits: sampled rates read well in traces and survive a JSON round trip unchanged. */
function tidy(x: number): number {
  return Number(x.toPrecision(6));
}

function draw(d: Distribution, rand: () => number): unknown {
  const u = rand();
  switch (d.kind) {
    case 'choice':
      return d.options[Math.min(d.options.length - 1, Math.floor(u * d.options.length))];
    case 'int':
      return d.min + Math.min(d.max - d.min, Math.floor(u * (d.max - d.min + 1)));
    case 'float':
      return tidy(d.log ? Math.exp(Math.log(d.min) + u * (Math.log(d.max) - Math.log(d.min))) : d.min + u * (d.max - d.min));
  }
}

/** Draws every distribution in `node`, depth-first in document order (the order fixes the random stream). */
function sampleNode(node: unknown, rand: () => number, pointer: string, file: string): unknown {
  const d = distributionOf(node, pointer, file);
  if (d?.kind === 'literal') return d.value;
  if (d) return draw(d, rand);
  if (isPlainObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, sampleNode(v, rand, `${pointer}/${k}`, file)]));
  return node;
}

/** Every concrete value of `node` for grid search, last leaf (in document order) varying fastest. */
function expandNode(node: unknown, pointer: string, file: string): unknown[] {
  const d = distributionOf(node, pointer, file);
  if (d?.kind === 'literal') return [d.value];
  if (d?.kind === 'choice') return [...d.options];
  if (d) {
    throw new ValidationError(
      'GRID_NEEDS_LISTS',
      `${file}: ${pointer}: grid search needs a list of values here, found ${d.kind === 'float' ? 'a float range' : 'an integer range'} ${JSON.stringify(node)}. Fix: write the values to try as a list (e.g. [0.001, 0.01, 0.1]) or use --strategy random.`,
      { file, pointer },
    );
  }
  if (isPlainObject(node)) {
    let combos: Record<string, unknown>[] = [{}];
    for (const [k, v] of Object.entries(node)) {
      const values = expandNode(v, `${pointer}/${k}`, file);
      combos = combos.flatMap((c) => values.map((value) => ({ ...c, [k]: value })));
    }
    return combos;
  }
  return [node];
}

function product<T>(dims: readonly (readonly T[])[]): T[][] {
  let out: T[][] = [[]];
  for (const dim of dims) out = out.flatMap((prefix) => dim.map((v) => [...prefix, v]));
  return out;
}

function toParams([model, optimizer, schedule, epochs, batchSize]: unknown[]): TrialParams {
  return { model: model as string, optimizer: optimizer as OptimizerConfig, schedule, epochs: epochs as number, batchSize: batchSize as number };
}

/**
 * Trial `index` of a random search: drawn from the PRNG stream (seed, "sweep-trial:<index>") —
 * deterministic per (seed, index), independent of the budget and of the number of workers. Draw
 * order: model, optimizer template, its leaves, schedule template, its leaves, epochs, batch size.
 */
export function sampleTrial(space: SearchSpace, seed: number, index: number, file = '<space>'): TrialParams {
  const rand = seededRandom(deriveSeed(seed, `sweep-trial:${index}`));
  const pick = <T>(list: readonly T[]): [T, number] => {
    const i = Math.min(list.length - 1, Math.floor(rand() * list.length));
    return [list[i]!, i];
  };
  const [model] = pick(space.models);
  const [optTemplate, oi] = pick(space.optimizers);
  const optimizer = sampleNode(optTemplate, rand, `/optimizers/${oi}`, file);
  const [schedTemplate, si] = pick(space.schedules);
  const schedule = sampleNode(schedTemplate, rand, `/schedules/${si}`, file);
  const epochs = sampleNode(space.epochs ?? DEFAULT_EPOCHS, rand, '/epochs', file);
  const batchSize = sampleNode(space.batchSize ?? DEFAULT_BATCH_SIZE, rand, '/batchSize', file);
  return toParams([model, optimizer, schedule, epochs, batchSize]);
}

/**
 * Every point of the space, for grid search. Order (deterministic, documented): models outermost,
 * then optimizers, schedules, epochs, batch size — the last dimension varies fastest (like
 * `itertools.product`). An optimizer or schedule template contributes its own expansions in
 * place, in the order of its entries; inside a template the leaves are combined in document order,
 * the last one varying fastest. Only lists are allowed: a range throws `GRID_NEEDS_LISTS` with
 * its JSON pointer.
 */
export function enumerateGrid(space: SearchSpace, file = '<space>'): TrialParams[] {
  const optimizers = space.optimizers.flatMap((o, i) => expandNode(o, `/optimizers/${i}`, file));
  const schedules = space.schedules.flatMap((s, i) => expandNode(s, `/schedules/${i}`, file));
  const epochs = expandNode(space.epochs ?? DEFAULT_EPOCHS, '/epochs', file);
  const batchSizes = expandNode(space.batchSize ?? DEFAULT_BATCH_SIZE, '/batchSize', file);
  return product<unknown>([[...space.models], optimizers, schedules, epochs, batchSizes]).map(toParams);
}

/** Number of grid points without building them (for messages and budgets). */
export function gridSize(space: SearchSpace, file = '<space>'): number {
  return enumerateGrid(space, file).length;
}

// -------------------------------------------------------------------------------------------
// Loading and checking

/** Reads a space file, validates it against schemas/sweep-space.schema.json (errors name the file and pointer). */
export function loadSpace(path: string, label = path): SearchSpace {
  const doc = readJsonFile(path, label);
  return validateDocument<SearchSpace>('sweep-space', doc, { file: label });
}

/** Replaces every distribution by its first option / lower bound: a representative point to dry-run. */
function firstPoint(node: unknown, pointer: string, file: string): unknown {
  const d = distributionOf(node, pointer, file);
  if (d?.kind === 'literal') return d.value;
  if (d?.kind === 'choice') return d.options[0];
  if (d) return d.min;
  if (isPlainObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, firstPoint(v, `${pointer}/${k}`, file)]));
  return node;
}

export interface CheckSpaceArgs {
  /** Model-zoo ids that exist. */
  readonly models: readonly string[];
  /** Builds schedule specs (the runtime's registry), to catch a typo before anything trains. */
  readonly schedules?: Pick<ScheduleRegistry, 'build'>;
  readonly file?: string;
}

/**
 * Checks what the schema cannot: distributions are well-formed, models exist, every optimizer
 * template builds, and every schedule template builds at a representative point (its first
 * options, a learning rate of 0.01, 100 steps of 10 per epoch). Throws `ValidationError` naming
 * the file and the JSON pointer.
 */
export function checkSpace(space: SearchSpace, args: CheckSpaceArgs): void {
  const file = args.file ?? '<space>';
  space.models.forEach((m, i) => {
    if (!args.models.includes(m)) {
      throw new ValidationError('UNKNOWN_MODEL', `${file}: /models/${i}: unknown model "${m}". Valid choices: ${args.models.join(', ')}.`, { file, pointer: `/models/${i}`, model: m });
    }
  });
  const at = <T>(pointer: string, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      if (err instanceof ValidationError && !err.message.startsWith(`${file}:`)) {
        throw new ValidationError(err.code, `${file}: ${pointer}: ${err.message}`, { ...err.details, file, pointer }, { cause: err });
      }
      throw err;
    }
  };
  let learningRate = 0.01;
  space.optimizers.forEach((o, i) => {
    const point = firstPoint(o, `/optimizers/${i}`, file) as OptimizerConfig;
    at(`/optimizers/${i}`, () => makeOptimizer(point).dispose());
    if (i === 0) learningRate = point.learningRate;
  });
  for (const key of ['epochs', 'batchSize'] as const) {
    if (space[key] !== undefined) firstPoint(space[key], `/${key}`, file);
  }
  space.schedules.forEach((s, i) => {
    const pointer = `/schedules/${i}`;
    const point = firstPoint(s, pointer, file);
    const spec = at(pointer, () => substitutePlaceholders(substituteLearningRate(point, learningRate), { totalSteps: 100, stepsPerEpoch: 10 }, pointer));
    if (args.schedules) at(pointer, () => args.schedules!.build(spec as never));
  });
}
