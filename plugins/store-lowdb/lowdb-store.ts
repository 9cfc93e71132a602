/**
 * `file:` store: the whole corpus is one JSON document. Every mutation is
 *   in-process queue → cross-process lock (proper-lockfile, `<file>.lock` directory) → re-read the
 *   file if another process changed it → apply → write a temp file unique to this write
 *   (`<file>.<pid>.<random>.tmp`) → check the lock is still ours and the file unchanged → rename
 *   → unlock,
 * so several processes on one machine never lose each other's writes, and a crash (even SIGKILL
 * mid-write) leaves either the old or the new file, never a torn one. A write resolves only after
 * the rename, so an acknowledged write survives the process. (No fsync unless `fsync: true`: a
 * power loss can leave an empty or old file on file systems without ordered rename.)
 *
 * A holder blocked for longer than `lockStaleMs` (a huge synchronous JSON.stringify, a stopped
 * process) loses its lock to the next writer. The check just before the rename (lock reported
 * compromised, lock directory replaced or not refreshed, store file changed since it was read)
 * makes such a holder abort with STORE_LOCK_LOST instead of overwriting the other writer's
 * acknowledged write.
 *
 * lowdb's TextFile adapter reads the file; the writes do not go through lowdb (see temp-file.ts).
 * Each write rewrites the whole file, so write latency grows with the corpus (README has the
 * measured numbers, bench/store-latency.ts reproduces them).
 */
import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TextFile } from 'lowdb/node';
import lockfile from 'proper-lockfile';
import { EnvironmentError, MetatuneError, ValidationError } from '../../src/core/errors.js';
import {
  DOCUMENT_FORMAT,
  DOCUMENT_VERSION,
  DocumentTraceStore,
  emptyDocument,
  type MutationResult,
  type TraceDocument,
} from '../../src/traces/document-store.js';
import { removeAbandonedTempFiles, removeTempFile, writeTempFile } from './temp-file.js';

export interface LowdbStoreArgs {
  /** Absolute path of the JSON file. */
  readonly file: string;
  /** URL reported by `store.url`. Defaults to `file:<file>`. */
  readonly url?: string;
  /** A lock whose holder has not refreshed it for this long is taken over (its process died). Defaults to 10000 ms (minimum 2000). */
  readonly lockStaleMs?: number;
  /** How long a write waits for the lock before failing with `STORE_LOCKED`. Defaults to 120000 ms. */
  readonly lockTimeoutMs?: number;
  /** fsync each temp file before renaming it into place (survives power loss; costs write latency, see README). Defaults to false. */
  readonly fsync?: boolean;
}

/** A lock this process holds: how to release it, and what tells whether it is still ours. */
interface HeldLock {
  release(): Promise<void>;
  /** Set by proper-lockfile when its refresh found the lock taken over. */
  compromised(): Error | undefined;
  /** Inode and birth time of the lock directory this process created. */
  readonly identity: string;
}

