/** PostgreSQL store specifics: migrations, schema-version errors, connection errors, streaming. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresTraceStore, migratePostgres } from '../../../plugins/store-postgres/postgres-store.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../plugins/store-postgres/migrations/index.js';
import { getStore } from '../../../src/container.js';
import { createTempDatabase, describePostgres, PG_ADMIN_URL, type TempDatabase } from '../../helpers/temp-postgres.js';

const admin = new URL(PG_ADMIN_URL);
const at = (patch: { user?: string; password?: string; port?: number; db?: string }) => {
  const u = new URL(PG_ADMIN_URL);
  if (patch.user !== undefined) u.username = patch.user;
  if (patch.password !== undefined) u.password = patch.password;
  if (patch.port !== undefined) u.port = String(patch.port);
  if (patch.db !== undefined) u.pathname = `/${patch.db}`;
  return u.toString();
};

describePostgres('postgres connection errors', () => {
  it('connection refused → STORE_UNREACHABLE naming host:port, password redacted', async () => {
    const url = at({ port: 1, password: 'hunter2' });
    const err = await getStore(url).catch((e) => e);
    expect(err).toMatchObject({ name: 'EnvironmentError', code: 'STORE_UNREACHABLE' });
    expect(err.message).toContain(`${admin.hostname}:1`);
    expect(err.message).toMatch(/ECONNREFUSED.*Start the server/);
    expect(err.message).not.toContain('hunter2');
    expect(JSON.stringify(err.details)).not.toContain('hunter2');
  });

  it('unknown role → STORE_AUTH_FAILED naming the user', async () => {
    const err = await getStore(at({ user: 'metatune_no_such_role', password: 'pw' })).catch((e) => e);
    expect(err).toMatchObject({ name: 'EnvironmentError', code: 'STORE_AUTH_FAILED' });
    expect(err.message).toMatch(/refused the login of user "metatune_no_such_role".*pg_hba\.conf/);
  });

  it('missing database → STORE_DATABASE_MISSING with the createdb command', async () => {
    const err = await getStore(at({ db: 'metatune_missing_db_xyz' })).catch((e) => e);
    expect(err).toMatchObject({ name: 'EnvironmentError', code: 'STORE_DATABASE_MISSING' });
    expect(err.message).toMatch(/no database "metatune_missing_db_xyz".*`createdb -h \S+ -p \d+ -U \S+ metatune_missing_db_xyz`/);
  });
});

describePostgres('postgres migrations', () => {
  let db: TempDatabase;
  beforeAll(async () => {
    db = await createTempDatabase('metatune_mig');
  });
  afterAll(() => db?.drop());

  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('a schema that is behind refuses to open and names the command; migrate brings it up once', async () => {
    const pool = new pg.Pool({ connectionString: db.url });
    const { migrate } = await import('../../../plugins/store-postgres/migrator.js');
    expect(await migrate(pool, db.url, 1)).toEqual({ applied: [{ version: 1, name: MIGRATIONS[0].name }], version: 1 });
    await pool.end();

    const err = await getStore(db.url).catch((e) => e);
    expect(err.code).toBe('STORE_SCHEMA_BEHIND');
    expect(err.message).toMatch(/schema version 1; this metatune needs 3/);
    expect(err.message.endsWith(`run \`metatune store migrate --store ${db.url}\``)).toBe(true);

    const report = await migratePostgres(db.url);
    expect(report.applied.map((m) => m.version)).toEqual([2, 3]);
    expect(report.version).toBe(LATEST_SCHEMA_VERSION);
    expect((await migratePostgres(db.url)).applied).toEqual([]);
    const rows = await db.sql<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3]);
    await (await getStore(db.url)).close();
  });

  it('creates the indexes learners query by', async () => {
    const rows = await db.sql<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = 'runs'");
    const defs = rows.map((r) => r.indexdef).join('\n');
    for (const column of ['task_id', 'parent_dataset', 'model_id', 'schedule_family', 'status', 'importer', 'dedupe_key']) {
      expect(defs).toMatch(new RegExp(`\\(${column}`));
    }
    const epochsKey = await db.sql<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = 'epochs'");
    expect(epochsKey[0].indexdef).toMatch(/UNIQUE INDEX .* \(run_id, epoch\)/);
  });

  it('a schema newer than this metatune → STORE_SCHEMA_AHEAD', async () => {
    await db.sql("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
    await expect(getStore(db.url)).rejects.toMatchObject({ code: 'STORE_SCHEMA_AHEAD', message: expect.stringMatching(/version 99.*Upgrade metatune/) });
    await expect(migratePostgres(db.url)).rejects.toMatchObject({ code: 'STORE_SCHEMA_AHEAD' });
    await db.sql('DELETE FROM schema_migrations WHERE version = 99');
  });

  it('concurrent migrations of a fresh database apply each version exactly once', async () => {
    const fresh = await createTempDatabase('metatune_mig2');
    try {
      const reports = await Promise.all([migratePostgres(fresh.url), migratePostgres(fresh.url), migratePostgres(fresh.url)]);
      expect(reports.flatMap((r) => r.applied.map((m) => m.version)).sort()).toEqual([1, 2, 3]);
      const rows = await fresh.sql('SELECT version FROM schema_migrations');
      expect(rows).toHaveLength(3);
    } finally {
      await fresh.drop();
    }
  });
});

describePostgres('postgres streaming', () => {
  let db: TempDatabase;
  beforeAll(async () => {
    db = await createTempDatabase('metatune_stream');
  });
  afterAll(() => db?.drop());

  it('streams through a server-side cursor in fetch-size pages, in creation order, with epochs', async () => {
    const store = await PostgresTraceStore.open({ url: db.url, fetchSize: 7 });
    try {
      for (let i = 0; i < 25; i++) {
        await store.importRun({
          id: `r${String(i).padStart(2, '0')}`,
          task: { id: i % 2 ? 'odd' : 'even' },
          epochs: [{ epoch: 0, loss: i, metrics: {} }, { epoch: 1, loss: i / 2, metrics: { acc: 0.5 } }],
          provenance: { importer: 'jsonl', contentHash: `h${i}` },
        });
      }
      const ids: string[] = [];
      let cursorSeen = false;
      for await (const r of store.query()) {
        ids.push(r.id);
        expect(r.epochs.map((e) => e.epoch)).toEqual([0, 1]);
        if (ids.length === 10) {
          // Mid-stream, the cursor is open on the server.
          const cursors = await db.sql<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'FETCH FORWARD 7 FROM metatune_runs%'");
          cursorSeen = Number(cursors[0].n) >= 1;
        }
      }
      expect(cursorSeen).toBe(true);
      expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `r${String(i).padStart(2, '0')}`));
      const odd: string[] = [];
      for await (const r of store.query({ taskId: 'odd', limit: 5 })) odd.push(r.id);
      expect(odd).toEqual(['r01', 'r03', 'r05', 'r07', 'r09']);
      // An abandoned stream returns its connection: the pool (max 4) still serves many more.
      for (let k = 0; k < 6; k++) {
        for await (const _ of store.query()) break;
      }
      expect(await store.count()).toBe(25);
      const stats = await store.stats();
      expect(stats).toMatchObject({ runs: 25, tasks: 2, epochs: 50, byStatus: { completed: 25 } });
      expect(stats.bytes).toBeGreaterThan(8192);
    } finally {
      await store.close();
    }
  });

  it('redacts the password from store.url', async () => {
    const u = new URL(db.url);
    u.password = 'pw-not-checked-by-trust-auth';
    const store = await getStore(u.toString());
    expect(store.url).not.toContain('pw-not-checked');
    expect(store.url).toContain(':***@');
    await store.close();
  });
});
