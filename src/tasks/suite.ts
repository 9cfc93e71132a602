/**
 * The built-in suite: real datasets (data/tasks/*.json) and their variants. `listSuiteTasks()`
 * answers from the table below without reading any data (a test checks the table against the
 * loaded tasks); `loadTask(idOrFile)` loads a suite id (variants included), a task file, or a
 * data file directly (CSV / JSON with default options).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError } from '../core/errors.js';
import { displayPath, parseJson } from '../core/json-validation.js';
import { loadCsv } from './load-csv.js';
import { jsonToTable } from './load-json.js';
import { notADataset } from './load-common.js';
import { prepareTask, type LoadedKind } from './prepare.js';
import type { LoadedTask } from './task.js';
import { loadTaskFile, type LoadTaskOptions } from './task-file.js';
import { formatTaskId, parseTaskId, type VariantSpec } from './variants.js';

export interface SuiteTaskInfo {
  readonly id: string;
  readonly name: string;
  readonly kind: LoadedKind;
  /** The base dataset's id (a base task is its own parent). */
  readonly parentDataset: string;
  /** Rows after subsampling (train + validation). */
  readonly rows: number;
  /** Input columns after encoding (one-hot columns counted), = prod(inputShape). */
  readonly features: number;
  readonly inputShape: readonly number[];
  readonly numClasses?: number;
  readonly licence: string;
  /** Present on variants. */
  readonly variant?: VariantSpec;
}

interface BaseEntry {
  readonly id: string;
  readonly name: string;
  readonly kind: LoadedKind;
  readonly rows: number;
  readonly inputShape: readonly number[];
  readonly numClasses?: number;
  readonly licence: string;
  /** Variants listed for this dataset (any other valid variant id loads too). */
  readonly variants: readonly VariantSpec[];
  /**
   * Input width of the `~half` variant when it is not round(width / 2): the half is drawn from the
   * raw columns, before one-hot encoding, so it depends on which categorical columns it keeps
   * (measured; the suite test checks it).
   */
  readonly halfWidth?: number;
}

const SKLEARN = 'BSD-3-Clause';
const STDLIB = 'PDDL-1.0 / CC0-1.0';
const MNIST = 'CC BY-SA 3.0';
const MLBENCH = 'UCI via R mlbench (GPL-2)';
const KERNLAB = 'UCI via R kernlab (GPL-2)';
const MODELDATA = 'MIT (R modeldata)';

// Variants: two subsample sizes, two label-noise levels (classification), unscaled, half the features (tables).
const SUB: VariantSpec[] = [{ subsample: 0.5, seed: 1 }, { subsample: 0.25, seed: 1 }];
const NOISE: VariantSpec[] = [{ labelNoise: 0.1, seed: 1 }, { labelNoise: 0.2, seed: 1 }];
const UNSCALED: VariantSpec[] = [{ unscaled: true }];
const HALF: VariantSpec[] = [{ featureFraction: 0.5, seed: 1 }];

