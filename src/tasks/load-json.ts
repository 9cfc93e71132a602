/**
 * JSON → RawTable. Two shapes: an array of row objects (`[{"a": 1, "b": 2, "label": "x"}, …]`) or
 * `{"x": [[…], …], "y": […]}` where rows of x may be nested arrays (images: h×w → [h, w, 1], h×w×c).
 * Messages point into the document with JSON pointers ("/12/color").
 */
import { readJsonFile } from '../core/json-validation.js';
import { ColumnBuilder, DEFAULT_NA_VALUES, parseCell, type RawColumn, type RawTable } from './raw-table.js';
import { allowsText, nonNumericColumn, notADataset, resolveTargetIndex, type CategoricalPolicy } from './load-common.js';
import { describeValue } from '../core/errors.js';

export interface JsonLoadArgs {
  /** Target key (array of objects) or index among the keys. Defaults to "target", "label", "y" or "class" when present, else the last key. */
  readonly target?: string | number;
  /** Feature names for `{x, y}` tables. Defaults to `x0, x1, …`. */
  readonly columns?: readonly string[];
  /** What to do with a text value in a feature. Defaults to "error". */
  readonly categorical?: CategoricalPolicy;
  /** Strings read as missing (null is always missing). Defaults to DEFAULT_NA_VALUES. */
  readonly naValues?: readonly string[];
  /** Pixel value that maps to 1 for image-shaped x. Defaults to the largest value in x. */
  readonly maxValue?: number;
  /** Name for messages. Defaults to `path`. */
  readonly label?: string;
}

export async function loadJson(path: string, args: JsonLoadArgs = {}): Promise<RawTable> {
  const label = args.label ?? path;
  return jsonToTable(readJsonFile(path, label), { ...args, label });
}

type Cell = number | null | string;

/** Also used for documents built in memory (a test, an API caller holding parsed JSON). */
export function jsonToTable(doc: unknown, args: JsonLoadArgs & { label: string }): RawTable {
  const { label } = args;
  const na = new Set(args.naValues ?? DEFAULT_NA_VALUES);
  const cellOf = (v: unknown, pointer: string): Cell => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string') return parseCell(v, na);
    throw notADataset(label, pointer, 'a number, string, boolean or null', describeValue(v));
  };
  if (Array.isArray(doc)) return rowObjects(doc, args, cellOf);
  if (doc !== null && typeof doc === 'object' && 'x' in doc && 'y' in doc) return xy(doc as { x: unknown; y: unknown }, args, cellOf);
  const found = doc !== null && typeof doc === 'object' ? `an object with keys ${Object.keys(doc).slice(0, 8).map((k) => `"${k}"`).join(', ') || '(none)'}` : describeValue(doc);
  throw notADataset(label, '/', 'an array of row objects or {"x": [...], "y": [...]}', found);
}

function defaultTarget(keys: readonly string[]): string | number {
  return ['target', 'label', 'y', 'class'].find((k) => keys.includes(k)) ?? -1;
}

function rowObjects(rows: unknown[], args: JsonLoadArgs & { label: string }, cellOf: (v: unknown, p: string) => Cell): RawTable {
  const { label } = args;
  if (rows.length === 0) throw notADataset(label, '/', 'at least one row', 'an empty array');
  const keys: string[] = [];
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw notADataset(label, `/${i}`, 'a row object', describeValue(r));
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  });
  if (keys.length < 2) throw notADataset(label, '/0', 'at least two keys per row (features and a target)', `${keys.length} key`);
  const targetIndex = resolveTargetIndex(args.target ?? defaultTarget(keys), keys, label);
  const builders = keys.map((k) => new ColumnBuilder(k));
  const policy = args.categorical ?? 'error';
  rows.forEach((r, i) => {
    keys.forEach((k, j) => {
      const pointer = `/${i}/${k}`;
      const b = builders[j]!;
      const wasText = b.isText;
      const cell = cellOf((r as Record<string, unknown>)[k], pointer);
      b.push(cell, () => `${label}: ${pointer}`);
      if (!wasText && b.isText && j !== targetIndex && !allowsText(policy, k)) throw nonNumericColumn(label, pointer, j, k, String(cell));
    });
  });
  const columns = builders.map((b) => b.build());
  return { source: label, n: rows.length, features: columns.filter((_, j) => j !== targetIndex), target: columns[targetIndex]!, notes: [] };
}

/** Shape of a nested array of numbers, checking every row has the same shape. */
function shapeOf(v: unknown): number[] {
  const shape: number[] = [];
  let node = v;
  while (Array.isArray(node)) {
    shape.push(node.length);
    node = node[0];
  }
  return shape;
}

function xy(doc: { x: unknown; y: unknown }, args: JsonLoadArgs & { label: string }, cellOf: (v: unknown, p: string) => Cell): RawTable {
  const { label } = args;
  const { x, y } = doc;
  if (!Array.isArray(x) || x.length === 0) throw notADataset(label, '/x', 'a non-empty array of rows', describeValue(x));
  if (!Array.isArray(y) || y.length !== x.length) {
    throw notADataset(label, '/y', `an array of ${x.length} targets (one per row of x)`, Array.isArray(y) ? `${y.length} targets` : describeValue(y));
  }
  const rowShape = shapeOf(x[0]);
  if (rowShape.length === 0) throw notADataset(label, '/x/0', 'an array (one row of features)', describeValue(x[0]));
  const width = rowShape.reduce((a, b) => a * b, 1);
  const flat = (row: unknown, i: number): unknown[] => {
    const s = shapeOf(row);
    if (s.length !== rowShape.length || s.some((d, k) => d !== rowShape[k])) {
      throw notADataset(label, `/x/${i}`, `a row of shape [${rowShape.join(', ')}] like /x/0`, `shape [${s.join(', ')}]`);
    }
    return (row as unknown[]).flat(rowShape.length - 1);
  };
  const target = new ColumnBuilder('target');
  y.forEach((v, i) => target.push(cellOf(v, `/y/${i}`), () => `${label}: /y/${i}`));
  if (rowShape.length >= 2) {
    // Image rows: numbers only (a text pixel is not a dataset).
    const data = new Float32Array(x.length * width);
    let max = 0;
    x.forEach((row, i) =>
      flat(row, i).forEach((v, k) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw notADataset(label, `/x/${i}`, 'finite numbers (pixel values)', describeValue(v));
        data[i * width + k] = v;
        if (v > max) max = v;
      }),
    );
    const shape = rowShape.length === 2 ? [...rowShape, 1] : rowShape;
    return { source: label, n: x.length, features: [], images: { shape, data, maxValue: args.maxValue ?? (max || 1) }, target: target.build(), notes: [] };
  }
  const names = args.columns ? [...args.columns] : Array.from({ length: width }, (_, j) => `x${j}`);
  if (names.length !== width) throw notADataset(label, '/x/0', `${names.length} features (the names given in "columns")`, `${width}`);
  const builders = names.map((nm) => new ColumnBuilder(nm));
  const policy = args.categorical ?? 'error';
  x.forEach((row, i) =>
    flat(row, i).forEach((v, j) => {
      const pointer = `/x/${i}/${j}`;
      const b = builders[j]!;
      const wasText = b.isText;
      const cell = cellOf(v, pointer);
      b.push(cell, () => `${label}: ${pointer}`);
      if (!wasText && b.isText && !allowsText(policy, b.name)) throw nonNumericColumn(label, pointer, j, b.name, String(cell));
    }),
  );
  return { source: label, n: x.length, features: builders.map((b) => b.build()), target: target.build(), notes: [] };
}
