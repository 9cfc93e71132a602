/**
 * Finds a bundled dataset file: the repo's own `data/datasets/` or `test/fixtures/` first (a fresh
 * clone), then the shared workspace copy at `../shared/data/datasets/` (sklearn's files, BSD-3).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function datasetPath(file: string): string {
  const candidates = [
    path.join(repoRoot, 'data', 'datasets', file),
    path.join(repoRoot, 'test', 'fixtures', file),
    path.join(repoRoot, '..', 'shared', 'data', 'datasets', file),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`dataset ${file} not found; looked in:\n  ${candidates.join('\n  ')}`);
  return found;
}
