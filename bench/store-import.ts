/**
 * Import and copy throughput of the trace stores, and how long a lost server takes to become a
 * typed error ([5/9]).
 * - import: N runs of 20 epochs from one generic JSONL log (20 epoch lines per run) with
 *   `runImport`, into: nothing (dry run: read + validate only), `file:` (snapshot + journal; one
 *   journal line per batch of 500 runs), `file:` one write per run (1k runs only), PostgreSQL (one
 *   transaction per 500 runs). One table: seconds and runs/s per target, and the file store's
 *   time over the dry run's.
 * - copy: `copyStore` file → PostgreSQL and PostgreSQL → file of the N-run store (runs/s).
 * - faults: a loopback TCP proxy that blackholes the connection; time from the call to the typed
 *   error, at open (connect_timeout) and mid-write (query_timeout), with the deadlines given.
 *
 * Run: `npm run build && node dist/bench/store-import.js [--sizes 1000,10000] [--with-100k] [--parts import,copy,faults]
 *       [--into dry,file,file-1,postgres] [--pg postgres://postgres@127.0.0.1:5432/postgres]`
 * (`--with-100k` adds 100,000 runs: a 390 MB log, minutes per target.)
 */
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { builtinImporters, getStore } from '../src/container.js';
import { runImport } from '../src/traces/import-runner.js';
import { copyStore } from '../src/traces/store-copy.js';
import { describeMachine, machineLine } from './lib/machine.js';
import { printTable } from './lib/table.js';
import { startFaultProxy } from './lib/tcp-fault-proxy.js';

const EPOCHS = 20;

/** Writes the log in pieces (a 100k-run log is 390 MB: too big for one string). Returns its size. */
async function writeLog(path: string, runs: number): Promise<number> {
  const fh = await open(path, 'w');
  let bytes = 0;
  try {
    for (let start = 0; start < runs; start += 1000) {
      const lines: string[] = [];
      for (let r = start; r < Math.min(runs, start + 1000); r++) {
        for (let e = 0; e < EPOCHS; e++) {
          const loss = 2 * Math.exp(-e / 5) + ((r * 7 + e) % 13) / 100;
          lines.push(JSON.stringify({ run: `r${r}`, task: `task-${r % 50}`, model: 'mlp-small', optimizer: 'Adam', epoch: e, step: (e + 1) * 50, lr: 0.01 * 0.95 ** e, loss, val_loss: loss * 1.1, acc: 1 - loss / 3 }));
        }
      }
      const text = `${lines.join('\n')}\n`;
      await fh.writeFile(text);
      bytes += Buffer.byteLength(text);
    }
  } finally {
    await fh.close();
  }
  return bytes;
}

/** Bytes on disk of a `file:` store: snapshot + journal. */
async function fileStoreBytes(url: string): Promise<number> {
  const file = url.slice('file:'.length);
  const size = (p: string) => stat(p).then((s) => s.size, () => 0);
  return (await size(file)) + (await size(`${file}.journal`));
}

