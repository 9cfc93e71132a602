/**
 * Tasks from data already in memory: nested arrays, typed arrays with a shape, or tfjs tensors
 * (anything with `shape` and `dataSync()`, so this file does not import tfjs).
 *
 * @example
 * const task = taskFromArrays({ id: 'xor', x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 1, 1, 0], validation: 0.5 });
 */
import { ValidationError } from '../core/errors.js';
import { jsonToTable } from './load-json.js';
import type { CategoricalPolicy } from './load-common.js';
import { prepareTask, type PrepareArgs } from './prepare.js';
import type { RawTable } from './raw-table.js';
import type { LoadedTask } from './task.js';

/** A tfjs tensor or anything shaped like one. */
export interface TensorLike {
  readonly shape: readonly number[];
  dataSync(): ArrayLike<number>;
}

/** Flat row-major values with their shape ([n, d], [n, h, w] or [n, h, w, c]). */
export interface ShapedArray {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

export interface ArraysTaskArgs extends Omit<PrepareArgs, 'image' | 'subsampleApplied'> {
  /** Rows: nested arrays (tables, or h×w / h×w×c images), a ShapedArray, or a tensor. */
  readonly x: readonly unknown[] | ShapedArray | TensorLike;
  /** Targets: numbers, strings (class names) or null (missing); a tensor [n] or one-hot [n, k]. */
  readonly y: ArrayLike<number> | ReadonlyArray<number | string | null> | TensorLike;
  /** Column names of a table. Defaults to `x0, x1, …`. */
  readonly featureNames?: readonly string[];
  /** What to do with text values in a table. Defaults to "error". */
  readonly categorical?: CategoricalPolicy;
  /** Pixel value mapped to 1 for images. Defaults to the largest value. */
  readonly maxValue?: number;
}

function isShaped(v: unknown): v is ShapedArray | TensorLike {
  return v !== null && typeof v === 'object' && 'shape' in v && Array.isArray((v as ShapedArray).shape) && ('data' in v || typeof (v as TensorLike).dataSync === 'function');
}

function values(v: ShapedArray | TensorLike): ArrayLike<number> {
  return 'dataSync' in v && typeof v.dataSync === 'function' ? v.dataSync() : (v as ShapedArray).data;
}

function targetArray(y: ArraysTaskArgs['y']): ReadonlyArray<number | string | null> {
  if (!isShaped(y)) return Array.from(y as ArrayLike<number | string | null>);
  const data = values(y);
  const [n, k = 1] = y.shape;
  if (y.shape.length > 2 || data.length !== n! * k) {
    throw new ValidationError('INVALID_PARAMETER', `\`y\` must have shape [n], [n, 1] or one-hot [n, k]. Received: y.shape=[${y.shape.join(', ')}].`, { argument: 'y' });
  }
  if (k === 1) return Array.from(data);
  // One-hot (or probabilities): the class is the arg-max of each row.
  return Array.from({ length: n! }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (data[i * k + j]! > data[i * k + best]!) best = j;
    return best;
  });
}

/** The RawTable behind `taskFromArrays` (exported for callers that want to inspect before preparing). */
export function tableFromArrays(args: ArraysTaskArgs): RawTable {
  const label = `<arrays ${args.id}>`;
  const y = targetArray(args.y);
  if (!isShaped(args.x)) {
    return jsonToTable({ x: args.x, y }, { label, columns: args.featureNames, categorical: args.categorical, maxValue: args.maxValue });
  }
  const shape = args.x.shape;
  const data = values(args.x);
  const n = shape[0] ?? 0;
  const width = shape.slice(1).reduce((a, b) => a * b, 1);
  if (shape.length < 2 || data.length !== n * width) {
    throw new ValidationError('INVALID_PARAMETER', `\`x\` must have shape [n, d], [n, h, w] or [n, h, w, c] matching its ${data.length} values. Received: x.shape=[${shape.join(', ')}].`, { argument: 'x' });
  }
  if (y.length !== n) {
    throw new ValidationError('INVALID_PARAMETER', `\`y\` must have one target per row of x (${n}). Received: ${y.length} targets.`, { argument: 'y' });
  }
  const target = jsonToTable({ x: y.map(() => [0]), y }, { label }).target;
  if (shape.length >= 3) {
    let max = args.maxValue ?? 0;
    if (!args.maxValue) for (let i = 0; i < data.length; i++) if (data[i]! > max) max = data[i]!;
    const imgShape = shape.length === 3 ? [...shape.slice(1), 1] : shape.slice(1);
    return { source: label, n, features: [], images: { shape: imgShape, data: Float32Array.from(data), maxValue: max || 1 }, target, notes: [] };
  }
  const names = args.featureNames ?? Array.from({ length: width }, (_, j) => `x${j}`);
  if (names.length !== width) {
    throw new ValidationError('INVALID_PARAMETER', `\`featureNames\` must name each of the ${width} columns. Received: ${names.length} names.`, { argument: 'featureNames' });
  }
  const features = names.map((name, j) => ({ kind: 'numeric' as const, name, values: Float64Array.from({ length: n }, (_, i) => data[i * width + j]!) }));
  return { source: label, n, features, target, notes: [] };
}

/** A LoadedTask from arrays or tensors, prepared exactly like a file (split, imputation, scaling). */
export function taskFromArrays(args: ArraysTaskArgs): LoadedTask {
  return prepareTask(tableFromArrays(args), args);
}
