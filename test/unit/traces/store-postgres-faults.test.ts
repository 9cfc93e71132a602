/**
 * PostgreSQL under faults, through a fault-injecting TCP proxy on loopback
 * (test/helpers/tcp-fault-proxy.ts): a connection dropped mid-import, a blackholed server, a
 * backend terminated by the server, TLS modes. Each ends in a typed error within a bounded time,
 * never a crash or a hang, and re-running the import completes it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getStore } from '../../../src/container.js';
import { builtinImporters } from '../../../src/container.js';
import { runImport } from '../../../src/traces/import-runner.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/tcp-fault-proxy.js';
import { createTempDatabase, describePostgres, POSTGRES_AVAILABLE, type TempDatabase } from '../../helpers/temp-postgres.js';

let dir: string;
let db: TempDatabase;
let proxy: FaultProxy | undefined;
const RUNS = 60;

const withParams = (url: string, params: Record<string, string>) => {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metatune-pg-faults-'));
  if (!POSTGRES_AVAILABLE) return;
  db = await createTempDatabase('metatune_faults');
  await (await getStore(db.url)).close();
  const lines: string[] = [];
  for (let r = 0; r < RUNS; r++) for (let e = 0; e < 20; e++) lines.push(JSON.stringify({ run: `r${r}`, task: 'faults', epoch: e, loss: 1 / (e + 1) + r / 1000, val_loss: 1.1 / (e + 1), acc: e / 20 }));
  await writeFile(join(dir, 'runs.jsonl'), `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await proxy?.close();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function freshProxy(): Promise<FaultProxy> {
  await proxy?.close();
  const u = new URL(db.url);
  proxy = await startFaultProxy({ host: u.hostname, port: Number(u.port || 5432) });
  return proxy;
}

const count = async () => Number((await db.sql<{ n: string }>('SELECT count(*) AS n FROM runs'))[0]!.n);

describePostgres('PostgreSQL store under faults', () => {
  it('a connection dropped mid-import is STORE_CONNECTION_LOST naming what was committed; re-running completes it', async () => {
    await db.sql('TRUNCATE runs, epochs, batches, policies');
    const p = await freshProxy();
    const store = await getStore(p.via(db.url));
    const importers = await builtinImporters();
    p.dropAfter(30_000); // after a few batches of 5 runs
    const started = Date.now();
    const err = await runImport({ paths: [join(dir, 'runs.jsonl')], importers, store, batchRuns: 5 }).catch((e: unknown) => e);
    await store.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err).toMatchObject({ code: 'STORE_CONNECTION_LOST' });
    const committed = (err as { details: { committed: number } }).details.committed;
    expect((err as Error).message).toMatch(new RegExp(`${committed} run\\(s\\) were committed before the failure[^]*Re-running the same import completes it`));
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(RUNS);
    expect(committed % 5).toBe(0); // whole batches, whole runs
    const stored = await count();
    // The batch whose COMMIT was in flight may have committed without the client hearing it.
    expect([committed, committed + 5]).toContain(stored);
    const again = await getStore(db.url);
    const summary = await runImport({ paths: [join(dir, 'runs.jsonl')], importers, store: again });
    await again.close();
    expect(summary).toMatchObject({ imported: RUNS - stored, duplicates: stored });
    expect(await count()).toBe(RUNS);
    expect(Number((await db.sql<{ n: string }>('SELECT count(*) AS n FROM epochs'))[0]!.n)).toBe(RUNS * 20);
  });

  it('a blackholed connection ends in STORE_CONNECTION_LOST after query_timeout, and close() does not hang', async () => {
    const p = await freshProxy();
    const store = await getStore(withParams(p.via(db.url), { query_timeout: '1500' }));
    p.blackhole();
    const started = Date.now();
    const err = await store.importRuns([{ task: { id: 't' }, provenance: { importer: 'jsonl', contentHash: 'bh-1' } }]).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toMatchObject({ code: 'STORE_CONNECTION_LOST' });
    expect((err as Error).message).toMatch(/no answer within query_timeout[^]*re-run the same command/);
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(4000);
    const closing = Date.now();
    await store.close();
    expect(Date.now() - closing).toBeLessThan(3000);
  });

  it('a blackholed server at open ends in STORE_UNREACHABLE after connect_timeout', async () => {
    const p = await freshProxy();
    p.blackhole();
    const started = Date.now();
    const err = await getStore(withParams(p.via(db.url), { connect_timeout: '1' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_UNREACHABLE' });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('a backend terminated by the server mid-query is STORE_CONNECTION_LOST; idle ones are replaced; the process does not crash', async () => {
    await db.sql('TRUNCATE runs, epochs, batches, policies');
    const store = await getStore(db.url);
    await store.importRuns(Array.from({ length: 30 }, (_, i) => ({ task: { id: 't' }, provenance: { importer: 'jsonl', contentHash: `term-${i}` } })));
    const terminate = () => db.sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name = ''`, [db.name]);
    // Terminated while idle in the pool: the next write gets a new connection.
    await terminate();
    await new Promise((r) => setTimeout(r, 200));
    expect(await store.count()).toBe(30);
    // Terminated while a cursor is open: the stream fails typed.
    const err = await (async () => {
      let n = 0;
      for await (const _ of (store as unknown as { query(q: object): AsyncIterable<unknown> }).query({})) {
        if (++n === 1) await terminate();
      }
    })().catch((e: unknown) => e);
    // With 30 runs one FETCH returns them all; the COMMIT after it meets the dead connection.
    if (err !== undefined) expect(err).toMatchObject({ code: 'STORE_CONNECTION_LOST' });
    expect(await store.count()).toBe(30);
    await store.close();
  });

  it('sslmode works as in psql, or fails typed', async () => {
    // The test server has ssl = off.
    await expect(getStore(withParams(db.url, { sslmode: 'require' }))).rejects.toMatchObject({ code: 'STORE_TLS_UNAVAILABLE', message: expect.stringMatching(/sslmode=prefer/) });
    await expect(getStore(withParams(db.url, { sslmode: 'verify-full' }))).rejects.toMatchObject({ code: 'STORE_TLS_UNAVAILABLE' });
    for (const mode of ['prefer', 'allow', 'disable']) {
      const s = await getStore(withParams(db.url, { sslmode: mode }));
      expect(typeof (await s.count())).toBe('number');
      await s.close();
    }
    await expect(getStore(withParams(db.url, { sslmode: 'sometimes' }))).rejects.toMatchObject({ code: 'INVALID_STORE_URL' });
    await expect(getStore(withParams(db.url, { query_timeout: 'soon' }))).rejects.toMatchObject({ code: 'INVALID_STORE_URL' });
    await expect(getStore('postgres:/metatune')).rejects.toMatchObject({ code: 'INVALID_STORE_URL', message: expect.stringMatching(/postgres:\/\/user@host/) });
  });
});
