/**
 * Helpers every trace store shares: input normalisation and checks, deep freezing, the outcome
 * computed from epochs, the dedupe key of an import, query matching and URL redaction. Keeping
 * them here is what makes the memory, lowdb and Postgres stores behave the same (the conformance
 * suite checks that they do).
 */
import { randomUUID } from 'node:crypto';
import { ValidationError, describeValue } from '../core/errors.js';
import { formatProblem, schemaProblems } from '../core/json-validation.js';
import type { TraceQuery } from './store.js';
import { scheduleNameOf } from '../schedules/spec-identity.js';
import type {
  MetricSummary,
  NewTrace,
  RunStatus,
  TraceBatch,
  TraceEpoch,
  TraceOutcome,
  TraceProvenance,
  TraceRecord,
} from './trace.js';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'completed', 'diverged', 'pruned', 'failed', 'incomplete'];
export const FINISHED_STATUSES = RUN_STATUSES.filter((s) => s !== 'running') as Exclude<RunStatus, 'running'>[];

/** Mutable view of a readonly type: stores build records field by field before freezing them. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Freezes `value` and everything reachable from it. Already-frozen objects are taken as frozen all the way down (stores only freeze whole records). */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value as object)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}

function invalid(pointer: string, rule: string, value: unknown, where: string): never {
  throw new ValidationError(
    'INVALID_TRACE',
    `${where}: \`${pointer || '/'}\` must be ${rule}. Received: ${describeValue(value)}.`,
    { pointer, rule, received: value },
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A JSON copy of `value`: drops `undefined` properties, rejects what JSON (and jsonb) cannot hold
 * (NaN, ±Infinity, functions, Dates, class instances) with a pointer to the offending field.
 */
export function toJsonValue(value: unknown, pointer: string, where: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) invalid(pointer, 'a finite number (JSON has no NaN or Infinity)', value, where);
    return value === 0 ? 0 : value; // -0 has no JSON form: every store holds it as 0
  }
  if (Array.isArray(value)) return value.map((v, i) => toJsonValue(v === undefined ? null : v, `${pointer}/${i}`, where));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = toJsonValue(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, where);
    }
    return out;
  }
  return invalid(pointer, 'a JSON value (object, array, string, finite number, boolean or null)', value, where);
}

const TRACE_SCHEMA = 'https://metatune.dev/schemas/trace.schema.json';

/**
 * The last word on a record's shape: schemas/trace.schema.json (the checks above only make the
 * record safe to store; this one makes every store accept exactly what the schema accepts).
 */
export function checkSchema(doc: unknown, fragment: '' | '#/$defs/epoch' | '#/$defs/batch' | '#/$defs/outcome', pointer: string, where: string): void {
  const problems = schemaProblems(`${TRACE_SCHEMA}${fragment}`, doc, { file: where, pointer });
  if (problems.length === 0) return;
  throw new ValidationError('INVALID_TRACE', problems.map(formatProblem).join('\n'), { pointer: problems[0].pointer, errors: problems });
}

function optionalFiniteNumber(v: unknown, pointer: string, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') invalid(pointer, 'a number', v, where);
  // A diverged epoch has loss NaN or Infinity; JSON and jsonb cannot hold them, so the value is
  // dropped here and the run's status / outcome.reason carry the divergence instead.
  return Number.isFinite(v) ? (v === 0 ? 0 : v) : undefined;
}

function requireInt(v: unknown, pointer: string, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) invalid(pointer, 'an integer >= 0', v, where);
  return v;
}

/** Normalises one epoch record (non-finite values dropped, unknown keys rejected). */
export function normalizeEpoch(e: unknown, pointer: string, where: string): TraceEpoch {
  if (!isPlainObject(e)) invalid(pointer, 'an epoch object', e, where);
  const allowed = ['epoch', 'step', 'lr', 'loss', 'val_loss', 'metrics', 'wallTimeMs'];
  for (const k of Object.keys(e)) {
    if (!allowed.includes(k) && e[k] !== undefined) invalid(`${pointer}/${k}`, `one of the epoch fields ${allowed.join(', ')}`, k, where);
  }
  const out: Mutable<TraceEpoch> = { epoch: requireInt(e.epoch, `${pointer}/epoch`, where), metrics: {} };
  if (e.step !== undefined && e.step !== null) out.step = requireInt(e.step, `${pointer}/step`, where);
  for (const key of ['lr', 'loss', 'val_loss', 'wallTimeMs'] as const) {
    const v = optionalFiniteNumber(e[key], `${pointer}/${key}`, where);
    if (v !== undefined) out[key] = v;
  }
  if (e.metrics !== undefined) {
    if (!isPlainObject(e.metrics)) invalid(`${pointer}/metrics`, 'an object of numbers', e.metrics, where);
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(e.metrics)) {
      const n = optionalFiniteNumber(v, `${pointer}/metrics/${k}`, where);
      if (n !== undefined) metrics[k] = n;
    }
    out.metrics = metrics;
  }
  return out;
}

