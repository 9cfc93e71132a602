/** lowdb file store specifics (the shared behaviour is in test/conformance/trace-store.test.ts). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbTraceStore } from '../../../plugins/store-lowdb/lowdb-store.js';
import { getStore } from '../../../src/container.js';

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

  it('treats a file holding null or nothing as STORE_CORRUPT, without blaming "something else"', async () => {
    const nul = fresh();
    await writeFile(nul, 'null');
    await expect(getStore(`file:${nul}`)).rejects.toMatchObject({ name: 'EnvironmentError', code: 'STORE_CORRUPT', message: expect.stringContaining(nul) });
    // A store whose file is replaced by `null` later: reads fail instead of serving the old document, writes do not overwrite it.
    const file = fresh();
    const s = await LowdbTraceStore.open({ file });
    await s.createRun({ id: 'a', task: { id: 't' } });
    await writeFile(file, 'null');
    await expect(s.count()).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    await expect(s.createRun({ id: 'b', task: { id: 't' } })).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    expect(await readFile(file, 'utf8')).toBe('null');
    // An empty file (what a power loss without fsync can leave): the message names that cause.
    const empty = fresh();
    await writeFile(empty, '');
    const err = await getStore(`file:${empty}`).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringMatching(/power loss/) });
    expect((err as Error).message).not.toMatch(/never writes a partial file/);
  });

  it("writes through a temp file of its own: another writer's temp file is left alone, none of its own is left behind", async () => {
    const file = fresh();
    const name = file.split('/').pop()!;
    const s = await LowdbTraceStore.open({ file });
    // What lowdb's steno would use for every process: a second writer mid-write in it must not be truncated or renamed away.
    const shared = join(dir, `.${name}.tmp`);
    await writeFile(shared, '{"format": "metatune-tr');
    await s.createRun({ id: 'a', task: { id: 't' } });
    await s.createRun({ id: 'b', task: { id: 't' } });
    expect(await readFile(shared, 'utf8')).toBe('{"format": "metatune-tr');
    expect((await readdir(dir)).filter((f) => f.startsWith(`${name}.`) && f.endsWith('.tmp'))).toEqual([]);
    expect(JSON.parse(await readFile(file, 'utf8')).runs).toHaveLength(2);
  });

  it('removes temp files of dead writers when opened, keeps those of live ones', async () => {
    const file = fresh();
    const name = file.split('/').pop()!;
    const dead = join(dir, `${name}.999999999.0a1b2c.tmp`); // beyond pid_max: no such process
    const live = join(dir, `${name}.${process.pid}.0a1b2d.tmp`);
    await writeFile(dead, '{"half');
    await writeFile(live, '{"half');
    await LowdbTraceStore.open({ file });
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    await rm(live);
  });

  it('a holder blocked past the stale time aborts with STORE_LOCK_LOST instead of overwriting the write of the process that took its lock', async () => {
    const file = fresh();
    const name = file.split('/').pop()!;
    const s = await LowdbTraceStore.open({ file, lockStaleMs: 2000 });
    await s.createRun({ id: 'base', task: { id: 't' } });
    // Make the write big enough to watch it happen (~1.5 MB: several event-loop turns).
    await s.putPolicy('big', { blob: 'x'.repeat(1_500_000) });
    const pending = s.createRun({ id: 'ours', task: { id: 't' } }).then(
      () => undefined,
      (e: Error) => e,
    );
    // Wait until the holder writes its temp file (it has the lock and has read the file) ...
    const isTemp = (f: string) => f !== name && f.startsWith(`${name}.`) ? f.endsWith('.tmp') : f === `.${name}.tmp`;
    while (!readdirSync(dir).some(isTemp)) await new Promise((r) => setImmediate(r));
    // ... then block this process past the stale time (no lock refresh can run), and meanwhile do
    // what another process does: take over the stale lock, write its run, release.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2300);
    rmdirSync(`${file}.lock`);
    mkdirSync(`${file}.lock`);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.runs.push({ ...doc.runs[0], id: 'theirs' });
    writeFileSync(`${file}.other`, JSON.stringify(doc));
    renameSync(`${file}.other`, file);
    rmdirSync(`${file}.lock`);
    const err = await pending;
    expect(err).toMatchObject({ name: 'EnvironmentError', code: 'STORE_LOCK_LOST', message: expect.stringMatching(/Nothing was written/) });
    const after = JSON.parse(readFileSync(file, 'utf8')).runs.map((r: { id: string }) => r.id);
    expect(after).toEqual(['base', 'theirs']);
    expect(readdirSync(dir).filter(isTemp)).toEqual([]);
    // The store goes on: the next write sees the other process's run and keeps it.
    await s.createRun({ id: 'ours', task: { id: 't' } });
    expect((await LowdbTraceStore.open({ file }).then((x) => x.count()))).toBe(3);
  });
});
