/**
 * `file:` store: a snapshot plus an append-only journal (the idea of Optuna's JournalStorage).
 *
 *   <file>          snapshot: one compact JSON document (`TraceDocument`, version 2) that names the
 *                   journal generation continuing it: `"journal": {"generation": g}`.
 *   <file>.journal  first line `{"format":"metatune-trace-journal","generation":g}`, then one line
 *                   `{"ops":[…]}` per acknowledged mutation (`DocumentOp`s, replayed by the same
 *                   `applyOp` that ran them).
 *
 * Write: in-process queue → cross-process lock (proper-lockfile, `<file>.lock` directory) → read
 * what other processes appended since this process last looked (only the new bytes) → apply the
 * mutation → check the lock is still ours and neither file changed → append one line (fsync'd
 * with `fsync: true`) → resolve → unlock. So a write costs O(its own data), not O(store), and
 * several processes on one machine never lose each other's writes.
 *
 * Crashes: a line without its trailing newline (a writer killed mid-append) was never
 * acknowledged; readers ignore it and the next writer truncates it away under the lock before it
 * appends. Everything else is replaced by renaming a complete temp file
 * (`<name>.<pid>.<random>.tmp`) into place, so no reader ever sees a torn snapshot or header.
 *
 * Compaction, under the lock, when the journal would grow past max(compactMinBytes, snapshot size)
 * (so its cost is amortised O(1) per byte written), on the first write of a store, and on the
 * first write to a version-1 file: write the whole document as snapshot generation g+1 (temp +
 * rename), then an empty journal of generation g+1 (temp + rename). A journal whose generation is
 * not the snapshot's is stale — a crash between the two renames; its content is in the snapshot —
 * and is ignored by readers and replaced by the next writer. A reader that meets a journal newer
 * than the snapshot it read raced with a compaction and reads again.
 *
 * Reads: the parsed document is cached with the snapshot's stat signature and the journal's
 * inode and the byte offset read so far; when only the journal grew, just the new lines are read
 * and applied. A new snapshot (a compaction) means a full reload.
 *
 * A holder blocked for longer than `lockStaleMs` (a stopped process, a huge synchronous parse)
 * loses its lock to the next writer. The check just before appending or renaming (lock reported
 * compromised, lock directory replaced or not refreshed, snapshot or journal changed since they
 * were read under the lock) makes such a holder abort with STORE_LOCK_LOST instead of writing
 * over another writer's acknowledged write.
 *
 * Durability: an acknowledged write is in the file system (it survives the process). Without
 * `fsync: true` a power loss can lose the last writes, or leave a truncated snapshot.
 *
 * The plugin keeps its name, but lowdb itself is no longer used: its adapters read and write one
 * whole document, and this store appends.
 */
