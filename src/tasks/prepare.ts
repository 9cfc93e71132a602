/**
 * RawTable → LoadedTask: the one place where data decisions are made, identically for every format.
 * Order (each step sees only the rows and columns the previous ones kept):
 *   image reshape → feature subset (variant) → rows with a missing target dropped → kind (inferred or
 *   given) and class encoding → single-class check → subsample (task, then variant) → constant
 *   columns dropped → seeded split (stratified for classification) → label noise on train rows
 *   (variant) → missing cells imputed with the training mean → one-hot text columns →
 *   standardisation fitted on train rows only (or [0, 1] pixel scaling) → regression target scaling.
 */
import { ValidationError, describeValue } from '../core/errors.js';
import type { TaskKind } from '../traces/trace.js';
import { deriveSeed, seededRandom, shuffleInPlace } from './random.js';
import type { RawColumn, RawImages, RawTable } from './raw-table.js';
import { subsampleRows, trainValidationSplit } from './split.js';
import type { LoadedTask, TaskSplit } from './task.js';
import type { VariantSpec } from './variants.js';
import { nonNumericColumn } from './load-common.js';

export type LoadedKind = Exclude<TaskKind, 'unknown'>;

export interface SubsampleSpec {
  /** Number of rows kept. Defaults to all rows (or `fraction`). */
  readonly rows?: number;
  /** Fraction of rows kept, in (0, 1]. Ignored when `rows` is given. */
  readonly fraction?: number;
  /** Seed of the subsample. Defaults to 0. */
  readonly seed?: number;
}

export interface PrepareArgs {
  readonly id: string;
  /** Defaults to `id`. */
  readonly name?: string;
  /** Defaults to `id`: a task is its own parent unless it is a variant. */
  readonly parentDataset?: string;
  readonly dataRef?: string;
  /** Overrides the inferred kind. Defaults to inference: an integer target with at most `maxClasses` distinct values (or any text target) is classification. */
  readonly kind?: LoadedKind;
  /** Distinct integer values up to which a numeric target is read as classes. Defaults to 20. */
  readonly maxClasses?: number;
  /** Fraction of rows held out for validation, in (0, 1). Defaults to 0.2. */
  readonly validation?: number;
  /** Seed of the split. Defaults to 0. */
  readonly seed?: number;
  /** A fixed subsample of the dataset (e.g. MNIST's 3,750 of 60,000 rows). Defaults to none. */
  readonly subsample?: SubsampleSpec;
  /** True when the loader already applied `subsample` (IDX reads only the chosen rows). Defaults to false. */
  readonly subsampleApplied?: boolean;
  readonly variant?: VariantSpec;
  /** Reshape the feature columns into images of this shape, scaled by `maxValue`. Defaults to none. */
  readonly image?: { readonly shape: readonly number[]; readonly maxValue: number };
  /** Standardise features (tables) / scale pixels to [0, 1] (images). Defaults to true (false for the `unscaled` variant). */
  readonly standardize?: boolean;
  /** Standardise a regression target with the training mean and std. Defaults to true. */
  readonly scaleTarget?: boolean;
  /** Transform of a regression target before anything else. Defaults to none. */
  readonly targetTransform?: 'log';
}

/** The mean/std a regression target was standardised with: original = y × std + mean. */
export interface TargetScaling {
  readonly mean: number;
  readonly std: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, ''));

interface Target {
  readonly kind: LoadedKind;
  /** Per raw row: class index or regression value; NaN / -1 mark a missing target. */
  readonly values: Float64Array;
  readonly classNames?: readonly string[];
}

