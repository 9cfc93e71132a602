/**
 * The TraceStore contract implemented once over a whole-document model (`TraceDocument`): the
 * memory store keeps the document in a variable, the file store in a snapshot plus a journal.
 * Subclasses only say how to read the document and how to run a mutation exclusively and durably;
 * every invariant of src/traces/store.ts lives here, so the stores cannot drift apart.
 *
 * Every change to a document is one of four primitive, JSON-serialisable operations
 * (`DocumentOp`), applied by one function, `applyOp`, both when a mutation runs and when the file
 * store replays its journal: so what a process did and what another process replays cannot differ.
 *
 * Records inside a document are never changed in place: a change builds a new frozen record and
 * replaces the old one (copy-on-write), so a record handed to a caller stays valid and frozen.
 */
import { EnvironmentError, MetatuneError, NotFoundError, ValidationError, describeValue } from '../core/errors.js';
import type { ImportOptions, ImportResult, RestoreOptions, TaskPatch, RestoreResult, StoreStats, TraceQuery, TraceStore } from './store.js';
import type { NewTrace, RunStatus, TraceBatch, TraceEpoch, TraceOutcome, TraceRecord } from './trace.js';
import {
  RUN_STATUSES,
  buildRecord,
  checkRecord,
  ambiguousRunId,
  dedupeKey,
  deepFreeze,
  patchTask,
  requireRunIds,
  sourceLocationKey,
  mergeOutcome,
  matchesQuery,
  normalizeBatches,
  normalizeEpochs,
  normalizeQuery,
  requireImportProvenance,
  requireRunId,
  requireStatus,
  sameJson,
  toJsonValue,
} from './record-utils.js';

/** On-disk layout of a document store (the file store's snapshot). `version` guards against newer writers. */
export interface TraceDocument {
  format: 'metatune-trace-store';
  version: number;
  /**
   * Version 2 (file store): the generation of the journal (`<file>.journal`) that continues this
   * snapshot. A journal of another generation is not applied (see plugins/store-lowdb/lowdb-store.ts).
   * Absent in version 1 (whole-file rewrites, no journal) and in memory.
   */
  journal?: { generation: number };
  /** In creation order; `query` returns them in this order. */
  runs: TraceRecord[];
  /** dedupeKey(provenance) → run id, for idempotent imports. */
  dedupe: Record<string, string>;
  policies: Record<string, unknown>;
}

export const DOCUMENT_FORMAT = 'metatune-trace-store';
/**
 * 2: the file store writes a snapshot plus an append-only journal, and the snapshot says which
 * journal generation continues it. A metatune that reads only version 1 refuses such a file
 * (`STORE_SCHEMA_AHEAD`) instead of reading the snapshot without the journal's runs.
 */
export const DOCUMENT_VERSION = 2;

export function emptyDocument(): TraceDocument {
  return { format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION, runs: [], dedupe: {}, policies: {} };
}

/**
 * The primitive changes of a document; every mutation is a sequence of them.
 * - `put`: stores a run; replaces the run with the same id in place (same position), else appends it.
 * - `delete`: removes runs and every dedupe entry that names one of them.
 * - `dedupe`: maps a source key to a run id; `id: null` removes the key.
 * - `policy`: stores a policy artifact under a name.
 */
export type DocumentOp =
  | { readonly op: 'put'; readonly run: TraceRecord }
  | { readonly op: 'delete'; readonly ids: readonly string[] }
  | { readonly op: 'dedupe'; readonly key: string; readonly id: string | null }
  | { readonly op: 'policy'; readonly name: string; readonly value: unknown }
  /**
   * New epochs / batches of a running run (`appendEpochs`, `appendBatches`): only the new records,
   * so a journaled write costs O(epoch), not O(run) — a run recorded batch by batch would otherwise
   * journal itself once per write. Checked for conflicts before it is applied.
   */
  | { readonly op: 'append'; readonly id: string; readonly epochs?: readonly TraceEpoch[]; readonly batches?: readonly TraceBatch[]; readonly updatedAt: string };

/**
 * What a mutation returns: its result, and the ops it applied to the document, in order (none →
 * nothing to persist). The ops are already applied to the document the mutation was given (a
 * mutation's later steps may depend on its earlier ones: two runs of one batch from one source
 * location); the store persists them (the memory store: nothing to do; the file store: one journal line).
 */