/** Temp files older than this, of a live pid, are another run's leftovers (a write takes far less). */
const ABANDONED_TEMP_MS = 10 * 60_000;

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
  readonly #fsync: boolean;
  readonly #adapter: TextFile;
  /** The last parsed document and the stat signature of the file it came from. */
  #cache: { signature: string; doc: TraceDocument } | undefined;

  private constructor(args: LowdbStoreArgs) {
    super();
    this.file = args.file;
    this.url = args.url ?? `file:${args.file}`;
    this.#lockStaleMs = Math.max(2000, args.lockStaleMs ?? 10000);
    this.#lockTimeoutMs = args.lockTimeoutMs ?? 120000;
    this.#fsync = args.fsync ?? false;
    // Read as text and parsed here: lowdb's Low.read() would silently keep the previous document
    // when the file holds `null`.
    this.#adapter = new TextFile(args.file);
  }

  /** Creates the directory and checks that an existing file is a readable store of a known version. */
  static async open(args: LowdbStoreArgs): Promise<LowdbTraceStore> {
    const store = new LowdbTraceStore(args);
    // The folder is created by the first write, not here: a read-only command (`runs list`) leaves no `.metatune/` behind.
    if (await stat(args.file).then((s) => s.isDirectory(), () => false)) {
      throw new ValidationError(
        'INVALID_STORE_URL',
        `The store URL ${store.url} names a folder (${args.file}), not a store file. Name a JSON file in it, e.g. file:${args.file.replace(/\/$/, '')}/store.json.`,
        { file: args.file },
      );
    }
    await store.readDocument();
    await removeAbandonedTempFiles(args.file, ABANDONED_TEMP_MS);
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
    return (await this.#load()).doc;
  }

  /** The current document and the signature of the file version it was read from ('missing': no file). */
  async #load(): Promise<{ signature: string; doc: TraceDocument }> {
    const signature = await this.#signature();
    if (signature === undefined) {
      // No file yet: an empty store (created by the first write).
      if (this.#cache?.signature !== 'missing') this.#cache = { signature: 'missing', doc: emptyDocument() };
      return this.#cache;
    }
    if (this.#cache?.signature === signature) return this.#cache;
    let text: string | null;
    let parsed: unknown;
    try {
      text = await this.#adapter.read();
      if (text === null) return this.#load(); // removed between stat and read
      parsed = JSON.parse(text);
    } catch (err) {
      throw new EnvironmentError(
        'STORE_CORRUPT',
        `The store file ${this.file} is not valid JSON (${(err as Error).message}). It was cut short (a power loss or a full disk ` +
          `while writing without fsync can leave an empty or partial file) or changed by another program: restore it from a backup, ` +
          `or move it away to start a new store.`,
        { file: this.file },
        { cause: err },
      );
    }
    const doc = parsed as Partial<TraceDocument> | null;
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      throw new EnvironmentError(
        'STORE_CORRUPT',
        `The store file ${this.file} holds ${JSON.stringify(parsed)?.slice(0, 40)}, not a trace store document. Restore it from a backup, or move it away to start a new store.`,
        { file: this.file },
      );
    }
    if (doc.format !== DOCUMENT_FORMAT || !Array.isArray(doc.runs) || typeof doc.dedupe !== 'object' || typeof doc.policies !== 'object') {
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
    return this.#cache;
  }

  get #lockPath(): string {
    return `${this.file}.lock`;
  }

  async #lockIdentity(): Promise<{ identity: string; mtimeMs: number } | undefined> {
    try {
      const s = await stat(this.#lockPath, { bigint: true });
      // Birth time tells a re-created directory apart when the file system reuses the inode number.
      return { identity: `${s.ino}:${s.birthtimeNs}`, mtimeMs: Number(s.mtimeMs) };
    } catch {
      return undefined;
    }
  }

  async #lock(): Promise<HeldLock> {
    const deadline = Date.now() + this.#lockTimeoutMs;
    let compromised: Error | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        const release = await lockfile.lock(this.file, {
          lockfilePath: this.#lockPath,
          realpath: false, // the store file need not exist yet
          stale: this.#lockStaleMs,
          retries: 0, // retried below with a deadline instead of a count
          onCompromised: (err) => {
            // Default is to throw from a timer (crashing the process); fail the write instead.
            compromised = err;
          },
        });
        const identity = (await this.#lockIdentity())?.identity ?? 'missing';
        return {
          identity,
          compromised: () => compromised,
          release: async () => {
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
          },
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

  /**
   * Why the lock may no longer be ours (undefined: it is, and stays ours for the rename). Other
   * processes take a lock over once its mtime is older than `stale`; proper-lockfile refreshes it
   * every stale/2 but only learns of a takeover at its next refresh, which a blocked process runs late.
   */
  async #lockLost(lock: HeldLock, readSignature: string): Promise<string | undefined> {
    const compromised = lock.compromised();
    if (compromised) return `the lock was reported compromised (${compromised.message})`;
    const now = await this.#lockIdentity();
    if (!now) return `the lock directory ${this.#lockPath} is gone (another process took it over and released it)`;
    if (now.identity !== lock.identity) return `the lock directory ${this.#lockPath} was re-created by another process`;
    // Leave a margin so that nobody can take the lock between this check and the rename.
    const age = Date.now() - now.mtimeMs;
    if (age > this.#lockStaleMs - Math.min(1000, this.#lockStaleMs / 4)) return `the lock was last refreshed ${age} ms ago (stale after ${this.#lockStaleMs} ms)`;
    const signature = (await this.#signature()) ?? 'missing';
    if (signature !== readSignature) return `the store file changed since this process read it (${readSignature} → ${signature})`;
    return undefined;
  }

  async #ensureDir(): Promise<void> {
    try {
      await mkdir(dirname(this.file), { recursive: true });
    } catch (err) {
      throw new EnvironmentError(
        'STORE_UNWRITABLE',
        `Cannot create the directory of the store file ${this.file}: ${(err as Error).message}. Choose a writable path: --store file:<path>.`,
        { file: this.file },
        { cause: err },
      );
    }
  }

  protected mutateDocument<R>(fn: (doc: TraceDocument) => MutationResult<R>): Promise<R> {
    return enqueue(this.file, async () => {
      this.checkOpen();
      await this.#ensureDir();
      const lock = await this.#lock();
      let value: R;
      try {
        const { signature, doc } = await this.#load();
        const result = fn(doc);
        value = result.value;
        if (result.ops.length > 0) {
          // `doc` (the cached document) now holds the change: whatever happens, re-read it next time
          // unless the rename below makes it the file's content.
          this.#cache = undefined;
          let temp: string;
          try {
            temp = await writeTempFile(this.file, JSON.stringify(doc), { fsync: this.#fsync }); // compact JSON: half the size of pretty-printed
          } catch (err) {
            throw this.#writeFailed(err);
          }
          const lost = await this.#lockLost(lock, signature).catch((err: Error) => `checking the lock failed (${err.message})`);
          if (lost !== undefined) {
            await removeTempFile(temp);
            throw new EnvironmentError(
              'STORE_LOCK_LOST',
              `Another process may have taken over the lock on ${this.file} while this process was writing: ${lost}. ` +
                `Nothing was written (no other process's write was overwritten); re-run the write. This happens when a process is blocked ` +
                `for more than ${this.#lockStaleMs} ms; for corpora this large consider a Postgres store.`,
              { file: this.file, reason: lost },
            );
          }
          try {
            await rename(temp, this.file);
          } catch (err) {
            await removeTempFile(temp);
            throw this.#writeFailed(err);
          }
          this.#cache = { signature: (await this.#signature()) ?? 'missing', doc };
        }
      } catch (err) {
        await lock.release().catch(() => undefined);
        throw err;
      }
      await lock.release();
      return value;
    });
  }

  #writeFailed(err: unknown): EnvironmentError {
    return new EnvironmentError('STORE_WRITE_FAILED', `Writing the store file ${this.file} failed: ${(err as Error).message}. Check free disk space and permissions.`, {
      file: this.file,
    }, { cause: err });
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