const BASES: readonly BaseEntry[] = [
  { id: 'iris', name: 'Iris flowers', kind: 'classification', rows: 150, inputShape: [4], numClasses: 3, licence: SKLEARN, variants: [...SUB, ...NOISE, ...UNSCALED, ...HALF] },
  { id: 'wine', name: 'Wine recognition', kind: 'classification', rows: 178, inputShape: [13], numClasses: 3, licence: SKLEARN, variants: [...SUB, ...NOISE, ...UNSCALED, ...HALF] },
  { id: 'breast_cancer', name: 'Breast cancer Wisconsin', kind: 'classification', rows: 569, inputShape: [30], numClasses: 2, licence: SKLEARN, variants: [...SUB, ...NOISE, ...UNSCALED, ...HALF] },
  { id: 'digits', name: 'Handwritten digits 8x8', kind: 'classification', rows: 1797, inputShape: [8, 8, 1], numClasses: 10, licence: SKLEARN, variants: [...SUB, ...NOISE, ...UNSCALED] },
  { id: 'diabetes', name: 'Diabetes progression', kind: 'regression', rows: 442, inputShape: [10], licence: SKLEARN, variants: [...SUB, ...UNSCALED, ...HALF] },
  { id: 'mnist', name: 'MNIST (3,750-row subsample)', kind: 'classification', rows: 3750, inputShape: [28, 28, 1], numClasses: 10, licence: MNIST, variants: [...SUB, ...NOISE] },
  { id: 'boston_housing', name: 'Boston house prices', kind: 'regression', rows: 506, inputShape: [13], licence: STDLIB, variants: [...SUB, ...UNSCALED, ...HALF] },
  { id: 'cps_wages_1985', name: 'CPS 1985 log wages', kind: 'regression', rows: 534, inputShape: [20], licence: STDLIB, variants: [...SUB, ...UNSCALED] },
  // Converted from Debian's R packages by scripts/datasets/convert-r.R (notes: data/datasets/<id>.md).
  { id: 'sonar', name: 'Sonar: mines vs rocks', kind: 'classification', rows: 208, inputShape: [60], numClasses: 2, licence: MLBENCH, variants: [...SUB, ...NOISE, ...UNSCALED, ...HALF] },
  { id: 'ionosphere', name: 'Ionosphere radar returns', kind: 'classification', rows: 351, inputShape: [33], numClasses: 2, licence: MLBENCH, variants: [...SUB, ...NOISE, ...UNSCALED, ...HALF] },
  { id: 'glass', name: 'Glass identification', kind: 'classification', rows: 214, inputShape: [9], numClasses: 6, licence: MLBENCH, variants: [SUB[0]!, ...NOISE, ...UNSCALED, ...HALF] },
  { id: 'vehicle', name: 'Vehicle silhouettes', kind: 'classification', rows: 846, inputShape: [18], numClasses: 4, licence: MLBENCH, variants: [...SUB, ...NOISE, ...UNSCALED, ...HALF] },
  { id: 'vowel', name: 'Vowel recognition (Deterding)', kind: 'classification', rows: 990, inputShape: [24], numClasses: 11, licence: MLBENCH, variants: [...SUB, ...NOISE, ...UNSCALED, ...HALF], halfWidth: 19 },
  { id: 'satellite', name: 'Landsat satellite (1,000-row subsample)', kind: 'classification', rows: 1000, inputShape: [36], numClasses: 6, licence: MLBENCH, variants: [...SUB, ...NOISE, ...UNSCALED, ...HALF] },
  { id: 'letter', name: 'Letter recognition (1,300-row subsample)', kind: 'classification', rows: 1300, inputShape: [16], numClasses: 26, licence: MLBENCH, variants: [...SUB, ...NOISE, ...UNSCALED, ...HALF] },
  { id: 'pima', name: 'Pima Indians diabetes (corrected)', kind: 'classification', rows: 768, inputShape: [8], numClasses: 2, licence: MLBENCH, variants: [...SUB, ...NOISE, ...UNSCALED, ...HALF] },
  { id: 'soybean', name: 'Soybean disease (large)', kind: 'classification', rows: 683, inputShape: [99], numClasses: 19, licence: MLBENCH, variants: [SUB[0]!, ...NOISE, ...HALF], halfWidth: 51 },
  { id: 'house_votes_84', name: '1984 US Congressional votes', kind: 'classification', rows: 435, inputShape: [32], numClasses: 2, licence: MLBENCH, variants: [...SUB, ...NOISE, ...HALF] },
  { id: 'dna', name: 'Splice-junction DNA (1,000-row subsample)', kind: 'classification', rows: 1000, inputShape: [180], numClasses: 3, licence: MLBENCH, variants: [...SUB, ...NOISE, ...HALF] },
  { id: 'spam', name: 'Spambase (1,000-row subsample)', kind: 'classification', rows: 1000, inputShape: [57], numClasses: 2, licence: KERNLAB, variants: [...SUB, ...NOISE, ...UNSCALED, ...HALF] },
  { id: 'lending_club', name: 'Lending Club loans (1,500-row subsample)', kind: 'classification', rows: 1500, inputShape: [119], numClasses: 2, licence: MODELDATA, variants: [...SUB, ...UNSCALED] },
  { id: 'servo', name: 'Servo rise time', kind: 'regression', rows: 167, inputShape: [12], licence: MLBENCH, variants: [...UNSCALED, ...HALF] },
  { id: 'ozone', name: 'Los Angeles ozone 1976', kind: 'regression', rows: 361, inputShape: [29], licence: MLBENCH, variants: [...SUB, ...UNSCALED, ...HALF], halfWidth: 17 },
  { id: 'concrete', name: 'Concrete compressive strength', kind: 'regression', rows: 1030, inputShape: [8], licence: MODELDATA, variants: [...SUB, ...UNSCALED, ...HALF] },
  { id: 'ames', name: 'Ames house prices (1,000-row subsample): log price', kind: 'regression', rows: 1000, inputShape: [314], licence: MODELDATA, variants: [...UNSCALED, ...HALF], halfWidth: 135 },
  { id: 'meats', name: 'Tecator meat NIR spectra: water', kind: 'regression', rows: 215, inputShape: [100], licence: MODELDATA, variants: [...SUB, ...UNSCALED, ...HALF] },
];