export interface MutationResult<R> {
  readonly value: R;
  readonly ops: readonly DocumentOp[];
}

const indexes = new WeakMap<TraceDocument, Map<string, number>>();
const locationIndexes = new WeakMap<TraceDocument, Map<string, number>>();

/** id → position in `doc.runs`, built once per document object and kept up to date by `applyOp`. */
function indexOf(doc: TraceDocument): Map<string, number> {
  let index = indexes.get(doc);
  if (!index) {
    index = new Map(doc.runs.map((r, i) => [r.id, i]));
    indexes.set(doc, index);
  }
  return index;
}

/**
 * Source location → position of the latest run from it. Kept by `applyOp` like `indexOf`, so an
 * import batch does not scan the whole store to find the runs it may replace.
 */
function locationIndexOf(doc: TraceDocument): Map<string, number> {
  let index = locationIndexes.get(doc);
  if (!index) {
    index = new Map();
    doc.runs.forEach((r, i) => {
      const loc = sourceLocationKey(r.provenance);
      if (loc) index!.set(loc, i);
    });
    locationIndexes.set(doc, index);
  }
  return index;
}

function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** `obj[key] = value` that also works for the key "__proto__" (an own property, not the prototype). */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Applies one op to `doc` in place, keeping the position indexes right. The one function that
 * changes documents: used by every mutation and by the file store's journal replay. Never throws
 * on a well-formed op (mutations check everything before they apply anything).
 */
export function applyOp(doc: TraceDocument, op: DocumentOp): void {
  switch (op.op) {
    case 'put': {
      const index = indexOf(doc);
      const at = index.get(op.run.id);
      const locations = locationIndexes.get(doc);
      if (at === undefined) {
        const pos = doc.runs.push(op.run) - 1;
        index.set(op.run.id, pos);
        const loc = locations && sourceLocationKey(op.run.provenance);
        if (loc) locations!.set(loc, pos);
      } else {
        const old = doc.runs[at]!;
        doc.runs[at] = op.run;
        // Same location (the usual replacement): the index is still right; else rebuild it on next use.
        if (locations && sourceLocationKey(old.provenance) !== sourceLocationKey(op.run.provenance)) locationIndexes.delete(doc);
      }
      return;
    }
    case 'delete': {
      const gone = new Set(op.ids);
      doc.runs = doc.runs.filter((r) => !gone.has(r.id));
      for (const [key, id] of Object.entries(doc.dedupe)) if (gone.has(id)) delete doc.dedupe[key];
      // Positions moved: rebuilt on next use.
      indexes.delete(doc);
      locationIndexes.delete(doc);
      return;
    }
    case 'dedupe':
      if (op.id === null) delete doc.dedupe[op.key];
      else setOwn(doc.dedupe, op.key, op.id);
      return;
    case 'append': {
      const at = indexOf(doc).get(op.id);
      if (at === undefined) throw new EnvironmentError('STORE_CORRUPT', `An append names run ${JSON.stringify(op.id)}, which the document does not hold.`, { runId: op.id });
      const run = doc.runs[at]!;
      doc.runs[at] = deepFreeze({
        ...run,
        ...(op.epochs && { epochs: [...run.epochs, ...op.epochs].sort((a, b) => a.epoch - b.epoch) }),
        ...(op.batches && { batches: [...(run.batches ?? []), ...op.batches].sort((a, b) => a.step - b.step) }),
        updatedAt: op.updatedAt,
      });
      return;
    }
    case 'policy':
      // defineProperty: a policy named "__proto__" must be stored, not change the object's prototype.
      setOwn(doc.policies as Record<string, unknown>, op.name, op.value);
      return;
    default:
      throw new EnvironmentError('STORE_CORRUPT', `Unknown document operation ${describeValue((op as { op?: unknown }).op)}.`, { op: (op as { op?: unknown }).op });
  }
}

/** Applies ops in order (`applyOp`). */
export function applyOps(doc: TraceDocument, ops: readonly DocumentOp[]): void {
  for (const op of ops) applyOp(doc, op);
}

/** Given to a mutation: applies an op to the document at once and records it for the store to persist. */
export type ApplyOp = (op: DocumentOp) => void;

