/**
 * Versioned migrations. `schema_migrations` holds one row per applied version. `migrate` runs all
 * pending ones in one transaction under an advisory lock, so two processes migrating at once
 * apply each version exactly once, and a failure leaves the schema where it was.
 */
import type { Pool, PoolClient } from 'pg';
import { MetatuneError } from '../../src/core/errors.js';
import type { MigrationReport } from '../../src/traces/store-factory.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index.js';
import { redactUrl } from '../../src/traces/record-utils.js';

/** Arbitrary constant key for pg_advisory_xact_lock ("metatune" in ASCII, truncated). */
const MIGRATION_LOCK_KEY = 0x6d65746174756e;

export interface SchemaState {
  /** Highest applied version; 0 when `schema_migrations` is missing or empty. */
  readonly version: number;
  /** True when the database has none of metatune's tables yet. */
  readonly fresh: boolean;
}

export async function schemaState(db: Pool | PoolClient): Promise<SchemaState> {
  const { rows } = await db.query<{ migrations: string | null; runs: string | null }>(
    `SELECT to_regclass('schema_migrations')::text AS migrations, to_regclass('runs')::text AS runs`,
  );
  if (!rows[0].migrations) return { version: 0, fresh: !rows[0].runs };
  const v = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  return { version: v.rows[0].version ?? 0, fresh: false };
}

export function schemaAhead(url: string, version: number): MetatuneError {
  return new MetatuneError(
    'STORE_SCHEMA_AHEAD',
    `The store ${redactUrl(url)} has schema version ${version}, newer than this metatune knows (${LATEST_SCHEMA_VERSION}). Upgrade metatune.`,
    { url: redactUrl(url), version, latest: LATEST_SCHEMA_VERSION },
  );
}

export function schemaBehind(url: string, version: number): MetatuneError {
  const pending = MIGRATIONS.filter((m) => m.version > version).map((m) => `${m.version} (${m.name})`);
  return new MetatuneError(
    'STORE_SCHEMA_BEHIND',
    `The store ${redactUrl(url)} has schema version ${version}; this metatune needs ${LATEST_SCHEMA_VERSION} (pending: ${pending.join('; ')}). ` +
      `To upgrade, run \`metatune store migrate --store ${redactUrl(url)}\``,
    { url: redactUrl(url), version, latest: LATEST_SCHEMA_VERSION },
  );
}

/** Applies the migrations above the current version up to `target` (default: latest). */
export async function migrate(pool: Pool, url: string, target = LATEST_SCHEMA_VERSION): Promise<MigrationReport> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { version } = await schemaState(client);
    if (version > LATEST_SCHEMA_VERSION) throw schemaAhead(url, version);
    const applied: { version: number; name: string }[] = [];
    for (const m of MIGRATIONS) {
      if (m.version <= version || m.version > target) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push({ version: m.version, name: m.name });
    }
    await client.query('COMMIT');
    return { applied, version: applied.length ? applied[applied.length - 1].version : version };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
