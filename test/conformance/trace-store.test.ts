/**
 * Every TraceStore (memory, lowdb file, PostgreSQL) through the same assertions: the invariants
 * listed in src/traces/store.ts. A new store passes this suite before it is registered.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaProblems } from '../../src/core/json-validation.js';
import { createContainer, getStore } from '../../src/container.js';
import type { MetatuneRuntime } from '../../src/runtime.js';
import { openStore } from '../../src/traces/get-store.js';
import type { TraceStore } from '../../src/traces/store.js';
import type { NewTrace, TraceEpoch, TraceRecord } from '../../src/traces/trace.js';
import { createTempDatabase, POSTGRES_AVAILABLE, type TempDatabase } from '../helpers/temp-postgres.js';

interface Harness {
  readonly name: string;
  readonly persistent: boolean;
  setup(): Promise<void>;
  /** An empty store. */
  fresh(): Promise<TraceStore>;
  /** The same data opened again (persistent stores only). */
  reopen(): Promise<TraceStore>;
  teardown(): Promise<void>;
}

function memoryHarness(): Harness {
  return {
    name: 'memory',
    persistent: false,
    async setup() {},
    fresh: () => getStore('memory:'),
    reopen: () => getStore('memory:'),
    async teardown() {},
  };
}

/** A third-party scheme (test/fixtures/plugins/store-fixture), opened through a runtime as the CLI does. */
function fixtureHarness(): Harness {
  let runtime: MetatuneRuntime;
  let n = 0;
  return {
    name: 'fixture-memory (third-party plugin)',
    persistent: false,
    async setup() {
      runtime = await createContainer({ plugins: ['./test/fixtures/plugins/store-fixture'], configFile: false });
    },
    fresh: () => openStore(`fixture-memory:s${n++}`, runtime),
    reopen: () => openStore(`fixture-memory:s${n++}`, runtime),
    async teardown() {},
  };
}