export function requirePolicyName(name: unknown, where: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
    throw new ValidationError('INVALID_PARAMETER', `${where}: \`name\` must be a non-empty string of at most 200 characters. Received: name=${describeValue(name)}.`, {
      argument: 'name',
      received: name,
    });
  }
  return name;
}

export function runNotFound(runId: string, url: string): NotFoundError {
  return new NotFoundError('RUN_NOT_FOUND', `No run "${runId}" in the store ${url}. List the runs with \`metatune runs list --store ${url}\`.`, { runId, url });
}

export function runFinished(run: Pick<TraceRecord, 'id' | 'status'>, action: string): ValidationError {
  return new ValidationError('RUN_FINISHED', `Cannot ${action} run "${run.id}": it is ${run.status}, and finished runs are immutable. Create a new run instead.`, {
    runId: run.id,
    status: run.status,
  });
}

export function epochConflict(runId: string, epoch: number, stored: unknown, received: unknown): ValidationError {
  return new ValidationError(
    'EPOCH_CONFLICT',
    `Run "${runId}" already has a different record for epoch ${epoch}. Stored: ${describeValue(stored)}. Received: ${describeValue(received)}.`,
    { runId, epoch },
  );
}

export function batchConflict(runId: string, step: number, stored: unknown, received: unknown): ValidationError {
  return new ValidationError(
    'BATCH_CONFLICT',
    `Run "${runId}" already has a different batch record for step ${step}. Stored: ${describeValue(stored)}. Received: ${describeValue(received)}.`,
    { runId, step },
  );
}

export function runExists(runId: string): ValidationError {
  return new ValidationError('RUN_EXISTS', `A run with id "${runId}" already exists. Leave \`id\` out to get a fresh one.`, { runId });
}

export function policyNotFound(name: string, url: string): NotFoundError {
  return new NotFoundError('POLICY_NOT_FOUND', `No policy "${name}" in the store ${url}. Train one with \`metatune learn\` first.`, { name, url });
}

export function storeClosed(url: string): MetatuneError {
  return new MetatuneError('STORE_CLOSED', `The store ${url} was closed. Open it again with getStore(url).`, { url });
}

/**
 * Merges new epochs into stored ones: identical repeats are skipped, a different record for a
 * stored epoch throws EPOCH_CONFLICT. Returns the merged list, or undefined when nothing is new.
 */
export function mergeEpochs(runId: string, stored: readonly TraceEpoch[], incoming: readonly TraceEpoch[]): TraceEpoch[] | undefined {
  const byEpoch = new Map(stored.map((e) => [e.epoch, e]));
  const added: TraceEpoch[] = [];
  for (const e of incoming) {
    const prev = byEpoch.get(e.epoch);
    if (prev === undefined) added.push(e);
    else if (!sameJson(prev, e)) throw epochConflict(runId, e.epoch, prev, e);
  }
  if (added.length === 0) return undefined;
  return [...stored, ...added].sort((a, b) => a.epoch - b.epoch);
}

export function mergeBatches(runId: string, stored: readonly TraceBatch[], incoming: readonly TraceBatch[]): TraceBatch[] | undefined {
  const byStep = new Map(stored.map((b) => [b.step, b]));
  const added: TraceBatch[] = [];
  for (const b of incoming) {
    const prev = byStep.get(b.step);
    if (prev === undefined) added.push(b);
    else if (!sameJson(prev, b)) throw batchConflict(runId, b.step, prev, b);
  }
  if (added.length === 0) return undefined;
  return [...stored, ...added].sort((a, b) => a.step - b.step);
}

/** importRun reports errors of its one run without the batch position importRuns adds. */
export function withoutIndex(err: unknown): unknown {
  if (err instanceof MetatuneError && 'index' in err.details) {
    const { index: _index, ...rest } = err.details;
    (err as { details: Record<string, unknown> }).details = Object.freeze(rest);
  }
  return err;
}

export abstract class DocumentTraceStore implements TraceStore {
  abstract readonly url: string;
  #closed = false;

  /** A consistent snapshot of the document; callers must not change it. */
  protected abstract readDocument(): Promise<TraceDocument>;
  /**
   * Runs `fn` on the current document with exclusive access and, when it returns ops, persists
   * them before resolving (acknowledged = durable). `fn` has applied its ops to `doc` when it
   * returns; it throws before it applies anything, never halfway.
   */
  protected abstract mutateDocument<R>(fn: (doc: TraceDocument) => MutationResult<R>): Promise<R>;
  /** Size on disk, when there is a disk. */
  protected abstract sizeInBytes(): Promise<number | undefined>;
  protected abstract closeStore(): Promise<void>;

