/**
 * Runs importers over paths, globs and directories: expands them (fast-glob), sniffs each file's
 * format (`--format auto`) or uses the one given, streams the runs into a TraceStore with
 * `importRun` (idempotent by provenance) and counts what happened. Files that are no log of any
 * known format are listed as skipped, not treated as errors.
 */
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import fg from 'fast-glob';
import { MetatuneError, NotFoundError, ValidationError } from '../core/errors.js';
import type { ImportResult, RestoreResult, TraceStore } from './store.js';
import type { TaskRef } from './trace.js';
import type { ImportRejection, ImportedPolicy, ImportedRecord, ImportedTrace, Importer } from './importer.js';
import { HEAD_BYTES } from './import-support.js';

export interface ImportRunArgs {
  /** Files, directories (walked recursively) or glob patterns. */
  readonly paths: readonly string[];
  /** Every importer that can be used (from the plugins). */
  readonly importers: readonly Importer[];
  /** `auto` (sniff each file) or an importer id. Defaults to `auto`. */
  readonly format?: string;
  /** Where runs go. Required unless `dryRun`. */
  readonly store?: TraceStore;
  /** Read and validate everything, write nothing. Defaults to false. */
  readonly dryRun?: boolean;
  /** Task every imported run belongs to. Defaults to one derived per source by each importer. */
  readonly task?: TaskRef;
  /** Progress: total bytes once the files are known, then bytes as they are read. */
  readonly onStart?: (info: { files: number; totalBytes: number }) => void;
  readonly onBytes?: (bytes: number) => void;
  /** Base directory for relative paths and globs. Defaults to `process.cwd()`. */
  readonly cwd?: string;
  /**
   * Replace what an earlier import stored from the same source (a fixed log: same importer, file and
   * source key; an interchange record: same id) instead of adding a run / reporting RUN_CONFLICT.
   * Defaults to false (runs stored `incomplete` are replaced anyway). With it, runs an earlier
   * import took from a re-imported log file that the file no longer yields (a fixed JSONL holding
   * fewer runs) are deleted — only for files read without any rejection, so a bad line never costs
   * a stored run.
   */
  readonly replace?: boolean;
  /** Runs written per store call (one journal line of the file store / one transaction). Defaults to 500. */
  readonly batchRuns?: number;
  /** A batch is also written once it holds this many epochs. Defaults to 100,000. */
  readonly batchEpochs?: number;
}

export const DEFAULT_BATCH_RUNS = 500;
export const DEFAULT_BATCH_EPOCHS = 100_000;
const TRACES_IMPORTER = 'metatune-traces';

export interface ImportedRunInfo {
  readonly id: string;
  readonly duplicate: boolean;
  readonly file: string;
  readonly importer: string;
  readonly sourceKey: string;
  readonly epochs: number;
}

/** Rejections kept in detail; the rest are only counted. */
export const MAX_KEPT_REJECTIONS = 1000;

export interface ImportSummary {
  readonly files: number;
  readonly bytes: number;
  readonly imported: number;
  /** Of `imported`: runs that replaced the run stored from the same source (an `incomplete` one, or any with `--replace`). */
  readonly replaced: number;
  /** With `replace`: runs deleted because the re-imported file they came from no longer yields them. */
  readonly removed: number;
  readonly duplicates: number;
  readonly epochs: number;
  readonly runs: ImportedRunInfo[];
  /** The first `MAX_KEPT_REJECTIONS` rejections in detail (a corrupt 1 GB file must not fill memory with them). */
  readonly rejected: ImportRejection[];
  /** How many records were rejected in all. */
  readonly rejectedCount: number;
  /** Files that no importer recognised. */
  readonly skipped: string[];
  /** Files per importer id. */
  readonly byFormat: Record<string, number>;
}

/**
 * Reads the first bytes of a file into `scratch` (one 64 KiB buffer reused for every file) and
 * returns a copy of exactly the bytes read. Every head is kept until its file is imported, so a
 * `subarray` of a fresh 64 KiB allocation would hold 64 KiB per file (6.4 GB for 100,000 files);
 * `allocUnsafeSlow` keeps small heads out of Node's shared 8 KiB pool, which a tiny head would pin too.
 */