async function createDb(admin: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropDb(admin: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export async function runStoreImportBench(args: { sizes?: number[]; pgAdminUrl?: string; into?: string[]; parts?: string[]; write?: (t: string) => void } = {}) {
  const parts = new Set(args.parts ?? ['import', 'copy', 'faults']);
  const into = new Set(args.into ?? ['dry', 'file', 'file-1', 'postgres']);
  const write = args.write ?? ((t: string) => console.log(t));
  const sizes = args.sizes ?? [1000, 10000];
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const admin = args.pgAdminUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dir = await mkdtemp(join(tmpdir(), 'metatune-bench-import-'));
  const importers = await builtinImporters();
  const dbs: string[] = [];
  write(machineLine(describeMachine()));
  const importRows: Array<Array<string | number>> = [];
  /** Per size: seconds per target kind, log MB, file store MB. */
  const bySize = new Map<number, { log: number; secs: Map<string, number>; fileBytes?: number }>();
  const copyRows: Array<Array<string | number>> = [];
  try {
    for (const n of sizes) {
      const log = join(dir, `runs-${n}.jsonl`);
      const bytes = await writeLog(log, n);
      const targets: Array<{ label: string; url?: string; batchRuns?: number }> = [
        { label: 'dry run (read + validate)' },
        { label: 'file: (journal, 500 runs per write)', url: `file:${join(dir, `store-${n}.json`)}` },
        ...(n <= 1000 ? [{ label: 'file: (journal) one write per run', url: `file:${join(dir, `store-${n}-1.json`)}`, batchRuns: 1 }] : []),
      ];
      const dbName = `metatune_bench_import_${process.pid}_${n}`;
      dbs.push(dbName);
      targets.push({ label: 'postgres (500 runs per transaction)', url: await createDb(admin, dbName) });
      for (const t of targets) {
        const kind = !t.url ? 'dry' : t.batchRuns === 1 ? 'file-1' : t.url.startsWith('file:') ? 'file' : 'postgres';
        if (!parts.has('import') || (!into.has(kind) && !(parts.has('copy') && (kind === 'file' || kind === 'postgres')))) continue;
        const store = t.url ? await getStore(t.url) : undefined;
        const started = performance.now();
        const summary = await runImport({ paths: [log], importers, ...(store ? { store } : { dryRun: true }), ...(t.batchRuns ? { batchRuns: t.batchRuns } : {}) });
        const secs = (performance.now() - started) / 1000;
        await store?.close();
        if (summary.imported !== n) throw new Error(`${t.label}: imported ${summary.imported} of ${n}`);
        const fileBytes = t.url?.startsWith('file:') ? await fileStoreBytes(t.url) : undefined;
        importRows.push([n, t.label, (bytes / 1e6).toFixed(1), secs.toFixed(2), Math.round(n / secs), Math.round((n * EPOCHS) / secs), fileBytes === undefined ? '' : mb(fileBytes)]);
        const entry = bySize.get(n) ?? { log: bytes, secs: new Map<string, number>() };
        entry.secs.set(kind, secs);
        if (kind === 'file') entry.fileBytes = fileBytes;
        bySize.set(n, entry);
        write(`  ${n} runs → ${t.label}: ${secs.toFixed(2)} s`);
      }
      if (!parts.has('copy')) continue;
      // copy: file → postgres, postgres → file
      const fileUrl = `file:${join(dir, `store-${n}.json`)}`;
      const pgUrl = targets[targets.length - 1]!.url!;
      const copyDb = `metatune_bench_copy_${process.pid}_${n}`;
      dbs.push(copyDb);
      const pgTarget = await createDb(admin, copyDb);
      for (const [label, from, to] of [
        ['file → postgres', fileUrl, pgTarget],
        ['postgres → file', pgUrl, `file:${join(dir, `copy-${n}.json`)}`],
        ['file → postgres again (all there)', fileUrl, pgTarget],
      ] as const) {
        const a = await getStore(from);
        const b = await getStore(to);
        const started = performance.now();
        const s = await copyStore(a, b);
        const secs = (performance.now() - started) / 1000;
        await a.close();
        await b.close();
        copyRows.push([n, label, s.runs, s.added, s.unchanged, secs.toFixed(2), Math.round(s.runs / secs)]);
        write(`  ${n} runs → copy ${label}: ${secs.toFixed(2)} s`);
      }
    }
    if (importRows.length) printTable({ title: `import: runs of ${EPOCHS} epochs from one JSONL log`, head: ['runs', 'into', 'log MB', 's', 'runs/s', 'epochs/s', 'store size'], rows: importRows, write });
    if (bySize.size) {
      const cell = (secs: number | undefined, n: number) => (secs === undefined ? '–' : `${secs.toFixed(2)} s (${Math.round(n / secs).toLocaleString('en-US')}/s)`);
      const rows = [...bySize].map(([n, e]) => {
        const dry = e.secs.get('dry');
        const file = e.secs.get('file');
        return [n, mb(e.log), cell(dry, n), cell(file, n), cell(e.secs.get('postgres'), n), dry && file ? `${(file / dry).toFixed(2)}×` : '–', e.fileBytes === undefined ? '–' : mb(e.fileBytes)];
      });
      printTable({ title: 'import, side by side: wall time (runs/s)', head: ['runs', 'log', 'dry run', 'file: (journal)', 'PostgreSQL', 'file / dry', 'file store size'], rows, write });
    }
    if (copyRows.length) printTable({ title: 'store copy (streamed, 500 runs per write)', head: ['runs', 'copy', 'read', 'added', 'already there', 's', 'runs/s'], rows: copyRows, write });

    if (!parts.has('faults')) return;
    // Faults: blackholed server.
    const faultDb = `metatune_bench_fault_${process.pid}`;
    dbs.push(faultDb);
    const faultUrl = await createDb(admin, faultDb);
    await (await getStore(faultUrl)).close();
    const target = new URL(faultUrl);
    const faultRows: Array<Array<string | number>> = [];
    {
      const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
      proxy.blackhole();
      const u = new URL(proxy.via(faultUrl));
      u.searchParams.set('connect_timeout', '2');
      const started = performance.now();
      const err = await getStore(u.toString()).catch((e: unknown) => e);
      faultRows.push(['open, server blackholed', 'connect_timeout=2 (default 10)', (err as { code?: string }).code ?? 'no error', ((performance.now() - started) / 1000).toFixed(2)]);
      await proxy.close();
    }
    {
      const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
      const u = new URL(proxy.via(faultUrl));
      u.searchParams.set('query_timeout', '3000');
      const store = await getStore(u.toString());
      proxy.blackhole();
      const started = performance.now();
      const err = await store.importRuns([{ task: { id: 't' }, provenance: { importer: 'bench', contentHash: 'x' } }]).catch((e: unknown) => e);
      const secs = (performance.now() - started) / 1000;
      const closing = performance.now();
      await store.close();
      faultRows.push(['write, connection blackholed', 'query_timeout=3000 (default 65000)', (err as { code?: string }).code ?? 'no error', secs.toFixed(2)]);
      faultRows.push(['close() after it', 'bounded at 2 s', '-', ((performance.now() - closing) / 1000).toFixed(2)]);
      await proxy.close();
    }
    {
      const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
      const store = await getStore(proxy.via(faultUrl));
      proxy.dropAfter(1);
      const started = performance.now();
      const err = await store.importRuns([{ task: { id: 't' }, provenance: { importer: 'bench', contentHash: 'y' } }]).catch((e: unknown) => e);
      faultRows.push(['write, connection reset', '-', (err as { code?: string }).code ?? 'no error', ((performance.now() - started) / 1000).toFixed(2)]);
      await store.close();
      await proxy.close();
    }
    printTable({ title: 'time to a typed error (loopback fault proxy)', head: ['fault', 'deadline', 'error', 's'], rows: faultRows, write });
  } finally {
    for (const db of dbs) await dropDb(admin, db).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const sizes = arg('--sizes')?.split(',').map(Number) ?? [1000, 10000];
  if (process.argv.includes('--with-100k') && !sizes.includes(100000)) sizes.push(100000);
  await runStoreImportBench({ sizes, pgAdminUrl: arg('--pg'), into: arg('--into')?.split(','), parts: arg('--parts')?.split(',') });
}
