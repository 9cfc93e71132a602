/**
 * Jest globalSetup: is there a PostgreSQL server for the tests that need one? Probed once per
 * `npm test` (connect + `SELECT 1`, 3 s deadline) and handed to every test worker as
 * METATUNE_TEST_PG=up|down (workers inherit the environment). Where no server answers, the
 * PostgreSQL tests skip and this prints one loud line saying how to start one; with
 * METATUNE_REQUIRE_POSTGRES=1 (set by .ci/run) the run fails instead, so CI cannot go green
 * without them.
 */
import pg from 'pg';

export default async function postgresGlobalSetup() {
  const url = process.env.METATUNE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  let problem;
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    problem = err instanceof Error ? err.message || err.constructor.name : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
  process.env.METATUNE_TEST_PG = problem === undefined ? 'up' : 'down';
  if (problem === undefined) return;
  const missing = `no PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')} (${problem})`;
  const fix =
    'Start one (e.g. `apt-get install postgresql && service postgresql start`, or ' +
    '`docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16`) or point METATUNE_TEST_PG_URL at a server.';
  if (process.env.METATUNE_REQUIRE_POSTGRES === '1') throw new Error(`METATUNE_REQUIRE_POSTGRES=1 but ${missing}. ${fix}`);
  process.stderr.write(`\n!!! ${missing}: the PostgreSQL store tests are SKIPPED. ${fix}\n\n`);
}