async function readHead(path: string, scratch: Buffer): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const { bytesRead } = await fh.read(scratch as unknown as Uint8Array, 0, HEAD_BYTES, 0);
    const head = Buffer.allocUnsafeSlow(bytesRead);
    scratch.copy(head as unknown as Uint8Array, 0, 0, bytesRead);
    return head;
  } finally {
    await fh.close();
  }
}

/** Marks an error thrown by the store, so the per-file catch lets it through instead of blaming the file. */
class StoreFailure extends Error {
  constructor(readonly error: unknown) {
    super('store failure', { cause: error });
  }
}

/**
 * A store failure in the middle of an import: the store's own code (STORE_CONNECTION_LOST,
 * STORE_UNREACHABLE, STORE_LOCKED, …), with what was already committed — whole runs, since each
 * batch is one transaction / one atomic file write — and how to complete it.
 */
function storeFailed(err: unknown, runs: readonly ImportedRunInfo[]): unknown {
  if (!(err instanceof MetatuneError)) return err;
  const committed = runs.filter((r) => !r.duplicate).length;
  const already = runs.length - committed;
  return new (err.constructor as typeof MetatuneError)(
    err.code,
    `${err.message.replace(/\.?\s*$/, '.')} The import stopped there: ${committed} run(s) were committed before the failure (whole runs: a run is stored completely or not at all)` +
      `${already ? `, ${already} were already in the store` : ''}. Re-running the same import completes it (stored runs are skipped as duplicates).`,
    { ...err.details, committed, alreadyStored: already },
    { cause: err },
  );
}

/** Expands paths/dirs/globs into sorted absolute file paths; `explicit` marks files named directly. */
export async function expandPaths(paths: readonly string[], cwd = process.cwd()): Promise<{ files: string[]; explicit: Set<string> }> {
  const files = new Set<string>();
  const explicit = new Set<string>();
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const st = await stat(abs).catch(() => undefined);
    if (st?.isFile()) {
      files.add(abs);
      explicit.add(abs);
      continue;
    }
    const matches = st?.isDirectory()
      ? await fg('**/*', { cwd: abs, absolute: true, onlyFiles: true, dot: false, followSymbolicLinks: false })
      : fg.isDynamicPattern(p)
        ? await fg(p, { cwd, absolute: true, onlyFiles: true, dot: false })
        : undefined;
    if (matches === undefined) {
      throw new NotFoundError('IMPORT_PATH_NOT_FOUND', `No file, directory or glob match at "${p}". Check the path (relative paths start at ${cwd}).`, { path: p });
    }
    for (const m of matches) files.add(resolve(m));
  }
  return { files: [...files].sort(), explicit };
}

