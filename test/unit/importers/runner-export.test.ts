/** The import runner against the memory store, the CLI commands, and the exporters' round trips. */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { getStore } from '../../../src/container.js';
import { builtinImporters } from '../../../src/container.js';
import { runImport } from '../../../src/traces/import-runner.js';
import type { ImportEvent, ImportInput, Importer } from '../../../src/traces/importer.js';
import { EnvironmentError } from '../../../src/core/errors.js';
import type { TraceRecord } from '../../../src/traces/trace.js';
import type { TraceStore } from '../../../src/traces/store.js';
import { exportCsv, exportJsonl, exportOptunaJournal } from '../../../src/traces/exporters/index.js';
import { registerImportCommand } from '../../../src/cli/traces/import-command.js';
import { registerRunsCommand } from '../../../src/cli/traces/runs-command.js';
import { jsonlImporter } from '../../../plugins/importer-jsonl/jsonl-importer.js';
import { optunaJournalImporter } from '../../../plugins/importer-optuna-journal/optuna-journal-importer.js';
import { importWith, LOGS } from './helpers.js';
import { createCliContext } from '../../../src/cli/context.js';

let importers: Importer[];
let dir: string;
beforeAll(async () => {
  importers = await builtinImporters();
  dir = await mkdtemp(join(tmpdir(), 'mt-runner-'));
});

async function all(store: TraceStore): Promise<TraceRecord[]> {
  const out: TraceRecord[] = [];
  for await (const r of store.query()) out.push(r);
  return out;
}