function encodeTarget(raw: RawTable, args: PrepareArgs): Target {
  const col = raw.target;
  if (col.kind === 'text') {
    if (args.kind === 'regression') {
      const [file, line] = splitWhere(col.firstText.where);
      throw nonNumericColumn(file, line, -1, col.name, col.firstText.value);
    }
    return { kind: 'classification', values: Float64Array.from(col.codes, (c) => (c < 0 ? Number.NaN : c)), classNames: col.levels };
  }
  const present = col.values.filter((v) => !Number.isNaN(v));
  const distinct = [...new Set(present)].sort((a, b) => a - b);
  const integer = distinct.every((v) => Number.isInteger(v));
  const kind = args.kind ?? (integer && distinct.length <= (args.maxClasses ?? 20) ? 'classification' : 'regression');
  if (kind === 'regression') {
    if (args.targetTransform === 'log') {
      const bad = present.find((v) => !(v > 0));
      if (bad !== undefined) {
        throw new ValidationError('INVALID_TARGET', `${raw.source}: target "${col.name}": "targetTransform": "log" expected values > 0, found ${bad}. Fix: remove the transform or the non-positive rows.`, { file: raw.source, found: bad });
      }
      return { kind, values: col.values.map(Math.log) };
    }
    return { kind, values: col.values };
  }
  const index = new Map(distinct.map((v, i) => [v, i]));
  return { kind, values: col.values.map((v) => (Number.isNaN(v) ? Number.NaN : index.get(v)!)), classNames: distinct.map(fmt) };
}

function splitWhere(where: string): [string, string | number] {
  const m = /^(.*):(\d+)$/.exec(where);
  if (m) return [m[1]!, Number(m[2])];
  const i = where.indexOf(': ');
  return i >= 0 ? [where.slice(0, i), where.slice(i + 2)] : [where, '?'];
}

function toImages(raw: RawTable, image: NonNullable<PrepareArgs['image']>): RawImages {
  const width = image.shape.reduce((a, b) => a * b, 1);
  if (raw.features.length !== width) {
    throw new ValidationError('IMAGE_SHAPE_MISMATCH', `${raw.source}: "image.shape" [${image.shape.join(', ')}] expected ${width} feature columns, found ${raw.features.length}. Fix: set the shape to the image's height, width and channels.`, { file: raw.source, expected: width, found: raw.features.length });
  }
  const data = new Float32Array(raw.n * width);
  raw.features.forEach((c, j) => {
    if (c.kind === 'text') {
      const [file, line] = splitWhere(c.firstText.where);
      throw nonNumericColumn(file, line, j, c.name, c.firstText.value);
    }
    for (let i = 0; i < raw.n; i++) data[i * width + j] = c.values[i]!;
  });
  return { shape: image.shape, data, maxValue: image.maxValue };
}

/** Is column `c` constant over `rows` (missing cells ignored)? Returns its value, or undefined when not constant. */
function constantValue(c: RawColumn, rows: readonly number[]): { value: string } | undefined {
  let first: number | undefined;
  for (const r of rows) {
    const v = c.kind === 'numeric' ? c.values[r]! : c.codes[r]!;
    if (c.kind === 'numeric' ? Number.isNaN(v) : v < 0) continue;
    if (first === undefined) first = v;
    else if (v !== first) return undefined;
  }
  if (first === undefined) return { value: 'missing' };
  return { value: c.kind === 'numeric' ? fmt(first) : JSON.stringify(c.levels[first]) };
}