function lowdbHarness(): Harness {
  let dir = '';
  let n = 0;
  let current = '';
  return {
    name: 'lowdb',
    persistent: true,
    async setup() {
      dir = await mkdtemp(join(tmpdir(), 'metatune-conformance-'));
    },
    async fresh() {
      current = `file:${join(dir, `store-${n++}.json`)}`;
      return getStore(current);
    },
    reopen: () => getStore(current),
    async teardown() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function postgresHarness(): Harness {
  let db: TempDatabase;
  return {
    name: 'postgres',
    persistent: true,
    async setup() {
      db = await createTempDatabase('metatune_conf');
      // The first open of an empty database creates the schema.
      await (await getStore(db.url)).close();
    },
    async fresh() {
      await db.sql('TRUNCATE runs, epochs, batches, policies');
      return getStore(db.url);
    },
    reopen: () => getStore(db.url),
    async teardown() {
      await db?.drop();
    },
  };
}

const epoch = (i: number, extra: Partial<TraceEpoch> = {}): TraceEpoch => ({
  epoch: i,
  step: (i + 1) * 10,
  lr: 0.1 / (i + 1),
  loss: 1 / (i + 1),
  val_loss: [0.9, 0.5, 0.7, 0.6][i % 4],
  metrics: { acc: 0.5 + i / 100, val_acc: 0.4 + i / 100 },
  wallTimeMs: 100 + i,
  ...extra,
});

const newRun = (overrides: Partial<NewTrace> = {}): NewTrace => ({
  task: { id: 'iris', name: 'Iris', kind: 'classification', parentDataset: 'iris', metaFeatures: { rows: 150, features: 4 } },
  model: { zooId: 'mlp-small', params: { units: [16, 8] } },
  optimizer: { className: 'Adam', hyperparameters: { learningRate: 0.01, beta1: 0.9, amsgrad: false } },
  schedule: { family: 'cosine_decay', params: { initialLearningRate: 0.01, decaySteps: 100 } },
  environment: { backend: 'wasm', tfjsVersion: '4.22.0' },
  ...overrides,
});

const imported = (hash: string, sourceKey?: string, overrides: Partial<NewTrace> = {}): NewTrace =>
  newRun({
    epochs: [epoch(0), epoch(1), epoch(2)],
    provenance: { importer: 'keras-csv', file: 'logs/run.csv', line: 1, contentHash: hash, ...(sourceKey ? { sourceKey } : {}) },
    ...overrides,
  });

async function collect(it: AsyncIterable<TraceRecord>): Promise<TraceRecord[]> {
  const out: TraceRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

function isDeepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

async function expectCode(promise: Promise<unknown>, name: string, code: string, message?: RegExp): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  expect((err as Error).name).toBe(name);
  expect((err as { code?: string }).code).toBe(code);
  if (message) expect((err as Error).message).toMatch(message);
}

// PostgreSQL joins where a server answers (jest's global setup says loudly when it does not).
describe.each([memoryHarness(), fixtureHarness(), lowdbHarness(), ...(POSTGRES_AVAILABLE ? [postgresHarness()] : [])])('TraceStore conformance: $name', (h) => {
  let store: TraceStore;
  beforeAll(() => h.setup());
  afterAll(async () => {
    await store?.close();
    await h.teardown();
  });
  beforeEach(async () => {
    await store?.close();
    store = await h.fresh();
  });

  it('creates a running run with bookkeeping fields and reads it back equal', async () => {
    const created = await store.createRun(newRun());
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.status).toBe('running');
    expect(created.epochs).toEqual([]);
    expect(created.createdAt).toBe(created.updatedAt);
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
    expect(created.finishedAt).toBeUndefined();
    expect(created.optimizer).toEqual({ className: 'Adam', hyperparameters: { learningRate: 0.01, beta1: 0.9, amsgrad: false } });
    expect(await store.getRun(created.id)).toEqual(created);
  });

  it('keeps a caller-supplied id and refuses a second run with it (RUN_EXISTS)', async () => {
    const r = await store.createRun(newRun({ id: 'run-42' }));
    expect(r.id).toBe('run-42');
    await expectCode(store.createRun(newRun({ id: 'run-42' })), 'ValidationError', 'RUN_EXISTS', /run-42/);
    expect(await store.count()).toBe(1);
  });

  it('appends epochs in order, idempotently, and rejects a conflicting epoch atomically', async () => {
    const { id } = await store.createRun(newRun());
    await store.appendEpochs(id, [epoch(1), epoch(0)]);
    await store.appendEpochs(id, [epoch(2)]);
    const before = await store.getRun(id);
    expect(before.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(before.epochs[1]).toEqual(epoch(1));

    // Re-sending identical epochs changes nothing (not even updatedAt).
    await store.appendEpochs(id, [epoch(0), epoch(2)]);
    expect(await store.getRun(id)).toEqual(before);

    // One new epoch plus one conflicting: EPOCH_CONFLICT and the new one is not added either.
    await expectCode(store.appendEpochs(id, [epoch(3), epoch(1, { loss: 99 })]), 'ValidationError', 'EPOCH_CONFLICT', /epoch 1/);
    expect((await store.getRun(id)).epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
  });

  it('appends batches idempotently per step and rejects a conflicting step', async () => {
    const { id } = await store.createRun(newRun());
    await store.appendBatches(id, [
      { step: 0, lr: 0.1, loss: 2 },
      { step: 10, lr: 0.09, loss: 1.5 },
    ]);
    await store.appendBatches(id, [{ step: 10, lr: 0.09, loss: 1.5 }, { step: 20, loss: 1.2 }]);
    expect((await store.getRun(id)).batches).toEqual([
      { step: 0, lr: 0.1, loss: 2 },
      { step: 10, lr: 0.09, loss: 1.5 },
      { step: 20, loss: 1.2 },
    ]);
    await expectCode(store.appendBatches(id, [{ step: 20, loss: 7 }]), 'ValidationError', 'BATCH_CONFLICT');
  });

  it('finishes a run with an outcome computed from its epochs; finished runs are immutable (RUN_FINISHED)', async () => {
    const { id } = await store.createRun(newRun());
    await store.appendEpochs(id, [epoch(0), epoch(1), epoch(2), epoch(3)]);
    const done = await store.finishRun(id, 'completed', { epochsRun: 4 });
    expect(done.status).toBe('completed');
    expect(done.finishedAt).toBeDefined();
    // val_loss 0.9, 0.5, 0.7, 0.6 → best 0.5 at epoch 1, final 0.6 at epoch 3; wall time 100+101+102+103.
    expect(done.outcome).toEqual({
      epochsRun: 4,
      best: { name: 'val_loss', value: 0.5, epoch: 1, mode: 'min' },
      final: { name: 'val_loss', value: 0.6, epoch: 3 },
      wallTimeMs: 406,
    });
    expect(await store.getRun(id)).toEqual(done);

    await expectCode(store.appendEpochs(id, [epoch(4)]), 'ValidationError', 'RUN_FINISHED', /completed/);
    await expectCode(store.appendEpochs(id, [epoch(0)]), 'ValidationError', 'RUN_FINISHED');
    await expectCode(store.appendBatches(id, [{ step: 1 }]), 'ValidationError', 'RUN_FINISHED');
    await expectCode(store.finishRun(id, 'failed', { epochsRun: 4 }), 'ValidationError', 'RUN_FINISHED');
    expect(await store.getRun(id)).toEqual(done);
  });

  it('keeps the caller-given outcome fields over the computed ones', async () => {
    const { id } = await store.createRun(newRun());
    await store.appendEpochs(id, [epoch(0)]);
    const done = await store.finishRun(id, 'diverged', { epochsRun: 1, reason: 'loss became NaN at step 12', wallTimeMs: 5 });
    expect(done.outcome).toMatchObject({ epochsRun: 1, reason: 'loss became NaN at step 12', wallTimeMs: 5, best: { value: 0.9 } });
    await expectCode(store.finishRun(id, 'running' as never, { epochsRun: 1 }), 'ValidationError', 'INVALID_PARAMETER');
  });

  it('throws RUN_NOT_FOUND (NotFoundError) for a missing run everywhere', async () => {
    await expectCode(store.getRun('nope'), 'NotFoundError', 'RUN_NOT_FOUND', /"nope"/);
    await expectCode(store.appendEpochs('nope', [epoch(0)]), 'NotFoundError', 'RUN_NOT_FOUND');
    await expectCode(store.appendBatches('nope', [{ step: 0 }]), 'NotFoundError', 'RUN_NOT_FOUND');
    await expectCode(store.finishRun('nope', 'completed', { epochsRun: 0 }), 'NotFoundError', 'RUN_NOT_FOUND');
  });

  it('returns deep-frozen records that cannot change the store, and copies its inputs', async () => {
    const input = newRun({ epochs: [epoch(0)] }) as { task: { id: string }; epochs: TraceEpoch[] };
    const created = await store.createRun(input as NewTrace);
    input.task.id = 'changed-after';
    (input.epochs[0].metrics as Record<string, number>).acc = -1;
    const got = await store.getRun(created.id);
    expect(isDeepFrozen(created)).toBe(true);
    expect(isDeepFrozen(got)).toBe(true);
    expect(got.task.id).toBe('iris');
    expect(got.epochs[0].metrics.acc).toBe(0.5);
    expect(() => {
      (got.epochs[0].metrics as Record<string, number>).acc = 0;
    }).toThrow(TypeError);
    expect(() => {
      (got as { status: string }).status = 'completed';
    }).toThrow(TypeError);
    const [queried] = await collect(store.query());
    expect(isDeepFrozen(queried)).toBe(true);
    expect((await store.getRun(created.id)).status).toBe('running');
  });

  it('imports idempotently by (importer, contentHash, sourceKey)', async () => {
    const first = await store.importRun(imported('sha256:aaa', 'trial-0'));
    expect(first.duplicate).toBe(false);
    const again = await store.importRun(imported('sha256:aaa', 'trial-0', { task: { id: 'other' } }));
    expect(again).toEqual({ id: first.id, duplicate: true });
    const sibling = await store.importRun(imported('sha256:aaa', 'trial-1'));
    expect(sibling.duplicate).toBe(false);
    const otherImporter = await store.importRun(
      imported('sha256:aaa', 'trial-0', { provenance: { importer: 'optuna-journal', contentHash: 'sha256:aaa', sourceKey: 'trial-0' } }),
    );
    expect(otherImporter.duplicate).toBe(false);
    expect(await store.count()).toBe(3);

    const run = await store.getRun(first.id);
    expect(run.status).toBe('completed');
    expect(run.task.id).toBe('iris');
    expect(run.epochs).toHaveLength(3);
    expect(run.outcome).toMatchObject({ epochsRun: 3, best: { name: 'val_loss', value: 0.5, epoch: 1 } });
    expect(run.provenance).toEqual({ importer: 'keras-csv', file: 'logs/run.csv', line: 1, contentHash: 'sha256:aaa', sourceKey: 'trial-0' });
    await expectCode(store.appendEpochs(first.id, [epoch(5)]), 'ValidationError', 'RUN_FINISHED');
    await expectCode(store.importRun(newRun({ provenance: { importer: 'jsonl' } })), 'ValidationError', 'MISSING_PROVENANCE', /contentHash/);
  });

  it('importRuns stores a batch in one call, idempotently; an invalid run stores nothing of the batch', async () => {
    const results = await store.importRuns([imported('sha256:b1', 'a'), imported('sha256:b1', 'a'), imported('sha256:b2')]);
    expect(results[0]).toEqual({ id: results[0]!.id, duplicate: false });
    expect(results[1]).toEqual({ id: results[0]!.id, duplicate: true });
    expect(results[2]!.duplicate).toBe(false);
    expect(await store.count()).toBe(2);
    await expectCode(store.importRuns([imported('sha256:b3'), imported('sha256:b4', undefined, { epochs: [{ epoch: -1, metrics: {} }] })]), 'ValidationError', 'INVALID_TRACE', /epoch/);
    expect(await store.count()).toBe(2);
    expect(await store.importRuns([])).toEqual([]);
  });

  it('restoreRuns stores records exactly (id, status, timestamps, outcome) and is idempotent by id', async () => {
    const record: TraceRecord = {
      ...(newRun() as Omit<TraceRecord, 'id' | 'epochs' | 'status' | 'createdAt' | 'updatedAt'>),
      id: 'run-from-elsewhere',
      epochs: [epoch(0), epoch(1)],
      status: 'diverged',
      outcome: { epochsRun: 2, reason: 'non-finite loss at epoch 2' },
      provenance: { importer: 'tfevents', file: 'a/events.out', byteOffset: 40, contentHash: 'sha256:r1', sourceKey: 'train', notes: ['n'] },
      createdAt: '2023-03-04T05:06:07.089Z',
      updatedAt: '2023-03-04T06:00:00.000Z',
      finishedAt: '2023-03-04T06:00:00.000Z',
    };
    const live: TraceRecord = { id: 'live-1', task: { id: 'wine' }, epochs: [], status: 'running', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z' };
    expect(await store.restoreRuns([record, live])).toEqual([
      { id: record.id, outcome: 'added' },
      { id: live.id, outcome: 'added' },
    ]);
    expect(await store.getRun(record.id)).toEqual(record);
    expect(await collect(store.query())).toEqual([record, live]);
    expect(await store.restoreRuns([record])).toEqual([{ id: record.id, outcome: 'unchanged' }]);
    // Its source is known now: importing the original log again is a duplicate.
    expect(await store.importRun(imported('sha256:r1', 'train', { provenance: { importer: 'tfevents', contentHash: 'sha256:r1', sourceKey: 'train' } }))).toEqual({ id: record.id, duplicate: true });
    const retagged = { ...record, task: { id: 'iris-fixed' } };
    expect(await store.restoreRuns([retagged])).toEqual([{ id: record.id, outcome: 'conflict' }]);
    expect((await store.getRun(record.id)).task.id).toBe('iris');
    expect(await store.restoreRuns([retagged], { replace: true })).toEqual([{ id: record.id, outcome: 'replaced' }]);
    expect(await store.getRun(record.id)).toEqual(retagged);
    expect(await store.restoreRuns([{ ...record, id: 'other-id' }])).toEqual([{ id: 'other-id', outcome: 'duplicate', existingId: record.id }]);
    // The live run stays appendable after a restore.
    await store.appendEpochs(live.id, [epoch(0)]);
    await expectCode(store.restoreRuns([{ ...live, status: 'done' as never }]), 'ValidationError', 'INVALID_PARAMETER', /status/);
    await expectCode(store.restoreRuns([{ ...live, createdAt: 'yesterday' }]), 'ValidationError', 'INVALID_TRACE', /createdAt/);
  });

  it('restoreRuns decides each record of one batch as if the records came one by one (same id twice, a source key moving between runs)', async () => {
    const rec = (id: string, hash: string | undefined, taskId = 'iris'): TraceRecord => ({
      id,
      task: { id: taskId },
      epochs: [epoch(0)],
      status: 'completed',
      ...(hash ? { provenance: { importer: 'copy', contentHash: hash } } : {}),
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
    });
    expect(await store.restoreRuns([rec('a', 'k1'), rec('b', 'k2')])).toEqual([
      { id: 'a', outcome: 'added' },
      { id: 'b', outcome: 'added' },
    ]);
    expect(
      await store.restoreRuns(
        [
          rec('c', 'k3'), // new
          rec('c', 'k3'), // the same again: unchanged
          rec('c', 'k3', 'wine'), // other content, same id: replaced (with replace)
          rec('d', 'k3'), // k3 is c's now: duplicate
          rec('a', 'k4'), // a gives up k1 for k4
          rec('e', 'k1'), // so k1 is free for a new run
          rec('b', 'k4'), // but k4 is a's: duplicate
          rec('f', undefined), // no source key at all
        ],
        { replace: true },
      ),
    ).toEqual([
      { id: 'c', outcome: 'added' },
      { id: 'c', outcome: 'unchanged' },
      { id: 'c', outcome: 'replaced' },
      { id: 'd', outcome: 'duplicate', existingId: 'c' },
      { id: 'a', outcome: 'replaced' },
      { id: 'e', outcome: 'added' },
      { id: 'b', outcome: 'duplicate', existingId: 'a' },
      { id: 'f', outcome: 'added' },
    ]);
    expect((await collect(store.query())).map((r) => [r.id, r.task.id, r.provenance?.contentHash])).toEqual([
      ['a', 'iris', 'k4'],
      ['b', 'iris', 'k2'],
      ['c', 'wine', 'k3'],
      ['e', 'iris', 'k1'],
      ['f', 'iris', undefined],
    ]);
    // Without replace, the same id with other content is a conflict, also within one batch.
    expect(await store.restoreRuns([rec('g', 'k5'), rec('g', 'k5', 'wine')])).toEqual([
      { id: 'g', outcome: 'added' },
      { id: 'g', outcome: 'conflict' },
    ]);
    expect((await store.getRun('g')).task.id).toBe('iris');
    // Sources are known by their new runs: importing them again is a duplicate.
    expect(await store.importRun(imported('k1', undefined, { provenance: { importer: 'copy', contentHash: 'k1' } }))).toEqual({ id: 'e', duplicate: true });
    expect(await store.importRun(imported('k4', undefined, { provenance: { importer: 'copy', contentHash: 'k4' } }))).toEqual({ id: 'a', duplicate: true });
  });

  it('an incomplete import is replaced in place by the next import from the same source; {replace} replaces any', async () => {
    const at = (hash: string, status: 'incomplete' | 'completed', n: number, extra: Partial<NewTrace> = {}) =>
      imported(hash, 'train', { status, epochs: Array.from({ length: n }, (_, i) => epoch(i)), provenance: { importer: 'tfevents', file: '/logs/a/events', contentHash: hash, sourceKey: 'train' }, ...extra });
    const before = await store.importRun(newRun({ provenance: { importer: 'x', contentHash: 'other' } }));
    const cut = await store.importRun(at('h-cut', 'incomplete', 2));
    const after = await store.importRun(newRun({ provenance: { importer: 'x', contentHash: 'other-2' } }));
    const grown = await store.importRuns([at('h-full', 'completed', 4)]);
    expect(grown).toEqual([{ id: cut.id, duplicate: false, replaced: true }]);
    const run = await store.getRun(cut.id);
    expect(run).toMatchObject({ status: 'completed', provenance: { contentHash: 'h-full' } });
    expect(run.epochs).toHaveLength(4);
    // Same position in query order, and both sources now resolve to it.
    expect((await collect(store.query())).map((r) => r.id)).toEqual([before.id, cut.id, after.id]);
    expect(await store.importRun(at('h-full', 'completed', 4))).toEqual({ id: cut.id, duplicate: true });
    // A completed run is not replaced by a different file content at the same place...
    const fixed = await store.importRun(at('h-fixed', 'completed', 3));
    expect(fixed.duplicate).toBe(false);
    expect(fixed.id).not.toBe(cut.id);
    expect(await store.count()).toBe(4);
    // ...unless asked to: the latest run from that source is replaced.
    expect(await store.importRuns([at('h-fixed-2', 'completed', 5)], { replace: true })).toEqual([{ id: fixed.id, duplicate: false, replaced: true }]);
    expect((await store.getRun(fixed.id)).epochs).toHaveLength(5);
    expect(await store.count()).toBe(4);
    expect((await store.stats()).byStatus).toMatchObject({ incomplete: 0, completed: 4 });
  });

  it('deletes runs all-or-nothing and forgets their sources, so the logs import again', async () => {
    const a = await store.importRun(imported('sha256:del-a'));
    const b = await store.importRun(imported('sha256:del-b'));
    const c = await store.createRun(newRun());
    await store.appendEpochs(c.id, [epoch(0)]);
    await expectCode(store.deleteRuns([a.id, 'no-such-run']), 'NotFoundError', 'RUN_NOT_FOUND', /no-such-run/);
    expect(await store.count()).toBe(3);
    expect(await store.deleteRuns([a.id, c.id, a.id])).toBe(2);
    expect((await collect(store.query())).map((r) => r.id)).toEqual([b.id]);
    await expectCode(store.getRun(c.id), 'NotFoundError', 'RUN_NOT_FOUND');
    expect((await store.stats()).epochs).toBe(3);
    const again = await store.importRun(imported('sha256:del-a'));
    expect(again.duplicate).toBe(false);
    expect(await store.deleteRuns([])).toBe(0);
  });

  it('retags the task of finished runs (id, parent dataset), queries follow, other fields stay', async () => {
    const a = await store.importRun(imported('sha256:tag-a', undefined, { task: { id: './nofile.json', kind: 'classification' } }));
    const b = await store.importRun(imported('sha256:tag-b', undefined, { task: { id: './nofile.json' } }));
    const before = await store.getRun(a.id);
    const updated = await store.retagRuns([a.id, b.id], { id: 'digits', parentDataset: 'digits', name: 'Digits' });
    expect(updated.map((r) => r.task)).toEqual([
      { id: 'digits', kind: 'classification', parentDataset: 'digits', name: 'Digits' },
      { id: 'digits', parentDataset: 'digits', name: 'Digits' },
    ]);
    const after = await store.getRun(a.id);
    expect({ ...after, task: before.task, updatedAt: before.updatedAt }).toEqual(before);
    expect(after.updatedAt >= before.updatedAt).toBe(true);
    expect(await store.count({ taskId: 'digits' })).toBe(2);
    expect(await store.count({ parentDataset: 'digits' })).toBe(2);
    expect(await store.count({ taskId: './nofile.json' })).toBe(0);
    await store.retagRuns([a.id], { parentDataset: null });
    expect((await store.getRun(a.id)).task).toEqual({ id: 'digits', kind: 'classification', name: 'Digits' });
    await expectCode(store.retagRuns([a.id, 'missing'], { id: 'x' }), 'NotFoundError', 'RUN_NOT_FOUND');
    expect((await store.getRun(a.id)).task.id).toBe('digits');
    await expectCode(store.retagRuns([a.id], { id: '' }), 'ValidationError', 'INVALID_TRACE', /\/id/);
    await expectCode(store.retagRuns([a.id], { color: 'red' } as never), 'ValidationError', 'INVALID_TRACE', /color/);
  });

  it('resolves run ids by unique prefix, git style', async () => {
    await store.createRun(newRun({ id: 'abc123' }));
    await store.createRun(newRun({ id: 'abd456' }));
    await store.createRun(newRun({ id: 'a%_x' }));
    expect(await store.resolveRunId('abc')).toBe('abc123');
    expect(await store.resolveRunId('abd456')).toBe('abd456');
    expect(await store.resolveRunId('a%')).toBe('a%_x');
    await expectCode(store.resolveRunId('ab'), 'ValidationError', 'AMBIGUOUS_RUN_ID', /abc123, abd456/);
    await expectCode(store.resolveRunId('zz'), 'NotFoundError', 'RUN_NOT_FOUND');
  });

  it('lists policies by name', async () => {
    expect(await store.listPolicies()).toEqual([]);
    await store.putPolicy('b', { x: 1 });
    await store.putPolicy('a/1', [1]);
    expect(await store.listPolicies()).toEqual(['a/1', 'b']);
  });

  it('concurrent imports of the same source store it once', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => store.importRun(imported('sha256:race'))));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await store.count()).toBe(1);
  });

  it('filters queries by task, parent dataset, model, schedule family, status and importer, in creation order', async () => {
    const ids: Record<string, string> = {};
    ids.a = (await store.createRun(newRun())).id;
    ids.b = (await store.createRun(newRun({ task: { id: 'iris-noisy', parentDataset: 'iris' }, model: { name: 'custom-cnn' } }))).id;
    ids.c = (await store.createRun(newRun({ task: { id: 'digits', parentDataset: 'digits' }, schedule: { class_name: 'ExponentialDecay', config: {} } }))).id;
    ids.d = (await store.importRun(imported('h-d', undefined, { schedule: { torch: 'OneCycleLR', kwargs: {} } }))).id;
    ids.e = (await store.createRun(newRun({ task: { id: 'digits' }, schedule: undefined }))).id;
    await store.finishRun(ids.e, 'diverged', { epochsRun: 0, reason: 'NaN' });
    await store.finishRun(ids.b, 'pruned', { epochsRun: 0 });

    const q = async (f: Parameters<TraceStore['query']>[0]) => (await collect(store.query(f))).map((r) => r.id);
    const names = (list: string[]) => list.map((id) => Object.keys(ids).find((k) => ids[k] === id));
    expect(names(await q(undefined))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(names(await q({ taskId: 'iris' }))).toEqual(['a', 'd']);
    expect(names(await q({ parentDataset: 'iris' }))).toEqual(['a', 'b', 'd']);
    expect(names(await q({ modelId: 'custom-cnn' }))).toEqual(['b']);
    expect(names(await q({ modelId: 'mlp-small' }))).toEqual(['a', 'c', 'd', 'e']);
    expect(names(await q({ scheduleFamily: 'cosine_decay' }))).toEqual(['a', 'b']);
    expect(names(await q({ scheduleFamily: 'ExponentialDecay' }))).toEqual(['c']);
    expect(names(await q({ scheduleFamily: 'OneCycleLR' }))).toEqual(['d']);
    expect(names(await q({ status: 'running' }))).toEqual(['a', 'c']);
    expect(names(await q({ status: ['diverged', 'pruned'] }))).toEqual(['b', 'e']);
    expect(names(await q({ importer: 'keras-csv' }))).toEqual(['d']);
    expect(names(await q({ parentDataset: 'iris', status: 'running' }))).toEqual(['a']);
    expect(names(await q({ limit: 2 }))).toEqual(['a', 'b']);
    expect(await q({ limit: 0 })).toEqual([]);
    expect(await q({ taskId: 'absent' })).toEqual([]);

    expect(await store.count()).toBe(5);
    expect(await store.count({ parentDataset: 'iris' })).toBe(3);
    expect(await store.count({ status: ['running', 'completed'] })).toBe(3);
    expect(await store.count({ taskId: 'digits', limit: 1 })).toBe(1);
    await expect(collect(store.query({ taskID: 'iris' } as never))).rejects.toMatchObject({ code: 'UNKNOWN_PARAMETER', message: /taskID/ });
    await expectCode(store.count({ status: 'done' as never }), 'ValidationError', 'INVALID_PARAMETER', /"completed"/);
  });

  it('query stops early without harm (break inside for await)', async () => {
    for (let i = 0; i < 5; i++) await store.createRun(newRun({ id: `r${i}` }));
    const seen: string[] = [];
    for await (const r of store.query()) {
      seen.push(r.id);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['r0', 'r1']);
    // The store still works after the abandoned stream.
    expect(await store.count()).toBe(5);
    await store.appendEpochs('r4', [epoch(0)]);
  });

  it('reports stats: runs, runs by status, distinct tasks, epochs', async () => {
    expect(await store.stats()).toMatchObject({ runs: 0, tasks: 0, epochs: 0, byStatus: { running: 0, completed: 0 } });
    const { id } = await store.createRun(newRun());
    await store.appendEpochs(id, [epoch(0), epoch(1)]);
    await store.importRun(imported('h1', undefined, { task: { id: 'digits' } }));
    await store.importRun(imported('h2', undefined, { status: 'failed' }));
    const stats = await store.stats();
    expect(stats).toMatchObject({
      runs: 3,
      tasks: 2,
      epochs: 8,
      byStatus: { running: 1, completed: 1, failed: 1, diverged: 0, pruned: 0 },
    });
    if (h.persistent) expect(stats.bytes).toBeGreaterThan(0);
  });

  it('stores policies by name: overwrite, frozen copies, POLICY_NOT_FOUND', async () => {
    await store.putPolicy('default', { learner: 'knn', k: 3, weights: [0.25, 0.5] });
    await store.putPolicy('default', { learner: 'knn', k: 5, weights: [1] });
    await store.putPolicy('__proto__', { odd: true });
    const p = (await store.getPolicy('default')) as { k: number; weights: number[] };
    expect(p).toEqual({ learner: 'knn', k: 5, weights: [1] });
    expect(isDeepFrozen(p)).toBe(true);
    expect(await store.getPolicy('__proto__')).toEqual({ odd: true });
    await expectCode(store.getPolicy('missing'), 'NotFoundError', 'POLICY_NOT_FOUND', /"missing"/);
    await expectCode(store.putPolicy('bad', { x: Number.NaN }), 'ValidationError', 'INVALID_TRACE', /`\/x`/);
  });

  it('drops non-finite epoch values (JSON has no NaN) and rejects them elsewhere with a pointer', async () => {
    const { id } = await store.createRun(newRun());
    await store.appendEpochs(id, [{ epoch: 0, loss: Number.NaN, val_loss: Infinity, lr: 0.1, metrics: { acc: Number.NaN, top5: 0.9 } }]);
    expect((await store.getRun(id)).epochs).toEqual([{ epoch: 0, lr: 0.1, metrics: { top5: 0.9 } }]);
    await expectCode(
      store.createRun(newRun({ optimizer: { className: 'SGD', hyperparameters: { clipnorm: Infinity } } })),
      'ValidationError',
      'INVALID_TRACE',
      /`\/optimizer\/hyperparameters\/clipnorm`/,
    );
    await expectCode(store.createRun(newRun({ task: { id: '' } })), 'ValidationError', 'INVALID_TRACE', /`\/task\/id`/);
    await expectCode(store.appendEpochs(id, [{ epoch: -1, metrics: {} }]), 'ValidationError', 'INVALID_TRACE', /`\/epochs\/0\/epoch`/);
    await expectCode(store.createRun({ ...newRun(), colour: 'red' } as NewTrace), 'ValidationError', 'INVALID_TRACE', /`\/colour`/);
    expect(await store.count()).toBe(1);
  });

  it('serialises concurrent writes from one process', async () => {
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => store.createRun(newRun({ id: `c${i}` }))));
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.appendEpochs('c0', [epoch(i)])));
    expect(new Set(runs.map((r) => r.id)).size).toBe(12);
    expect(await store.count()).toBe(12);
    expect((await store.getRun('c0')).epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps everything across close and reopen (persistent stores)', async () => {
    if (!h.persistent) return;
    const { id } = await store.createRun(newRun());
    await store.appendEpochs(id, [epoch(0), epoch(1)]);
    const done = await store.finishRun(id, 'completed', { epochsRun: 2 });
    const imp = await store.importRun(imported('persist'));
    await store.putPolicy('p', { a: 1 });
    await store.close();
    store = await h.reopen();
    expect(await store.getRun(id)).toEqual(done);
    expect((await store.importRun(imported('persist'))).duplicate).toBe(true);
    expect((await store.getRun(imp.id)).epochs).toHaveLength(3);
    expect(await store.getPolicy('p')).toEqual({ a: 1 });
  });

  it('returns records that validate against schemas/trace.schema.json, and enforces the schema on input', async () => {
    const { id } = await store.createRun(newRun({ batches: [{ step: 0, lr: 0.1 }] }));
    await store.appendEpochs(id, [epoch(0), epoch(1)]);
    await store.finishRun(id, 'pruned', { epochsRun: 2 });
    await store.importRun(imported('schema'));
    for await (const r of store.query()) expect(schemaProblems('trace', r)).toEqual([]);
    // Rules only the schema states reach the stores too.
    await expectCode(store.appendEpochs((await store.createRun(newRun())).id, [{ epoch: 0, lr: -0.1, metrics: {} }]), 'ValidationError', 'INVALID_TRACE', /\/epochs\/0\/lr: expected a number >= 0/);
    await expectCode(store.createRun(newRun({ task: { id: 't', kind: 'ranking' as never } })), 'ValidationError', 'INVALID_TRACE', /\/task\/kind/);
    await expectCode(store.createRun(newRun({ provenance: { importer: 'x', line: -1 } })), 'ValidationError', 'INVALID_TRACE', /\/provenance\/line/);
  });

  it('refuses use after close (STORE_CLOSED)', async () => {
    await store.close();
    await expectCode(store.getRun('x'), 'MetatuneError', 'STORE_CLOSED');
    await expectCode(store.createRun(newRun()), 'MetatuneError', 'STORE_CLOSED');
    store = await h.fresh();
  });
});
