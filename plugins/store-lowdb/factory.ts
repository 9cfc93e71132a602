/**
 * `file:` URLs → the file store (a snapshot plus an append-only journal: lowdb-store.ts).
 * `file:./x.json` and `file:x.json` are relative to the working directory, `file:/abs/x.json` and
 * `file:///abs/x.json` absolute. The store module and proper-lockfile are imported when a file
 * store is opened, not when metatune loads.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../../src/core/errors.js';
import type { TraceStoreFactory } from '../../src/traces/store-factory.js';

/** The absolute path a `file:` URL names. */
export function filePathOf(url: string, cwd = process.cwd()): string {
  let path: string;
  if (/^file:\/\//i.test(url)) {
    try {
      path = fileURLToPath(url);
    } catch (err) {
      throw new ValidationError('INVALID_STORE_URL', `Cannot read the store URL "${url}": ${(err as Error).message}. Write file:./relative/path.json or file:///absolute/path.json.`, {
        url,
      });
    }
  } else {
    path = url.slice('file:'.length); // taken literally: no percent-decoding outside file:// URLs
  }
  if (path.trim() === '') {
    throw new ValidationError('INVALID_STORE_URL', `The store URL "${url}" names no file. Example: file:./.metatune/store.json.`, { url });
  }
  return isAbsolute(path) ? path : resolve(cwd, path);
}

export const lowdbStoreFactory: TraceStoreFactory = {
  id: 'file',
  description: 'JSON snapshot + append-only journal, safe for several processes on one machine (the default)',
  example: 'file:./.metatune/store.json',
  async open(url: string) {
    const file = filePathOf(url);
    const { LowdbTraceStore } = await import('./lowdb-store.js');
    return LowdbTraceStore.open({ file, url });
  },
};
