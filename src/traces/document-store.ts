/**
 * The TraceStore contract implemented once over a whole-document model (`TraceDocument`): the
 * memory store keeps the document in a variable, the lowdb store in a JSON file. Subclasses only
 * say how to read a snapshot and how to run a mutation exclusively and durably; every invariant of
 * src/traces/store.ts lives here, so the two stores cannot drift apart.
 *
 * Records inside a document are never changed in place: a change builds a new frozen record and
 * replaces the old one (copy-on-write), so a record handed to a caller stays valid and frozen.
 */
import { MetatuneError, NotFoundError, ValidationError, describeValue } from '../core/errors.js';
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

/** On-disk layout of a document store (the lowdb file). `version` guards against newer writers. */
export interface TraceDocument {
  format: 'metatune-trace-store';
  version: number;
  /** In creation order; `query` returns them in this order. */
  runs: TraceRecord[];
  /** dedupeKey(provenance) → run id, for idempotent imports. */
  dedupe: Record<string, string>;
  policies: Record<string, unknown>;
}

export const DOCUMENT_FORMAT = 'metatune-trace-store';
export const DOCUMENT_VERSION = 1;

export function emptyDocument(): TraceDocument {
  return { format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION, runs: [], dedupe: {}, policies: {} };
}

/** What a mutation returns: its result, and whether the document changed (no change → no write). */
export interface MutationResult<R> {
  readonly value: R;
  readonly changed: boolean;
}

const indexes = new WeakMap<TraceDocument, Map<string, number>>();

/** id → position in `doc.runs`, built once per document object. */
function indexOf(doc: TraceDocument): Map<string, number> {
  let index = indexes.get(doc);
  if (!index) {
    index = new Map(doc.runs.map((r, i) => [r.id, i]));
    indexes.set(doc, index);
  }
  return index;
}