export function normalizeBatch(b: unknown, pointer: string, where: string): TraceBatch {
  if (!isPlainObject(b)) invalid(pointer, 'a batch object', b, where);
  for (const k of Object.keys(b)) {
    if (!['step', 'lr', 'loss'].includes(k) && b[k] !== undefined) invalid(`${pointer}/${k}`, 'one of the batch fields step, lr, loss', k, where);
  }
  const out: Mutable<TraceBatch> = { step: requireInt(b.step, `${pointer}/step`, where) };
  const lr = optionalFiniteNumber(b.lr, `${pointer}/lr`, where);
  const loss = optionalFiniteNumber(b.loss, `${pointer}/loss`, where);
  if (lr !== undefined) out.lr = lr;
  if (loss !== undefined) out.loss = loss;
  return out;
}

/** Epochs sorted by epoch; a repeated epoch inside one call must repeat the same record. */
export function normalizeEpochs(epochs: unknown, pointer: string, where: string): TraceEpoch[] {
  if (!Array.isArray(epochs)) invalid(pointer, 'an array of epoch records', epochs, where);
  const byEpoch = new Map<number, TraceEpoch>();
  epochs.forEach((e, i) => {
    const n = normalizeEpoch(e, `${pointer}/${i}`, where);
    checkSchema(n, '#/$defs/epoch', `${pointer}/${i}`, where);
    const prev = byEpoch.get(n.epoch);
    if (prev && !sameJson(prev, n)) {
      throw new ValidationError('EPOCH_CONFLICT', `${where}: epoch ${n.epoch} appears twice with different values (${pointer}/${i}).`, {
        epoch: n.epoch,
        pointer: `${pointer}/${i}`,
      });
    }
    byEpoch.set(n.epoch, n);
  });
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

export function normalizeBatches(batches: unknown, pointer: string, where: string): TraceBatch[] {
  if (!Array.isArray(batches)) invalid(pointer, 'an array of batch records', batches, where);
  const byStep = new Map<number, TraceBatch>();
  batches.forEach((b, i) => {
    const n = normalizeBatch(b, `${pointer}/${i}`, where);
    checkSchema(n, '#/$defs/batch', `${pointer}/${i}`, where);
    const prev = byStep.get(n.step);
    if (prev && !sameJson(prev, n)) {
      throw new ValidationError('BATCH_CONFLICT', `${where}: step ${n.step} appears twice with different values (${pointer}/${i}).`, {
        step: n.step,
        pointer: `${pointer}/${i}`,
      });
    }
    byStep.set(n.step, n);
  });
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Order-insensitive deep equality of JSON values (jsonb reorders keys). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameJson(v, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

export function requireStatus(status: unknown, where: string, finishedOnly = false): RunStatus {
  const choices = finishedOnly ? FINISHED_STATUSES : RUN_STATUSES;
  if (typeof status !== 'string' || !(choices as readonly string[]).includes(status)) {
    throw new ValidationError(
      'INVALID_PARAMETER',
      `${where}: \`status\` must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}. Received: status=${describeValue(status)}.`,
      { argument: 'status', received: status },
    );
  }
  return status as RunStatus;
}

export function requireRunId(id: unknown, where: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
    throw new ValidationError('INVALID_PARAMETER', `${where}: \`runId\` must be a non-empty string of at most 200 characters. Received: runId=${describeValue(id)}.`, {
      argument: 'runId',
      received: id,
    });
  }
  return id;
}

/** ISO-8601 in UTC with milliseconds, as `Date.toISOString()` writes it (what every store returns). */
export function normalizeTimestamp(value: unknown, pointer: string, where: string): string {
  const ms = typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : NaN;
  if (!Number.isFinite(ms)) invalid(pointer, 'an ISO-8601 date-time', value, where);
  return new Date(ms).toISOString();
}

const NEW_TRACE_KEYS = ['id', 'task', 'model', 'optimizer', 'schedule', 'epochs', 'batches', 'status', 'outcome', 'environment', 'provenance', 'finishedAt'];

/**
 * Checks and copies a `NewTrace` into the record a store keeps (timestamps set, outcome computed
 * when the run is finished and none was given). Throws `ValidationError` (`INVALID_TRACE`) with a
 * JSON pointer for anything the schema would reject and the stores rely on.
 */
export function buildRecord(run: NewTrace, defaultStatus: RunStatus, where: string, now = new Date().toISOString()): TraceRecord {
  if (!isPlainObject(run)) invalid('', 'a trace object', run, where);
  for (const k of Object.keys(run)) {
    if (!NEW_TRACE_KEYS.includes(k) && (run as Record<string, unknown>)[k] !== undefined) {
      invalid(`/${k}`, `one of the trace fields ${NEW_TRACE_KEYS.join(', ')}`, k, where);
    }
  }
  const id = run.id === undefined ? randomUUID() : requireRunId(run.id, where);
  const task = run.task as unknown;
  if (!isPlainObject(task)) invalid('/task', 'a task object with an `id`', task, where);
  if (typeof task.id !== 'string' || task.id.length === 0) invalid('/task/id', 'a non-empty string', task.id, where);
  if (task.kind !== undefined && !['classification', 'regression', 'unknown'].includes(task.kind as string)) {
    invalid('/task/kind', 'one of "classification", "regression", "unknown"', task.kind, where);
  }
  if (run.optimizer !== undefined && (!isPlainObject(run.optimizer) || typeof run.optimizer.className !== 'string')) {
    invalid('/optimizer/className', 'a string', (run.optimizer as { className?: unknown } | undefined)?.className, where);
  }
  if (run.provenance !== undefined) {
    if (!isPlainObject(run.provenance) || typeof run.provenance.importer !== 'string' || run.provenance.importer.length === 0) {
      invalid('/provenance/importer', 'a non-empty string', (run.provenance as { importer?: unknown } | undefined)?.importer, where);
    }
  }
  const status = run.status === undefined ? defaultStatus : requireStatus(run.status, where);
  const epochs = run.epochs === undefined ? [] : normalizeEpochs(run.epochs, '/epochs', where);
  const record: Mutable<TraceRecord> = {
    id,
    task: toJsonValue(task, '/task', where) as TraceRecord['task'],
    epochs,
    status,
    createdAt: now,
    updatedAt: now,
  };
  // null and undefined both mean "absent" (Postgres cannot tell a SQL NULL from a jsonb null).
  for (const key of ['model', 'optimizer', 'schedule', 'environment', 'provenance'] as const) {
    if (run[key] !== undefined && run[key] !== null) (record as Record<string, unknown>)[key] = toJsonValue(run[key], `/${key}`, where);
  }
  if (run.batches !== undefined && run.batches !== null) {
    const batches = normalizeBatches(run.batches, '/batches', where);
    if (batches.length > 0) record.batches = batches;
  }
  if (status !== 'running') {
    record.finishedAt = run.finishedAt === undefined ? now : normalizeTimestamp(run.finishedAt, '/finishedAt', where);
    record.outcome = mergeOutcome(epochs, run.outcome === undefined || run.outcome === null ? undefined : (toJsonValue(run.outcome, '/outcome', where) as TraceOutcome), where);
  } else if (run.outcome !== undefined && run.outcome !== null) {
    record.outcome = toJsonValue(run.outcome, '/outcome', where) as TraceOutcome;
  }
  // Epochs and batches were checked one by one above.
  checkSchema({ ...record, epochs: [], ...(record.batches ? { batches: [] } : {}) }, '', '', where);
  return record;
}

const RECORD_KEYS = [...NEW_TRACE_KEYS, 'createdAt', 'updatedAt'];

/**
 * Checks a complete stored record (an interchange export line, a record read from another store)
 * and returns it as the store keeps it, **exactly**: id, status, timestamps and outcome are taken
 * as given, not recomputed (what `restoreRuns` and `metatune store copy` need to be lossless).
 * Throws `INVALID_TRACE` with a JSON pointer for anything the schema rejects.
 */
export function checkRecord(raw: unknown, where: string): TraceRecord {
  if (!isPlainObject(raw)) invalid('', 'a trace record object', raw, where);
  for (const k of Object.keys(raw)) {
    if (!RECORD_KEYS.includes(k) && raw[k] !== undefined) invalid(`/${k}`, `one of the trace record fields ${RECORD_KEYS.join(', ')}`, k, where);
  }
  if (typeof raw.id !== 'string') invalid('/id', 'a non-empty string', raw.id, where);
  if (raw.status === undefined) invalid('/status', `one of ${RUN_STATUSES.join(', ')}`, raw.status, where);
  const createdAt = normalizeTimestamp(raw.createdAt, '/createdAt', where);
  const updatedAt = normalizeTimestamp(raw.updatedAt, '/updatedAt', where);
  const rest: Record<string, unknown> = { ...raw };
  delete rest.createdAt;
  delete rest.updatedAt;
  delete rest.outcome;
  delete rest.finishedAt;
  const record = buildRecord(rest as NewTrace, 'running', where, createdAt) as Mutable<TraceRecord>;
  record.updatedAt = updatedAt;
  delete record.outcome;
  delete record.finishedAt;
  if (raw.outcome !== undefined && raw.outcome !== null) {
    const outcome = toJsonValue(raw.outcome, '/outcome', where);
    checkSchema(outcome, '#/$defs/outcome', '/outcome', where);
    record.outcome = outcome as TraceOutcome;
  }
  if (raw.finishedAt !== undefined && raw.finishedAt !== null) record.finishedAt = normalizeTimestamp(raw.finishedAt, '/finishedAt', where);
  return record;
}

/**
 * The outcome a finished run gets from its epochs: the primary metric is `val_loss` when any
 * epoch has it, else `loss` (mode min); `best` is its minimum (first epoch on ties), `final` its
 * value at the last epoch that has it; `wallTimeMs` sums the epochs' wall times when they have any.
 */
export function computeOutcome(epochs: readonly TraceEpoch[]): TraceOutcome {
  const name = epochs.some((e) => e.val_loss !== undefined) ? 'val_loss' : epochs.some((e) => e.loss !== undefined) ? 'loss' : undefined;
  const outcome: Mutable<TraceOutcome> = { epochsRun: epochs.length };
  if (name) {
    let best: MetricSummary | undefined;
    let final: MetricSummary | undefined;
    for (const e of epochs) {
      const value = e[name as 'loss' | 'val_loss'];
      if (value === undefined) continue;
      if (!best || value < best.value) best = { name, value, epoch: e.epoch };
      final = { name, value, epoch: e.epoch };
    }
    if (best) outcome.best = { ...best, mode: 'min' };
    if (final) outcome.final = final;
  }
  if (epochs.some((e) => e.wallTimeMs !== undefined)) outcome.wallTimeMs = epochs.reduce((s, e) => s + (e.wallTimeMs ?? 0), 0);
  return outcome;
}

/** Computed outcome, overridden field by field by what the caller gave. */
export function mergeOutcome(epochs: readonly TraceEpoch[], given: TraceOutcome | undefined, where = 'finishRun'): TraceOutcome {
  const computed = computeOutcome(epochs);
  if (!given) return computed;
  const merged: Record<string, unknown> = { ...computed };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) merged[k] = v;
  checkSchema(merged, '#/$defs/outcome', '/outcome', where);
  return merged as unknown as TraceOutcome;
}

/**
 * The key that makes `importRun` idempotent: (importer, contentHash, sourceKey). Undefined when
 * the run has no content hash (a run that cannot be recognised again is not deduplicated).
 */
export function dedupeKey(provenance: TraceProvenance | undefined): string | undefined {
  if (!provenance?.contentHash) return undefined;
  return JSON.stringify([provenance.importer, provenance.contentHash, provenance.sourceKey ?? null]);
}

/**
 * Where an imported run came from, independent of the bytes: (importer, file, source key). A run
 * stored `incomplete` is replaced by the next import from the same location (the grown log), and
 * `import --replace` replaces whatever that location produced before.
 */
export function sourceLocationKey(provenance: TraceProvenance | undefined): string | undefined {
  if (!provenance?.file) return undefined;
  return JSON.stringify([provenance.importer, provenance.file, provenance.sourceKey ?? null]);
}

/** Checks a task correction and applies it to `task` (a new object). */
export function patchTask(task: TraceRecord['task'], patch: unknown, where: string): TraceRecord['task'] {
  if (!isPlainObject(patch)) invalid('', 'a task patch object', patch, where);
  const allowed = ['id', 'name', 'parentDataset', 'kind'];
  for (const k of Object.keys(patch)) if (!allowed.includes(k)) invalid(`/${k}`, `one of the task fields ${allowed.join(', ')}`, k, where);
  if (Object.keys(patch).length === 0) invalid('', 'a patch with at least one of id, name, parentDataset, kind', patch, where);
  const out: Record<string, unknown> = { ...task };
  if (patch.id !== undefined) {
    if (typeof patch.id !== 'string' || patch.id.trim() === '') invalid('/id', 'a non-empty string', patch.id, where);
    out.id = patch.id;
  }
  for (const k of ['name', 'parentDataset', 'kind'] as const) {
    const v = patch[k];
    if (v === undefined) continue;
    if (v === null) delete out[k];
    else if (typeof v !== 'string' || v === '') invalid(`/${k}`, 'a non-empty string or null', v, where);
    else out[k] = v;
  }
  if (out.kind !== undefined && !['classification', 'regression', 'unknown'].includes(out.kind as string)) invalid('/kind', 'one of "classification", "regression", "unknown"', out.kind, where);
  return out as unknown as TraceRecord['task'];
}

export function requireRunIds(ids: unknown, where: string): string[] {
  if (!Array.isArray(ids)) invalid('', 'an array of run ids', ids, where);
  return [...new Set(ids.map((id) => requireRunId(id, where)))];
}

export function ambiguousRunId(prefix: string, candidates: readonly string[]): ValidationError {
  return new ValidationError(
    'AMBIGUOUS_RUN_ID',
    `The run id prefix "${prefix}" matches several runs (${candidates.slice(0, 5).join(', ')}${candidates.length > 5 ? ', …' : ''}). Give more characters of the id.`,
    { prefix, candidates: candidates.slice(0, 20) },
  );
}

/** importRun needs a provenance that identifies the source, else re-imports would duplicate runs. */
export function requireImportProvenance(run: NewTrace, where: string): string {
  const key = dedupeKey(run?.provenance);
  if (!key) {
    throw new ValidationError(
      'MISSING_PROVENANCE',
      `${where}: \`provenance.importer\` and \`provenance.contentHash\` are required to import a run (they make re-imports idempotent). ` +
        `Received: provenance=${describeValue(run?.provenance)}. Use createRun() for runs without a source.`,
      { argument: 'provenance', received: run?.provenance },
    );
  }
  return key;
}

/**
 * The schedule family a spec names: native `family`, Keras `class_name`, PyTorch `torch`, optax
 * `optax`, fastai `fastai` (when that is a string). Used by `query({scheduleFamily})` and indexed by Postgres.
 */
export function scheduleFamilyOf(schedule: unknown): string | undefined {
  return scheduleNameOf(schedule);
}

/** The model id a query's `modelId` matches: the zoo id, else the model's free-form name. */
export function modelIdOf(record: Pick<TraceRecord, 'model'>): string | undefined {
  return record.model?.zooId ?? record.model?.name;
}

/** Checks a query's fields eagerly (a typo such as `taskID` would otherwise match everything). */
export function normalizeQuery(filter: TraceQuery | undefined, where: string): TraceQuery {
  if (filter === undefined) return {};
  if (!isPlainObject(filter)) invalid('', 'a query object', filter, where);
  const allowed = ['taskId', 'parentDataset', 'modelId', 'scheduleFamily', 'status', 'importer', 'limit'];
  for (const k of Object.keys(filter)) {
    if (!allowed.includes(k)) {
      throw new ValidationError('UNKNOWN_PARAMETER', `${where}: unknown query field \`${k}\`. Valid fields: ${allowed.join(', ')}. Received: ${k}=${describeValue(filter[k])}.`, {
        argument: k,
        allowed,
      });
    }
  }
  if (filter.limit !== undefined && (typeof filter.limit !== 'number' || !Number.isInteger(filter.limit) || filter.limit < 0)) {
    throw new ValidationError('INVALID_PARAMETER', `${where}: \`limit\` must be an integer >= 0. Received: limit=${describeValue(filter.limit)}.`, {
      argument: 'limit',
      received: filter.limit,
    });
  }
  const statuses = filter.status === undefined ? [] : Array.isArray(filter.status) ? filter.status : [filter.status];
  for (const s of statuses) requireStatus(s, where);
  return filter as TraceQuery;
}

export function queryStatuses(filter: TraceQuery): readonly RunStatus[] | undefined {
  if (filter.status === undefined) return undefined;
  return (Array.isArray(filter.status) ? filter.status : [filter.status]) as readonly RunStatus[];
}

/** True when `record` passes every field of `filter` (limit aside). */
export function matchesQuery(record: TraceRecord, filter: TraceQuery): boolean {
  if (filter.taskId !== undefined && record.task.id !== filter.taskId) return false;
  if (filter.parentDataset !== undefined && record.task.parentDataset !== filter.parentDataset) return false;
  if (filter.modelId !== undefined && modelIdOf(record) !== filter.modelId) return false;
  if (filter.scheduleFamily !== undefined && scheduleFamilyOf(record.schedule) !== filter.scheduleFamily) return false;
  if (filter.importer !== undefined && record.provenance?.importer !== filter.importer) return false;
  const statuses = queryStatuses(filter);
  if (statuses && !statuses.includes(record.status)) return false;
  return true;
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db` (also `?password=`). */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@/?#]*@/i, '$1:***@')
    .replace(/([?&](?:password|sslpassword|sslkey)=)[^&#]*/gi, '$1***');
}