export async function runImport(args: ImportRunArgs): Promise<ImportSummary> {
  const format = args.format ?? 'auto';
  const dryRun = args.dryRun ?? false;
  if (!dryRun && !args.store) throw new MetatuneError('STORE_REQUIRED', 'runImport needs a `store` unless `dryRun` is set.');
  let forced: Importer | undefined;
  if (format !== 'auto') {
    forced = args.importers.find((i) => i.id === format);
    if (!forced) {
      throw new NotFoundError('UNKNOWN_IMPORT_FORMAT', `Unknown import format "${format}". Valid choices: auto, ${args.importers.map((i) => i.id).sort().join(', ')}.`, {
        format,
        choices: args.importers.map((i) => i.id),
      });
    }
  }
  const { files, explicit } = await expandPaths(args.paths, args.cwd);

  // Sniff every file first: importers of multi-file formats need to know their peers.
  const assigned: Array<{ path: string; head: Buffer; importer: Importer }> = [];
  const skipped: string[] = [];
  let totalBytes = 0;
  const scratch = Buffer.allocUnsafeSlow(HEAD_BYTES);
  for (const path of files) {
    const head = await readHead(path, scratch);
    const importer = forced
      ? explicit.has(path) || safeSniff(forced, path, head)
        ? forced
        : undefined
      : args.importers.find((i) => safeSniff(i, path, head));
    if (!importer) {
      skipped.push(path);
      continue;
    }
    assigned.push({ path, head, importer });
    totalBytes += (await stat(path)).size;
  }
  args.onStart?.({ files: assigned.length, totalBytes });
  const peers = new Map<string, string[]>();
  for (const a of assigned) {
    const list = peers.get(a.importer.id) ?? [];
    list.push(a.path);
    peers.set(a.importer.id, list);
  }

  const runs: ImportedRunInfo[] = [];
  const rejected: ImportRejection[] = [];
  let rejectedCount = 0;
  const reject = (r: ImportRejection) => {
    rejectedCount++;
    if (rejected.length < MAX_KEPT_REJECTIONS) rejected.push(r);
  };
  const byFormat: Record<string, number> = {};
  let epochs = 0;
  let replaced = 0;
  const batchRuns = Math.max(1, args.batchRuns ?? DEFAULT_BATCH_RUNS);
  const batchEpochs = Math.max(1, args.batchEpochs ?? DEFAULT_BATCH_EPOCHS);
  const store = args.store;
  let pendingRuns: ImportedTrace[] = [];
  let pendingRecords: ImportedRecord[] = [];
  let pendingPolicies: ImportedPolicy[] = [];
  let pendingEpochs = 0;

  const rejectRun = (run: ImportedTrace, err: MetatuneError) =>
    reject({ kind: 'rejection', file: run.provenance.file, ...(run.provenance.line !== undefined ? { line: run.provenance.line } : {}), field: String(err.details.pointer ?? 'run'), expected: 'a run the store accepts', found: err.message, code: err.code });
  const ranRun = (run: ImportedTrace, result: ImportResult) => {
    const n = run.epochs?.length ?? 0;
    runs.push({ id: result.id, duplicate: result.duplicate, file: run.provenance.file, importer: run.provenance.importer, sourceKey: run.provenance.sourceKey, epochs: n });
    if (!result.duplicate) epochs += n;
    if (result.replaced) replaced++;
  };
  const ranRecord = (ev: ImportedRecord, result: RestoreResult) => {
    const n = ev.record.epochs.length;
    if (result.outcome === 'conflict') {
      reject({ kind: 'rejection', file: ev.file, line: ev.line, field: 'trace/id', expected: `a run id the store does not hold with other content (pass --replace to overwrite run ${ev.record.id})`, found: `run ${JSON.stringify(ev.record.id)} already stored with different content`, code: 'RUN_CONFLICT' });
      return;
    }
    const duplicate = result.outcome === 'unchanged' || result.outcome === 'duplicate';
    runs.push({ id: result.existingId ?? result.id, duplicate, file: ev.file, importer: ev.record.provenance?.importer ?? TRACES_IMPORTER, sourceKey: ev.record.provenance?.sourceKey ?? ev.record.id, epochs: n });
    if (!duplicate) epochs += n;
    if (result.outcome === 'replaced') replaced++;
  };

  /** Writes what is pending: one `importRuns` and one `restoreRuns` call (one journal line / one transaction each). */
  const flush = async () => {
    const batch = pendingRuns;
    const records = pendingRecords;
    const policies = pendingPolicies;
    pendingRuns = [];
    pendingRecords = [];
    pendingPolicies = [];
    pendingEpochs = 0;
    if (dryRun) {
      for (const run of batch) ranRun(run, { id: '(dry run)', duplicate: false });
      for (const ev of records) ranRecord(ev, { id: ev.record.id, outcome: 'added' });
      return;
    }
    try {
      if (batch.length) {
        let results: ImportResult[] | undefined;
        try {
          results = await store!.importRuns(batch, args.replace ? { replace: true } : {});
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
        }
        if (results) batch.forEach((run, i) => ranRun(run, results![i]!));
        else {
          // Some run of the batch is invalid (nothing of the batch was written): find it run by run.
          for (const run of batch) {
            try {
              ranRun(run, (await store!.importRuns([run], args.replace ? { replace: true } : {}))[0]!);
            } catch (err) {
              if (!(err instanceof ValidationError)) throw err;
              rejectRun(run, err);
            }
          }
        }
      }
      if (records.length) {
        const options = args.replace ? { replace: true } : {};
        let results: RestoreResult[] | undefined;
        try {
          results = await store!.restoreRuns(records.map((r) => r.record), options);
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
        }
        if (results) records.forEach((ev, i) => ranRecord(ev, results![i]!));
        else {
          for (const ev of records) {
            try {
              ranRecord(ev, (await store!.restoreRuns([ev.record], options))[0]!);
            } catch (err) {
              if (!(err instanceof ValidationError)) throw err;
              reject({ kind: 'rejection', file: ev.file, line: ev.line, field: `trace${String(err.details.pointer ?? '')}`, expected: 'a run the store accepts', found: err.message, code: err.code });
            }
          }
        }
      }
      for (const p of policies) await store!.putPolicy(p.name, p.artifact);
    } catch (err) {
      // Store down, locked or misconfigured: stop the import, do not report every file as unreadable.
      throw new StoreFailure(err);
    }
  };

  /** Files (by importer) that were read without a rejection: with `replace`, their stale runs go. */
  const cleanFiles = new Map<string, Set<string>>();
  try {
    for (const a of assigned) {
      byFormat[a.importer.id] = (byFormat[a.importer.id] ?? 0) + 1;
      const rejectedBefore = rejectedCount;
      const ctx = { peers: peers.get(a.importer.id)!, ...(args.task ? { task: args.task } : {}), ...(args.onBytes ? { onBytes: args.onBytes } : {}) };
      try {
        for await (const ev of a.importer.import({ path: a.path, head: a.head }, ctx)) {
          if (ev.kind === 'rejection') {
            reject(ev);
            continue;
          }
          if (ev.kind === 'run') {
            pendingRuns.push(ev.run);
            pendingEpochs += ev.run.epochs?.length ?? 0;
          } else if (ev.kind === 'record') {
            pendingRecords.push(ev);
            pendingEpochs += ev.record.epochs.length;
          } else if (ev.kind === 'policy') {
            pendingPolicies.push(ev);
          }
          if (pendingRuns.length + pendingRecords.length >= batchRuns || pendingEpochs >= batchEpochs) await flush();
        }
      } catch (err) {
        if (err instanceof StoreFailure) throw err;
        if (!(err instanceof MetatuneError) && !isReadError(err)) throw err;
        reject({ kind: 'rejection', file: a.path, expected: `a readable ${a.importer.id} file`, found: (err as Error).message, code: err instanceof MetatuneError ? err.code : 'READ_FAILED' });
      }
      if (rejectedCount === rejectedBefore) {
        const set = cleanFiles.get(a.importer.id) ?? new Set<string>();
        cleanFiles.set(a.importer.id, set.add(a.path));
      }
    }
    await flush();
  } catch (err) {
    if (err instanceof StoreFailure) throw storeFailed(err.error, runs);
    throw err;
  }
  const removed = args.replace && !dryRun ? await removeStaleRuns(store!, cleanFiles, runs) : 0;
  return {
    files: assigned.length,
    bytes: totalBytes,
    imported: runs.filter((r) => !r.duplicate).length,
    replaced,
    removed,
    duplicates: runs.filter((r) => r.duplicate).length,
    epochs,
    runs,
    rejected,
    rejectedCount,
    skipped,
    byFormat,
  };
}