/** data/tasks at the package root: two levels up from src/tasks, three from dist/src/tasks. */
export function suiteDir(): string {
  for (const up of ['../../data/tasks/', '../../../data/tasks/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(resolve(dir, 'iris.json'))) return dir;
  }
  throw new NotFoundError('SUITE_NOT_FOUND', 'The built-in task files (data/tasks) are missing. Fix: reinstall metatune (the package ships data/).');
}

function info(base: BaseEntry, variant?: VariantSpec): SuiteTaskInfo {
  const tableWidth = base.inputShape.length === 1 ? base.inputShape[0]! : undefined;
  const width =
    variant?.featureFraction !== undefined && tableWidth
      ? variant.featureFraction === 0.5 && base.halfWidth !== undefined
        ? base.halfWidth
        : Math.max(1, Math.round(tableWidth * variant.featureFraction))
      : undefined;
  const inputShape = width !== undefined ? [width] : base.inputShape;
  return {
    id: formatTaskId(base.id, variant),
    name: variant ? `${base.name} (${formatTaskId('', variant).slice(1).replace(/~/g, ', ')})` : base.name,
    kind: base.kind,
    parentDataset: base.id,
    rows: variant?.subsample !== undefined ? Math.round(base.rows * variant.subsample) : base.rows,
    features: inputShape.reduce((a, b) => a * b, 1),
    inputShape,
    ...(base.numClasses ? { numClasses: base.numClasses } : {}),
    licence: base.licence,
    ...(variant ? { variant } : {}),
  };
}

/** The suite's tasks (26 datasets and, unless `variants: false`, their listed variants), without loading data. */
export function listSuiteTasks(options: { variants?: boolean } = {}): SuiteTaskInfo[] {
  return BASES.flatMap((b) => [info(b), ...(options.variants === false ? [] : b.variants.map((v) => info(b, v)))]);
}

/** Metadata of one suite id (any valid variant of a suite dataset), or undefined. */
export function suiteTaskInfo(id: string): SuiteTaskInfo | undefined {
  let parsed;
  try {
    parsed = parseTaskId(id);
  } catch {
    return undefined;
  }
  const base = BASES.find((b) => b.id === parsed.base);
  return base ? info(base, parsed.variant) : undefined;
}

function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes('\\') || /\.(json|csv|tsv|gz|txt)$/i.test(s);
}

/**
 * Loads a task: a suite id (`wine`, `wine~sub50~s1`), a task file (`task.json` with a `data`
 * field), or a data file (CSV, or JSON rows / {x, y}) read with default options (target = last
 * column / the "target"/"label"/"y"/"class" key).
 */
export async function loadTask(idOrFile: string, options: LoadTaskOptions = {}): Promise<LoadedTask> {
  const isFile = existsSync(idOrFile) && statSync(idOrFile).isFile();
  if (!isFile) {
    if (looksLikePath(idOrFile)) {
      throw new NotFoundError('TASK_NOT_FOUND', `${idOrFile}: no such task file. Check the path (relative paths start from ${process.cwd()}).`, { task: idOrFile });
    }
    const { base, variant } = parseTaskId(idOrFile);
    if (!BASES.some((b) => b.id === base)) {
      throw new NotFoundError(
        'TASK_NOT_FOUND',
        `Unknown task ${JSON.stringify(idOrFile)}. Valid suite datasets: ${BASES.map((b) => b.id).join(', ')} (variants: <id>~sub50~s1, ~noise10~s1, ~half~s1, ~unscaled; see \`metatune tasks list\`), or give a path to a task.json or a CSV/JSON data file.`,
        { task: idOrFile },
      );
    }
    // The bundled suite keeps its data in a sibling folder (data/datasets): trusted.
    return loadTaskFile(resolve(suiteDir(), `${base}.json`), { ...options, variant: variant ?? options.variant, allowOutside: true });
  }
  if (/\.json$/i.test(idOrFile)) {
    const label = displayPath(resolve(idOrFile));
    const doc = parseJson(readFileSync(idOrFile, 'utf8').replace(/^\uFEFF/, ''), label);
    if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'data' in doc) return loadTaskFile(idOrFile, options);
    const id = basename(idOrFile).replace(/\.json$/i, '');
    return prepareTask(jsonToTable(doc, { label }), { id, dataRef: label, seed: options.seed, variant: options.variant });
  }
  if (/\.(csv|tsv|txt)(\.gz)?$/i.test(idOrFile)) {
    const label = displayPath(resolve(idOrFile));
    const id = basename(idOrFile).replace(/\.(csv|tsv|txt)(\.gz)?$/i, '');
    return prepareTask(await loadCsv(idOrFile, { label }), { id, dataRef: label, seed: options.seed, variant: options.variant });
  }
  throw notADataset(displayPath(resolve(idOrFile)), 'file name', 'a task file (.json with a "data" field) or a data file (.csv, .tsv, .json, optionally .gz)', JSON.stringify(basename(idOrFile)));
}
