/**
 * The data half of `metatune fit` / `metatune predict`: read a table (CSV/TSV, JSON, IDX; gzip
 * too) through the task loaders, let prepare.ts make every data decision once on the training
 * file (kind, split, imputation, one-hot, standardisation fitted on the training rows), and write
 * those decisions down as `preprocess.json`, so that a test file, and any file given to `predict`
 * later, becomes exactly the same inputs.
 *
 * Invariants:
 * - `applyPreprocess(spec, train file)` reproduces the training and validation rows of the fitted
 *   task bit for bit (a test checks it): the spec is the whole recipe, not an approximation.
 * - Columns are matched by name, never by position; a column the model needs and the file lacks is
 *   an error naming it. Columns dropped at fit time (constant, all missing) are not needed later.
 * - A spec written by another major version of the format is refused (MODEL_VERSION_MISMATCH).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { loadCsv } from '../tasks/load-csv.js';
import { loadIdx } from '../tasks/load-idx.js';
import { loadJson } from '../tasks/load-json.js';
import type { RawColumn, RawTable } from '../tasks/raw-table.js';
import type { LoadedTask } from '../tasks/task.js';

export const PREPROCESS_FORMAT = 'metatune-preprocess';
/** Major version of preprocess.json; bump when old files can no longer be read the same way. */
export const PREPROCESS_FORMAT_VERSION = 1;
/** Text columns with more distinct values than this are refused unless `maxLevels` says otherwise. */
export const DEFAULT_MAX_LEVELS = 32;

export type InputColumn =
  | { readonly name: string; readonly kind: 'numeric'; readonly mean: number; readonly std: number }
  | { readonly name: string; readonly kind: 'text'; readonly levels: readonly string[] };

export interface PreprocessSpec {
  readonly format: typeof PREPROCESS_FORMAT;
  readonly formatVersion: number;
  /** metatune version that wrote it. */
  readonly metatuneVersion: string;
  readonly kind: 'classification' | 'regression';
  /** Target column name (`label` for IDX). */
  readonly target: string;
  /** Tables: the input columns in encoding order (a text column expands to one input per level). */
  readonly columns?: readonly InputColumn[];
  /** Images (IDX): the image shape and the pixel value that maps to 1. */
  readonly image?: { readonly shape: readonly number[]; readonly maxValue: number };
  /** Columns of the training file that the model does not use (constant or all missing). */
  readonly droppedColumns: readonly string[];
  /** Width of one encoded input row. */
  readonly inputSize: number;
  /** Classification: class index → label as written in the training file. */
  readonly classNames?: readonly string[];
  /** Regression: the model predicts (y − mean) / std. */
  readonly targetScaling?: { readonly mean: number; readonly std: number };
}

/** The package version (package.json two or three folders up), for preprocess.json and --json. */
export function metatuneVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'metatune') return pkg.version ?? '0.0.0';
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export interface ReadTableArgs {
  /** Target column name / index; for IDX, the labels file. Undefined: the last column (predict without labels). */
  readonly target?: string;
  /** Name for messages. Defaults to the path. */
  readonly label?: string;
}

function isIdx(path: string): boolean {
  if (/\.idx\d?(-ubyte)?(\.gz)?$|-ubyte(\.gz)?$/i.test(path)) return true;
  if (/\.(csv|tsv|txt|json)(\.gz)?$/i.test(path)) return false;
  // An IDX magic number: two zero bytes, a type code, a dimension count.
  try {
    const head = readFileSync(path).subarray(0, 4);
    return head.length === 4 && head[0] === 0 && head[1] === 0 && [8, 9, 11, 12, 13, 14].includes(head[2]!);
  } catch {
    return false;
  }
}

/**
 * Reads a data file into a RawTable with text columns kept as text (one-hot or refused later). CSV
 * / TSV (header optional), JSON (rows or {x, y}), IDX (the target is the labels file); `.gz` too.
 */
