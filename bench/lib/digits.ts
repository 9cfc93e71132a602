/**
 * Digits (scikit-learn's 8×8 images, BSD-3) for benchmarks, as plain arrays so each bench makes
 * tensors on the backend it measures. Looks in the package's `data/datasets/`, then the workspace's
 * `../shared/data/datasets/`, from the repo root (found upwards from this file, else the cwd).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

function repoRoots(): string[] {
  const roots: string[] = [];
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'metatune') roots.push(dir);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  roots.push(process.cwd());
  return roots;
}

export function findDataset(file: string): string {
  const candidates = repoRoots().flatMap((root) => [
    path.join(root, 'data', 'datasets', file),
    path.join(root, '..', 'shared', 'data', 'datasets', file),
  ]);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`dataset ${file} not found; looked in:\n  ${[...new Set(candidates)].join('\n  ')}`);
  return found;
}

export interface DigitsArrays {
  /** n × 64 pixels scaled to [0, 1], row-major. */
  readonly x: Float32Array;
  /** n × 10 one-hot labels. */
  readonly y: Float32Array;
  readonly n: number;
}

/** All 1797 digits (gzip CSV, no header, 64 pixel columns 0..16 then the label). */
export function loadDigits(): DigitsArrays {
  const text = gunzipSync(new Uint8Array(readFileSync(findDataset('digits.csv.gz')))).toString('utf8');
  const rows = text.split('\n').filter((l) => l.trim() !== '');
  const x = new Float32Array(rows.length * 64);
  const y = new Float32Array(rows.length * 10);
  rows.forEach((line, i) => {
    const cells = line.split(',').map(Number);
    for (let j = 0; j < 64; j++) x[i * 64 + j] = cells[j]! / 16;
    y[i * 10 + cells[64]!] = 1;
  });
  return { x, y, n: rows.length };
}
