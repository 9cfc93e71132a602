/**
 * A throw-away PostgreSQL database per test file, on the server at 127.0.0.1:5432 (override with
 * METATUNE_TEST_PG_URL, pointing at a database the user may CREATE DATABASE from).
 */
import { describe, it } from '@jest/globals';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.METATUNE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TempDatabase {
  readonly name: string;
  /** URL of the new database. */
  readonly url: string;
  /** Runs SQL in the new database (for TRUNCATE between tests, inspecting tables). */
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTempDatabase(prefix = 'metatune_test'): Promise<TempDatabase> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(PG_ADMIN_URL, name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  return {
    name,
    url,
    async sql(text, params) {
      return (await pool.query(text, params)).rows;
    },
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * Whether the PostgreSQL tests run: test/setup/postgres-global.mjs probed the server once for the
 * whole run. `undefined` (a test file run without that setup) counts as up: the test then fails
 * loudly on connect instead of skipping silently.
 */
export const POSTGRES_AVAILABLE = process.env.METATUNE_TEST_PG !== 'down';

/** `describe` for PostgreSQL-only blocks: skipped (with the setup's one loud line) where no server answers. */
export const describePostgres: typeof describe = POSTGRES_AVAILABLE ? describe : (describe.skip as typeof describe);

/** `it` for one PostgreSQL test inside a block that also tests other stores. */
export const itPostgres: typeof it = POSTGRES_AVAILABLE ? it : (it.skip as typeof it);