export async function readTable(path: string, args: ReadTableArgs = {}): Promise<RawTable> {
  if (!existsSync(path)) {
    throw new NotFoundError('FILE_NOT_FOUND', `${args.label ?? path}: no such file. Check the path (relative paths start from ${process.cwd()}).`, { file: path });
  }
  const label = args.label ?? path;
  if (isIdx(path)) {
    if (!args.target || !existsSync(args.target)) {
      throw new ValidationError(
        'IDX_LABELS_REQUIRED',
        `${label}: an IDX file holds only the inputs. Fix: pass its labels file as the target, e.g. --data train-images-idx3-ubyte --target train-labels-idx1-ubyte.`,
        { file: label, target: args.target },
      );
    }
    return loadIdx(path, { labelsPath: args.target, label });
  }
  if (/\.json(\.gz)?$/i.test(path)) {
    return loadJson(path, { label, categorical: 'onehot', ...(args.target !== undefined && { target: args.target }) });
  }
  return loadCsv(path, { label, categorical: 'onehot', ...(args.target !== undefined && { target: args.target }) });
}

/** Refuses text columns that one-hot encoding would blow up (ids, free text), naming the fix. */
export function checkTextColumns(raw: RawTable, maxLevels: number): void {
  for (const c of raw.features) {
    if (c.kind !== 'text' || c.levels.length <= maxLevels) continue;
    throw new ValidationError(
      'TOO_MANY_LEVELS',
      `${c.firstText.where}: column "${c.name}" holds text with ${c.levels.length} distinct values (first: ${JSON.stringify(c.firstText.value)}); ` +
        `one-hot encoding it would add ${c.levels.length} inputs, over the cap of ${maxLevels}. ` +
        `Fix: drop the column (an id or free text says little a small network can use), encode it as numbers, or raise the cap with --max-levels ${c.levels.length}.`,
      { column: c.name, levels: c.levels.length, maxLevels },
    );
  }
}

/** The recipe prepare.ts applied to `raw` to make `task`, read back from what it kept. */
export function preprocessSpecOf(raw: RawTable, task: LoadedTask, version = metatuneVersion()): PreprocessSpec {
  const base = {
    format: PREPROCESS_FORMAT,
    formatVersion: PREPROCESS_FORMAT_VERSION,
    metatuneVersion: version,
    kind: task.ref.kind,
    target: raw.target.name,
    inputSize: task.inputShape.reduce((a, b) => a * b, 1),
    ...(task.classNames && { classNames: [...task.classNames] }),
    ...(task.targetScaling && { targetScaling: { ...task.targetScaling } }),
  } as const;
  if (raw.images) {
    return { ...base, image: { shape: [...raw.images.shape], maxValue: raw.images.maxValue }, droppedColumns: [] };
  }
  const names = task.featureNames;
  const scaling = task.featureScaling;
  const columns: InputColumn[] = [];
  const dropped: string[] = [];
  let j = 0;
  for (const c of raw.features) {
    if (c.kind === 'numeric' && names[j] === c.name) {
      columns.push({ name: c.name, kind: 'numeric', mean: scaling?.mean[j] ?? 0, std: scaling?.std[j] ?? 1 });
      j++;
    } else if (c.kind === 'text' && c.levels.length > 0 && names[j] === `${c.name}=${c.levels[0]}`) {
      columns.push({ name: c.name, kind: 'text', levels: [...c.levels] });
      j += c.levels.length;
    } else {
      dropped.push(c.name);
    }
  }
  if (j !== names.length) {
    throw new Error(`preprocessSpecOf: could not match the task's ${names.length} inputs to the columns of ${raw.source} (matched ${j}); a bug in metatune.`);
  }
  return { ...base, columns, droppedColumns: dropped };
}

export interface AppliedInputs {
  readonly n: number;
  /** n × inputSize, row-major, encoded exactly as at fit time. */
  readonly x: Float32Array;
  /** Targets when the file has the target column: class indices, or regression values in original units. */
  readonly y?: Int32Array | Float64Array;
  /** What a user should know (unknown levels, imputed cells, ignored columns). */
  readonly notes: readonly string[];
}