/**
 * `import --replace` of a fixed file: the runs an earlier import stored from that file (same
 * importer, same path) that this import did not yield are stale — the fix removed them — and are
 * deleted. Interchange files are left alone: their records are identified by id, not by file.
 */
async function removeStaleRuns(store: TraceStore, cleanFiles: ReadonlyMap<string, ReadonlySet<string>>, yielded: readonly ImportedRunInfo[]): Promise<number> {
  const keep = new Set(yielded.map((r) => r.id));
  const stale: string[] = [];
  try {
    for (const [importer, files] of cleanFiles) {
      if (importer === TRACES_IMPORTER) continue;
      for await (const run of store.query({ importer })) {
        if (run.provenance && run.provenance.file !== undefined && files.has(run.provenance.file) && !keep.has(run.id)) stale.push(run.id);
      }
    }
    return stale.length ? await store.deleteRuns(stale) : 0;
  } catch (err) {
    throw storeFailed(err, yielded);
  }
}

function safeSniff(importer: Importer, path: string, head: Buffer): boolean {
  try {
    return importer.sniff({ path, head });
  } catch {
    return false; // sniff must not throw; a plugin that does is treated as "not mine"
  }
}

/** File-system calls an importer makes to read its input (and its peers). */
const READ_SYSCALLS = new Set(['open', 'read', 'close', 'fstat', 'stat', 'lstat', 'access', 'scandir', 'opendir', 'readdir', 'readlink', 'realpath']);

/**
 * An error of the importer reading its file (vanished, unreadable, a directory, EIO): that file is
 * rejected and the import goes on. Network errors (ECONNREFUSED from `connect`, …) carry other
 * syscalls and are not file problems.
 */
function isReadError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException;
  return err instanceof Error && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code) && typeof e.syscall === 'string' && READ_SYSCALLS.has(e.syscall);
}