export function prepareTask(raw: RawTable, args: PrepareArgs): LoadedTask {
  const notes = [...raw.notes];
  const variant = args.variant ?? {};
  const vseed = variant.seed ?? 1;
  const validation = args.validation ?? 0.2;
  if (!(validation > 0 && validation < 1)) {
    throw new ValidationError('INVALID_PARAMETER', `\`validation\` must be in (0, 1). Received: validation=${describeValue(args.validation)}.`, { argument: 'validation' });
  }

  let images = raw.images ?? (args.image ? toImages(raw, args.image) : undefined);
  let features: readonly RawColumn[] = images ? [] : raw.features;

  if (variant.featureFraction !== undefined) {
    if (images) throw notApplicable(args.id, 'fewer features (~half/~feat)', 'image tasks (it would break the image shape)');
    const k = Math.max(1, Math.round(features.length * variant.featureFraction));
    const keep = shuffleInPlace(features.map((_, j) => j), seededRandom(deriveSeed(vseed, 'features'))).slice(0, k).sort((a, b) => a - b);
    notes.push(`variant: kept ${k} of ${features.length} feature columns (${keep.map((j) => features[j]!.name).join(', ')}).`);
    features = keep.map((j) => features[j]!);
  }

  const target = encodeTarget(raw, args);
  let rows: number[] = [];
  for (let i = 0; i < raw.n; i++) if (!Number.isNaN(target.values[i]!)) rows.push(i);
  if (rows.length < raw.n) notes.push(`dropped ${plural(raw.n - rows.length, 'row')} whose target "${raw.target.name}" was missing.`);
  const classification = target.kind === 'classification';

  const labelsOf = (rs: readonly number[]) => new Set(rs.map((r) => target.values[r]!));
  if (classification) {
    const present = labelsOf(rows);
    if (present.size < 2) {
      const only = present.size === 1 ? `1 (every row is ${JSON.stringify(target.classNames![[...present][0]!])})` : '0 (no rows)';
      throw new ValidationError(
        'SINGLE_CLASS_TARGET',
        `${raw.source}: target column "${raw.target.name}": expected at least 2 classes, found ${only}. Fix: check that "target" names the label column (a classifier cannot learn from one class), or set "kind": "regression" if this is a numeric target.`,
        { file: raw.source, column: raw.target.name, classes: present.size },
      );
    }
  } else {
    const vals = rows.map((r) => target.values[r]!);
    if (vals.every((v) => v === vals[0])) {
      throw new ValidationError('CONSTANT_TARGET', `${raw.source}: target column "${raw.target.name}": expected varying values, found ${vals.length ? `${fmt(vals[0]!)} in every row` : 'no rows'}. Fix: check that "target" names the column to predict.`, { file: raw.source, column: raw.target.name });
    }
  }
  const strat = classification ? target.values : undefined;

  if (args.subsample && !args.subsampleApplied) {
    const count = args.subsample.rows ?? Math.round(rows.length * (args.subsample.fraction ?? 1));
    const before = rows.length;
    rows = subsampleRows(raw.n, count, args.subsample.seed ?? 0, strat, rows);
    if (rows.length < before) notes.push(`subsample: kept ${rows.length} of ${before} rows (seed ${args.subsample.seed ?? 0}).`);
  }
  if (variant.subsample !== undefined) {
    const before = rows.length;
    rows = subsampleRows(raw.n, Math.round(before * variant.subsample), deriveSeed(vseed, 'subsample'), strat, rows);
    notes.push(`variant: kept ${rows.length} of ${before} rows${classification ? ' (stratified)' : ''}.`);
  }

  if (!images) {
    const dropped: string[] = [];
    features = features.filter((c) => {
      const k = constantValue(c, rows);
      if (k) dropped.push(`"${c.name}" (${k.value})`);
      return !k;
    });
    if (dropped.length) notes.push(`dropped ${plural(dropped.length, 'constant column')}: ${dropped.join(', ')}.`);
    if (features.length === 0) {
      throw new ValidationError('NO_FEATURES', `${raw.source}: expected at least one feature column that varies, found none. Fix: check the delimiter and the "target" column.`, { file: raw.source });
    }
  }

  const split = trainValidationSplit(raw.n, validation, deriveSeed(args.seed ?? 0, 'split'), strat, rows);
  if (split.train.length === 0 || split.validation.length === 0) {
    throw new ValidationError('TOO_FEW_ROWS', `${raw.source}: ${rows.length} rows with validation=${validation} leave ${split.train.length} train and ${split.validation.length} validation rows; both need at least 1. Fix: add rows or change "split.validation".`, { file: raw.source, rows: rows.length });
  }

  // Targets per split (label noise touches training labels only, so validation measures the clean task).
  let yTrainValues = split.train.map((r) => target.values[r]!);
  const yValValues = split.validation.map((r) => target.values[r]!);
  const numClasses = classification ? target.classNames!.length : undefined;
  if (variant.labelNoise !== undefined) {
    if (!classification) throw notApplicable(args.id, 'label noise (~noise)', 'regression tasks');
    const m = Math.round(split.train.length * variant.labelNoise);
    const rand = seededRandom(deriveSeed(vseed, 'noise'));
    const flip = shuffleInPlace(split.train.map((_, i) => i), rand).slice(0, m);
    yTrainValues = [...yTrainValues];
    for (const i of flip) yTrainValues[i] = (yTrainValues[i]! + 1 + Math.floor(rand() * (numClasses! - 1))) % numClasses!;
    notes.push(`variant: replaced ${m} of ${split.train.length} training labels (${((100 * m) / split.train.length).toFixed(1)}%) by another class; validation labels are clean.`);
  }

  const scale = args.standardize ?? !variant.unscaled;
  let inputShape: number[];
  let featureNames: string[];
  let xTrain: Float32Array;
  let xVal: Float32Array;
  let featureScaling: { mean: number[]; std: number[] } | undefined;
  if (images) {
    const width = images.shape.reduce((a, b) => a * b, 1);
    const factor = scale ? 1 / images.maxValue : 1;
    const gather = (rs: readonly number[]) => {
      const out = new Float32Array(rs.length * width);
      rs.forEach((r, i) => {
        for (let k = 0; k < width; k++) out[i * width + k] = images!.data[r * width + k]! * factor;
      });
      return out;
    };
    xTrain = gather(split.train);
    xVal = gather(split.validation);
    inputShape = [...images.shape];
    featureNames = Array.from({ length: width }, (_, k) => `pixel_${k}`);
    notes.push(scale ? `pixels scaled to [0, 1] (divided by ${fmt(images.maxValue)}).` : 'pixels left unscaled.');
    images = undefined;
  } else {
    const encoded = encodeFeatures(raw.source, features, split.train, split.validation, scale, notes);
    xTrain = encoded.train;
    xVal = encoded.validation;
    featureNames = encoded.names;
    inputShape = [encoded.names.length];
    featureScaling = scale ? { mean: encoded.mean, std: encoded.std } : undefined;
  }

  let targetScaling: TargetScaling | undefined;
  let yTrain: Float32Array | Int32Array;
  let yVal: Float32Array | Int32Array;
  if (classification) {
    yTrain = Int32Array.from(yTrainValues);
    yVal = Int32Array.from(yValValues);
  } else {
    if (args.scaleTarget ?? true) {
      const mean = yTrainValues.reduce((a, b) => a + b, 0) / yTrainValues.length;
      const std = Math.sqrt(yTrainValues.reduce((a, b) => a + (b - mean) ** 2, 0) / yTrainValues.length) || 1;
      targetScaling = { mean, std };
      yTrain = Float32Array.from(yTrainValues, (v) => (v - mean) / std);
      yVal = Float32Array.from(yValValues, (v) => (v - mean) / std);
      notes.push(`target standardised with the training mean ${fmt(mean)} and std ${fmt(std)}${args.targetTransform === 'log' ? ' (after log)' : ''}.`);
    } else {
      yTrain = Float32Array.from(yTrainValues);
      yVal = Float32Array.from(yValValues);
    }
  }

  const train: TaskSplit = { x: xTrain, y: yTrain, n: split.train.length };
  const val: TaskSplit = { x: xVal, y: yVal, n: split.validation.length };
  return {
    ref: {
      id: args.id,
      name: args.name ?? args.id,
      kind: target.kind,
      parentDataset: args.parentDataset ?? args.id,
      ...(args.dataRef ? { dataRef: args.dataRef } : {}),
    },
    inputShape,
    featureNames,
    ...(classification ? { numClasses, classNames: target.classNames } : {}),
    train,
    validation: val,
    seed: args.seed ?? 0,
    notes,
    ...(targetScaling ? { targetScaling } : {}),
    ...(featureScaling ? { featureScaling } : {}),
  };
}