export interface ApplyArgs {
  /** The target must be present and readable (a test file). Defaults to false (predict). */
  readonly requireTarget?: boolean;
  /** Columns that are neither inputs, dropped columns nor the target are an error. Defaults to false (ignored, with a note). */
  readonly strictColumns?: boolean;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, ''));

/**
 * Encodes a new file's rows with `spec`: numeric columns standardised with the training mean/std
 * (missing → the training mean), text columns one-hot over the training levels (missing or unseen
 * level → all zeros), images scaled by the training maxValue.
 */
export function applyPreprocess(spec: PreprocessSpec, raw: RawTable, args: ApplyArgs = {}): AppliedInputs {
  const notes: string[] = [];
  const all = [...raw.features, raw.target];
  const byName = new Map(all.map((c) => [c.name, c]));
  const n = raw.n;
  const x = new Float32Array(n * spec.inputSize);
  const targetColumn = byName.get(spec.target);

  if (spec.image) {
    const img = raw.images;
    if (!img || img.shape.join('x') !== spec.image.shape.join('x')) {
      throw new ValidationError(
        'COLUMNS_DIFFER',
        `${raw.source}: the model was trained on images of shape [${spec.image.shape.join(', ')}], found ${img ? `[${img.shape.join(', ')}]` : 'a table'}. Fix: give images of the training shape.`,
        { file: raw.source },
      );
    }
    for (let i = 0; i < x.length; i++) x[i] = img.data[i]! / spec.image.maxValue;
  } else {
    const columns = spec.columns ?? [];
    const missing = columns.filter((c) => !byName.has(c.name)).map((c) => c.name);
    const known = new Set([...columns.map((c) => c.name), ...spec.droppedColumns, spec.target]);
    // When the file has no target column, the loader took its last column as the "target": here it is just a column.
    const extra = all.filter((c) => !known.has(c.name)).map((c) => c.name);
    if (missing.length > 0 || (args.strictColumns && extra.length > 0)) {
      throw new ValidationError(
        'COLUMNS_DIFFER',
        `${raw.source}: the columns differ from the training file's.` +
          (missing.length ? ` Missing: ${missing.map((m) => JSON.stringify(m)).join(', ')}.` : '') +
          (args.strictColumns && extra.length ? ` Not in the training file: ${extra.map((m) => JSON.stringify(m)).join(', ')}.` : '') +
          ` The model needs: ${columns.map((c) => c.name).join(', ')}. Fix: give a file with the training file's column names (a header line), or rename its columns to match.`,
        { file: raw.source, missing, extra },
      );
    }
    if (extra.length > 0) notes.push(`ignored ${extra.length} column(s) the model does not use: ${extra.join(', ')}.`);
    let at = 0;
    let imputed = 0;
    let unseen = 0;
    for (const c of columns) {
      const col = byName.get(c.name)!;
      if (c.kind === 'numeric') {
        if (col.kind !== 'numeric') {
          throw new ValidationError(
            'NON_NUMERIC_COLUMN',
            `${col.firstText.where}: column "${c.name}" was numeric in the training file, found text ${JSON.stringify(col.firstText.value)}. Fix: use numbers in this column (or mark missing cells "NA").`,
            { file: raw.source, column: c.name, found: col.firstText.value },
          );
        }
        for (let i = 0; i < n; i++) {
          const v = col.values[i]!;
          if (Number.isNaN(v)) imputed++;
          x[i * spec.inputSize + at] = Number.isNaN(v) ? 0 : (v - c.mean) / c.std;
        }
        at += 1;
      } else {
        const index = new Map(c.levels.map((l, k) => [l, k]));
        for (let i = 0; i < n; i++) {
          const cell = col.kind === 'text' ? (col.codes[i]! < 0 ? null : col.levels[col.codes[i]!]!) : Number.isNaN(col.values[i]!) ? null : String(col.values[i]!);
          if (cell === null) continue;
          const k = index.get(cell);
          if (k === undefined) unseen++;
          else x[i * spec.inputSize + at + k] = 1;
        }
        at += c.levels.length;
      }
    }
    if (imputed) notes.push(`${imputed} missing numeric cell(s) filled with the training mean.`);
    if (unseen) notes.push(`${unseen} text cell(s) held a value not seen in training (encoded as all zeros).`);
  }

  let y: Int32Array | Float64Array | undefined;
  if (targetColumn) {
    y = encodeTargets(spec, targetColumn, raw.source);
  } else if (args.requireTarget) {
    throw new ValidationError(
      'TARGET_NOT_FOUND',
      `${raw.source}: target column ${JSON.stringify(spec.target)} not found. Columns: ${all.map((c) => c.name).join(', ')}. Fix: give a test file with the target column the model was trained on.`,
      { file: raw.source, target: spec.target },
    );
  }
  return { n, x, ...(y && { y }), notes };
}

