/**
 * Issue [2/5] reliability: a writer killed with SIGKILL in the middle of its writes. Afterwards
 * the store opens, every run the writer acknowledged (printed after its write resolved) is there,
 * and the store takes new writes (lowdb: the dead writer's lock is detected as stale).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LowdbTraceStore } from '../../plugins/store-lowdb/lowdb-store.js';
import { getStore } from '../../src/container.js';
import { buildRecord } from '../../src/traces/record-utils.js';
import type { TraceStore } from '../../src/traces/store.js';
import { createTempDatabase, describePostgres, type TempDatabase } from '../helpers/temp-postgres.js';
import { buildStoreModules, type BuiltModules } from './workers/build-store-modules.js';

const WRITER = join(dirname(fileURLToPath(import.meta.url)), 'workers', 'store-writer.mjs');

let built: BuiltModules;
beforeAll(() => {
  built = buildStoreModules();
});
afterAll(() => built?.remove());

/**
 * Starts a writer that would write 1,000,000 runs, and SIGKILLs it 0-25 ms after `killAfter` runs
 * were acknowledged (inside one of its next writes). Resolves with every id it acknowledged.
 */
function killMidWrite(url: string, tag: string, killAfter: number, compactEvery = 0): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, built.getStore, url, '1000000', tag, String(compactEvery)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let buffer = '';
    let err = '';
    let killing = false;
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) if (line.startsWith(`${tag}-`)) acked.push(line);
      if (acked.length >= killAfter && !killing) {
        killing = true;
        // Killing right on the acknowledgement would always land before the next write takes the
        // lock; a random delay lands anywhere in the write cycle (lock, read, append or temp write
        // and renames).
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 25);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer ${tag} ended by itself (${code}): ${err}`));
      else resolve(acked);
    });
  });
}

async function expectAllThere(store: TraceStore, ids: readonly string[]): Promise<void> {
  for (const id of ids) expect((await store.getRun(id)).id).toBe(id);
}

describe('a writer killed with SIGKILL mid-writes', () => {
  it('lowdb: snapshot and journal stay readable, acknowledged runs survive, the stale lock is taken over', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metatune-crash-'));
    const file = join(dir, 'store.json');
    try {
      const all: string[] = [];
      let locksLeft = 0;
      // Crashes at different points of the write cycle. Rounds 0-1: journal appends (a kill can
      // leave a torn last line). From round 2 on the snapshot holds 5,000 more runs (~1.5 MB) and
      // the writer compacts after every 3rd run, so many kills land inside a compaction (snapshot
      // temp file, its rename, the journal's temp file and rename).
      let tornTails = 0;
      let staleJournals = 0;
      for (const [round, killAfter] of [[0, 40], [1, 77], [2, 30], [3, 45], [4, 60]] as const) {
        if (round === 2) {
          const doc = JSON.parse(await readFile(file, 'utf8'));
          for (let i = 0; i < 5000; i++) doc.runs.push(buildRecord({ id: `bulk-${i}`, task: { id: 'bulk' }, epochs: [{ epoch: 0, loss: 1, metrics: {} }] }, 'completed', 'bulk'));
          await writeFile(file, JSON.stringify(doc)); // same journal generation: the journal still continues it
          all.push('bulk-0', 'bulk-4999');
        }
        const acked = await killMidWrite(`file:${file}`, `k${round}`, killAfter, round >= 2 ? 3 : 0);
        expect(acked.length).toBeGreaterThanOrEqual(killAfter);
        all.push(...acked);
        expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow(); // never a torn snapshot
        // Every complete journal line parses; only the last one may be torn (no newline).
        const journal = readFileSync(`${file}.journal`, 'utf8');
        const lines = journal.split('\n');
        if (lines.at(-1) !== '') tornTails++;
        // Killed between a compaction's two renames: the old journal is stale (and ignored).
        if (JSON.parse(lines[0]!).generation !== JSON.parse(readFileSync(file, 'utf8')).journal.generation) staleJournals++;
        for (const line of lines.slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();
        if (existsSync(`${file}.lock`)) locksLeft++;
        const store = await LowdbTraceStore.open({ file, lockStaleMs: 2000, lockTimeoutMs: 30_000 });
        await expectAllThere(store, all);
        // Runs the writer did not get to acknowledge may or may not be there; nothing else is.
        const expected = all.length + (round >= 2 ? 4998 : 0);
        expect(await store.count()).toBeGreaterThanOrEqual(expected);
        expect(await store.count()).toBeLessThanOrEqual(expected + round + 1);
        // A new write goes through (after taking over the dead writer's lock if it held one).
        await store.createRun({ id: `after-${round}`, task: { id: 'after' } });
        all.push(`after-${round}`);
        expect(existsSync(`${file}.lock`)).toBe(false);
        await store.close();
      }
      process.stdout.write(`lowdb crash test: the killed writer held the lock in ${locksLeft} of 5 rounds, left a torn journal line in ${tornTails}, a stale journal in ${staleJournals}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  describePostgres('postgres', () => {
    let db: TempDatabase;
    beforeAll(async () => {
      db = await createTempDatabase('metatune_crash');
      await (await getStore(db.url)).close();
    });
    afterAll(() => db?.drop());

    it('acknowledged runs survive, the half-done transaction is rolled back, the store takes new writes', async () => {
      const all: string[] = [];
      for (const [round, killAfter] of [[0, 60], [1, 150]] as const) {
        all.push(...(await killMidWrite(db.url, `k${round}`, killAfter)));
      }
      const store = await getStore(db.url);
      try {
        await expectAllThere(store, all);
        expect(await store.count()).toBeGreaterThanOrEqual(all.length);
        expect(await store.count()).toBeLessThanOrEqual(all.length + 2);
        // No run without its epoch: the run and its epochs are one transaction.
        expect(await db.sql('SELECT id FROM runs r WHERE NOT EXISTS (SELECT 1 FROM epochs e WHERE e.run_id = r.id)')).toEqual([]);
        await store.createRun({ id: 'after', task: { id: 'after' } });
      } finally {
        await store.close();
      }
    }, 60_000);
  });
});
