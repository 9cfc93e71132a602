/**
 * Connecting to PostgreSQL: the driver is imported lazily (metatune works without `pg` until a
 * postgres:// URL is used), and the three failures users actually hit — server not reachable,
 * login refused, database missing — become typed errors that say what to do. Passwords never
 * appear in `url` or in messages.
 */
import { userInfo } from 'node:os';
import type { Pool, PoolConfig } from 'pg';
import { EnvironmentError } from '../../src/core/errors.js';
import { redactUrl } from '../../src/traces/record-utils.js';

/** Where a URL points, for messages (no password). */
export interface PgTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** The URL with its password replaced by ***. */
  readonly redacted: string;
}

export function describeTarget(url: string): PgTarget {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const q = parsed?.searchParams;
  const user = decodeURIComponent(parsed?.username || '') || q?.get('user') || process.env.PGUSER || safeUser();
  return {
    host: parsed?.hostname || q?.get('host') || process.env.PGHOST || 'localhost',
    port: Number(parsed?.port || q?.get('port') || process.env.PGPORT || 5432),
    user,
    database: decodeURIComponent((parsed?.pathname ?? '').replace(/^\//, '')) || process.env.PGDATABASE || user,
    redacted: redactUrl(url),
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'postgres';
  }
}

type PgModule = typeof import('pg');

let driver: Promise<PgModule> | undefined;

/** `await import('pg')` once, with an install hint when the package is missing. */
export function loadDriver(): Promise<PgModule> {
  driver ??= import('pg').then(
    (m) => ((m as unknown as { default?: PgModule }).default ?? m) as PgModule,
    (err: unknown) => {
      driver = undefined;
      throw new EnvironmentError(
        'DRIVER_MISSING',
        `The PostgreSQL store needs the "pg" package, which could not be loaded (${(err as Error).message}). Install it: npm install pg`,
        { package: 'pg' },
        { cause: err },
      );
    },
  );
  return driver;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET']);

/** Maps connection-level failures to typed errors; anything else is returned unchanged. */
export function mapConnectionError(err: unknown, url: string): unknown {
  const t = describeTarget(url);
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e?.code ?? e?.errors?.[0]?.code;
  const where = `${t.host}:${t.port}`;
  if ((code && UNREACHABLE.has(code)) || /timeout expired|connection timeout/i.test(e?.message ?? '')) {
    return new EnvironmentError(
      'STORE_UNREACHABLE',
      `Cannot reach PostgreSQL at ${where} (${code ?? e?.message}) for the store ${t.redacted}. ` +
        `Start the server (e.g. \`sudo service postgresql start\`) or fix the host and port in the store URL.`,
      { host: t.host, port: t.port, url: t.redacted, cause: code },
      { cause: err },
    );
  }
  if (code === '28P01' || code === '28000') {
    return new EnvironmentError(
      'STORE_AUTH_FAILED',
      `PostgreSQL at ${where} refused the login of user "${t.user}" (${e.message}). ` +
        `Check the user and password in the store URL (or PGPASSWORD / ~/.pgpass) and the server's pg_hba.conf.`,
      { host: t.host, port: t.port, user: t.user, url: t.redacted },
      { cause: err },
    );
  }
  if (code === '3D000') {
    return new EnvironmentError(
      'STORE_DATABASE_MISSING',
      `PostgreSQL at ${where} has no database "${t.database}". Create it with \`createdb -h ${t.host} -p ${t.port} -U ${t.user} ${t.database}\`, ` +
        `then run \`metatune store migrate --store ${t.redacted}\`.`,
      { host: t.host, port: t.port, database: t.database, url: t.redacted },
      { cause: err },
    );
  }
  return err;
}

/** A pool whose first connection has been made (so connection errors surface at open). */
export async function connectPool(url: string, config: PoolConfig = {}): Promise<Pool> {
  const pg = await loadDriver();
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10000, idleTimeoutMillis: 10000, ...config });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw mapConnectionError(err, url);
  }
  return pool;
}