function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

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
   * Runs `fn` on the current document with exclusive access and, when it reports a change,
   * persists the document before resolving (acknowledged = durable). `fn` throws before it
   * changes anything, never halfway.
   */
  protected abstract mutateDocument<R>(fn: (doc: TraceDocument) => MutationResult<R>): Promise<R>;
  /** Size on disk, when there is a disk. */
  protected abstract sizeInBytes(): Promise<number | undefined>;
  protected abstract closeStore(): Promise<void>;

  protected checkOpen(): void {
    if (this.#closed) throw storeClosed(this.url);
  }

  #find(doc: TraceDocument, runId: string): { run: TraceRecord; index: number } {
    const index = indexOf(doc).get(runId);
    if (index === undefined) throw runNotFound(runId, this.url);
    return { run: doc.runs[index], index };
  }

  async createRun(run: NewTrace): Promise<TraceRecord> {
    this.checkOpen();
    const record = deepFreeze(buildRecord(run, 'running', 'createRun'));
    return this.mutateDocument((doc) => {
      const index = indexOf(doc);
      if (index.has(record.id)) throw runExists(record.id);
      index.set(record.id, doc.runs.push(record) - 1);
      return { value: record, changed: true };
    });
  }

  async appendEpochs(runId: string, epochs: readonly TraceEpoch[]): Promise<void> {
    this.checkOpen();
    requireRunId(runId, 'appendEpochs');
    const incoming = normalizeEpochs(epochs, '/epochs', 'appendEpochs');
    const now = new Date().toISOString();
    await this.mutateDocument((doc) => {
      const { run, index } = this.#find(doc, runId);
      if (run.status !== 'running') throw runFinished(run, 'append epochs to');
      const merged = mergeEpochs(runId, run.epochs, incoming);
      if (!merged) return { value: undefined, changed: false };
      doc.runs[index] = deepFreeze({ ...run, epochs: merged, updatedAt: now });
      return { value: undefined, changed: true };
    });
  }

  async appendBatches(runId: string, batches: readonly TraceBatch[]): Promise<void> {
    this.checkOpen();
    requireRunId(runId, 'appendBatches');
    const incoming = normalizeBatches(batches, '/batches', 'appendBatches');
    const now = new Date().toISOString();
    await this.mutateDocument((doc) => {
      const { run, index } = this.#find(doc, runId);
      if (run.status !== 'running') throw runFinished(run, 'append batches to');
      const merged = mergeBatches(runId, run.batches ?? [], incoming);
      if (!merged) return { value: undefined, changed: false };
      doc.runs[index] = deepFreeze({ ...run, batches: merged, updatedAt: now });
      return { value: undefined, changed: true };
    });
  }

  async finishRun(runId: string, status: Exclude<RunStatus, 'running'>, outcome: TraceOutcome): Promise<TraceRecord> {
    this.checkOpen();
    requireRunId(runId, 'finishRun');
    requireStatus(status, 'finishRun', true);
    const given = toJsonValue(outcome ?? {}, '/outcome', 'finishRun') as TraceOutcome;
    const now = new Date().toISOString();
    return this.mutateDocument((doc) => {
      const { run, index } = this.#find(doc, runId);
      if (run.status !== 'running') throw runFinished(run, 'finish');
      const record = deepFreeze({ ...run, status, outcome: mergeOutcome(run.epochs, given), updatedAt: now, finishedAt: now });
      doc.runs[index] = record;
      return { value: record, changed: true };
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
    return this.mutateDocument<ImportResult[]>((doc) => {
      const index = indexOf(doc);
      // Source location → position of the latest run from it (built only when a run could replace one).
      let locations: Map<string, number> | undefined;
      const locationsOf = () => {
        if (!locations) {
          locations = new Map();
          doc.runs.forEach((r, i) => {
            const loc = sourceLocationKey(r.provenance);
            if (loc) locations!.set(loc, i);
          });
        }
        return locations;
      };
      const plan: Array<{ kind: 'duplicate'; id: string } | { kind: 'add'; record: TraceRecord; key: string } | { kind: 'replace'; at: number; record: TraceRecord; key: string }> = [];
      const ids = new Set<string>();
      const keys = new Map<string, string>();
      for (const { key, location, record } of prepared) {
        const dup = hasOwn(doc.dedupe, key) ? doc.dedupe[key] : keys.get(key);
        if (dup !== undefined) {
          plan.push({ kind: 'duplicate', id: dup });
          continue;
        }
        const at = location ? locationsOf().get(location) : undefined;
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
      let changed = false;
      for (const step of plan) {
        if (step.kind === 'duplicate') {
          results.push({ id: step.id, duplicate: true });
          continue;
        }
        changed = true;
        if (step.kind === 'replace') {
          const oldKey = dedupeKey(doc.runs[step.at]!.provenance);
          if (oldKey && doc.dedupe[oldKey] === step.record.id) delete doc.dedupe[oldKey];
          doc.runs[step.at] = step.record;
          doc.dedupe[step.key] = step.record.id;
          results.push({ id: step.record.id, duplicate: false, replaced: true });
          continue;
        }
        const at = doc.runs.push(step.record) - 1;
        index.set(step.record.id, at);
        const loc = sourceLocationKey(step.record.provenance);
        if (loc && locations) locations.set(loc, at);
        doc.dedupe[step.key] = step.record.id;
        results.push({ id: step.record.id, duplicate: false });
      }
      return { value: results, changed };
    });
  }

  async restoreRuns(records: readonly TraceRecord[], options: RestoreOptions = {}): Promise<RestoreResult[]> {
    this.checkOpen();
    if (!Array.isArray(records)) throw new ValidationError('INVALID_PARAMETER', `restoreRuns: \`records\` must be an array of trace records. Received: ${describeValue(records)}.`, { argument: 'records' });
    const checked = records.map((r) => deepFreeze(checkRecord(r, 'restoreRuns')));
    if (checked.length === 0) return [];
    return this.mutateDocument<RestoreResult[]>((doc) => {
      const index = indexOf(doc);
      const results: RestoreResult[] = [];
      let changed = false;
      for (const record of checked) {
        const key = dedupeKey(record.provenance);
        const at = index.get(record.id);
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
          if (oldKey && doc.dedupe[oldKey] === record.id) delete doc.dedupe[oldKey];
          doc.runs[at] = record;
          if (key) doc.dedupe[key] = record.id;
          results.push({ id: record.id, outcome: 'replaced' });
          changed = true;
          continue;
        }
        if (key && hasOwn(doc.dedupe, key)) {
          results.push({ id: record.id, outcome: 'duplicate', existingId: doc.dedupe[key] });
          continue;
        }
        index.set(record.id, doc.runs.push(record) - 1);
        if (key) doc.dedupe[key] = record.id;
        results.push({ id: record.id, outcome: 'added' });
        changed = true;
      }
      return { value: results, changed };
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
    await this.mutateDocument((doc) => {
      // defineProperty: a policy named "__proto__" must be stored, not change the object's prototype.
      Object.defineProperty(doc.policies, name, { value, enumerable: true, writable: true, configurable: true });
      return { value: undefined, changed: true };
    });
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
    return this.mutateDocument((doc) => {
      const index = indexOf(doc);
      for (const id of ids) if (!index.has(id)) throw runNotFound(id, this.url);
      const gone = new Set(ids);
      doc.runs = doc.runs.filter((r) => !gone.has(r.id));
      for (const [key, id] of Object.entries(doc.dedupe)) if (gone.has(id)) delete doc.dedupe[key];
      indexes.delete(doc); // positions moved: rebuilt on next use
      return { value: ids.length, changed: true };
    });
  }

  async retagRuns(runIds: readonly string[], patch: TaskPatch): Promise<TraceRecord[]> {
    this.checkOpen();
    const ids = requireRunIds(runIds, 'retagRuns');
    patchTask({ id: 'x' }, patch, 'retagRuns'); // checks the patch before anything is read
    const now = new Date().toISOString();
    return this.mutateDocument((doc) => {
      const found = ids.map((id) => this.#find(doc, id));
      const out: TraceRecord[] = [];
      for (const { run, index } of found) {
        const record = deepFreeze({ ...run, task: patchTask(run.task, patch, 'retagRuns'), updatedAt: now });
        doc.runs[index] = record;
        out.push(record);
      }
      return { value: out, changed: out.length > 0 };
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