  protected checkOpen(): void {
    if (this.#closed) throw storeClosed(this.url);
  }

  /** `mutateDocument` with an `apply` that applies each op to the document and records it. */
  #mutate<R>(fn: (doc: TraceDocument, apply: ApplyOp) => R): Promise<R> {
    return this.mutateDocument((doc) => {
      const ops: DocumentOp[] = [];
      const value = fn(doc, (op) => {
        applyOp(doc, op);
        ops.push(op);
      });
      return { value, ops };
    });
  }

  #find(doc: TraceDocument, runId: string): { run: TraceRecord; index: number } {
    const index = indexOf(doc).get(runId);
    if (index === undefined) throw runNotFound(runId, this.url);
    return { run: doc.runs[index], index };
  }

  async createRun(run: NewTrace): Promise<TraceRecord> {
    this.checkOpen();
    const record = deepFreeze(buildRecord(run, 'running', 'createRun'));
    return this.#mutate((doc, apply) => {
      if (indexOf(doc).has(record.id)) throw runExists(record.id);
      apply({ op: 'put', run: record });
      return record;
    });
  }

  async appendEpochs(runId: string, epochs: readonly TraceEpoch[]): Promise<void> {
    this.checkOpen();
    requireRunId(runId, 'appendEpochs');
    const incoming = normalizeEpochs(epochs, '/epochs', 'appendEpochs');
    const now = new Date().toISOString();
    await this.#mutate((doc, apply) => {
      const { run } = this.#find(doc, runId);
      if (run.status !== 'running') throw runFinished(run, 'append epochs to');
      // Throws EPOCH_CONFLICT before anything is applied; identical repeats are dropped.
      if (!mergeEpochs(runId, run.epochs, incoming)) return;
      const stored = new Set(run.epochs.map((e) => e.epoch));
      apply({ op: 'append', id: runId, epochs: incoming.filter((e) => !stored.has(e.epoch)), updatedAt: now });
    });
  }

  async appendBatches(runId: string, batches: readonly TraceBatch[]): Promise<void> {
    this.checkOpen();
    requireRunId(runId, 'appendBatches');
    const incoming = normalizeBatches(batches, '/batches', 'appendBatches');
    const now = new Date().toISOString();
    await this.#mutate((doc, apply) => {
      const { run } = this.#find(doc, runId);
      if (run.status !== 'running') throw runFinished(run, 'append batches to');
      if (!mergeBatches(runId, run.batches ?? [], incoming)) return;
      const stored = new Set((run.batches ?? []).map((b) => b.step));
      apply({ op: 'append', id: runId, batches: incoming.filter((b) => !stored.has(b.step)), updatedAt: now });
    });
  }

  async finishRun(runId: string, status: Exclude<RunStatus, 'running'>, outcome: TraceOutcome): Promise<TraceRecord> {
    this.checkOpen();
    requireRunId(runId, 'finishRun');
    requireStatus(status, 'finishRun', true);
    const given = toJsonValue(outcome ?? {}, '/outcome', 'finishRun') as TraceOutcome;
    const now = new Date().toISOString();
    return this.#mutate((doc, apply) => {
      const { run } = this.#find(doc, runId);
      if (run.status !== 'running') throw runFinished(run, 'finish');
      const record = deepFreeze({ ...run, status, outcome: mergeOutcome(run.epochs, given), updatedAt: now, finishedAt: now });
      apply({ op: 'put', run: record });
      return record;
    });
  }

  async importRun(run: NewTrace): Promise<ImportResult> {
    this.checkOpen();
    requireImportProvenance(run, 'importRun');
    try {
      return (await this.importRuns([run]))[0]!;
    } catch (err) {
      throw withoutIndex(err);
    }
  }

  async importRuns(runs: readonly NewTrace[], options: ImportOptions = {}): Promise<ImportResult[]> {
    this.checkOpen();
    if (!Array.isArray(runs)) throw new ValidationError('INVALID_PARAMETER', `importRuns: \`runs\` must be an array of traces. Received: ${describeValue(runs)}.`, { argument: 'runs' });
    // Check everything before writing anything.
    const prepared = runs.map((run, i) => {
      try {
        const record = buildRecord(run, 'completed', 'importRuns');
        return { key: requireImportProvenance(run, 'importRuns'), location: sourceLocationKey(record.provenance), record };
      } catch (err) {
        if (err instanceof MetatuneError) (err as { details: Record<string, unknown> }).details = Object.freeze({ ...err.details, index: i });
        throw err;
      }
    });
    if (prepared.length === 0) return [];
    return this.#mutate<ImportResult[]>((doc, apply) => {
      const index = indexOf(doc);
      const plan: Array<{ kind: 'duplicate'; id: string } | { kind: 'add'; record: TraceRecord; key: string } | { kind: 'replace'; at: number; record: TraceRecord; key: string }> = [];
      const ids = new Set<string>();
      const keys = new Map<string, string>();
      for (const { key, location, record } of prepared) {
        const dup = hasOwn(doc.dedupe, key) ? doc.dedupe[key] : keys.get(key);
        if (dup !== undefined) {
          plan.push({ kind: 'duplicate', id: dup });
          continue;
        }
        const at = location ? locationIndexOf(doc).get(location) : undefined;
        const old = at === undefined ? undefined : doc.runs[at];
        if (at !== undefined && old && (old.status === 'incomplete' || options.replace)) {
          const replacement = deepFreeze({ ...record, id: old.id, createdAt: old.createdAt });
          plan.push({ kind: 'replace', at, record: replacement, key });
          keys.set(key, old.id);
          continue;
        }
        if (index.has(record.id) || ids.has(record.id)) throw runExists(record.id);
        ids.add(record.id);
        keys.set(key, record.id);
        plan.push({ kind: 'add', record: deepFreeze(record), key });
      }
      const results: ImportResult[] = [];
      for (const step of plan) {
        if (step.kind === 'duplicate') {
          results.push({ id: step.id, duplicate: true });
          continue;
        }
        if (step.kind === 'replace') {
          const oldKey = dedupeKey(doc.runs[step.at]!.provenance);
          if (oldKey && doc.dedupe[oldKey] === step.record.id) apply({ op: 'dedupe', key: oldKey, id: null });
          apply({ op: 'put', run: step.record });
          apply({ op: 'dedupe', key: step.key, id: step.record.id });
          results.push({ id: step.record.id, duplicate: false, replaced: true });
          continue;
        }
        apply({ op: 'put', run: step.record });
        apply({ op: 'dedupe', key: step.key, id: step.record.id });
        results.push({ id: step.record.id, duplicate: false });
      }
      return results;
    });
  }

  async restoreRuns(records: readonly TraceRecord[], options: RestoreOptions = {}): Promise<RestoreResult[]> {
    this.checkOpen();
    if (!Array.isArray(records)) throw new ValidationError('INVALID_PARAMETER', `restoreRuns: \`records\` must be an array of trace records. Received: ${describeValue(records)}.`, { argument: 'records' });
    const checked = records.map((r) => deepFreeze(checkRecord(r, 'restoreRuns')));
    if (checked.length === 0) return [];
    return this.#mutate<RestoreResult[]>((doc, apply) => {
      const results: RestoreResult[] = [];
      for (const record of checked) {
        const key = dedupeKey(record.provenance);
        const at = indexOf(doc).get(record.id);
        if (at !== undefined) {
          const stored = doc.runs[at];
          if (sameJson(stored, record)) {
            results.push({ id: record.id, outcome: 'unchanged' });
            continue;
          }
          if (!options.replace) {
            results.push({ id: record.id, outcome: 'conflict' });
            continue;
          }
          const oldKey = dedupeKey(stored.provenance);
          if (key && hasOwn(doc.dedupe, key) && doc.dedupe[key] !== record.id) {
            results.push({ id: record.id, outcome: 'duplicate', existingId: doc.dedupe[key] });
            continue;
          }
          if (oldKey && doc.dedupe[oldKey] === record.id) apply({ op: 'dedupe', key: oldKey, id: null });
          apply({ op: 'put', run: record });
          if (key) apply({ op: 'dedupe', key, id: record.id });
          results.push({ id: record.id, outcome: 'replaced' });
          continue;
        }
        if (key && hasOwn(doc.dedupe, key)) {
          results.push({ id: record.id, outcome: 'duplicate', existingId: doc.dedupe[key] });
          continue;
        }
        apply({ op: 'put', run: record });
        if (key) apply({ op: 'dedupe', key, id: record.id });
        results.push({ id: record.id, outcome: 'added' });
      }
      return results;
    });
  }

  async getRun(runId: string): Promise<TraceRecord> {
    this.checkOpen();
    requireRunId(runId, 'getRun');
    const doc = await this.readDocument();
    return deepFreeze(this.#find(doc, runId).run);
  }

  async *query(filter?: TraceQuery): AsyncIterable<TraceRecord> {
    this.checkOpen();
    const q = normalizeQuery(filter, 'query');
    const doc = await this.readDocument();
    let left = q.limit ?? Infinity;
    for (const run of doc.runs) {
      if (left <= 0) return;
      if (!matchesQuery(run, q)) continue;
      left--;
      yield deepFreeze(run);
    }
  }

  async count(filter?: TraceQuery): Promise<number> {
    this.checkOpen();
    const q = normalizeQuery(filter, 'count');
    const doc = await this.readDocument();
    let n = 0;
    for (const run of doc.runs) if (matchesQuery(run, q)) n++;
    return q.limit === undefined ? n : Math.min(n, q.limit);
  }

  async stats(): Promise<StoreStats> {
    this.checkOpen();
    const doc = await this.readDocument();
    const byStatus: Record<string, number> = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0]));
    const tasks = new Set<string>();
    let epochs = 0;
    for (const run of doc.runs) {
      byStatus[run.status] = (byStatus[run.status] ?? 0) + 1;
      tasks.add(run.task.id);
      epochs += run.epochs.length;
    }
    const bytes = await this.sizeInBytes();
    return { runs: doc.runs.length, byStatus, tasks: tasks.size, epochs, ...(bytes === undefined ? {} : { bytes }) };
  }

  async putPolicy(name: string, artifact: unknown): Promise<void> {
    this.checkOpen();
    requirePolicyName(name, 'putPolicy');
    const value = deepFreeze(toJsonValue(artifact, '', 'putPolicy'));
    await this.#mutate((_doc, apply) => apply({ op: 'policy', name, value }));
  }

  async getPolicy(name: string): Promise<unknown> {
    this.checkOpen();
    requirePolicyName(name, 'getPolicy');
    const doc = await this.readDocument();
    if (!hasOwn(doc.policies, name)) throw policyNotFound(name, this.url);
    return deepFreeze(doc.policies[name]);
  }

  async deleteRuns(runIds: readonly string[]): Promise<number> {
    this.checkOpen();
    const ids = requireRunIds(runIds, 'deleteRuns');
    if (ids.length === 0) return 0;
    return this.#mutate((doc, apply) => {
      const index = indexOf(doc);
      for (const id of ids) if (!index.has(id)) throw runNotFound(id, this.url);
      apply({ op: 'delete', ids });
      return ids.length;
    });
  }

  async retagRuns(runIds: readonly string[], patch: TaskPatch): Promise<TraceRecord[]> {
    this.checkOpen();
    const ids = requireRunIds(runIds, 'retagRuns');
    patchTask({ id: 'x' }, patch, 'retagRuns'); // checks the patch before anything is read
    const now = new Date().toISOString();
    return this.#mutate((doc, apply) => {
      const found = ids.map((id) => this.#find(doc, id));
      const records = found.map(({ run }) => deepFreeze({ ...run, task: patchTask(run.task, patch, 'retagRuns'), updatedAt: now }));
      for (const run of records) apply({ op: 'put', run });
      return records;
    });
  }

  async resolveRunId(idOrPrefix: string): Promise<string> {
    this.checkOpen();
    requireRunId(idOrPrefix, 'resolveRunId');
    const doc = await this.readDocument();
    if (indexOf(doc).has(idOrPrefix)) return idOrPrefix;
    const matches: string[] = [];
    for (const r of doc.runs) if (r.id.startsWith(idOrPrefix)) matches.push(r.id);
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) throw runNotFound(idOrPrefix, this.url);
    throw ambiguousRunId(idOrPrefix, matches);
  }

  async listPolicies(): Promise<string[]> {
    this.checkOpen();
    const doc = await this.readDocument();
    return Object.keys(doc.policies).sort();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.closeStore();
  }
}
