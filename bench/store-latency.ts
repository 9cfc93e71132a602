/**
 * Trace store latency at 1k, 10k and 100k runs, file store (snapshot + journal) vs PostgreSQL:
 * where does the file store stop being practical? `file-fsync` is the file store opened with
 * `fsync: true`. Each run has 10 epochs (loss, val_loss, lr, two metrics), about 2.5 kB of JSON.
 * The store is filled in bulk (a snapshot written directly, not timed), then:
 * - importRun: one complete 10-epoch run in one write (what importers do);
 * - appendEpochs: one epoch to a running run (what the training callback does once per epoch);
 * - getRun: one run by id;
 * - query task: stream the ~1 % of runs of one task; count: count them;
 * - open+count: a new store handle's first read (the file store parses the snapshot and replays the journal);
 * - scan: stream every run (runs/s).
 * Latencies are medians over `--writes` / `--reads` repetitions, in milliseconds.
 *
 * Run: `npm run build && node dist/bench/store-latency.js [--sizes 1000,10000,100000]
 *       [--stores file,postgres] [--writes 15] [--reads 15] [--pg postgres://postgres@127.0.0.1:5432/postgres]`
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { LowdbTraceStore } from '../plugins/store-lowdb/lowdb-store.js';
import { getStore } from '../src/container.js';
import type { TraceStore } from '../src/traces/store.js';
import type { NewTrace, TraceEpoch, TraceRecord } from '../src/traces/trace.js';
import { describeMachine, machineLine } from './lib/machine.js';
import { printTable } from './lib/table.js';
import { median } from './lib/timing.js';

export interface StoreLatencyArgs {
  /** Corpus sizes in runs. Defaults to 1000, 10000, 100000. */
  sizes?: number[];
  /** Stores to measure. Defaults to file and postgres. */
  stores?: Array<'file' | 'file-fsync' | 'postgres'>;
  /** Timed writes per cell. Defaults to 15. */
  writes?: number;
  /** Timed reads per cell. Defaults to 15. */
  reads?: number;
  /** Postgres URL of a database the user may CREATE DATABASE from. Defaults to postgres://postgres@127.0.0.1:5432/postgres. */
  pgAdminUrl?: string;
  /** Output sink. Defaults to console.log. */
  write?: (text: string) => void;
}

const EPOCHS = 10;
const TASKS = 100;

function epochs(seed: number): TraceEpoch[] {
  return Array.from({ length: EPOCHS }, (_, e) => {
    const loss = 2 * Math.exp(-e / 4) + ((seed * 7 + e) % 13) / 100;
    return { epoch: e, step: (e + 1) * 50, lr: 0.01 * 0.9 ** e, loss, val_loss: loss * 1.1, metrics: { acc: 1 - loss / 3, val_acc: 1 - loss / 2.8 }, wallTimeMs: 120 + (e % 3) };
  });
}

function newTrace(i: number, tag: string): NewTrace {
  return {
    id: `${tag}-${i}`,
    task: { id: `task-${i % TASKS}`, parentDataset: `ds-${i % 20}` },
    model: { zooId: ['mlp-small', 'mlp-large', 'cnn-small'][i % 3] },
    optimizer: { className: 'Adam', hyperparameters: { learningRate: 0.01 } },
    schedule: { family: ['cosine_decay', 'one_cycle', 'exponential'][i % 3], params: { initialLearningRate: 0.01 } },
    epochs: epochs(i),
    provenance: { importer: 'bench', contentHash: `sha256:${tag}-${i}` },
  };
}

