/**
 * Issue [2/5] reliability: 8 processes append 200 runs each to one store at the same time, and
 * all 1,600 runs are there afterwards — for the file store (cross-process lock, journal appends,
 * and compactions by the writers themselves meanwhile) and for PostgreSQL (transactions).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getStore } from '../../src/container.js';
import { createTempDatabase, describePostgres, type TempDatabase } from '../helpers/temp-postgres.js';
import { buildStoreModules, type BuiltModules } from './workers/build-store-modules.js';

const WRITER = join(dirname(fileURLToPath(import.meta.url)), 'workers', 'store-writer.mjs');
const PROCESSES = 8;
const RUNS_EACH = 200;

let built: BuiltModules;
beforeAll(() => {
  built = buildStoreModules();
});
afterAll(() => built?.remove());

/** Runs one writer to completion; resolves with the ids it acknowledged. */
function writer(url: string, tag: string, compactEvery: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, built.getStore, url, String(RUNS_EACH), tag, String(compactEvery)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`writer ${tag} exited with ${code}: ${err}`));
      else resolve(out.split('\n').filter((l) => l.startsWith(`${tag}-`)));
    });
  });
}

async function hammer(url: string, compactEvery = 0): Promise<void> {
  const started = Date.now();
  const acks = await Promise.all(Array.from({ length: PROCESSES }, (_, p) => writer(url, `w${p}`, compactEvery)));
  const seconds = (Date.now() - started) / 1000;
  expect(acks.flat()).toHaveLength(PROCESSES * RUNS_EACH);

  const store = await getStore(url);
  try {
    expect(await store.count()).toBe(PROCESSES * RUNS_EACH);
    const ids = new Set<string>();
    for await (const r of store.query()) ids.add(r.id);
    for (const id of acks.flat()) expect(ids.has(id)).toBe(true);
    // Each writer's runs keep their order (one writer's writes are sequential).
    const order: string[] = [];
    for await (const r of store.query({ taskId: 'task-0' })) if (r.id.startsWith('w3-')) order.push(r.id);
    expect(order).toEqual(acks[3].filter((id) => Number(id.split('-')[1]) % 7 === 0));
    const stats = await store.stats();
    expect(stats).toMatchObject({ runs: 1600, epochs: 1600, tasks: 7, byStatus: { running: 1600 } });
  } finally {
    await store.close();
  }
  process.stdout.write(`${url.split(':')[0]}: ${PROCESSES}x${RUNS_EACH} runs from ${PROCESSES} processes in ${seconds.toFixed(1)} s\n`);
}

describe('8 processes x 200 runs into one store', () => {
  it('lowdb file store keeps all 1,600 runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metatune-concurrency-'));
    try {
      const file = join(dir, 'store.json');
      // Each writer also compacts after every 50th of its runs: 32 compactions amid the appends.
      await hammer(`file:${file}`, 50);
      // The snapshot is one complete JSON document; the journal, complete lines that continue it.
      const generation = JSON.parse(await readFile(file, 'utf8')).journal.generation;
      expect(generation).toBeGreaterThan(1);
      const journal = await readFile(`${file}.journal`, 'utf8');
      expect(journal.endsWith('\n')).toBe(true);
      expect(JSON.parse(journal.split('\n')[0]!)).toEqual({ format: 'metatune-trace-journal', generation });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  describePostgres('postgres', () => {
    let db: TempDatabase;
    beforeAll(async () => {
      db = await createTempDatabase('metatune_conc');
      await (await getStore(db.url)).close(); // create the schema once, before the writers start
    });
    afterAll(() => db?.drop());

    it('keeps all 1,600 runs', async () => {
      await hammer(db.url);
      expect((await db.sql<{ n: string }>('SELECT count(*) AS n FROM epochs'))[0].n).toBe('1600');
    }, 120_000);
  });
});