import { mkdir, open, rename, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { EnvironmentError, MetatuneError, ValidationError } from '../../src/core/errors.js';
import {
  DOCUMENT_FORMAT,
  DOCUMENT_VERSION,
  DocumentTraceStore,
  applyOps,
  emptyDocument,
  type DocumentOp,
  type MutationResult,
  type TraceDocument,
} from '../../src/traces/document-store.js';
import { removeAbandonedTempFiles, removeTempFile, writeAll, writeTempFile } from './temp-file.js';

export interface LowdbStoreArgs {
  /** Absolute path of the snapshot file; the journal is `<file>.journal`. */
  readonly file: string;
  /** URL reported by `store.url`. Defaults to `file:<file>`. */
  readonly url?: string;
  /** A lock whose holder has not refreshed it for this long is taken over (its process died). Defaults to 10000 ms (minimum 2000). */
  readonly lockStaleMs?: number;
  /** How long a write waits for the lock before failing with `STORE_LOCKED`. Defaults to 120000 ms. */
  readonly lockTimeoutMs?: number;
  /** fsync each journal append and each temp file before its rename (survives power loss; costs write latency, see README). Defaults to false. */
  readonly fsync?: boolean;
  /** Compact when the journal would grow past max(this, the snapshot's size) bytes. Defaults to 8 MiB. */
  readonly compactMinBytes?: number;
}

/** A lock this process holds: how to release it, and what tells whether it is still ours. */
interface HeldLock {
  release(): Promise<void>;
  /** Set by proper-lockfile when its refresh found the lock taken over. */
  compromised(): Error | undefined;
  /** Inode and birth time of the lock directory this process created. */
  readonly identity: string;
}

/** The journal file as last seen. */
interface JournalState {
  readonly ino: string;
  /** Its header's generation; undefined when it has no complete first line (nothing in it was acknowledged). */
  readonly generation: number | undefined;
  /** Its generation is the snapshot's: its lines are part of the document. */
  readonly live: boolean;
  /** Bytes up to the end of the last complete line read (the header included). */
  offset: number;
  /** Complete lines read (the header is line 1). */
  lines: number;
  /** Size of the file when it was last read (a torn tail beyond `offset` included). */
  size: number;
  /** stat signature (inode, size, mtime, ctime) of the file when it was last read or written. */
  signature: string;
}

/** The document and where it was read from. */
interface FileState {
  /** stat signature of the snapshot it was read from ('missing': none). */
  snapshot: string;
  snapshotBytes: number;
  /** The snapshot's journal generation (0: version 1 or no snapshot). */
  generation: number;
  version: number;
  journal: JournalState | undefined;
  doc: TraceDocument;
}

export const JOURNAL_FORMAT = 'metatune-trace-journal';

/** Temp files older than this, of a live pid, are another run's leftovers (a write takes far less). */
const ABANDONED_TEMP_MS = 10 * 60_000;
const DEFAULT_COMPACT_MIN_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;

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

interface Stat {
  readonly signature: string;
  readonly ino: string;
  readonly size: number;
}

function statOf(s: import('node:fs').BigIntStats): Stat {
  return { signature: `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`, ino: String(s.ino), size: Number(s.size) };
}

async function statPath(path: string): Promise<Stat | undefined> {
  try {
    return statOf(await stat(path, { bigint: true }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function openForReading(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function readRange(fh: FileHandle, from: number, to: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(Math.max(0, to - from));
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, from + done);
    if (bytesRead === 0) break; // truncated meanwhile: what is there
    done += bytesRead;
  }
  return done === buf.length ? buf : buf.subarray(0, done);
}

/** The complete lines of `buf` (each ends with '\n'; a torn tail is left out) and the bytes they take. */
function completeLines(buf: Buffer): { lines: string[]; bytes: number } {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(NEWLINE, start);
    if (nl < 0) break;
    lines.push(buf.toString('utf8', start, nl));
    start = nl + 1;
  }
  return { lines, bytes: start };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A well-formed op (shape only: the records were checked when they were first written). */
function isOp(op: unknown): op is DocumentOp {
  if (!isObject(op)) return false;
  switch (op.op) {
    case 'put':
      return isObject(op.run) && typeof op.run.id === 'string';
    case 'delete':
      return Array.isArray(op.ids) && op.ids.every((id) => typeof id === 'string');
    case 'dedupe':
      return typeof op.key === 'string' && (op.id === null || typeof op.id === 'string');
    case 'policy':
      return typeof op.name === 'string' && 'value' in op;
    case 'append':
      return typeof op.id === 'string' && typeof op.updatedAt === 'string' && (op.epochs === undefined || Array.isArray(op.epochs)) && (op.batches === undefined || Array.isArray(op.batches));
    default:
      return false;
  }
}

function journalHeader(generation: number): string {
  return `${JSON.stringify({ format: JOURNAL_FORMAT, generation })}\n`;
}

export class LowdbTraceStore extends DocumentTraceStore {
  readonly url: string;
  readonly file: string;
  /** The journal that continues the snapshot. */
  readonly journalFile: string;
  readonly #lockStaleMs: number;
  readonly #lockTimeoutMs: number;
  readonly #fsync: boolean;
  readonly #compactMinBytes: number;
  #cache: FileState | undefined;
  readonly #reads = { fullLoads: 0, journalBytesRead: 0 };
  /** Loads and cache updates of this handle, one at a time (two concurrent loads must not both apply the same new lines). */
  #serialTail: Promise<unknown> = Promise.resolve();

  private constructor(args: LowdbStoreArgs) {
    super();
    this.file = args.file;
    this.journalFile = `${args.file}.journal`;
    this.url = args.url ?? `file:${args.file}`;
    this.#lockStaleMs = Math.max(2000, args.lockStaleMs ?? 10000);
    this.#lockTimeoutMs = args.lockTimeoutMs ?? 120000;
    this.#fsync = args.fsync ?? false;
    this.#compactMinBytes = Math.max(0, args.compactMinBytes ?? DEFAULT_COMPACT_MIN_BYTES);
  }

  /** Checks that an existing store is readable and of a known version. Creates nothing. */
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
    await removeAbandonedTempFiles(store.journalFile, ABANDONED_TEMP_MS);
    return store;
  }

  #serial<R>(task: () => Promise<R>): Promise<R> {
    const run = this.#serialTail.then(task, task);
    this.#serialTail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Diagnostics (tests, benchmarks): full loads (snapshot + whole journal) and journal bytes read incrementally, by this handle. */
  readStats(): { readonly fullLoads: number; readonly journalBytesRead: number } {
    return { ...this.#reads };
  }

  protected readDocument(): Promise<TraceDocument> {
    return this.#serial(() => this.#load()).then((s) => s.doc);
  }

  /** The current document: the cached one brought up to date (new journal lines only), or a full reload. */
  async #load(): Promise<FileState> {
    try {
      return await this.#loadOrThrow();
    } catch (err) {
      // A failed load may have applied some lines without moving the offset: read from scratch next time.
      this.#cache = undefined;
      throw err;
    }
  }

  async #loadOrThrow(): Promise<FileState> {
    const cached = this.#cache;
    if (cached) {
      const snapshot = await statPath(this.file);
      if ((snapshot?.signature ?? 'missing') === cached.snapshot) {
        const journal = await statPath(this.journalFile);
        const seen = cached.journal;
        if (!journal && !seen) return cached;
        if (journal && seen && journal.signature === seen.signature) return cached;
        if (journal && seen?.live && journal.ino === seen.ino && journal.size >= seen.offset) {
          if (await this.#readNewLines(cached)) return cached;
        }
      }
    }
    this.#cache = undefined;
    this.#cache = await this.#reload();
    return this.#cache;
  }

  /** Applies the lines appended to the live journal since it was last read. False: it is not the same file any more. */
  async #readNewLines(state: FileState): Promise<boolean> {
    const journal = state.journal!;
    const fh = await openForReading(this.journalFile);
    if (!fh) return false;
    try {
      const now = statOf(await fh.stat({ bigint: true }));
      if (now.ino !== journal.ino || now.size < journal.offset) return false;
      if (now.size > journal.offset) {
        const { lines, bytes } = completeLines(await readRange(fh, journal.offset, now.size));
        this.#reads.journalBytesRead += now.size - journal.offset;
        this.#applyLines(state.doc, lines, journal.lines);
        journal.offset += bytes;
        journal.lines += lines.length;
      }
      journal.size = now.size;
      journal.signature = now.signature;
      return true;
    } finally {
      await fh.close();
    }
  }

  /** Parses and applies journal lines; `before` = complete lines before them (for the line number in errors). */
  #applyLines(doc: TraceDocument, lines: readonly string[], before: number): void {
    lines.forEach((line, i) => {
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch (err) {
        throw this.#corruptLine(before + i + 1, `is not valid JSON (${(err as Error).message})`, err);
      }
      if (!isObject(entry) || !Array.isArray(entry.ops) || !entry.ops.every(isOp)) {
        throw this.#corruptLine(before + i + 1, 'is JSON but not a list of store operations ({"ops": [...]})');
      }
      applyOps(doc, entry.ops as DocumentOp[]);
    });
  }

  #corruptLine(line: number, problem: string, cause?: unknown): EnvironmentError {
    return new EnvironmentError(
      'STORE_CORRUPT',
      `Line ${line} of the store journal ${this.journalFile} ${problem}. Lines are only ever appended whole, so the file was changed by another ` +
        `program or damaged: restore the store (${this.file} and ${this.journalFile}) from a backup, or cut the journal before that line to ` +
        `keep what precedes it.`,
      { file: this.journalFile, line },
      cause === undefined ? {} : { cause },
    );
  }

  /** Snapshot + journal from scratch. */
  async #reload(): Promise<FileState> {
    this.#reads.fullLoads++;
    for (let attempt = 0; ; attempt++) {
      const snap = await this.#readSnapshot();
      const state: FileState = { snapshot: snap?.stat.signature ?? 'missing', snapshotBytes: snap?.stat.size ?? 0, generation: 0, version: DOCUMENT_VERSION, journal: undefined, doc: emptyDocument() };
      if (snap) {
        state.doc = snap.doc;
        state.version = snap.doc.version;
        state.generation = snap.doc.journal?.generation ?? 0;
      }
      const fh = await openForReading(this.journalFile);
      if (!fh) return state;
      try {
        const now = statOf(await fh.stat({ bigint: true }));
        const buf = await readRange(fh, 0, now.size);
        const { lines, bytes } = completeLines(buf);
        const generation = lines.length ? this.#headerGeneration(lines[0]!) : undefined;
        // A snapshot of generation 0 (none, or version 1) has no journal: one found is a leftover.
        const live = generation !== undefined && state.generation > 0 && generation === state.generation;
        if (generation !== undefined && generation > state.generation && attempt < 20) {
          // A compaction renamed a new snapshot after this process read the old one: read again.
          const current = await statPath(this.file);
          if ((current?.signature ?? 'missing') !== state.snapshot) continue;
        }
        state.journal = {
          signature: now.signature,
          ino: now.ino,
          generation,
          live,
          offset: live ? bytes : 0,
          lines: live ? lines.length : 0,
          size: now.size,
        };
        if (live) this.#applyLines(state.doc, lines.slice(1), 1);
        return state;
      } finally {
        await fh.close();
      }
    }
  }

  #headerGeneration(line: string): number {
    let header: unknown;
    try {
      header = JSON.parse(line);
    } catch (err) {
      throw this.#corruptLine(1, `is not a journal header (${(err as Error).message})`, err);
    }
    if (!isObject(header) || header.format !== JOURNAL_FORMAT || !Number.isSafeInteger(header.generation) || (header.generation as number) < 1) {
      throw this.#corruptLine(1, `is not a journal header ({"format": "${JOURNAL_FORMAT}", "generation": <n>})`);
    }
    return header.generation as number;
  }

  /** The parsed snapshot and the stat of the file it was read from; undefined when there is none. */
  async #readSnapshot(): Promise<{ stat: Stat; doc: TraceDocument } | undefined> {
    const fh = await openForReading(this.file);
    if (!fh) return undefined;
    let text: string;
    let fileStat: Stat;
    try {
      fileStat = statOf(await fh.stat({ bigint: true }));
      text = (await readRange(fh, 0, fileStat.size)).toString('utf8');
    } finally {
      await fh.close();
    }
    let parsed: unknown;
    try {
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
    if (doc.version >= 2 && !(isObject(doc.journal) && Number.isSafeInteger(doc.journal.generation) && doc.journal.generation >= 1)) {
      throw new EnvironmentError(
        'STORE_CORRUPT',
        `The store file ${this.file} has format version ${doc.version} but no journal generation ("journal": {"generation": <n>}). Restore it from a backup, or move it away to start a new store.`,
        { file: this.file },
      );
    }
    return { stat: fileStat, doc: doc as TraceDocument };
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
   * Why the lock may no longer be ours (undefined: it is, and stays ours for the next append or
   * rename). Other processes take a lock over once its mtime is older than `stale`; proper-lockfile
   * refreshes it every stale/2 but only learns of a takeover at its next refresh, which a blocked
   * process runs late. `snapshot` and `journal` are the signatures read under the lock.
   */
  async #lockLost(lock: HeldLock, snapshot: string, journal: string): Promise<string | undefined> {
    const compromised = lock.compromised();
    if (compromised) return `the lock was reported compromised (${compromised.message})`;
    const now = await this.#lockIdentity();
    if (!now) return `the lock directory ${this.#lockPath} is gone (another process took it over and released it)`;
    if (now.identity !== lock.identity) return `the lock directory ${this.#lockPath} was re-created by another process`;
    // Leave a margin so that nobody can take the lock between this check and the write.
    const age = Date.now() - now.mtimeMs;
    if (age > this.#lockStaleMs - Math.min(1000, this.#lockStaleMs / 4)) return `the lock was last refreshed ${age} ms ago (stale after ${this.#lockStaleMs} ms)`;
    const snapshotNow = (await statPath(this.file))?.signature ?? 'missing';
    if (snapshotNow !== snapshot) return `the store file changed since this process read it (${snapshot} → ${snapshotNow})`;
    const journalNow = (await statPath(this.journalFile))?.signature ?? 'missing';
    if (journalNow !== journal) return `the store journal changed since this process read it (${journal} → ${journalNow})`;
    return undefined;
  }

  async #checkLock(lock: HeldLock, snapshot: string, journal: string, cleanup?: string): Promise<void> {
    const lost = await this.#lockLost(lock, snapshot, journal).catch((err: Error) => `checking the lock failed (${err.message})`);
    if (lost === undefined) return;
    if (cleanup) await removeTempFile(cleanup);
    throw new EnvironmentError(
      'STORE_LOCK_LOST',
      `Another process may have taken over the lock on ${this.file} while this process was writing: ${lost}. ` +
        `Nothing was written (no other process's write was overwritten); re-run the write. This happens when a process is blocked ` +
        `for more than ${this.#lockStaleMs} ms; for corpora this large consider a Postgres store.`,
      { file: this.file, reason: lost },
    );
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
    return this.#underLock(async (lock) => {
      const state = await this.#load();
      // fn throws before it applies an op (the cache stays right) or returns the ops it applied.
      const result = fn(state.doc);
      if (result.ops.length > 0) await this.#persisting(() => this.#persist(lock, state, result.ops));
      return result.value;
    });
  }

  /**
   * Rewrites the snapshot from the current document and starts an empty journal (what a write does
   * by itself when the journal has grown past max(compactMinBytes, snapshot size)).
   */
  async compact(): Promise<void> {
    await this.#underLock(async (lock) => {
      const state = await this.#load();
      await this.#persisting(() => this.#compact(lock, state));
    });
  }

  /** Runs a write of the cached document; when it fails, the cache (which holds the unwritten ops) is dropped. */
  async #persisting(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.#cache = undefined;
      throw err;
    }
  }

  /** Queue → lock → task (this handle's reads wait for it) → unlock. */
  #underLock<R>(task: (lock: HeldLock) => Promise<R>): Promise<R> {
    return enqueue(this.file, async () => {
      this.checkOpen();
      await this.#ensureDir();
      const lock = await this.#lock();
      let value: R;
      try {
        value = await this.#serial(() => task(lock));
      } catch (err) {
        await lock.release().catch(() => undefined);
        throw err;
      }
      await lock.release();
      return value;
    });
  }

  /** Persists ops already applied to `state.doc`: one appended line, a fresh journal, or a compaction. */
  async #persist(lock: HeldLock, state: FileState, ops: readonly DocumentOp[]): Promise<void> {
    const journal = state.journal;
    if (state.snapshot === 'missing' || state.version < DOCUMENT_VERSION) return this.#compact(lock, state);
    const line = Buffer.from(`${JSON.stringify({ ops })}\n`, 'utf8');
    if (!journal?.live) return this.#freshJournal(lock, state, line);
    if (journal.offset + line.length > Math.max(this.#compactMinBytes, state.snapshotBytes)) return this.#compact(lock, state);
    await this.#checkLock(lock, state.snapshot, journal.signature);
    let fh: FileHandle;
    try {
      fh = await open(this.journalFile, 'r+');
    } catch (err) {
      throw this.#writeFailed(err, this.journalFile);
    }
    try {
      // A torn last line (a writer killed mid-append) was never acknowledged: cut it off first.
      if (journal.size > journal.offset) await fh.truncate(journal.offset);
      await writeAll(fh, line, journal.offset);
      if (this.#fsync) await fh.datasync();
      const now = statOf(await fh.stat({ bigint: true }));
      journal.offset += line.length;
      journal.lines += 1;
      journal.size = now.size;
      journal.signature = now.signature;
    } catch (err) {
      throw this.#writeFailed(err, this.journalFile);
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  /**
   * Replaces `target` with `text`: a temp file of its own, the lock checked still ours (snapshot and
   * journal as `state` read them), then the rename. Throws STORE_WRITE_FAILED / STORE_LOCK_LOST and
   * leaves no temp file behind.
   */
  async #replaceFile(lock: HeldLock, state: FileState, target: string, text: string | Iterable<string>): Promise<void> {
    let temp: string;
    try {
      temp = await writeTempFile(target, text, { fsync: this.#fsync });
    } catch (err) {
      throw this.#writeFailed(err, target);
    }
    await this.#checkLock(lock, state.snapshot, state.journal?.signature ?? 'missing', temp);
    try {
      await rename(temp, target);
    } catch (err) {
      await removeTempFile(temp);
      throw this.#writeFailed(err, target);
    }
  }

  /** No journal continues the snapshot (none yet, or a stale one): rename a new one, holding `line`, into place. */
  async #freshJournal(lock: HeldLock, state: FileState, line: Buffer): Promise<void> {
    const header = journalHeader(state.generation);
    await this.#replaceFile(lock, state, this.journalFile, [header, line.toString('utf8')]);
    const now = (await statPath(this.journalFile))!;
    const bytes = Buffer.byteLength(header) + line.length;
    state.journal = { signature: now.signature, ino: now.ino, generation: state.generation, live: true, offset: bytes, lines: 2, size: now.size };
  }

  /**
   * Snapshot generation g+1 holding the whole document, then an empty journal of generation g+1.
   * A crash between the two renames leaves the old journal, now stale (its content is in the snapshot).
   */
  async #compact(lock: HeldLock, state: FileState): Promise<void> {
    const generation = Math.max(state.generation, state.journal?.generation ?? 0) + 1;
    const doc = state.doc;
    await this.#replaceFile(lock, state, this.file, snapshotPieces(doc, generation));
    // The write is done (the snapshot holds it); the rest only replaces the journal.
    doc.version = DOCUMENT_VERSION;
    doc.journal = { generation };
    const snapshot = (await statPath(this.file))!;
    state.snapshot = snapshot.signature;
    state.snapshotBytes = snapshot.size;
    state.generation = generation;
    state.version = DOCUMENT_VERSION;
    if (state.journal) state.journal = { ...state.journal, live: false, offset: 0, lines: 0 };
    const header = journalHeader(generation);
    try {
      await this.#replaceFile(lock, state, this.journalFile, header);
    } catch {
      // Left as it is, the old journal is stale and ignored; the next writer replaces it.
      return;
    }
    const now = (await statPath(this.journalFile))!;
    const bytes = Buffer.byteLength(header);
    state.journal = { signature: now.signature, ino: now.ino, generation, live: true, offset: bytes, lines: 1, size: now.size };
  }

  #writeFailed(err: unknown, file: string): EnvironmentError {
    if (err instanceof MetatuneError) return err as EnvironmentError;
    return new EnvironmentError('STORE_WRITE_FAILED', `Writing the store file ${file} failed: ${(err as Error).message}. Check free disk space and permissions.`, {
      file,
    }, { cause: err });
  }

  /** Snapshot plus journal. */
  protected async sizeInBytes(): Promise<number | undefined> {
    const [snapshot, journal] = await Promise.all([statPath(this.file).catch(() => undefined), statPath(this.journalFile).catch(() => undefined)]);
    return (snapshot?.size ?? 0) + (journal?.size ?? 0);
  }

  protected async closeStore(): Promise<void> {
    this.#cache = undefined;
  }
}

/** The snapshot text in pieces (one per run), so a large store never becomes one string. */
function* snapshotPieces(doc: TraceDocument, generation: number): Generator<string> {
  yield `{"format":${JSON.stringify(DOCUMENT_FORMAT)},"version":${DOCUMENT_VERSION},"journal":{"generation":${generation}},"runs":[`;
  for (let i = 0; i < doc.runs.length; i++) yield (i ? ',' : '') + JSON.stringify(doc.runs[i]);
  yield `],"dedupe":${JSON.stringify(doc.dedupe)},"policies":${JSON.stringify(doc.policies)}}`;
}