/** The stored form of newTrace(i) (what the store would write), for bulk filling. */
function storedRecord(i: number): TraceRecord {
  const t = newTrace(i, 'bulk');
  const at = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString();
  const ep = t.epochs!;
  const best = ep.reduce((b, e) => (e.val_loss! < b.val_loss! ? e : b));
  return {
    ...t,
    id: t.id!,
    epochs: ep,
    status: 'completed',
    outcome: {
      epochsRun: EPOCHS,
      best: { name: 'val_loss', value: best.val_loss!, epoch: best.epoch, mode: 'min' },
      final: { name: 'val_loss', value: ep[EPOCHS - 1].val_loss!, epoch: EPOCHS - 1 },
      wallTimeMs: ep.reduce((s, e) => s + e.wallTimeMs!, 0),
    },
    createdAt: at,
    updatedAt: at,
    finishedAt: at,
  };
}

async function fillFile(file: string, n: number): Promise<void> {
  const runs = Array.from({ length: n }, (_, i) => storedRecord(i));
  const dedupe = Object.fromEntries(runs.map((r) => [JSON.stringify(['bench', r.provenance!.contentHash, null]), r.id]));
  // A compacted snapshot (version 2, journal generation 1); the first write starts the journal.
  await writeFile(file, JSON.stringify({ format: 'metatune-trace-store', version: 2, journal: { generation: 1 }, runs, dedupe, policies: {} }));
  await rm(`${file}.journal`, { force: true }); // the previous size's journal would continue this snapshot
}

