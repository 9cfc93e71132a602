/** lowdb file store specifics (the shared behaviour is in test/conformance/trace-store.test.ts). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { appendFile, copyFile, mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbTraceStore } from '../../../plugins/store-lowdb/lowdb-store.js';
import { getStore } from '../../../src/container.js';
import type { TraceStore } from '../../../src/traces/store.js';

let dir: string;
let n = 0;
const fresh = () => join(dir, `s${n++}.json`);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metatune-lowdb-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function runIds(store: TraceStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const r of store.query()) ids.push(r.id);
  return ids;
}

/** Everything a store holds, as plain JSON. */
async function dump(store: TraceStore): Promise<unknown> {
  const runs: unknown[] = [];
  for await (const r of store.query()) runs.push(r);
  const policies: Record<string, unknown> = {};
  for (const name of await store.listPolicies()) policies[name] = await store.getPolicy(name);
  return JSON.parse(JSON.stringify({ runs, policies, stats: { ...(await store.stats()), bytes: undefined } }));
}

const journalLines = (file: string) => readFileSync(`${file}.journal`, 'utf8').split('\n');

describe('lowdb store', () => {
  it('writes a compact JSON snapshot with a format marker and a journal of one line per write, and no file until the first write', async () => {
    const file = fresh();
    const store = await getStore(`file:${file}`);
    expect(existsSync(file)).toBe(false);
    expect(await store.count()).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.journal`)).toBe(false);
    // The first write of a store is a compaction: the snapshot holds it, the journal only its header.
    await store.createRun({ id: 'a', task: { id: 't' } });
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('\n');
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ format: 'metatune-trace-store', version: 2, journal: { generation: 1 }, dedupe: {}, policies: {} });
    expect(doc.runs.map((r: { id: string }) => r.id)).toEqual(['a']);
    expect(await readFile(`${file}.journal`, 'utf8')).toBe('{"format":"metatune-trace-journal","generation":1}\n');
    // Later writes append one line each and leave the snapshot alone.
    await store.createRun({ id: 'b', task: { id: 't' } });
    await store.putPolicy('p', { w: [1, 2] });
    expect(await readFile(file, 'utf8')).toBe(text);
    const lines = (await readFile(`${file}.journal`, 'utf8')).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(JSON.parse(lines[1]!)).toEqual({ ops: [{ op: 'put', run: expect.objectContaining({ id: 'b' }) }] });
    expect(JSON.parse(lines[2]!)).toEqual({ ops: [{ op: 'policy', name: 'p', value: { w: [1, 2] } }] });
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(store.url).toBe(`file:${file}`);
    const stats = await store.stats();
    expect(stats.bytes).toBe(statSync(file).size + statSync(`${file}.journal`).size);
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
    const journalBefore = await readFile(`${file}.journal`, 'utf8');
    const old = new Date(Date.now() - 10_000);
    await utimes(file, old, old);
    await utimes(`${file}.journal`, old, old);
    await s.appendEpochs(id, [{ epoch: 0, loss: 1, metrics: {} }]);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await readFile(`${file}.journal`, 'utf8')).toBe(journalBefore);
    expect(Math.abs(statSync(file).mtimeMs - old.getTime())).toBeLessThan(1000);
    expect(Math.abs(statSync(`${file}.journal`).mtimeMs - old.getTime())).toBeLessThan(1000);
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
    expect(await (await LowdbTraceStore.open({ file })).count()).toBe(2);
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
    // compactMinBytes 0: a write that grows the journal past the snapshot's size compacts, which
    // goes through a temp file: a point at which to watch the holder mid-write.
    const s = await LowdbTraceStore.open({ file, lockStaleMs: 2000, compactMinBytes: 0 });
    await s.createRun({ id: 'base', task: { id: 't' } });
    await s.putPolicy('big', { blob: 'x'.repeat(1_500_000) });
    // ~2 MB: bigger than the snapshot, so this write compacts (several event-loop turns).
    const pending = s.putPolicy('bigger', { blob: 'y'.repeat(2_000_000) }).then(
      () => undefined,
      (e: Error) => e,
    );
    // Wait until the holder writes its temp file (it has the lock and has read the store) ...
    const isTemp = (f: string) => f !== name && f.startsWith(`${name}.`) && f.endsWith('.tmp');
    while (!readdirSync(dir).some(isTemp)) await new Promise((r) => setImmediate(r));
    // ... then block this process past the stale time (no lock refresh can run), and meanwhile do
    // what another process does: take over the stale lock, append its run, release.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2300);
    rmdirSync(`${file}.lock`);
    mkdirSync(`${file}.lock`);
    const theirs = { ...(await s.getRun('base')), id: 'theirs' };
    appendFileSync(`${file}.journal`, `${JSON.stringify({ ops: [{ op: 'put', run: theirs }] })}\n`);
    rmdirSync(`${file}.lock`);
    const err = await pending;
    expect(err).toMatchObject({ name: 'EnvironmentError', code: 'STORE_LOCK_LOST', message: expect.stringMatching(/Nothing was written/) });
    const other = await LowdbTraceStore.open({ file });
    expect(await runIds(other)).toEqual(['base', 'theirs']);
    expect(await other.listPolicies()).toEqual(['big']);
    expect(readdirSync(dir).filter(isTemp)).toEqual([]);
    // The store goes on: the next write sees the other process's run and keeps it.
    await s.createRun({ id: 'ours', task: { id: 't' } });
    expect(await runIds(await LowdbTraceStore.open({ file }))).toEqual(['base', 'theirs', 'ours']);
  });

});

describe('lowdb store: snapshot + journal', () => {
  it('an epoch or batch append journals only the new records (O(epoch) per write, not the whole run again)', async () => {
    const file = fresh();
    const s = await LowdbTraceStore.open({ file });
    await s.createRun({ id: 'long', task: { id: 't' } });
    for (let e = 0; e < 40; e++) {
      await s.appendBatches('long', Array.from({ length: 10 }, (_, b) => ({ step: e * 10 + b, loss: 1 / (e * 10 + b + 1) })));
      await s.appendEpochs('long', [{ epoch: e, loss: 1 / (e + 1), metrics: { acc: e / 40 } }]);
    }
    await s.appendEpochs('long', [{ epoch: 39, loss: 1 / 40, metrics: { acc: 39 / 40 } }]); // identical repeat: no write
    const lines = journalLines(file).slice(1, -1);
    expect(lines).toHaveLength(80); // one line per append that added something (the create went into the first write's snapshot)
    const last = JSON.parse(lines.at(-1)!).ops;
    expect(last).toEqual([{ op: 'append', id: 'long', epochs: [{ epoch: 39, loss: 1 / 40, metrics: { acc: 39 / 40 } }], updatedAt: expect.any(String) }]);
    // Every append line is about the same size: the journal grows linearly with the run.
    const sizes = lines.map((l) => l.length);
    expect(Math.max(...sizes)).toBeLessThan(800);
    // Replayed by a fresh handle and after compaction, it is the run the writer sees.
    const live = await s.getRun('long');
    expect(live.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(live.batches).toHaveLength(400);
    expect(await (await LowdbTraceStore.open({ file })).getRun('long')).toEqual(live);
    await s.compact();
    expect(await (await LowdbTraceStore.open({ file })).getRun('long')).toEqual(live);
    await expect(s.appendEpochs('long', [{ epoch: 3, loss: 9, metrics: {} }])).rejects.toMatchObject({ code: 'EPOCH_CONFLICT' });
  });

  it('ignores a torn last line (a writer killed mid-append); the next writer cuts it off before appending', async () => {
    const file = fresh();
    const s = await LowdbTraceStore.open({ file });
    await s.createRun({ id: 'a', task: { id: 't' } });
    await s.createRun({ id: 'b', task: { id: 't' } });
    // Longer than the line that follows it, so only cutting it off (not overwriting it) leaves a clean journal.
    const torn = JSON.stringify({ ops: [{ op: 'put', run: { ...(await s.getRun('b')), id: 'torn', task: { id: 'x'.repeat(200) } } }] }).slice(0, -5);
    await appendFile(`${file}.journal`, torn);
    const reader = await LowdbTraceStore.open({ file });
    expect(await runIds(reader)).toEqual(['a', 'b']);
    await expect(reader.getRun('torn')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    expect(reader.readStats().fullLoads).toBe(1);
    // The whole line, newline included, minus the newline: still not acknowledged.
    await appendFile(`${file}.journal`, '}]}');
    expect(await runIds(reader)).toEqual(['a', 'b']);
    await s.createRun({ id: 'c', task: { id: 't' } });
    const lines = journalLines(file);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1).map((l) => JSON.parse(l).ops[0].run.id)).toEqual(['b', 'c']);
    expect(await runIds(reader)).toEqual(['a', 'b', 'c']);
    expect(await runIds(await LowdbTraceStore.open({ file }))).toEqual(['a', 'b', 'c']);
  });

  it('ignores a journal of another generation (a crash between the two renames of a compaction) and replaces it on the next write', async () => {
    const file = fresh();
    const s = await LowdbTraceStore.open({ file });
    await s.createRun({ id: 'a', task: { id: 't' } });
    await s.createRun({ id: 'b', task: { id: 't' } });
    // The generation-1 journal, with one more line that must not come back once it is stale.
    await copyFile(`${file}.journal`, `${file}.old`);
    await appendFile(`${file}.old`, `${JSON.stringify({ ops: [{ op: 'put', run: { ...(await s.getRun('b')), id: 'ghost' } }] })}\n`);
    await s.compact();
    expect(JSON.parse(readFileSync(file, 'utf8')).journal).toEqual({ generation: 2 });
    await copyFile(`${file}.old`, `${file}.journal`); // what a crash after the snapshot rename leaves
    const reader = await LowdbTraceStore.open({ file });
    expect(await runIds(reader)).toEqual(['a', 'b']);
    await reader.createRun({ id: 'c', task: { id: 't' } });
    const lines = journalLines(file);
    expect(JSON.parse(lines[0]!)).toEqual({ format: 'metatune-trace-journal', generation: 2 });
    expect(lines).toHaveLength(3);
    expect(await runIds(await LowdbTraceStore.open({ file }))).toEqual(['a', 'b', 'c']);
    expect(await runIds(s)).toEqual(['a', 'b', 'c']);
  });

  it('a snapshot older than its journal (restored from a backup) is read as it is; the next write starts a journal for it', async () => {
    const file = fresh();
    const s = await LowdbTraceStore.open({ file });
    await s.createRun({ id: 'a', task: { id: 't' } });
    await copyFile(file, `${file}.backup`); // generation 1, holds a
    await s.createRun({ id: 'b', task: { id: 't' } });
    await s.compact(); // generation 2 holds a and b
    await s.createRun({ id: 'c', task: { id: 't' } }); // journal generation 2
    await copyFile(`${file}.backup`, file);
    const reader = await LowdbTraceStore.open({ file });
    expect(await runIds(reader)).toEqual(['a']);
    await reader.createRun({ id: 'd', task: { id: 't' } });
    expect(JSON.parse(journalLines(file)[0]!)).toEqual({ format: 'metatune-trace-journal', generation: 1 });
    expect(await runIds(await LowdbTraceStore.open({ file }))).toEqual(['a', 'd']);
    expect(await runIds(s)).toEqual(['a', 'd']);
    // A compaction takes a generation above both the snapshot's and the journal's on disk, so the
    // journal it replaces can never continue the new snapshot.
    await reader.compact();
    expect(JSON.parse(readFileSync(file, 'utf8')).journal.generation).toBe(2);
    expect(await runIds(await LowdbTraceStore.open({ file }))).toEqual(['a', 'd']);
  });

  it('compaction keeps the content deep-equal (every kind of write, replayed vs. run live vs. the memory store)', async () => {
    const file = fresh();
    const s = await LowdbTraceStore.open({ file, compactMinBytes: 0 });
    const memory = await getStore('memory:');
    const writes = async (st: TraceStore) => {
      const r = await st.createRun({ id: 'live', task: { id: 't1' }, optimizer: { className: 'Adam' } });
      await st.appendEpochs(r.id, [{ epoch: 0, loss: 1, metrics: { acc: 0.5 } }]);
      await st.appendBatches(r.id, [{ step: 0, loss: 1.2 }]);
      await st.appendEpochs(r.id, [{ epoch: 1, loss: 0.5, metrics: { acc: 0.7 } }]);
      const imported = await st.importRuns(
        Array.from({ length: 20 }, (_, i) => ({ id: `imp-${i}`, task: { id: `t${i % 3}` }, epochs: [{ epoch: 0, loss: i, metrics: {} }], provenance: { importer: 'jsonl', contentHash: `h${i}`, file: 'a.jsonl', sourceKey: `k${i}` } })),
      );
      expect(imported.every((x) => !x.duplicate)).toBe(true);
      // A replacement in place from the same source location, and a duplicate.
      await st.importRuns([{ task: { id: 't0' }, epochs: [{ epoch: 0, loss: 9, metrics: {} }], provenance: { importer: 'jsonl', contentHash: 'h0-new', file: 'a.jsonl', sourceKey: 'k0' } }], { replace: true });
      await st.importRun({ task: { id: 't0' }, provenance: { importer: 'jsonl', contentHash: 'h1', file: 'a.jsonl', sourceKey: 'k1' } });
      await st.finishRun(r.id, 'completed', { epochsRun: 2 });
      await st.putPolicy('p', { w: [1, 2, 3] });
      await st.putPolicy('__proto__', { odd: true });
      await st.putPolicy('p', { w: [4] });
      await st.deleteRuns(['imp-3', 'imp-7']);
      await st.retagRuns(['imp-4'], { parentDataset: 'iris' });
      const restored = { ...(await st.getRun('imp-5')), id: 'restored', provenance: { importer: 'copy', contentHash: 'zz' } };
      await st.restoreRuns([restored]);
    };
    await writes(s);
    await writes(memory);
    const generation = JSON.parse(readFileSync(file, 'utf8')).journal.generation;
    expect(generation).toBeGreaterThan(1); // compactMinBytes 0: it compacted along the way
    const live = await dump(s);
    const replayed = await dump(await LowdbTraceStore.open({ file }));
    await s.compact();
    expect(journalLines(file)).toHaveLength(2); // header only
    const compacted = await dump(await LowdbTraceStore.open({ file }));
    expect(replayed).toEqual(live);
    expect(compacted).toEqual(live);
    // The same content as the memory store after the same writes, timestamps aside.
    const noTimes = (d: unknown) => JSON.parse(JSON.stringify(d, (k, v) => (['createdAt', 'updatedAt', 'finishedAt'].includes(k) ? 'T' : v)));
    expect((live as { runs: unknown[] }).runs).toHaveLength(20);
    expect(noTimes(live)).toEqual(noTimes(await dump(memory)));
  });

  it('reads a version-1 file (one whole document, no journal) and upgrades it on the first write', async () => {
    const file = fresh();
    const s0 = await getStore('memory:');
    await s0.createRun({ id: 'old-1', task: { id: 't' } });
    const old = { ...(await s0.getRun('old-1')) };
    await writeFile(file, JSON.stringify({ format: 'metatune-trace-store', version: 1, runs: [old], dedupe: { '["x","h",null]': 'old-1' }, policies: { p: { v: 1 } } }));
    const s = await LowdbTraceStore.open({ file });
    expect(await runIds(s)).toEqual(['old-1']);
    expect(await s.getPolicy('p')).toEqual({ v: 1 });
    expect(existsSync(`${file}.journal`)).toBe(false); // reading changes nothing
    await s.createRun({ id: 'new-1', task: { id: 't' } });
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc).toMatchObject({ version: 2, journal: { generation: 1 }, dedupe: { '["x","h",null]': 'old-1' }, policies: { p: { v: 1 } } });
    expect(doc.runs.map((r: { id: string }) => r.id)).toEqual(['old-1', 'new-1']);
    expect(journalLines(file)).toEqual(['{"format":"metatune-trace-journal","generation":1}', '']);
    await s.createRun({ id: 'new-2', task: { id: 't' } });
    expect(await runIds(await LowdbTraceStore.open({ file }))).toEqual(['old-1', 'new-1', 'new-2']);
    // An import of the same source is still recognised after the upgrade.
    expect(await s.importRun({ task: { id: 't' }, provenance: { importer: 'x', contentHash: 'h' } })).toEqual({ id: 'old-1', duplicate: true });
  });

  it('another handle reads only the lines appended since it last looked (no full reload)', async () => {
    const file = fresh();
    const writer = await LowdbTraceStore.open({ file });
    await writer.createRun({ id: 'r-0', task: { id: 't' } });
    const reader = await LowdbTraceStore.open({ file });
    expect(await reader.count()).toBe(1);
    const loads = reader.readStats().fullLoads;
    for (let i = 1; i <= 5; i++) {
      await writer.createRun({ id: `r-${i}`, task: { id: 't' } });
      expect(await reader.count()).toBe(i + 1);
    }
    await writer.appendEpochs('r-2', [{ epoch: 0, loss: 1, metrics: {} }]);
    expect((await reader.getRun('r-2')).epochs).toHaveLength(1);
    await writer.deleteRuns(['r-1']);
    expect(await runIds(reader)).toEqual(['r-0', 'r-2', 'r-3', 'r-4', 'r-5']);
    const stats = reader.readStats();
    expect(stats.fullLoads).toBe(loads);
    const appended = statSync(`${file}.journal`).size - '{"format":"metatune-trace-journal","generation":1}\n'.length;
    expect(stats.journalBytesRead).toBe(appended);
    // A compaction by the writer is a new snapshot: the reader reloads once, and agrees.
    await writer.compact();
    expect(await runIds(reader)).toEqual(['r-0', 'r-2', 'r-3', 'r-4', 'r-5']);
    expect(reader.readStats().fullLoads).toBe(loads + 1);
    // The reader's own writes also go through the journal and are seen by the writer.
    await reader.createRun({ id: 'r-6', task: { id: 't' } });
    expect(await writer.count()).toBe(6);
  });

  it('a journal line that is not valid JSON is STORE_CORRUPT naming the journal file and the line', async () => {
    const file = fresh();
    const s = await LowdbTraceStore.open({ file });
    for (const id of ['a', 'b', 'c']) await s.createRun({ id, task: { id: 't' } });
    const lines = journalLines(file);
    lines[2] = '{"ops": [{"op": "put", "run": {"id": "c"'; // line 3, complete (a newline follows)
    await writeFile(`${file}.journal`, lines.join('\n'));
    const err = await LowdbTraceStore.open({ file }).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'EnvironmentError', code: 'STORE_CORRUPT', details: { file: `${file}.journal`, line: 3 } });
    expect((err as Error).message).toMatch(new RegExp(`Line 3 of the store journal ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.journal is not valid JSON`));
    // An open handle fails the same way on its next read, and does not write over the damage.
    await expect(s.count()).rejects.toMatchObject({ code: 'STORE_CORRUPT', details: { line: 3 } });
    await expect(s.createRun({ id: 'd', task: { id: 't' } })).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    // Valid JSON that is not an entry, and a damaged header, are reported too.
    lines[2] = '{"op": "put"}';
    await writeFile(`${file}.journal`, lines.join('\n'));
    await expect(LowdbTraceStore.open({ file })).rejects.toMatchObject({ code: 'STORE_CORRUPT', details: { line: 3 }, message: expect.stringMatching(/not a list of store operations/) });
    lines[0] = '{"format": "something-else", "generation": 1}';
    await writeFile(`${file}.journal`, lines.join('\n'));
    await expect(LowdbTraceStore.open({ file })).rejects.toMatchObject({ code: 'STORE_CORRUPT', details: { line: 1 } });
  });

  it('an empty journal, or one without a complete header line, holds nothing acknowledged: ignored, then replaced', async () => {
    const file = fresh();
    const s = await LowdbTraceStore.open({ file });
    await s.createRun({ id: 'a', task: { id: 't' } });
    await writeFile(`${file}.journal`, '{"format":"metatune-tra');
    const reader = await LowdbTraceStore.open({ file });
    expect(await runIds(reader)).toEqual(['a']);
    await reader.createRun({ id: 'b', task: { id: 't' } });
    expect(JSON.parse(journalLines(file)[0]!)).toEqual({ format: 'metatune-trace-journal', generation: 1 });
    expect(await runIds(await LowdbTraceStore.open({ file }))).toEqual(['a', 'b']);
  });

  it('read-only use of a store whose files exist writes nothing', async () => {
    const file = fresh();
    const s = await LowdbTraceStore.open({ file });
    await s.createRun({ id: 'a', task: { id: 't' } });
    await s.createRun({ id: 'b', task: { id: 't' } });
    await appendFile(`${file}.journal`, '{"ops":[');
    const before = [readFileSync(file, 'utf8'), readFileSync(`${file}.journal`, 'utf8'), readdirSync(dir).sort()];
    const reader = await getStore(`file:${file}`);
    await reader.count();
    await reader.stats();
    await reader.close();
    expect([readFileSync(file, 'utf8'), readFileSync(`${file}.journal`, 'utf8'), readdirSync(dir).sort()]).toEqual(before);
  });
});
