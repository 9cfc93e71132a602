/**
 * `postgres://` and `postgresql://` URLs → PostgreSQL store. The store module (and through it
 * the `pg` driver) is imported only when such a URL is opened.
 */
import type { MigrationReport, TraceStoreFactory } from '../../src/traces/store-factory.js';

async function open(url: string) {
  const { PostgresTraceStore } = await import('./postgres-store.js');
  return PostgresTraceStore.open({ url });
}

async function migrate(url: string): Promise<MigrationReport> {
  const { migratePostgres } = await import('./postgres-store.js');
  return migratePostgres(url);
}

export const postgresStoreFactories: readonly TraceStoreFactory[] = ['postgres', 'postgresql'].map((id) => ({
  id,
  description: 'PostgreSQL, for many processes on many machines',
  example: `${id}://user@localhost:5432/metatune`,
  open,
  migrate,
}));