function notApplicable(id: string, what: string, where: string): ValidationError {
  return new ValidationError('VARIANT_NOT_APPLICABLE', `Task ${JSON.stringify(id)}: ${what} does not apply to ${where}. Fix: drop that modifier from the id.`, { id });
}

/**
 * Feature matrix for the split: numeric columns imputed with the training mean (then standardised
 * with training mean/std when `scale`), text columns one-hot encoded (a missing cell → all zeros).
 */
function encodeFeatures(
  source: string,
  columns: readonly RawColumn[],
  trainRows: readonly number[],
  valRows: readonly number[],
  scale: boolean,
  notes: string[],
): { train: Float32Array; validation: Float32Array; names: string[]; mean: number[]; std: number[] } {
  type Encoder = { names: string[]; mean: number[]; std: number[]; write: (r: number, out: Float32Array, at: number) => void };
  const encoders: Encoder[] = [];
  const imputed: string[] = [];
  let imputedCells = 0;
  const oneHot: string[] = [];
  let missingText = 0;
  for (const c of columns) {
    if (c.kind === 'numeric') {
      let sum = 0;
      let count = 0;
      for (const r of trainRows) {
        const v = c.values[r]!;
        if (!Number.isNaN(v)) {
          if (!Number.isFinite(v)) {
            throw new ValidationError('NON_FINITE_VALUE', `${source}: column "${c.name}": expected finite numbers, found ${v}. Fix: replace infinite values or mark them missing (e.g. "NA").`, { file: source, column: c.name });
          }
          sum += v;
          count++;
        }
      }
      // A column missing in every training row (but not constant overall) is imputed with 0.
      const fill = count ? sum / count : 0;
      let missing = 0;
      for (const r of [...trainRows, ...valRows]) if (Number.isNaN(c.values[r]!)) missing++;
      if (missing) {
        imputed.push(`"${c.name}": ${missing}`);
        imputedCells += missing;
      }
      const value = (r: number) => {
        const v = c.values[r]!;
        return Number.isNaN(v) ? fill : v;
      };
      let mean = 0;
      let std = 1;
      if (scale) {
        mean = trainRows.reduce((a, r) => a + value(r), 0) / trainRows.length;
        std = Math.sqrt(trainRows.reduce((a, r) => a + (value(r) - mean) ** 2, 0) / trainRows.length) || 1;
      }
      encoders.push({ names: [c.name], mean: [mean], std: [std], write: (r, out, at) => void (out[at] = (value(r) - mean) / std) });
    } else {
      oneHot.push(`"${c.name}" (${c.levels.length} levels)`);
      for (const r of [...trainRows, ...valRows]) if (c.codes[r]! < 0) missingText++;
      encoders.push({
        names: c.levels.map((l) => `${c.name}=${l}`),
        mean: c.levels.map(() => 0),
        std: c.levels.map(() => 1),
        write: (r, out, at) => {
          const code = c.codes[r]!;
          if (code >= 0) out[at + code] = 1;
        },
      });
    }
  }
  if (imputedCells) notes.push(`imputed ${plural(imputedCells, 'missing cell')} with the training mean (${imputed.join(', ')}).`);
  if (oneHot.length) notes.push(`one-hot encoded ${plural(oneHot.length, 'text column')}: ${oneHot.join(', ')}${missingText ? `; ${plural(missingText, 'missing text cell')} encoded as all zeros` : ''}.`);
  const names = encoders.flatMap((e) => e.names);
  const d = names.length;
  const fill = (rows: readonly number[]) => {
    const out = new Float32Array(rows.length * d);
    rows.forEach((r, i) => {
      let at = i * d;
      for (const e of encoders) {
        e.write(r, out, at);
        at += e.names.length;
      }
    });
    return out;
  };
  if (scale) notes.push('features standardised with the training rows\' mean and std.');
  return { train: fill(trainRows), validation: fill(valRows), names, mean: encoders.flatMap((e) => e.mean), std: encoders.flatMap((e) => e.std) };
}