async function fillPostgres(url: string, n: number): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('TRUNCATE runs, epochs, batches, policies');
    for (let start = 0; start < n; start += 2000) {
      const chunk = Array.from({ length: Math.min(2000, n - start) }, (_, k) => storedRecord(start + k));
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO runs (id, task, model, optimizer, schedule, outcome, provenance, status, task_id, parent_dataset, model_id, schedule_family,
                           importer, dedupe_key, created_at, updated_at, finished_at)
         SELECT r->>'id', r->'task', r->'model', r->'optimizer', r->'schedule', r->'outcome', r->'provenance', 'completed',
                r->'task'->>'id', r->'task'->>'parentDataset', r->'model'->>'zooId', r->'schedule'->>'family', 'bench',
                jsonb_build_array('bench', r->'provenance'->>'contentHash', null)::text,
                (r->>'createdAt')::timestamptz, (r->>'updatedAt')::timestamptz, (r->>'finishedAt')::timestamptz
         FROM jsonb_array_elements($1::jsonb) AS r`,
        [JSON.stringify(chunk.map(({ epochs: _e, ...rest }) => rest))],
      );
      await client.query(
        `INSERT INTO epochs (run_id, epoch, record)
         SELECT r->>'id', (e->>'epoch')::integer, e FROM jsonb_array_elements($1::jsonb) AS r, jsonb_array_elements(r->'epochs') AS e`,
        [JSON.stringify(chunk.map((r) => ({ id: r.id, epochs: r.epochs })))],
      );
      await client.query('COMMIT');
    }
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

async function timeEach(times: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

interface Row {
  store: string;
  runs: number;
  size: string;
  importRun: number;
  appendEpochs: number;
  getRun: number;
  queryTask: number;
  count: number;
  openCount: number;
  scanPerSec: number;
}

async function measureStore(kind: string, open: () => Promise<TraceStore>, n: number, writes: number, reads: number, sizeOf: () => Promise<number>): Promise<Row> {
  const store: TraceStore = await open();
  try {
    await store.count(); // first read (lowdb: parse) is timed separately below
    const importRun = await timeEach(writes, (i) => store.importRun(newTrace(i, `imp${n}`)));
    const running = await store.createRun({ ...newTrace(0, `run${n}`), epochs: [], provenance: undefined });
    const appendEpochs = await timeEach(writes, (i) => store.appendEpochs(running.id, [{ epoch: i, loss: 1 / (i + 1), metrics: {} }]));
    const getRun = await timeEach(reads, (i) => store.getRun(`bulk-${(i * 7919) % n}`));
    const queryTask = await timeEach(reads, async (i) => {
      let k = 0;
      for await (const _ of store.query({ taskId: `task-${i % TASKS}` })) k++;
      if (k < n / TASKS) throw new Error(`query returned ${k} runs`);
    });
    const count = await timeEach(reads, (i) => store.count({ taskId: `task-${i % TASKS}`, status: 'completed' }));
    const openCount = await timeEach(Math.min(reads, 5), async () => {
      const again = await open();
      await again.count();
      await again.close();
    });
    const t0 = performance.now();
    let seen = 0;
    for await (const _ of store.query()) seen++;
    const scanPerSec = seen / ((performance.now() - t0) / 1000);
    const bytes = await sizeOf();
    return { store: kind, runs: n, size: `${(bytes / 1e6).toFixed(1)} MB`, importRun, appendEpochs, getRun, queryTask, count, openCount, scanPerSec };
  } finally {
    await store.close();
  }
}

export async function runStoreLatency(args: StoreLatencyArgs = {}): Promise<Row[]> {
  const sizes = args.sizes ?? [1000, 10000, 100000];
  const stores = args.stores ?? ['file', 'postgres'];
  const reads = args.reads ?? 15;
  const write = args.write ?? console.log;
  const rows: Row[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'metatune-bench-store-'));
  const adminUrl = args.pgAdminUrl ?? process.env.METATUNE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let dropDb: (() => Promise<void>) | undefined;
  try {
    for (const kind of stores) {
      let url: string;
      if (kind === 'postgres') {
        const pg = (await import('pg')).default;
        const name = `metatune_bench_${process.pid}`;
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        const u = new URL(adminUrl);
        u.pathname = `/${name}`;
        url = u.toString();
        dropDb = async () => {
          const c = new pg.Client({ connectionString: adminUrl });
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await c.end();
        };
        await (await getStore(url)).close(); // creates the schema
      } else {
        url = `file:${join(dir, `${kind}.json`)}`;
      }
      const file = url.slice('file:'.length);
      const open = kind === 'file-fsync' ? () => LowdbTraceStore.open({ file, fsync: true }) : () => getStore(url);
      for (const n of sizes) {
        const t0 = performance.now();
        if (kind === 'postgres') await fillPostgres(url, n);
        else await fillFile(file, n);
        const fillS = (performance.now() - t0) / 1000;
        const writes = args.writes ?? 15;
        const sizeOf =
          kind !== 'postgres'
            ? async () => (await stat(file)).size + (await stat(`${file}.journal`).then((s) => s.size, () => 0))
            : async () => {
                const s = await getStore(url);
                const b = (await s.stats()).bytes ?? 0;
                await s.close();
                return b;
              };
        const label = kind === 'postgres' ? 'postgres' : kind === 'file' ? 'file: (journal)' : 'file: (journal, fsync)';
        const row = await measureStore(label, open, n, writes, reads, sizeOf);
        rows.push(row);
        write(`  ${row.store} ${n} runs: filled in ${fillS.toFixed(1)} s, measured`);
      }
      await dropDb?.();
      dropDb = undefined;
    }
  } finally {
    await dropDb?.().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
  write(`trace store latency (ms, median) · ${machineLine(describeMachine())}`);
  printTable({
    head: ['store', 'runs', 'size', 'importRun', 'appendEpochs', 'getRun', 'query task (1 %)', 'count', 'open+count', 'scan runs/s'],
    rows: rows.map((r) => [r.store, r.runs, r.size, r.importRun, r.appendEpochs, r.getRun, r.queryTask, r.count, r.openCount, Math.round(r.scanPerSec)]),
    write,
  });
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const list = (s: string | undefined) => s?.split(',').map((x) => x.trim());
  await runStoreLatency({
    sizes: list(arg('--sizes'))?.map(Number),
    stores: list(arg('--stores')) as StoreLatencyArgs['stores'],
    writes: arg('--writes') ? Number(arg('--writes')) : undefined,
    reads: arg('--reads') ? Number(arg('--reads')) : undefined,
    pgAdminUrl: arg('--pg'),
  });
}
