/** lowdb file store specifics (the shared behaviour is in test/conformance/trace-store.test.ts). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbTraceStore } from '../../../plugins/store-lowdb/lowdb-store.js';
import { getStore } from '../../../src/traces/get-store.js';

let dir: string;
let n = 0;
const fresh = () => join(dir, `s${n++}.json`);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metatune-lowdb-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('lowdb store', () => {
  it('writes one compact JSON document with a format marker, and no file until the first write', async () => {
    const file = fresh();
    const store = await getStore(`file:${file}`);
    expect(existsSync(file)).toBe(false);
    expect(await store.count()).toBe(0);
    await store.createRun({ id: 'a', task: { id: 't' } });
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('\n');
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ format: 'metatune-trace-store', version: 1, dedupe: {}, policies: {} });
    expect(doc.runs.map((r: { id: string }) => r.id)).toEqual(['a']);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(store.url).toBe(`file:${file}`);
  });

  it('sees writes made through another handle on the same file (re-reads when the file changed)', async () => {
    const file = fresh();
    const a = await LowdbTraceStore.open({ file });
    const b = await LowdbTraceStore.open({ file });
    await a.createRun({ id: 'from-a', task: { id: 't' } });
    expect((await b.getRun('from-a')).id).toBe('from-a');
    await b.appendEpochs('from-a', [{ epoch: 0, loss: 1, metrics: {} }]);
    await Promise.all([a.createRun({ id: 'x', task: { id: 't' } }), b.createRun({ id: 'y', task: { id: 't' } })]);
    expect((await a.getRun('from-a')).epochs).toHaveLength(1);
    expect(await a.count()).toBe(3);
  });

  it('refuses a file that is not JSON, not a store, or from a newer metatune', async () => {
    const broken = fresh();
    await writeFile(broken, '{"format": "metatune-trace-store", "runs": [');
    await expect(getStore(`file:${broken}`)).rejects.toMatchObject({ name: 'EnvironmentError', code: 'STORE_CORRUPT', message: expect.stringContaining(broken) });
    const other = fresh();
    await writeFile(other, '{"users": []}');
    await expect(getStore(`file:${other}`)).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringMatching(/not a metatune trace store/) });
    const newer = fresh();
    await writeFile(newer, JSON.stringify({ format: 'metatune-trace-store', version: 99, runs: [], dedupe: {}, policies: {} }));
    await expect(getStore(`file:${newer}`)).rejects.toMatchObject({ code: 'STORE_SCHEMA_AHEAD', message: expect.stringMatching(/version 99.*Upgrade metatune/) });
  });

  it('ignores a half-written temp file left by a crashed writer', async () => {
    const file = fresh();
    const s = await LowdbTraceStore.open({ file });
    await s.createRun({ id: 'a', task: { id: 't' } });
    await writeFile(join(dir, `.${file.split('/').pop()}.tmp`), '{"format": "metatune-tr');
    expect((await s.getRun('a')).id).toBe('a');
    await s.createRun({ id: 'b', task: { id: 't' } });
    expect(await (await LowdbTraceStore.open({ file })).count()).toBe(2);
  });

  it('takes over a stale lock left by a dead process', async () => {
    const file = fresh();
    const s = await LowdbTraceStore.open({ file, lockStaleMs: 2000 });
    await mkdir(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, old, old);
    const t0 = Date.now();
    await s.createRun({ id: 'a', task: { id: 't' } });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('waits for a live lock, then fails with STORE_LOCKED naming the lock directory', async () => {
    const file = fresh();
    const s = await LowdbTraceStore.open({ file, lockStaleMs: 60_000, lockTimeoutMs: 300 });
    await mkdir(`${file}.lock`);
    await expect(s.createRun({ task: { id: 't' } })).rejects.toMatchObject({
      name: 'EnvironmentError',
      code: 'STORE_LOCKED',
      message: expect.stringContaining(`remove the directory ${file}.lock`),
    });
    // Reads need no lock.
    expect(await s.count()).toBe(0);
    await rm(`${file}.lock`, { recursive: true });
    await s.createRun({ id: 'ok', task: { id: 't' } });
    expect(await s.count()).toBe(1);
  });

  it('does not rewrite the file when a write changes nothing', async () => {
    const file = fresh();
    const s = await LowdbTraceStore.open({ file });
    const { id } = await s.createRun({ task: { id: 't' } });
    await s.appendEpochs(id, [{ epoch: 0, loss: 1, metrics: {} }]);
    const before = await readFile(file, 'utf8');
    const old = new Date(Date.now() - 10_000);
    await utimes(file, old, old);
    await s.appendEpochs(id, [{ epoch: 0, loss: 1, metrics: {} }]);
    expect(await readFile(file, 'utf8')).toBe(before);
    const { mtimeMs } = await import('node:fs').then((fs) => fs.statSync(file));
    expect(Math.abs(mtimeMs - old.getTime())).toBeLessThan(1000);
  });
});