function encodeTargets(spec: PreprocessSpec, col: RawColumn, source: string): Int32Array | Float64Array {
  if (spec.kind === 'regression') {
    if (col.kind !== 'numeric') {
      throw new ValidationError('NON_NUMERIC_COLUMN', `${col.firstText.where}: target "${col.name}": expected a number, found ${JSON.stringify(col.firstText.value)}. Fix: the target of a regression must be numeric.`, { file: source });
    }
    return Float64Array.from(col.values);
  }
  const index = new Map((spec.classNames ?? []).map((name, k) => [name, k]));
  const out = new Int32Array(col.kind === 'text' ? col.codes.length : col.values.length);
  for (let i = 0; i < out.length; i++) {
    const label = col.kind === 'text' ? (col.codes[i]! < 0 ? null : col.levels[col.codes[i]!]!) : Number.isNaN(col.values[i]!) ? null : fmt(col.values[i]!);
    if (label === null) {
      out[i] = -1;
      continue;
    }
    const k = index.get(label);
    if (k === undefined) {
      throw new ValidationError(
        'UNKNOWN_CLASS',
        `${source}: row ${i + 1}: target "${col.name}" is ${JSON.stringify(label)}, a class the model was not trained on (classes: ${(spec.classNames ?? []).join(', ')}). Fix: drop those rows, or train on data that has this class.`,
        { file: source, label, classes: spec.classNames },
      );
    }
    out[i] = k;
  }
  return out;
}

/** Reads and checks preprocess.json: format, major version, and the fields predict relies on. */
export function parsePreprocessSpec(doc: unknown, file: string): PreprocessSpec {
  const d = doc as Partial<PreprocessSpec> | null;
  if (d === null || typeof d !== 'object' || d.format !== PREPROCESS_FORMAT) {
    throw new ValidationError('NOT_A_MODEL_DIR', `${file}: not a metatune preprocess file (expected "format": "${PREPROCESS_FORMAT}"). Fix: point --model at a folder written by \`metatune fit --out\`.`, { file });
  }
  if (d.formatVersion !== PREPROCESS_FORMAT_VERSION) {
    throw new ValidationError(
      'MODEL_VERSION_MISMATCH',
      `${file}: written by metatune ${String(d.metatuneVersion)} with preprocess format ${String(d.formatVersion)}; this metatune (${metatuneVersion()}) reads format ${PREPROCESS_FORMAT_VERSION}. ` +
        `Fix: retrain with \`metatune fit --out <dir>\` using this version, or predict with metatune ${String(d.metatuneVersion)}.`,
      { file, found: d.formatVersion, expected: PREPROCESS_FORMAT_VERSION, writtenBy: d.metatuneVersion },
    );
  }
  if ((d.kind !== 'classification' && d.kind !== 'regression') || typeof d.inputSize !== 'number' || typeof d.target !== 'string' || (!d.columns && !d.image)) {
    throw new ValidationError('NOT_A_MODEL_DIR', `${file}: the preprocess file is incomplete (kind, target, inputSize and columns or image are required). Fix: retrain with \`metatune fit --out <dir>\`.`, { file });
  }
  return d as PreprocessSpec;
}
