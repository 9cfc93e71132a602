/**
 * The TraceStore contract. Implementations: memory (`memory:`), JSON file store (`file:`, the default
 * `./.metatune/store.json`), PostgreSQL (`postgres://…`), chosen by URL with `getStore(url)`.
 *
 * Invariants (every store passes test/conformance/trace-store.test.ts):
 * - Finished runs (status other than `running`) are immutable: appending to or finishing them again
 *   throws `ValidationError` with code `RUN_FINISHED`.
 * - `appendEpochs` is idempotent per (run, epoch): re-sending an epoch replaces nothing and adds nothing
 *   when it is identical; a different record for an existing epoch throws `EPOCH_CONFLICT`.
 * - `importRun`/`importRuns` are idempotent per (provenance.importer, provenance.contentHash, provenance.sourceKey):
 *   the second import returns the first run's id with `duplicate: true`. A run stored `incomplete`
 *   is replaced in place (same id, same position) by the next import from the same (importer, file,
 *   sourceKey) with other content; with `{replace: true}` any such run is.
 * - `restoreRuns` stores records exactly (what `query` returns after it deep-equals what was given)
 *   and is idempotent by id.
 * - Returned records are deep-frozen copies: callers cannot change the store through them.
 * - A missing run throws `NotFoundError` with code `RUN_NOT_FOUND`.
 * - Once a write's promise resolves, the write survives a crash of the process (acknowledged = durable).
 * - Safe with several writer processes (file: cross-process lock; Postgres: transactions).
 */
import type { NewTrace, RunStatus, TraceEpoch, TraceOutcome, TraceRecord, TraceBatch } from './trace.js';

export interface TraceQuery {
  readonly taskId?: string;
  readonly parentDataset?: string;
  readonly modelId?: string;
  /** Native schedule family id (`cosine_decay`) or interop format class. */
  readonly scheduleFamily?: string;
  readonly status?: RunStatus | readonly RunStatus[];
  readonly importer?: string;
  /** Stop after this many records. */
  readonly limit?: number;
}

export interface StoreStats {
  readonly runs: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly tasks: number;
  readonly epochs: number;
  /** Bytes on disk where that makes sense (file store: snapshot + journal; Postgres: relation sizes). */
  readonly bytes?: number;
}

export interface ImportResult {
  readonly id: string;
  readonly duplicate: boolean;
  /** True when the run replaced the run stored from the same source location (an `incomplete` one, or any with `replace`); `id` is the replaced run's. */
  readonly replaced?: boolean;
}

export interface ImportOptions {
  /**
   * Replace the run a previous import stored from the same source location (importer, file,
   * source key) when the content differs (`metatune import --replace` after fixing a file).
   * Without it only `incomplete` runs are replaced (a log that was still being written).
   */
  readonly replace?: boolean;
}

/** What `restoreRuns` did with one record. */
export type RestoreOutcome =
  /** Stored (the id was new). */
  | 'added'
  /** The store already held this exact record (a re-run of a copy or import): nothing written. */
  | 'unchanged'
  /** The store held a different record under this id and `replace` was set: overwritten. */
  | 'replaced'
  /** The store holds a different record under this id (and `replace` was not set): nothing written. */
  | 'conflict'
  /** Another run (`existingId`) already holds the same source (importer, content hash, source key): nothing written. */
  | 'duplicate';

export interface RestoreResult {
  readonly id: string;
  readonly outcome: RestoreOutcome;
  /** For `duplicate`: the run that holds the same source. */
  readonly existingId?: string;
}

export interface RestoreOptions {
  /** Overwrite a stored run whose id matches but whose content differs. Defaults to false. */
  readonly replace?: boolean;
}

/** A correction of the task of stored runs (`metatune runs tag`). Absent fields stay as they are; `null` removes one. */
export interface TaskPatch {
  readonly id?: string;
  readonly name?: string | null;
  readonly parentDataset?: string | null;
  readonly kind?: 'classification' | 'regression' | 'unknown' | null;
}

export interface TraceStore {
  /** The URL the store was opened with (credentials redacted). */
  readonly url: string;
  createRun(run: NewTrace): Promise<TraceRecord>;
  appendEpochs(runId: string, epochs: readonly TraceEpoch[]): Promise<void>;
  appendBatches(runId: string, batches: readonly TraceBatch[]): Promise<void>;
  finishRun(runId: string, status: Exclude<RunStatus, 'running'>, outcome: TraceOutcome): Promise<TraceRecord>;
  /** Stores a complete run (an import) in one atomic write; idempotent by provenance. */
  importRun(run: NewTrace): Promise<ImportResult>;
  /**
   * `importRun` for many runs in one write (one journal line, one transaction): results in input
   * order. Every run is checked before anything is written, so a `ValidationError` means nothing
   * of the batch was stored.
   */
  importRuns(runs: readonly NewTrace[], options?: ImportOptions): Promise<ImportResult[]>;
  /**
   * Stores complete records exactly as given — id, status, timestamps, outcome, provenance — in
   * one write (the interchange import and `metatune store copy`). Idempotent by id: a record the
   * store already holds unchanged is `unchanged`; a different record under the same id is a
   * `conflict` unless `replace`. A record whose source another run already holds is `duplicate`.
   * Every record is checked (`INVALID_TRACE`) before anything is written.
   */
  restoreRuns(records: readonly TraceRecord[], options?: RestoreOptions): Promise<RestoreResult[]>;
  getRun(runId: string): Promise<TraceRecord>;
  /** Streams matching runs; never holds the whole corpus in memory (Postgres uses a cursor). */
  query(filter?: TraceQuery): AsyncIterable<TraceRecord>;
  count(filter?: TraceQuery): Promise<number>;
  stats(): Promise<StoreStats>;
  /** Policies ([4/5]): JSON artifacts by name. */
  putPolicy(name: string, artifact: unknown): Promise<void>;
  getPolicy(name: string): Promise<unknown>;
  /**
   * Deletes runs (with their epochs and batches) and forgets their sources, so the same logs can be
   * imported again. All or nothing: an unknown id throws `RUN_NOT_FOUND` before anything is deleted.
   * Returns how many runs were deleted.
   */
  deleteRuns(runIds: readonly string[]): Promise<number>;
  /**
   * Corrects the task of runs (a mistyped `--task`, a missing parent dataset), finished ones
   * included — the one change a finished run accepts; `updatedAt` is set. All or nothing
   * (`RUN_NOT_FOUND`). Returns the updated records.
   */
  retagRuns(runIds: readonly string[], patch: TaskPatch): Promise<TraceRecord[]>;
  /**
   * The full id of the run whose id is `idOrPrefix` or starts with it (git style). Throws
   * `RUN_NOT_FOUND` when none matches and `AMBIGUOUS_RUN_ID` (listing candidates) when several do.
   */
  resolveRunId(idOrPrefix: string): Promise<string>;
  /** Names of the stored policies, sorted. */
  listPolicies(): Promise<string[]>;
  close(): Promise<void>;
}
