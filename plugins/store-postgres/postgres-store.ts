/**
 * `postgres://` store. One row per run (jsonb parts + indexed filter columns), one row per epoch
 * and per batch, every mutation in one transaction with the run row locked (`FOR UPDATE`), so
 * many processes on many machines can write at once. `query` streams through a server-side
 * cursor (DECLARE / FETCH in a read-only repeatable-read transaction): memory stays bounded by
 * the fetch size however large the corpus is.
 */
import type { Pool, PoolClient } from 'pg';
import { MetatuneError, ValidationError, describeValue } from '../../src/core/errors.js';
import {
  batchConflict,
  epochConflict,
  policyNotFound,
  requirePolicyName,
  runExists,
  runFinished,
  runNotFound,
  storeClosed,
  withoutIndex,
} from '../../src/traces/document-store.js';
import {
  RUN_STATUSES,
  buildRecord,
  checkRecord,
  ambiguousRunId,
  deepFreeze,
  dedupeKey,
  patchTask,
  requireRunIds,
  sourceLocationKey,
  mergeOutcome,
  modelIdOf,
  normalizeBatches,
  normalizeEpochs,
  normalizeQuery,
  queryStatuses,
  redactUrl,
  requireImportProvenance,
  requireRunId,
  requireStatus,
  sameJson,
  scheduleFamilyOf,
  toJsonValue,
  type Mutable,
} from '../../src/traces/record-utils.js';
import type { ImportOptions, ImportResult, RestoreOptions, TaskPatch, RestoreResult, StoreStats, TraceQuery, TraceStore } from '../../src/traces/store.js';
import type { NewTrace, RunStatus, TraceBatch, TraceEpoch, TraceOutcome, TraceRecord } from '../../src/traces/trace.js';
import { connectPool, destroySocket, endPool, isConnectionFailure, mapConnectionError } from './connection.js';
import { migrate, schemaAhead, schemaBehind, schemaState } from './migrator.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';

export interface PostgresStoreArgs {
  readonly url: string;
  /** Runs fetched per cursor round trip in `query`. Defaults to 200. */
  readonly fetchSize?: number;
  /** Creates the tables when the database has none of them (a brand-new database). Defaults to true. */
  readonly initializeEmpty?: boolean;
}

interface RunRow {
  id: string;
  task: TraceRecord['task'];
  model: TraceRecord['model'] | null;
  optimizer: TraceRecord['optimizer'] | null;
  schedule: unknown;
  outcome: TraceOutcome | null;
  environment: TraceRecord['environment'] | null;
  provenance: TraceRecord['provenance'] | null;
  status: RunStatus;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  epochs: TraceEpoch[] | null;
  batches: TraceBatch[] | null;
}

/** The columns a record is read back from; epochs and batches aggregated in the same statement (one snapshot). */
const RUN_SELECT = `
  SELECT r.id, r.task, r.model, r.optimizer, r.schedule, r.outcome, r.environment, r.provenance, r.status,
         r.created_at, r.updated_at, r.finished_at,
         (SELECT jsonb_agg(e.record ORDER BY e.epoch) FROM epochs e WHERE e.run_id = r.id) AS epochs,
         (SELECT jsonb_agg(b.record ORDER BY b.step) FROM batches b WHERE b.run_id = r.id) AS batches
  FROM runs r`;

