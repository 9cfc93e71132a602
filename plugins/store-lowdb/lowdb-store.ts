/**
 * `file:` store: the whole corpus is one JSON document written by lowdb. Every mutation is
 *   in-process queue → cross-process lock (proper-lockfile, `<file>.lock` directory) → re-read the
 *   file if another process changed it → apply → atomic write (lowdb's steno: temp file + rename)
 *   → unlock,
 * so several processes on one machine never lose each other's writes, and a crash (even SIGKILL
 * mid-write) leaves either the old or the new file, never a torn one. A write resolves only after
 * the rename, so an acknowledged write survives the process. (There is no fsync: a power loss can
 * still lose the last writes on file systems without ordered rename; use Postgres for that.)
 *
 * Each write rewrites the whole file, so write latency grows with the corpus (README has the
 * measured numbers, bench/store-latency.ts reproduces them).
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import lockfile from 'proper-lockfile';
import { EnvironmentError, MetatuneError } from '../../src/core/errors.js';
import {
  DOCUMENT_FORMAT,
  DOCUMENT_VERSION,
  DocumentTraceStore,
  emptyDocument,
  type MutationResult,
  type TraceDocument,
} from '../../src/traces/document-store.js';

export interface LowdbStoreArgs {
  /** Absolute path of the JSON file. */
  readonly file: string;
  /** URL reported by `store.url`. Defaults to `file:<file>`. */
  readonly url?: string;
  /** A lock whose holder has not refreshed it for this long is taken over (its process died). Defaults to 10000 ms (minimum 2000). */
  readonly lockStaleMs?: number;
  /** How long a write waits for the lock before failing with `STORE_LOCKED`. Defaults to 120000 ms. */
  readonly lockTimeoutMs?: number;
}

/** Mutations of one file from one process run one at a time (the file lock is per process). */
const queues = new Map<string, Promise<unknown>>();

