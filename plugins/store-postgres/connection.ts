/**
 * Connecting to PostgreSQL: the driver is imported lazily (metatune works without `pg` until a
 * postgres:// URL is used), and the three failures users actually hit — server not reachable,
 * login refused, database missing — become typed errors that say what to do. Passwords never
 * appear in `url` or in messages.
 */
import { userInfo } from 'node:os';
import type { Pool, PoolConfig } from 'pg';
import { EnvironmentError, MetatuneError, ValidationError } from '../../src/core/errors.js';
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
/** Socket errors of a connection that was up (mid-import). */
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);
/** SQLSTATEs of a server that went away: admin/crash shutdown, cannot connect now, connection failure. */
const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);
const LOST_MESSAGE = /Connection terminated|Query read timeout|Client was closed|Client has encountered a connection error|connection error/i;
const TLS_CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|UNABLE_TO_GET_ISSUER/;

/**
 * Deadlines of the PostgreSQL store (milliseconds). Each can be set in the store URL, like psql's
 * own parameters: `?connect_timeout=<seconds>` (libpq), `&statement_timeout=<ms>`,
 * `&query_timeout=<ms>`, `&keepalives_idle=<seconds>`.
 */
export const PG_DEADLINES = {
  /** Connecting (TCP + TLS + login) gives up after this. */
  connectMs: 10_000,
  /** The server cancels a statement running longer than this (SQLSTATE 57014). */
  statementMs: 60_000,
  /** The client gives up on a statement that got no answer for this long (a blackholed connection). */
  queryMs: 65_000,
  /** TCP keepalive probes start after this much idle time (a dead peer of an idle pooled connection). */
  keepAliveIdleMs: 10_000,
  /** `close()` waits this long for the server to acknowledge before dropping the sockets. */
  closeMs: 2_000,
} as const;

/** Maps connection-level failures to typed errors; anything else is returned unchanged. */
export function mapConnectionError(err: unknown, url: string, phase: 'connect' | 'query' = 'connect'): unknown {
  if (err instanceof MetatuneError) return err;
  const t = describeTarget(url);
  const e = err as { code?: string; message?: string; errors?: { code?: string }[]; syscall?: string };
  const code = e?.code ?? e?.errors?.[0]?.code;
  const message = e?.message ?? String(err);
  const where = `${t.host}:${t.port}`;
  if (/does not support SSL/i.test(message)) {
    return new EnvironmentError(
      'STORE_TLS_UNAVAILABLE',
      `PostgreSQL at ${where} does not accept SSL connections, but the store URL asks for them (sslmode=${sslModeOf(url) ?? 'require'}). ` +
        `Enable SSL on the server (ssl = on in postgresql.conf), or use sslmode=prefer (SSL when offered) or sslmode=disable in the URL.`,
      { host: t.host, port: t.port, url: t.redacted },
      { cause: err },
    );
  }
  if ((code && TLS_CERT_CODES.test(code)) || /certificate|self[- ]signed|Hostname\/IP does not match/i.test(message)) {
    return new EnvironmentError(
      'STORE_TLS_FAILED',
      `The TLS certificate of PostgreSQL at ${where} was not accepted (${code ?? message}) under sslmode=${sslModeOf(url) ?? 'verify-full'}. ` +
        `Give the server's CA with sslrootcert=<file> in the URL, or use sslmode=require to encrypt without verifying (as psql does).`,
      { host: t.host, port: t.port, url: t.redacted, cause: code },
      { cause: err },
    );
  }
  if (code === 'ENOENT' && e.syscall === 'open') {
    return new EnvironmentError('STORE_TLS_FAILED', `A TLS file named in the store URL (sslrootcert / sslcert / sslkey) cannot be read: ${message}. Fix the path in the URL.`, { url: t.redacted }, { cause: err });
  }
  if (code === '57014') {
    return new EnvironmentError(
      'STORE_TIMEOUT',
      `PostgreSQL at ${where} cancelled a statement that ran longer than statement_timeout (${e.message}). ` +
        `Raise it in the store URL (&statement_timeout=<ms>; default ${PG_DEADLINES.statementMs}) or import fewer runs per batch.`,
      { host: t.host, port: t.port, url: t.redacted },
      { cause: err },
    );
  }
  if (phase === 'query' && ((code && (LOST_CODES.has(code) || LOST_SQLSTATES.has(code))) || LOST_MESSAGE.test(message))) {
    return new EnvironmentError(
      'STORE_CONNECTION_LOST',
      `The connection to PostgreSQL at ${where} was lost (${/Query read timeout/i.test(message) ? `no answer within query_timeout` : (code ?? message)}) for the store ${t.redacted}: ` +
        `the transaction in progress was not committed (every write is one transaction, so nothing partial was stored). ` +
        `Check that the server is up and reachable, then re-run the same command: what was committed is kept and is not written twice.`,
      { host: t.host, port: t.port, url: t.redacted, cause: code ?? message },
      { cause: err },
    );
  }
  if ((code && UNREACHABLE.has(code)) || LOST_SQLSTATES.has(code ?? '') || /timeout expired|connection timeout|Connection terminated/i.test(message)) {
    return new EnvironmentError(
      'STORE_UNREACHABLE',
      `Cannot reach PostgreSQL at ${where} (${code ?? message}) for the store ${t.redacted}. ` +
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

/** True for errors after which a pooled client must not be reused or sent more statements (no ROLLBACK on a dead or silent connection). */
export function isConnectionFailure(err: unknown): boolean {
  const code = (err as MetatuneError)?.code;
  return code === 'STORE_CONNECTION_LOST' || code === 'STORE_UNREACHABLE';
}

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'];

function sslModeOf(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('sslmode') ?? undefined;
  } catch {
    return undefined;
  }
}

function positiveNumber(url: URL, key: string, fallback: number, scale = 1): number {
  const raw = url.searchParams.get(key);
  if (raw === null) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) {
    throw new ValidationError('INVALID_STORE_URL', `The store URL parameter ${key}=${JSON.stringify(raw)} must be a number >= 0. Example: ${key}=${fallback / scale}.`, { parameter: key, received: raw });
  }
  return v * scale;
}

/**
 * The connection string and pool options for `url`: libpq semantics for `sslmode` (what psql does:
 * `require` encrypts without verifying the certificate, `verify-full` verifies; node-postgres's own
 * reading of `require` is `verify-full`), the deadlines of PG_DEADLINES unless the URL sets them.
 */
export function poolConfigFor(url: string, sslmode?: string): { connectionString: string; config: PoolConfig } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError('INVALID_STORE_URL', `Cannot read the store URL "${redactUrl(url)}". Write postgres://user:password@host:5432/database.`, { url: redactUrl(url) });
  }
  if (!/^\/\//.test(url.slice(url.indexOf(':') + 1))) {
    throw new ValidationError('INVALID_STORE_URL', `The store URL "${redactUrl(url)}" has no "//" after "${parsed.protocol}": write ${parsed.protocol}//user@host:5432/database (e.g. postgres://postgres@localhost:5432/metatune).`, {
      url: redactUrl(url),
    });
  }
  const mode = sslmode ?? parsed.searchParams.get('sslmode') ?? undefined;
  if (mode !== undefined && !SSL_MODES.includes(mode)) {
    throw new ValidationError('INVALID_STORE_URL', `sslmode=${JSON.stringify(mode)} in the store URL is not one of ${SSL_MODES.join(', ')} (psql's modes).`, { url: redactUrl(url), sslmode: mode });
  }
  const connectMs = positiveNumber(parsed, 'connect_timeout', PG_DEADLINES.connectMs, 1000);
  const statementMs = positiveNumber(parsed, 'statement_timeout', PG_DEADLINES.statementMs);
  const queryMs = positiveNumber(parsed, 'query_timeout', PG_DEADLINES.queryMs);
  const keepAliveMs = positiveNumber(parsed, 'keepalives_idle', PG_DEADLINES.keepAliveIdleMs, 1000);
  for (const k of ['connect_timeout', 'statement_timeout', 'query_timeout', 'keepalives_idle', 'sslmode', 'uselibpqcompat']) parsed.searchParams.delete(k);
  if (mode !== undefined && mode !== 'allow') {
    parsed.searchParams.set('sslmode', mode);
    if (mode !== 'no-verify') parsed.searchParams.set('uselibpqcompat', 'true');
  }
  return {
    connectionString: parsed.toString(),
    config: {
      connectionTimeoutMillis: connectMs,
      statement_timeout: statementMs,
      query_timeout: queryMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: keepAliveMs,
    },
  };
}