function rowToRecord(row: RunRow): TraceRecord {
  const record: Mutable<TraceRecord> = {
    id: row.id,
    task: row.task,
    epochs: row.epochs ?? [],
    status: row.status,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  if (row.model !== null) record.model = row.model;
  if (row.optimizer !== null) record.optimizer = row.optimizer;
  if (row.schedule !== null) record.schedule = row.schedule;
  if (row.batches !== null) record.batches = row.batches;
  if (row.outcome !== null) record.outcome = row.outcome;
  if (row.environment !== null) record.environment = row.environment;
  if (row.provenance !== null) record.provenance = row.provenance;
  if (row.finished_at !== null) record.finishedAt = row.finished_at.toISOString();
  return deepFreeze(record);
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** WHERE clause and parameters for a TraceQuery (every field maps to an indexed column). */
function whereClause(q: TraceQuery): { sql: string; params: unknown[] } {
  const conds: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, value: unknown) => {
    params.push(value);
    conds.push(`r.${column} = $${params.length}`);
  };
  if (q.taskId !== undefined) add('task_id', q.taskId);
  if (q.parentDataset !== undefined) add('parent_dataset', q.parentDataset);
  if (q.modelId !== undefined) add('model_id', q.modelId);
  if (q.scheduleFamily !== undefined) add('schedule_family', q.scheduleFamily);
  if (q.importer !== undefined) add('importer', q.importer);
  const statuses = queryStatuses(q);
  if (statuses) {
    params.push([...statuses]);
    conds.push(`r.status = ANY($${params.length}::text[])`);
  }
  return { sql: conds.length ? ` WHERE ${conds.join(' AND ')}` : '', params };
}

export class PostgresTraceStore implements TraceStore {
  readonly url: string;
  readonly #rawUrl: string;
  readonly #pool: Pool;
  readonly #fetchSize: number;
  #closed = false;

  private constructor(rawUrl: string, pool: Pool, fetchSize: number) {
    this.#rawUrl = rawUrl;
    this.url = redactUrl(rawUrl);
    this.#pool = pool;
    this.#fetchSize = fetchSize;
  }

  /**
   * Connects and checks the schema version: a brand-new database gets its tables; one whose
   * schema is behind throws `STORE_SCHEMA_BEHIND` (run `metatune store migrate`), one ahead
   * `STORE_SCHEMA_AHEAD`.
   */
  static async open(args: PostgresStoreArgs): Promise<PostgresTraceStore> {
    const pool = await connectPool(args.url);
    try {
      const state = await schemaState(pool);
      if (state.fresh && (args.initializeEmpty ?? true)) {
        await migrate(pool, args.url);
      } else if (state.version > LATEST_SCHEMA_VERSION) {
        throw schemaAhead(args.url, state.version);
      } else if (state.version < LATEST_SCHEMA_VERSION) {
        throw schemaBehind(args.url, state.version);
      }
    } catch (err) {
      await endPool(pool);
      throw mapConnectionError(err, args.url, 'query');
    }
    return new PostgresTraceStore(args.url, pool, args.fetchSize ?? 200);
  }

  #checkOpen(): void {
    if (this.#closed) throw storeClosed(this.url);
  }

  /** Runs `fn` in a transaction on one pooled client; connection failures become typed errors. */
  async #tx<R>(fn: (c: PoolClient) => Promise<R>): Promise<R> {
    this.#checkOpen();
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw mapConnectionError(err, this.#rawUrl);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      const mapped = mapConnectionError(err, this.#rawUrl, 'query');
      if (isConnectionFailure(mapped)) {
        // A dead or silent connection: no ROLLBACK (it would wait for query_timeout again); the
        // server rolls the transaction back when the connection goes, and the client is discarded.
        broken = mapped as Error;
        destroySocket(client);
      } else {
        await client.query('ROLLBACK').catch((e: unknown) => {
          broken = e instanceof Error ? e : new Error(String(e));
        });
      }
      throw mapped;
    } finally {
      client.release(broken);
    }
  }

  async #q<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    this.#checkOpen();
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw mapConnectionError(err, this.#rawUrl);
    }
    let broken: Error | undefined;
    try {
      return (await client.query<T & import('pg').QueryResultRow>(sql, params)).rows;
    } catch (err) {
      const mapped = mapConnectionError(err, this.#rawUrl, 'query');
      if (isConnectionFailure(mapped)) {
        broken = mapped as Error;
        destroySocket(client);
      }
      throw mapped;
    } finally {
      client.release(broken);
    }
  }

  async #insertRun(c: PoolClient, r: TraceRecord, key: string | undefined): Promise<boolean> {
    const inserted = await c.query(
      `INSERT INTO runs (id, task, model, optimizer, schedule, outcome, environment, provenance, status,
                         task_id, parent_dataset, model_id, schedule_family, importer, dedupe_key,
                         created_at, updated_at, finished_at)
       VALUES ($1, $2::jsonb, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9,
               $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT DO NOTHING`,
      [
        r.id,
        json(r.task),
        json(r.model),
        json(r.optimizer),
        json(r.schedule),
        json(r.outcome),
        json(r.environment),
        json(r.provenance),
        r.status,
        r.task.id,
        r.task.parentDataset ?? null,
        modelIdOf(r) ?? null,
        scheduleFamilyOf(r.schedule) ?? null,
        r.provenance?.importer ?? null,
        key ?? null,
        r.createdAt,
        r.updatedAt,
        r.finishedAt ?? null,
      ],
    );
    if (inserted.rowCount === 0) return false;
    await this.#insertEpochs(c, r.id, r.epochs);
    await this.#insertBatches(c, r.id, r.batches ?? []);
    return true;
  }

  async #insertEpochs(c: PoolClient, runId: string, epochs: readonly TraceEpoch[]): Promise<void> {
    if (epochs.length === 0) return;
    // One statement for all epochs: the array travels as one jsonb parameter.
    await c.query(
      `INSERT INTO epochs (run_id, epoch, record) SELECT $1, (e->>'epoch')::integer, e FROM jsonb_array_elements($2::jsonb) AS e`,
      [runId, JSON.stringify(epochs)],
    );
  }

  async #insertBatches(c: PoolClient, runId: string, batches: readonly TraceBatch[]): Promise<void> {
    if (batches.length === 0) return;
    await c.query(
      `INSERT INTO batches (run_id, step, record) SELECT $1, (b->>'step')::bigint, b FROM jsonb_array_elements($2::jsonb) AS b`,
      [runId, JSON.stringify(batches)],
    );
  }

  /** Locks the run row for the rest of the transaction and returns its status. */
  async #lockRun(c: PoolClient, runId: string): Promise<RunStatus> {
    const { rows } = await c.query<{ status: RunStatus }>('SELECT status FROM runs WHERE id = $1 FOR UPDATE', [runId]);
    if (rows.length === 0) throw runNotFound(runId, this.url);
    return rows[0].status;
  }

  async #readRun(db: Pool | PoolClient, runId: string): Promise<TraceRecord> {
    const { rows } = await db.query<RunRow>(`${RUN_SELECT} WHERE r.id = $1`, [runId]);
    if (rows.length === 0) throw runNotFound(runId, this.url);
    return rowToRecord(rows[0]);
  }

  async createRun(run: NewTrace): Promise<TraceRecord> {
    this.#checkOpen();
    const record = deepFreeze(buildRecord(run, 'running', 'createRun'));
    await this.#tx(async (c) => {
      if (!(await this.#insertRun(c, record, undefined))) throw runExists(record.id);
    });
    return record;
  }

  async appendEpochs(runId: string, epochs: readonly TraceEpoch[]): Promise<void> {
    this.#checkOpen();
    requireRunId(runId, 'appendEpochs');
    const incoming = normalizeEpochs(epochs, '/epochs', 'appendEpochs');
    await this.#tx(async (c) => {
      const status = await this.#lockRun(c, runId);
      if (status !== 'running') throw runFinished({ id: runId, status }, 'append epochs to');
      if (incoming.length === 0) return;
      const { rows } = await c.query<{ epoch: number; record: TraceEpoch }>(
        'SELECT epoch, record FROM epochs WHERE run_id = $1 AND epoch = ANY($2::integer[])',
        [runId, incoming.map((e) => e.epoch)],
      );
      const stored = new Map(rows.map((r) => [r.epoch, r.record]));
      const added: TraceEpoch[] = [];
      for (const e of incoming) {
        const prev = stored.get(e.epoch);
        if (prev === undefined) added.push(e);
        else if (!sameJson(prev, e)) throw epochConflict(runId, e.epoch, prev, e);
      }
      if (added.length === 0) return;
      await this.#insertEpochs(c, runId, added);
      await c.query('UPDATE runs SET updated_at = $2 WHERE id = $1', [runId, new Date().toISOString()]);
    });
  }

  async appendBatches(runId: string, batches: readonly TraceBatch[]): Promise<void> {
    this.#checkOpen();
    requireRunId(runId, 'appendBatches');
    const incoming = normalizeBatches(batches, '/batches', 'appendBatches');
    await this.#tx(async (c) => {
      const status = await this.#lockRun(c, runId);
      if (status !== 'running') throw runFinished({ id: runId, status }, 'append batches to');
      if (incoming.length === 0) return;
      const { rows } = await c.query<{ step: string; record: TraceBatch }>(
        'SELECT step, record FROM batches WHERE run_id = $1 AND step = ANY($2::bigint[])',
        [runId, incoming.map((b) => b.step)],
      );
      const stored = new Map(rows.map((r) => [Number(r.step), r.record]));
      const added: TraceBatch[] = [];
      for (const b of incoming) {
        const prev = stored.get(b.step);
        if (prev === undefined) added.push(b);
        else if (!sameJson(prev, b)) throw batchConflict(runId, b.step, prev, b);
      }
      if (added.length === 0) return;
      await this.#insertBatches(c, runId, added);
      await c.query('UPDATE runs SET updated_at = $2 WHERE id = $1', [runId, new Date().toISOString()]);
    });
  }

  async finishRun(runId: string, status: Exclude<RunStatus, 'running'>, outcome: TraceOutcome): Promise<TraceRecord> {
    this.#checkOpen();
    requireRunId(runId, 'finishRun');
    requireStatus(status, 'finishRun', true);
    const given = toJsonValue(outcome ?? {}, '/outcome', 'finishRun') as TraceOutcome;
    const now = new Date().toISOString();
    return this.#tx(async (c) => {
      const current = await this.#lockRun(c, runId);
      if (current !== 'running') throw runFinished({ id: runId, status: current }, 'finish');
      const { rows } = await c.query<{ record: TraceEpoch }>('SELECT record FROM epochs WHERE run_id = $1 ORDER BY epoch', [runId]);
      const merged = mergeOutcome(
        rows.map((r) => r.record),
        given,
      );
      await c.query('UPDATE runs SET status = $2, outcome = $3::jsonb, updated_at = $4, finished_at = $4 WHERE id = $1', [runId, status, json(merged), now]);
      return this.#readRun(c, runId);
    });
  }

  async importRun(run: NewTrace): Promise<ImportResult> {
    this.#checkOpen();
    requireImportProvenance(run, 'importRun');
    try {
      return (await this.importRuns([run]))[0]!;
    } catch (err) {
      throw withoutIndex(err);
    }
  }

  /** Replaces the stored run `record.id` in place (its `seq`, so its position in `query`, is kept). */
  async #updateRun(c: PoolClient, r: TraceRecord, key: string | undefined): Promise<void> {
    await c.query('DELETE FROM epochs WHERE run_id = $1', [r.id]);
    await c.query('DELETE FROM batches WHERE run_id = $1', [r.id]);
    await c.query(
      `UPDATE runs SET task = $2::jsonb, model = $3::jsonb, optimizer = $4::jsonb, schedule = $5::jsonb, outcome = $6::jsonb,
                       environment = $7::jsonb, provenance = $8::jsonb, status = $9, task_id = $10, parent_dataset = $11,
                       model_id = $12, schedule_family = $13, importer = $14, dedupe_key = $15, created_at = $16,
                       updated_at = $17, finished_at = $18
       WHERE id = $1`,
      [
        r.id,
        json(r.task),
        json(r.model),
        json(r.optimizer),
        json(r.schedule),
        json(r.outcome),
        json(r.environment),
        json(r.provenance),
        r.status,
        r.task.id,
        r.task.parentDataset ?? null,
        modelIdOf(r) ?? null,
        scheduleFamilyOf(r.schedule) ?? null,
        r.provenance?.importer ?? null,
        key ?? null,
        r.createdAt,
        r.updatedAt,
        r.finishedAt ?? null,
      ],
    );
    await this.#insertEpochs(c, r.id, r.epochs);
    await this.#insertBatches(c, r.id, r.batches ?? []);
  }

  /**
   * Inserts runs with their epochs and batches in four statements (the rows travel as one jsonb
   * parameter each; a statement per run made imports and copies round-trip bound). A run whose id
   * or dedupe key is taken (a concurrent writer) is skipped: returns the ids inserted.
   */
  async #insertRunsBulk(c: PoolClient, items: ReadonlyArray<{ readonly record: TraceRecord; readonly key: string | undefined }>): Promise<Set<string>> {
    if (items.length === 0) return new Set();
    const rows = items.map(({ key, record: r }) => ({
      id: r.id,
      task: r.task,
      model: r.model ?? null,
      optimizer: r.optimizer ?? null,
      schedule: r.schedule ?? null,
      outcome: r.outcome ?? null,
      environment: r.environment ?? null,
      provenance: r.provenance ?? null,
      status: r.status,
      task_id: r.task.id,
      parent_dataset: r.task.parentDataset ?? null,
      model_id: modelIdOf(r) ?? null,
      schedule_family: scheduleFamilyOf(r.schedule) ?? null,
      importer: r.provenance?.importer ?? null,
      dedupe_key: key ?? null,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      finished_at: r.finishedAt ?? null,
    }));
    const inserted = await c.query<{ id: string }>(
      `INSERT INTO runs (id, task, model, optimizer, schedule, outcome, environment, provenance, status,
                         task_id, parent_dataset, model_id, schedule_family, importer, dedupe_key,
                         created_at, updated_at, finished_at)
       SELECT x->>'id', x->'task', nullif(x->'model', 'null'), nullif(x->'optimizer', 'null'), nullif(x->'schedule', 'null'),
              nullif(x->'outcome', 'null'), nullif(x->'environment', 'null'), nullif(x->'provenance', 'null'), x->>'status',
              x->>'task_id', x->>'parent_dataset', x->>'model_id', x->>'schedule_family', x->>'importer', x->>'dedupe_key',
              (x->>'created_at')::timestamptz, (x->>'updated_at')::timestamptz, (x->>'finished_at')::timestamptz
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(x, n) ORDER BY n
       ON CONFLICT DO NOTHING RETURNING id`,
      [JSON.stringify(rows)],
    );
    const stored = new Set(inserted.rows.map((r) => r.id));
    const epochRows: Array<{ r: string; e: TraceEpoch }> = [];
    const batchRows: Array<{ r: string; b: TraceBatch }> = [];
    for (const { record } of items) {
      if (!stored.has(record.id)) continue;
      for (const e of record.epochs) epochRows.push({ r: record.id, e });
      for (const b of record.batches ?? []) batchRows.push({ r: record.id, b });
    }
    if (epochRows.length) {
      await c.query(`INSERT INTO epochs (run_id, epoch, record) SELECT x->>'r', (x->'e'->>'epoch')::integer, x->'e' FROM jsonb_array_elements($1::jsonb) AS x`, [JSON.stringify(epochRows)]);
    }
    if (batchRows.length) {
      await c.query(`INSERT INTO batches (run_id, step, record) SELECT x->>'r', (x->'b'->>'step')::bigint, x->'b' FROM jsonb_array_elements($1::jsonb) AS x`, [JSON.stringify(batchRows)]);
    }
    return stored;
  }

  async importRuns(runs: readonly NewTrace[], options: ImportOptions = {}): Promise<ImportResult[]> {
    this.#checkOpen();
    if (!Array.isArray(runs)) throw new ValidationError('INVALID_PARAMETER', `importRuns: \`runs\` must be an array of traces. Received: ${describeValue(runs)}.`, { argument: 'runs' });
    const prepared = runs.map((run, i) => {
      try {
        return { key: requireImportProvenance(run, 'importRuns'), record: deepFreeze(buildRecord(run, 'completed', 'importRuns')) };
      } catch (err) {
        if (err instanceof MetatuneError) (err as { details: Record<string, unknown> }).details = Object.freeze({ ...err.details, index: i });
        throw err;
      }
    });
    if (prepared.length === 0) return [];
    return this.#tx(async (c) => {
      // Set-based: one query for the known sources, one for the source locations, one INSERT for
      // the new runs and one for all their epochs (a statement per run made imports round-trip bound).
      const keys = prepared.map((p) => p.key);
      const known = new Map(
        (await c.query<{ dedupe_key: string; id: string }>('SELECT dedupe_key, id FROM runs WHERE dedupe_key = ANY($1::text[])', [keys])).rows.map((r) => [r.dedupe_key, r.id]),
      );
      const located = prepared.filter((p) => !known.has(p.key) && sourceLocationKey(p.record.provenance));
      const latest = new Map<string, { id: string; status: RunStatus; created_at: Date }>();
      if (located.length) {
        const { rows } = await c.query<{ id: string; status: RunStatus; created_at: Date; importer: string; file: string; sk: string | null }>(
          `SELECT DISTINCT ON (importer, provenance->>'file', provenance->>'sourceKey')
                  id, status, created_at, importer, provenance->>'file' AS file, provenance->>'sourceKey' AS sk
           FROM runs WHERE (importer, provenance->>'file') IN (SELECT * FROM unnest($1::text[], $2::text[]))
           ORDER BY importer, provenance->>'file', provenance->>'sourceKey', seq DESC`,
          [located.map((p) => p.record.provenance!.importer), located.map((p) => p.record.provenance!.file!)],
        );
        for (const r of rows) latest.set(JSON.stringify([r.importer, r.file, r.sk]), r);
      }
      const results: Array<ImportResult | undefined> = new Array(prepared.length);
      const fresh: Array<{ i: number; key: string; record: TraceRecord }> = [];
      const inBatch = new Map<string, string>();
      for (let i = 0; i < prepared.length; i++) {
        const { key, record } = prepared[i]!;
        const dup = known.get(key) ?? inBatch.get(key);
        if (dup !== undefined) {
          results[i] = { id: dup, duplicate: true };
          continue;
        }
        const loc = sourceLocationKey(record.provenance);
        const old = loc ? latest.get(loc) : undefined;
        if (old && (old.status === 'incomplete' || options.replace)) {
          await c.query('SELECT id FROM runs WHERE id = $1 FOR UPDATE', [old.id]);
          const replacement = deepFreeze({ ...record, id: old.id, createdAt: old.created_at.toISOString() });
          await this.#updateRun(c, replacement, key);
          results[i] = { id: old.id, duplicate: false, replaced: true };
          inBatch.set(key, old.id);
          latest.set(loc!, { ...old, status: replacement.status });
          continue;
        }
        inBatch.set(key, record.id);
        fresh.push({ i, key, record });
      }
      if (fresh.length) {
        const stored = await this.#insertRunsBulk(c, fresh);
        for (const { i, key, record } of fresh) {
          if (stored.has(record.id)) {
            results[i] = { id: record.id, duplicate: false };
            continue;
          }
          // Not inserted: a concurrent importer stored the same source meanwhile, or the id is taken.
          const again = await c.query<{ id: string }>('SELECT id FROM runs WHERE dedupe_key = $1', [key]);
          if (again.rows.length === 0) throw runExists(record.id);
          results[i] = { id: again.rows[0]!.id, duplicate: true };
        }
      }
      return results as ImportResult[];
    });
  }

  async restoreRuns(records: readonly TraceRecord[], options: RestoreOptions = {}): Promise<RestoreResult[]> {
    this.#checkOpen();
    if (!Array.isArray(records)) throw new ValidationError('INVALID_PARAMETER', `restoreRuns: \`records\` must be an array of trace records. Received: ${describeValue(records)}.`, { argument: 'records' });
    const checked = records.map((r) => deepFreeze(checkRecord(r, 'restoreRuns')));
    if (checked.length === 0) return [];
    return this.#tx(async (c) => {
      // Set-based, in the order the records come: what the store holds for these ids and keys is
      // read in three statements, the outcome of each record is decided in memory as if the
      // records were written one by one, then replacements are written one by one (rare) and all
      // new runs in four statements. A statement per record made `store copy` round-trip bound.
      const keyOf = new Map(checked.map((r) => [r, dedupeKey(r.provenance)]));
      const ids = [...new Set(checked.map((r) => r.id))];
      const keys = [...new Set([...keyOf.values()].filter((k): k is string => k !== undefined))];
      const locked = await c.query<{ id: string; dedupe_key: string | null }>('SELECT id, dedupe_key FROM runs WHERE id = ANY($1::text[]) FOR UPDATE', [ids]);
      const holders = new Map(
        (await c.query<{ dedupe_key: string; id: string }>('SELECT dedupe_key, id FROM runs WHERE dedupe_key = ANY($1::text[])', [keys])).rows.map((r) => [r.dedupe_key, r.id]),
      );
      // id → the record the store holds (or will hold, for one added or replaced earlier in this batch) and its key.
      const current = new Map<string, { record: TraceRecord; key: string | undefined }>();
      if (locked.rows.length) {
        const keyById = new Map(locked.rows.map((r) => [r.id, r.dedupe_key ?? undefined]));
        const { rows } = await c.query<RunRow>(`${RUN_SELECT} WHERE r.id = ANY($1::text[])`, [[...keyById.keys()]]);
        for (const row of rows) current.set(row.id, { record: rowToRecord(row), key: keyById.get(row.id) });
      }
      const added = new Map<string, { record: TraceRecord; key: string | undefined }>();
      const replaced = new Map<string, { record: TraceRecord; key: string | undefined }>();
      const results: RestoreResult[] = [];
      for (const record of checked) {
        const key = keyOf.get(record);
        const holder = key === undefined ? undefined : holders.get(key);
        const cur = current.get(record.id);
        if (cur === undefined) {
          if (holder !== undefined) {
            results.push({ id: record.id, outcome: 'duplicate', existingId: holder });
            continue;
          }
          current.set(record.id, { record, key });
          added.set(record.id, { record, key });
          if (key !== undefined) holders.set(key, record.id);
          results.push({ id: record.id, outcome: 'added' });
          continue;
        }
        if (sameJson(cur.record, record)) {
          results.push({ id: record.id, outcome: 'unchanged' });
          continue;
        }
        if (!options.replace) {
          results.push({ id: record.id, outcome: 'conflict' });
          continue;
        }
        if (holder !== undefined && holder !== record.id) {
          results.push({ id: record.id, outcome: 'duplicate', existingId: holder });
          continue;
        }
        if (cur.key !== undefined && holders.get(cur.key) === record.id) holders.delete(cur.key);
        if (key !== undefined) holders.set(key, record.id);
        current.set(record.id, { record, key });
        // A run added earlier in this batch is inserted with its final content; a stored one is updated.
        if (added.has(record.id)) added.set(record.id, { record, key });
        else replaced.set(record.id, { record, key });
        results.push({ id: record.id, outcome: 'replaced' });
      }
      // Updates first (one may free a dedupe key that a new run of this batch takes). Their keys are
      // cleared before any is set: the final keys are distinct, but a replacement may take the key
      // another replaced run gives up.
      if (replaced.size) {
        await c.query('UPDATE runs SET dedupe_key = NULL WHERE id = ANY($1::text[])', [[...replaced.keys()]]);
        for (const { record, key } of replaced.values()) await this.#updateRun(c, record, key);
      }
      const stored = await this.#insertRunsBulk(c, [...added.values()]);
      for (let i = 0; i < results.length; i++) {
        const r = results[i]!;
        if (r.outcome !== 'added' || stored.has(r.id)) continue;
        // Not inserted: another writer stored this id or this source meanwhile; decide as a single write.
        results[i] = await this.#restoreOne(c, added.get(r.id)!.record, options);
      }
      return results;
    });
  }

  /** One record of `restoreRuns` on its own, against what the store holds now. */
  async #restoreOne(c: PoolClient, record: TraceRecord, options: RestoreOptions): Promise<RestoreResult> {
    const key = dedupeKey(record.provenance);
    if (await this.#insertRun(c, record, key)) return { id: record.id, outcome: 'added' };
    const exists = await c.query<{ id: string }>('SELECT id FROM runs WHERE id = $1 FOR UPDATE', [record.id]);
    const holder = key === undefined ? [] : (await c.query<{ id: string }>('SELECT id FROM runs WHERE dedupe_key = $1', [key])).rows;
    if (exists.rows.length === 0) return { id: record.id, outcome: 'duplicate', existingId: holder[0]!.id };
    const stored = await this.#readRun(c, record.id);
    if (sameJson(stored, record)) return { id: record.id, outcome: 'unchanged' };
    if (!options.replace) return { id: record.id, outcome: 'conflict' };
    if (holder.length > 0 && holder[0]!.id !== record.id) return { id: record.id, outcome: 'duplicate', existingId: holder[0]!.id };
    await this.#updateRun(c, record, key);
    return { id: record.id, outcome: 'replaced' };
  }

  async getRun(runId: string): Promise<TraceRecord> {
    this.#checkOpen();
    requireRunId(runId, 'getRun');
    const rows = await this.#q<RunRow>(`${RUN_SELECT} WHERE r.id = $1`, [runId]);
    if (rows.length === 0) throw runNotFound(runId, this.url);
    return rowToRecord(rows[0]!);
  }

  async *query(filter?: TraceQuery): AsyncIterable<TraceRecord> {
    this.#checkOpen();
    const q = normalizeQuery(filter, 'query');
    if (q.limit === 0) return;
    const where = whereClause(q);
    const limit = q.limit === undefined ? '' : ` LIMIT ${q.limit}`;
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw mapConnectionError(err, this.#rawUrl);
    }
    let failed: unknown;
    try {
      // One snapshot for the whole stream, even while other processes write.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`DECLARE metatune_runs NO SCROLL CURSOR FOR ${RUN_SELECT}${where.sql} ORDER BY r.seq${limit}`, where.params);
      for (;;) {
        const { rows } = await client.query<RunRow>(`FETCH FORWARD ${this.#fetchSize} FROM metatune_runs`);
        for (const row of rows) yield rowToRecord(row);
        if (rows.length < this.#fetchSize) break;
      }
    } catch (err) {
      failed = mapConnectionError(err, this.#rawUrl, 'query');
      throw failed;
    } finally {
      // Also reached when the consumer stops early (break): end the transaction, free the client.
      let broken: Error | undefined = isConnectionFailure(failed) ? (failed as Error) : undefined;
      if (broken) destroySocket(client);
      else {
        await client.query(failed ? 'ROLLBACK' : 'COMMIT').catch((e: Error) => {
          broken = e;
        });
      }
      client.release(broken);
    }
  }

  async count(filter?: TraceQuery): Promise<number> {
    const q = normalizeQuery(filter, 'count');
    const where = whereClause(q);
    const rows = await this.#q<{ n: string }>(`SELECT count(*) AS n FROM runs r${where.sql}`, where.params);
    const n = Number(rows[0].n);
    return q.limit === undefined ? n : Math.min(n, q.limit);
  }

  async stats(): Promise<StoreStats> {
    const rows = await this.#q<{ status: string; n: string; tasks: string; epochs: string; bytes: string }>(`
      SELECT s.status, s.n,
             (SELECT count(DISTINCT task_id) FROM runs) AS tasks,
             (SELECT count(*) FROM epochs) AS epochs,
             (SELECT sum(pg_total_relation_size(t)) FROM unnest(ARRAY['runs', 'epochs', 'batches', 'policies']::regclass[]) AS t) AS bytes
      FROM (SELECT NULL::text AS status, 0::bigint AS n UNION ALL SELECT status, count(*) FROM runs GROUP BY status) s`);
    const byStatus: Record<string, number> = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0]));
    let runs = 0;
    for (const r of rows) {
      if (r.status === null) continue;
      byStatus[r.status] = Number(r.n);
      runs += Number(r.n);
    }
    return { runs, byStatus, tasks: Number(rows[0].tasks), epochs: Number(rows[0].epochs), bytes: Number(rows[0].bytes) };
  }

  async putPolicy(name: string, artifact: unknown): Promise<void> {
    requirePolicyName(name, 'putPolicy');
    const value = toJsonValue(artifact, '', 'putPolicy');
    await this.#q(
      `INSERT INTO policies (name, artifact, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (name) DO UPDATE SET artifact = EXCLUDED.artifact, updated_at = EXCLUDED.updated_at`,
      [name, JSON.stringify(value)],
    );
  }

  async getPolicy(name: string): Promise<unknown> {
    requirePolicyName(name, 'getPolicy');
    const rows = await this.#q<{ artifact: unknown }>('SELECT artifact FROM policies WHERE name = $1', [name]);
    if (rows.length === 0) throw policyNotFound(name, this.url);
    return deepFreeze(rows[0].artifact);
  }

  async deleteRuns(runIds: readonly string[]): Promise<number> {
    this.#checkOpen();
    const ids = requireRunIds(runIds, 'deleteRuns');
    if (ids.length === 0) return 0;
    return this.#tx(async (c) => {
      const { rows } = await c.query<{ id: string }>('SELECT id FROM runs WHERE id = ANY($1::text[]) FOR UPDATE', [ids]);
      const have = new Set(rows.map((r) => r.id));
      const missing = ids.find((id) => !have.has(id));
      if (missing !== undefined) throw runNotFound(missing, this.url);
      const deleted = await c.query('DELETE FROM runs WHERE id = ANY($1::text[])', [ids]);
      return deleted.rowCount ?? ids.length;
    });
  }

  async retagRuns(runIds: readonly string[], patch: TaskPatch): Promise<TraceRecord[]> {
    this.#checkOpen();
    const ids = requireRunIds(runIds, 'retagRuns');
    patchTask({ id: 'x' }, patch, 'retagRuns');
    const now = new Date().toISOString();
    return this.#tx(async (c) => {
      const { rows } = await c.query<{ id: string; task: TraceRecord['task'] }>('SELECT id, task FROM runs WHERE id = ANY($1::text[]) FOR UPDATE', [ids]);
      const byId = new Map(rows.map((r) => [r.id, r.task]));
      const missing = ids.find((id) => !byId.has(id));
      if (missing !== undefined) throw runNotFound(missing, this.url);
      const out: TraceRecord[] = [];
      for (const id of ids) {
        const task = patchTask(byId.get(id)!, patch, 'retagRuns');
        await c.query('UPDATE runs SET task = $2::jsonb, task_id = $3, parent_dataset = $4, updated_at = $5 WHERE id = $1', [id, json(task), task.id, task.parentDataset ?? null, now]);
        out.push(await this.#readRun(c, id));
      }
      return out;
    });
  }

  async resolveRunId(idOrPrefix: string): Promise<string> {
    this.#checkOpen();
    requireRunId(idOrPrefix, 'resolveRunId');
    const exact = await this.#q<{ id: string }>('SELECT id FROM runs WHERE id = $1', [idOrPrefix]);
    if (exact.length) return idOrPrefix;
    // text_pattern_ops-free prefix match: ids are short and the primary key index serves a range scan.
    const like = idOrPrefix.replace(/[\\%_]/g, (ch) => `\\${ch}`);
    const rows = await this.#q<{ id: string }>("SELECT id FROM runs WHERE id LIKE $1 || '%' ORDER BY seq LIMIT 21", [like]);
    if (rows.length === 1) return rows[0]!.id;
    if (rows.length === 0) throw runNotFound(idOrPrefix, this.url);
    throw ambiguousRunId(idOrPrefix, rows.map((r) => r.id));
  }

  async listPolicies(): Promise<string[]> {
    const rows = await this.#q<{ name: string }>('SELECT name FROM policies ORDER BY name COLLATE "C"');
    return rows.map((r) => r.name);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await endPool(this.#pool);
  }
}

/** Opens a pool just long enough to apply pending migrations (`metatune store migrate`). */
export async function migratePostgres(url: string, target?: number) {
  const pool = await connectPool(url);
  try {
    return await migrate(pool, url, target);
  } catch (err) {
    throw mapConnectionError(err, url, 'query');
  } finally {
    await endPool(pool);
  }
}
