import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerStoreCommand } from '../../../src/cli/traces/store-command.js';
import { getStore } from '../../../src/container.js';
import { createTempDatabase, itPostgres, POSTGRES_AVAILABLE, type TempDatabase } from '../../helpers/temp-postgres.js';
import { createCliContext } from '../../../src/cli/context.js';

async function run(...args: string[]): Promise<string> {
  let out = '';
  const program = new Command('metatune').exitOverride();
  registerStoreCommand(program, createCliContext(program, { stdout: (t) => void (out += t), stderr: (t) => void (out += t), cwd: process.cwd() }));
  await program.parseAsync(['node', 'metatune', ...args]);
  return out;
}

describe('metatune store', () => {
  let dir: string;
  let db: TempDatabase;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metatune-store-cli-'));
    if (POSTGRES_AVAILABLE) db = await createTempDatabase('metatune_cli');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('stats prints runs by status, tasks, epochs and size; --json for scripts', async () => {
    const url = `file:${join(dir, 'store.json')}`;
    const store = await getStore(url);
    const { id } = await store.createRun({ task: { id: 'iris' }, epochs: [{ epoch: 0, loss: 1, metrics: {} }] });
    await store.finishRun(id, 'diverged', { epochsRun: 1 });
    await store.createRun({ task: { id: 'digits' } });
    await store.close();
    const table = await run('store', 'stats', '--store', url);
    expect(table).toMatch(/runs\s*│\s*2/);
    expect(table).toMatch(/diverged\s*│\s*1/);
    expect(table).toMatch(/tasks\s*│\s*2/);
    expect(table).toMatch(/size\s*│\s*\d+(\.\d)? (B|KiB)/);
    const json = JSON.parse(await run('store', 'stats', '--store', url, '--json'));
    expect(json).toMatchObject({ url, runs: 2, tasks: 2, epochs: 1, byStatus: { running: 1, diverged: 1 } });
  });

  itPostgres('migrate applies pending Postgres migrations, then reports the schema current', async () => {
    const first = await run('store', 'migrate', '--store', db.url);
    expect(first).toMatch(/applied 3 migration\(s\), schema version 3:\n\s+1\s+initial tables[\s\S]*\n\s+2\s+indexes[\s\S]*\n\s+3\s+status 'incomplete'/);
    expect(await run('store', 'migrate', '--store', db.url)).toMatch(/schema is up to date \(version 3\)/);
    expect(await run('store', 'migrate', '--store', 'memory:')).toMatch(/no schema to migrate/);
  });

  it('passes typed errors through for the CLI to print', async () => {
    await expect(run('store', 'stats', '--store', 'postgress://localhost/x')).rejects.toMatchObject({ code: 'UNKNOWN_STORE_URL' });
  });
});