function enqueue<R>(key: string, task: () => Promise<R>): Promise<R> {
  const prev = queues.get(key) ?? Promise.resolve();
  const run = prev.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class LowdbTraceStore extends DocumentTraceStore {
  readonly url: string;
  readonly file: string;
  readonly #lockStaleMs: number;
  readonly #lockTimeoutMs: number;
  readonly #db: Low<TraceDocument>;
  /** The last parsed document and the stat signature of the file it came from. */
  #cache: { signature: string; doc: TraceDocument } | undefined;

  private constructor(args: LowdbStoreArgs) {
    super();
    this.file = args.file;
    this.url = args.url ?? `file:${args.file}`;
    this.#lockStaleMs = Math.max(2000, args.lockStaleMs ?? 10000);
    this.#lockTimeoutMs = args.lockTimeoutMs ?? 120000;
    // Compact JSON (lowdb's JSONFile pretty-prints, which doubles the file and the write time).
    this.#db = new Low<TraceDocument>(new DataFile<TraceDocument>(args.file, { parse: JSON.parse, stringify: (d) => JSON.stringify(d) }), emptyDocument());
  }

  /** Creates the directory and checks that an existing file is a readable store of a known version. */
  static async open(args: LowdbStoreArgs): Promise<LowdbTraceStore> {
    const store = new LowdbTraceStore(args);
    try {
      await mkdir(dirname(args.file), { recursive: true });
    } catch (err) {
      throw new EnvironmentError(
        'STORE_UNWRITABLE',
        `Cannot create the directory of the store file ${args.file}: ${(err as Error).message}. Choose a writable path: --store file:<path>.`,
        { file: args.file },
        { cause: err },
      );
    }
    await store.readDocument();
    return store;
  }

  /** Identifies one version of the file: every write renames a new file into place. */
  async #signature(): Promise<string | undefined> {
    try {
      const s = await stat(this.file, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  protected async readDocument(): Promise<TraceDocument> {
    const signature = await this.#signature();
    if (signature === undefined) {
      // No file yet: an empty store (created by the first write).
      if (this.#cache?.signature !== 'missing') this.#cache = { signature: 'missing', doc: emptyDocument() };
      return this.#cache.doc;
    }
    if (this.#cache?.signature === signature) return this.#cache.doc;
    try {
      await this.#db.read();
    } catch (err) {
      throw new EnvironmentError(
        'STORE_CORRUPT',
        `The store file ${this.file} is not valid JSON (${(err as Error).message}). metatune never writes a partial file, so it was changed by ` +
          `something else: restore it from a backup, or move it away to start a new store.`,
        { file: this.file },
        { cause: err },
      );
    }
    const doc = this.#db.data as Partial<TraceDocument> | null;
    if (!doc || doc.format !== DOCUMENT_FORMAT || !Array.isArray(doc.runs) || typeof doc.dedupe !== 'object' || typeof doc.policies !== 'object') {
      throw new EnvironmentError(
        'STORE_CORRUPT',
        `The file ${this.file} is JSON but not a metatune trace store (no "format": "${DOCUMENT_FORMAT}"). Point --store at another file.`,
        { file: this.file },
      );
    }
    if (typeof doc.version !== 'number' || doc.version > DOCUMENT_VERSION) {
      throw new MetatuneError(
        'STORE_SCHEMA_AHEAD',
        `The store file ${this.file} has format version ${doc.version}; this metatune reads up to ${DOCUMENT_VERSION}. Upgrade metatune.`,
        { file: this.file, version: doc.version },
      );
    }
    this.#cache = { signature, doc: doc as TraceDocument };
    return doc as TraceDocument;
  }

  async #lock(): Promise<() => Promise<void>> {
    const deadline = Date.now() + this.#lockTimeoutMs;
    let compromised: Error | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        const release = await lockfile.lock(this.file, {
          lockfilePath: `${this.file}.lock`,
          realpath: false, // the store file need not exist yet
          stale: this.#lockStaleMs,
          retries: 0, // retried below with a deadline instead of a count
          onCompromised: (err) => {
            // Default is to throw from a timer (crashing the process); fail the write instead.
            compromised = err;
          },
        });
        return async () => {
          await release().catch(() => undefined);
          if (compromised) {
            throw new EnvironmentError(
              'STORE_LOCK_COMPROMISED',
              `The lock on ${this.file} was taken over while this process wrote (it was blocked for more than ${this.#lockStaleMs} ms). ` +
                `The last write may have been overwritten by another process: re-run it, and consider a Postgres store for corpora this large.`,
              { file: this.file },
              { cause: compromised },
            );
          }
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') {
          throw new EnvironmentError('STORE_UNWRITABLE', `Cannot lock the store file ${this.file}: ${(err as Error).message}. Check the directory's permissions.`, {
            file: this.file,
          }, { cause: err });
        }
        if (Date.now() > deadline) {
          throw new EnvironmentError(
            'STORE_LOCKED',
            `The store file ${this.file} stayed locked by another process for ${this.#lockTimeoutMs} ms. If no metatune process is running, ` +
              `remove the directory ${this.file}.lock.`,
            { file: this.file },
          );
        }
        // Randomised, growing back-off (2 ms … 50 ms) so that waiting writers do not move in step.
        await sleep(Math.random() * Math.min(50, 2 + attempt * 2));
      }
    }
  }

  protected mutateDocument<R>(fn: (doc: TraceDocument) => MutationResult<R>): Promise<R> {
    return enqueue(this.file, async () => {
      this.checkOpen();
      const release = await this.#lock();
      let value: R;
      try {
        const doc = await this.readDocument();
        const result = fn(doc);
        value = result.value;
        if (result.changed) {
          try {
            this.#db.data = doc;
            await this.#db.write();
            this.#cache = { signature: (await this.#signature()) ?? 'missing', doc };
          } catch (err) {
            this.#cache = undefined; // the in-memory document is ahead of the file: re-read next time
            throw new EnvironmentError('STORE_WRITE_FAILED', `Writing the store file ${this.file} failed: ${(err as Error).message}. Check free disk space and permissions.`, {
              file: this.file,
            }, { cause: err });
          }
        }
      } catch (err) {
        await release().catch(() => undefined);
        throw err;
      }
      await release();
      return value;
    });
  }

  protected async sizeInBytes(): Promise<number | undefined> {
    try {
      return (await stat(this.file)).size;
    } catch {
      return 0;
    }
  }

  protected async closeStore(): Promise<void> {
    this.#cache = undefined;
  }
}