/** The deadlines a store URL ends up with (for messages and `store stats`). */
export function deadlinesOf(url: string): { connectMs: number; statementMs: number; queryMs: number } {
  const { config } = poolConfigFor(url);
  return { connectMs: config.connectionTimeoutMillis!, statementMs: Number(config.statement_timeout), queryMs: Number(config.query_timeout) };
}

async function openPool(pg: PgModule, url: string, sslmode: string | undefined, extra: PoolConfig): Promise<Pool> {
  const { connectionString, config } = poolConfigFor(url, sslmode);
  const pool = new pg.Pool({ connectionString, max: 4, idleTimeoutMillis: 10000, ...config, ...extra });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  // Nor may an error of a client in use (pg-pool listens only while a client is idle): the query in
  // flight is rejected with the error, which the store maps to STORE_CONNECTION_LOST.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await endPool(pool);
    throw err;
  }
  return pool;
}

/** Drops a client's socket now (a silent connection would otherwise keep the process alive until TCP gives up). */
export function destroySocket(client: unknown): void {
  (client as { connection?: { stream?: { destroy(): void } } })?.connection?.stream?.destroy();
}

/** `pool.end()` with a deadline: a blackholed server never acknowledges, so the sockets are dropped after PG_DEADLINES.closeMs. */
export async function endPool(pool: Pool, ms: number = PG_DEADLINES.closeMs): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = pool.end().catch(() => undefined);
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
  });
  if ((await Promise.race([ended, timeout])) === 'timeout') {
    for (const c of (pool as unknown as { _clients?: unknown[] })._clients ?? []) destroySocket(c);
  }
  clearTimeout(timer);
}

/**
 * A pool whose first connection has been made (so connection errors surface at open). sslmode
 * `prefer` tries TLS and falls back to plain when the server has none; `allow` tries plain first
 * and TLS when the server requires it — as libpq does.
 */
export async function connectPool(url: string, extra: PoolConfig = {}): Promise<Pool> {
  const pg = await loadDriver();
  const mode = sslModeOf(url);
  try {
    return await openPool(pg, url, mode === 'allow' ? 'disable' : mode, extra);
  } catch (err) {
    if (mode === 'prefer' && /does not support SSL/i.test((err as Error)?.message ?? '')) {
      return connectFallback(pg, url, 'disable', extra);
    }
    if (mode === 'allow' && ['28000', '28P01'].includes((err as { code?: string }).code ?? '') && /SSL off|no encryption/i.test((err as Error).message)) {
      return connectFallback(pg, url, 'require', extra);
    }
    throw mapConnectionError(err, url);
  }
}

async function connectFallback(pg: PgModule, url: string, mode: string, extra: PoolConfig): Promise<Pool> {
  try {
    return await openPool(pg, url, mode, extra);
  } catch (err) {
    throw mapConnectionError(err, url);
  }
}