describe('runImport', () => {
  it('imports the whole fixture folder, lists non-logs as skipped, and re-imports nothing twice', async () => {
    const store = await getStore('memory:');
    await writeFile(join(dir, 'notes.txt'), 'not a training log\n');
    const first = await runImport({ paths: [LOGS, join(dir, 'notes.txt')], importers, store });
    expect(first.rejected).toEqual([]);
    // 10 event files with scalars + 6 CSV + 13 Optuna trials + 2 MLflow runs
    expect(first.imported).toBe(31);
    expect(first.byFormat).toEqual({ tfevents: 11, 'keras-csv': 6, 'optuna-journal': 2, mlflow: 6 });
    expect(first.skipped.map((s) => s.replace(/.*\//, '')).sort()).toEqual(['README.md', 'notes.txt']);
    expect(await store.count()).toBe(31);
    const again = await runImport({ paths: [LOGS], importers, store });
    expect(again.imported).toBe(0);
    expect(again.duplicates).toBe(31);
    expect(await store.count()).toBe(31);
    await store.close();
  });

  it('dry run writes nothing; --format forces one importer; unknown formats and paths are typed errors', async () => {
    const dry = await runImport({ paths: [join(LOGS, 'keras-csv')], importers, dryRun: true });
    expect(dry.imported).toBe(5);
    const forced = await runImport({ paths: [join(LOGS, '**/*.csv')], importers, dryRun: true, format: 'keras-csv' });
    expect(forced.files).toBe(5);
    await expect(runImport({ paths: [LOGS], importers, dryRun: true, format: 'tensorboard' })).rejects.toMatchObject({
      code: 'UNKNOWN_IMPORT_FORMAT',
      message: expect.stringMatching(/Valid choices: auto, jsonl, keras-csv, metatune-traces, mlflow, optuna-journal, tfevents, tfjs-history/),
    });
    await expect(runImport({ paths: ['/no/such/dir/x.csv'], importers, dryRun: true })).rejects.toMatchObject({ code: 'IMPORT_PATH_NOT_FOUND' });
  });

  /** A fake importer of `*.fake` files: one run per file; records the heads it was given. */
  function fakeImporter(heads: Buffer[], fail?: (path: string) => Error | undefined): Importer {
    return {
      id: 'fake',
      description: 'test importer',
      sniff: ({ path }: ImportInput) => path.endsWith('.fake'),
      async *import({ path, head }: ImportInput): AsyncIterable<ImportEvent> {
        heads.push(head);
        const err = fail?.(path);
        if (err) throw err;
        yield {
          kind: 'run',
          run: { task: { id: 't' }, epochs: [], status: 'completed', provenance: { importer: 'fake', file: path, contentHash: path, sourceKey: 's' } },
        } as ImportEvent;
      },
    } as Importer;
  }

  async function fakeFiles(n: number, content = '0123456789'): Promise<string> {
    const sub = await mkdtemp(join(dir, 'fake-'));
    for (let i = 0; i < n; i++) await writeFile(join(sub, `f${i}.fake`), content);
    return sub;
  }

  it('stops at the first store failure and rethrows it, instead of rejecting every file as unreadable', async () => {
    const sub = await fakeFiles(5);
    const locked = new EnvironmentError('STORE_LOCKED', 'The store file x stayed locked by another process for 120000 ms.');
    let calls = 0;
    const store = {
      importRuns: async () => {
        calls++;
        throw locked;
      },
    } as unknown as TraceStore;
    // The store's own code, with what was committed (nothing) and how to complete the import.
    const err = await runImport({ paths: [sub], importers: [fakeImporter([])], store, batchRuns: 2 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_LOCKED', details: { committed: 0 }, cause: locked });
    expect((err as Error).message).toMatch(/stayed locked[^]*0 run\(s\) were committed before the failure[^]*Re-running the same import completes it/);
    expect(calls).toBe(1);
    // A network error of the store (Postgres down) is a store failure too, not an unreadable file.
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect' });
    calls = 0;
    const down = { importRuns: async () => (calls++, Promise.reject(refused)) } as unknown as TraceStore;
    await expect(runImport({ paths: [sub], importers: [fakeImporter([])], store: down })).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it("rejects a file the importer cannot read (fs error) and goes on; other importer errors with E* codes still throw", async () => {
    const sub = await fakeFiles(3);
    const eio = (p: string) => (p.endsWith('f1.fake') ? Object.assign(new Error(`EIO: i/o error, read`), { code: 'EIO', syscall: 'read', errno: -5 }) : undefined);
    const store = await getStore('memory:');
    const r = await runImport({ paths: [sub], importers: [fakeImporter([], eio)], store });
    expect(r.imported).toBe(2);
    expect(r.rejected).toEqual([expect.objectContaining({ file: join(sub, 'f1.fake'), code: 'READ_FAILED', expected: 'a readable fake file' })]);
    const net = (p: string) => (p.endsWith('f1.fake') ? Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', syscall: 'connect' }) : undefined);
    await expect(runImport({ paths: [sub], importers: [fakeImporter([], net)], dryRun: true })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await store.close();
  });

  it('keeps only the bytes read of each head, not a 64 KiB allocation per file', async () => {
    const heads: Buffer[] = [];
    const sub = await fakeFiles(3);
    const big = join(sub, 'big.fake');
    await writeFile(big, Buffer.alloc(100 * 1024, 0x61));
    const r = await runImport({ paths: [sub], importers: [fakeImporter(heads)], dryRun: true });
    expect(r.files).toBe(4);
    const bySize = heads.map((h) => [h.length, h.buffer.byteLength]).sort((a, b) => a[0] - b[0]);
    expect(bySize).toEqual([[10, 10], [10, 10], [10, 10], [64 * 1024, 64 * 1024]]);
    expect(heads.filter((h) => h.length === 10).every((h) => h.toString() === '0123456789')).toBe(true);
    // Distinct memory: the heads are copies, not views of one reused read buffer.
    expect(new Set(heads.map((h) => h.buffer)).size).toBe(4);
  });
});

describe('metatune import / runs (CLI)', () => {
  function cli() {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), cwd: dir };
    const storeUrl = `file:${join(dir, 'cli-store.json')}`;
    const program = new Command().exitOverride();
    const ctx = createCliContext(program, io);
    registerImportCommand(program, ctx);
    registerRunsCommand(program, ctx);
    return { program, out, err, storeUrl };
  }

  it('prints the summary, exits with IMPORT_REJECTED when a record was rejected, lists and exports runs', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'epoch,loss\n0,1.0\n1,oops\n2,0.5\n');
    const c = cli();
    await expect(c.program.parseAsync(['node', 'metatune', 'import', bad, join(LOGS, 'keras-csv/CarND-Behavioral-Cloning-P3__history.csv'), '--store', c.storeUrl, '--task', 'demo-task'])).rejects.toMatchObject({
      code: 'IMPORT_REJECTED',
    });
    const summary = c.out.join('');
    expect(summary).toMatch(/imported: 2 run\(s\), 7 epoch record\(s\) from 2 file\(s\)/);
    expect(summary).toMatch(/rejected: 1\n  bad.csv:3: loss: expected a number, found "oops" \(NOT_A_NUMBER\)/);

    const c2 = cli();
    await c2.program.parseAsync(['node', 'metatune', 'runs', 'list', '--store', c2.storeUrl, '--json']);
    const listed = c2.out.join('').trim().split('\n').map((l) => JSON.parse(l));
    expect(listed.map((r) => r.task)).toEqual(['demo-task', 'demo-task']);

    const c3 = cli();
    await c3.program.parseAsync(['node', 'metatune', 'runs', 'show', listed[0].id, '--store', c3.storeUrl]);
    expect(JSON.parse(c3.out.join('')).id).toBe(listed[0].id);

    const c4 = cli();
    await c4.program.parseAsync(['node', 'metatune', 'runs', 'export', '--format', 'csv', '--out', 'runs.csv', '--store', c4.storeUrl]);
    const csv = readFileSync(join(dir, 'runs.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('run,task,epoch,step,lr,loss,val_loss,wall_time_ms');
    expect(csv).toHaveLength(1 + 7);
  });
});

describe('exporters', () => {
  async function corpus(): Promise<TraceStore> {
    const store = await getStore('memory:');
    await runImport({ paths: [join(LOGS, 'keras-csv'), join(LOGS, 'tfevents/guildai__events.out.tfevents.1548797801.omaha')], importers, store });
    return store;
  }

  it('jsonl round-trips through the JSONL importer', async () => {
    const store = await corpus();
    const records = await all(store);
    let text = '';
    const r = await exportJsonl(store.query(), (s) => void (text += s));
    expect(r.runs).toBe(6);
    const p = join(dir, 'export.jsonl');
    await writeFile(p, text);
    const back = await importWith(jsonlImporter(), p);
    expect(back.rejections).toEqual([]);
    expect(back.runs).toHaveLength(records.length);
    for (const rec of records) {
      const again = back.runs.find((x) => x.provenance.sourceKey === rec.id)!;
      expect(again.epochs).toEqual(rec.epochs);
      expect(again.task.id).toBe(rec.task.id);
    }
  });

  it('optuna-journal export is read back by the Optuna importer (op codes 0, 4, 5, 6, 7, 8)', async () => {
    const store = await corpus();
    await store.importRun({
      task: { id: 'digits' },
      optimizer: { className: 'Adam', hyperparameters: { learningRate: 0.01 } },
      schedule: { family: 'cosine_decay', params: { initialLearningRate: 0.01, decaySteps: 100 } },
      epochs: [{ epoch: 0, loss: 1, val_loss: 1.2, metrics: {} }, { epoch: 1, loss: 0.5, val_loss: 0.9, metrics: {} }],
      status: 'completed',
      provenance: { importer: 'test', contentHash: 'abc', sourceKey: 'x' },
    });
    const records = await all(store);
    let text = '';
    const r = await exportOptunaJournal(store.query(), (s) => void (text += s), 'test-worker');
    expect(r).toEqual({ studies: 7, trials: 7 });
    const ops = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(new Set(ops.map((o) => o.op_code))).toEqual(new Set([0, 4, 5, 6, 7, 8]));
    expect(ops.every((o) => o.worker_id === 'test-worker')).toBe(true);
    expect(ops.find((o) => o.op_code === 4).datetime_start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const p = join(dir, 'export.journal');
    await writeFile(p, text);
    expect(optunaJournalImporter.sniff({ path: p, head: readFileSync(p) })).toBe(true);
    const back = await importWith(optunaJournalImporter, p);
    expect(back.rejections).toEqual([]);
    expect(back.runs).toHaveLength(records.length);
    for (const rec of records) {
      const again = back.runs.find((x) => x.task.id === `optuna:${rec.task.id}`)!;
      const metric = rec.epochs.some((e) => e.val_loss !== undefined) ? 'val_loss' : 'loss';
      expect(again.epochs.map((e) => [e.epoch, e.metrics.objective])).toEqual(rec.epochs.filter((e) => e[metric] !== undefined).map((e) => [e.epoch, e[metric]]));
      expect(again.outcome?.final?.value).toBe(rec.outcome?.final?.value);
      expect(again.status).toBe('completed');
    }
    const digits = back.runs.find((x) => x.task.id === 'optuna:digits')!;
    expect(digits.optimizer).toEqual({ className: 'Adam', hyperparameters: { lr: 0.01 } });
    expect(digits.model?.params).toEqual({ schedule: 'cosine_decay' });
  });

  it('csv: one row per epoch, the union of metric columns', async () => {
    const store = await corpus();
    let text = '';
    const r = await exportCsv(() => store.query(), (s) => void (text += s));
    expect(r.rows).toBe(5 + 100 + 6 + 50 + 150 + 20);
    expect(r.columns).toEqual(expect.arrayContaining(['acc', 'val_acc', 'capsnet_loss', 'categorical_accuracy']));
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(1 + r.rows);
    expect(lines.every((l) => l.split(',').length === r.columns.length)).toBe(true);
  });
});
