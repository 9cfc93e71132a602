import { openSync, readSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { ImportEvent, ImportedTrace, ImportRejection, Importer } from '../../../src/traces/importer.js';
import { HEAD_BYTES } from '../../../src/traces/import-support.js';

export const LOGS = fileURLToPath(new URL('../../fixtures/logs/', import.meta.url));
export const log = (rel: string) => join(LOGS, rel);

export function headOf(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf as unknown as Uint8Array, 0, HEAD_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export interface Imported {
  readonly runs: ImportedTrace[];
  readonly rejections: ImportRejection[];
}

export async function importWith(importer: Importer, path: string, peers: readonly string[] = [path]): Promise<Imported> {
  const runs: ImportedTrace[] = [];
  const rejections: ImportRejection[] = [];
  for await (const ev of importer.import({ path, head: headOf(path) }, { peers }) as AsyncIterable<ImportEvent>) {
    if (ev.kind === 'run') runs.push(ev.run);
    else if (ev.kind === 'rejection') rejections.push(ev);
  }
  return { runs, rejections };
}
