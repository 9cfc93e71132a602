import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { NotFoundError, ValidationError } from '../core/errors.js';

/**
 * The real classification datasets bundled in data/datasets (scikit-learn's copies, BSD-3).
 * A first, in-memory loader for the demo and tests; [3/5] replaces it with streaming task loading.
 */
export type BundledDatasetName = 'iris' | 'wine' | 'breast_cancer' | 'digits';

export interface ClassificationData {
  readonly name: BundledDatasetName;
  /** Rows of features, as stored (not standardised). */
  readonly x: number[][];
  /** Integer class labels 0..numClasses-1. */
  readonly y: number[];
  readonly numClasses: number;
}

const FILES: Record<BundledDatasetName, { file: string; header: boolean; gzip: boolean }> = {
  iris: { file: 'iris.csv', header: true, gzip: false },
  wine: { file: 'wine_data.csv', header: true, gzip: false },
  breast_cancer: { file: 'breast_cancer.csv', header: true, gzip: false },
  digits: { file: 'digits.csv.gz', header: false, gzip: true },
};

/** data/ sits at the package root: two levels up from src/tasks (and from dist/src/tasks, three). */
function datasetsDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [new URL('../../data/datasets/', import.meta.url), new URL('../../../data/datasets/', import.meta.url)];
  for (const url of candidates) {
    try {
      readFileSync(new URL('README.md', url));
      return fileURLToPath(url);
    } catch {
      /* try the next layout */
    }
  }
  throw new NotFoundError('DATASETS_NOT_FOUND', `Bundled datasets not found near ${here}. Reinstall metatune (the package ships data/datasets).`);
}

export function loadBundledDataset(name: BundledDatasetName): ClassificationData {
  const entry = FILES[name];
  if (!entry) {
    throw new ValidationError('UNKNOWN_DATASET', `Unknown bundled dataset "${name}". Valid choices: ${Object.keys(FILES).join(', ')}.`, { name });
  }
  const path = `${datasetsDir()}/${entry.file}`;
  const raw = readFileSync(path);
  const text = (entry.gzip ? gunzipSync(raw) : raw).toString('utf8');
  const rows: string[][] = parse(text, { skip_empty_lines: true, from_line: entry.header ? 2 : 1 });
  const x: number[][] = [];
  const y: number[] = [];
  rows.forEach((row, i) => {
    const values = row.map(Number);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new ValidationError('INVALID_DATASET_CELL', `${path}:${i + (entry.header ? 2 : 1)}: column ${bad + 1} must be a number. Received: ${JSON.stringify(row[bad])}.`);
    }
    x.push(values.slice(0, -1));
    y.push(values[values.length - 1]);
  });
  return { name, x, y, numClasses: Math.max(...y) + 1 };
}

/** Deterministic PRNG (mulberry32) so splits and shuffles are reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded shuffle split into train / validation index lists. */
export function splitIndices(n: number, validationFraction: number, seed: number): { train: number[]; validation: number[] } {
  const rand = seededRandom(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const nVal = Math.round(n * validationFraction);
  return { validation: idx.slice(0, nVal), train: idx.slice(nVal) };
}

/** Per-feature mean and standard deviation from the training rows (constant columns get std 1). */
export function standardizer(rows: readonly number[][]): (row: readonly number[]) => number[] {
  const d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sq = new Array<number>(d).fill(0);
  for (const r of rows) r.forEach((v, j) => { mean[j] += v; });
  mean.forEach((_, j) => { mean[j] /= rows.length; });
  for (const r of rows) r.forEach((v, j) => { sq[j] += (v - mean[j]) ** 2; });
  const std = sq.map((s) => Math.sqrt(s / rows.length) || 1);
  return (row) => row.map((v, j) => (v - mean[j]) / std[j]);
}
