/**
 * Honest statuses for truncated input ([5/9]): a log that ends mid-record is stored `incomplete`
 * (the partial record dropped, with a note), never `completed`; importing the grown log later
 * replaces that run (same id) instead of adding a second one. A record missing a required field
 * is rejected with file:line, never defaulted. `import --replace` replaces what a fixed file
 * produced before. Real logs from test/fixtures/logs, cut the way a live writer leaves them.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinImporters, getStore } from '../../../src/container.js';
import { runImport } from '../../../src/traces/import-runner.js';
import type { Importer } from '../../../src/traces/importer.js';
import type { TraceStore } from '../../../src/traces/store.js';
import type { TraceRecord } from '../../../src/traces/trace.js';
import { log } from './helpers.js';

let dir: string;
let importers: Importer[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mt-trunc-'));
  importers = await builtinImporters();
});

async function all(store: TraceStore): Promise<TraceRecord[]> {
  const out: TraceRecord[] = [];
  for await (const r of store.query()) out.push(r);
  return out;
}

/** Byte offsets of the records of a TFRecord file. */
function recordOffsets(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset);
  const out: number[] = [];
  for (let p = 0; p < b.length; p += 16 + v.getUint32(p, true)) out.push(p);
  return out;
}

describe('truncated logs are stored incomplete, and the grown log replaces them', () => {
  for (const url of ['memory:', 'file']) {
    it(`tfevents cut in the middle of a record (${url})`, async () => {
      const store = await getStore(url === 'file' ? `file:${join(dir, 'tfe.json')}` : url);
      const full = new Uint8Array(await readFile(log('tfevents/DCBLSTM_PSP__events.out.tfevents.1652646513.cmle-training-8259342481255416030.411.22049.v2')));
      const offsets = recordOffsets(full);
      const path = join(dir, `run-${url === 'file' ? 'f' : 'm'}`, 'events.out.tfevents.1.host');
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, full.subarray(0, offsets[Math.floor(offsets.length / 2)]! + 7));
      const first = await runImport({ paths: [path], importers, store });
      expect(first).toMatchObject({ imported: 1, rejectedCount: 0 });
      const [cut] = await all(store);
      expect(cut!.status).toBe('incomplete');
      expect(cut!.outcome?.reason).toMatch(/ends inside a record/);
      expect(cut!.provenance?.notes?.join(' ')).toMatch(/ends inside a record at byte \d+.*stored as incomplete/);
      // The writer goes on: the same file, grown to its full length.
      await writeFile(path, full);
      const second = await runImport({ paths: [path], importers, store });
      expect(second).toMatchObject({ imported: 1, replaced: 1, duplicates: 0 });
      const runs = await all(store);
      expect(runs).toHaveLength(1);
      expect(runs[0]!.id).toBe(cut!.id);
      expect(runs[0]!.status).toBe('completed');
      expect(runs[0]!.epochs.length).toBeGreaterThan(cut!.epochs.length);
      // Importing the complete file again is a plain duplicate.
      expect(await runImport({ paths: [path], importers, store })).toMatchObject({ imported: 0, duplicates: 1 });
      await store.close();
    });
  }

  it('Keras CSV cut inside its last cell: the cut row is dropped, not stored with the cut value', async () => {
    const store = await getStore('memory:');
    const text = await readFile(log('keras-csv/capsuleNetworkCIFAR10__log.csv'), 'utf8');
    const rows = text.trimEnd().split('\n');
    const path = join(dir, 'training.csv');
    // Cut inside the last cell of row 10 ("…0.4087" → "…0.40").
    const cutText = `${rows.slice(0, 11).join('\n')}`.slice(0, -2);
    await writeFile(path, cutText);
    const first = await runImport({ paths: [path], importers, store });
    expect(first).toMatchObject({ imported: 1, rejectedCount: 0 });
    const [cut] = await all(store);
    expect(cut!.status).toBe('incomplete');
    expect(cut!.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]); // row 10 (epoch 9) dropped
    expect(cut!.provenance?.notes?.join(' ')).toMatch(/ends inside line 11 .*that row was dropped/);
    await writeFile(path, text);
    expect(await runImport({ paths: [path], importers, store })).toMatchObject({ imported: 1, replaced: 1 });
    const runs = await all(store);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: cut!.id, status: 'completed' });
    expect(runs[0]!.epochs).toHaveLength(rows.length - 1);
    // A file ending with its line break is complete.
    expect(runs[0]!.provenance?.notes ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/ends inside/)]));
  });

  it('JSONL cut inside its last record: that run is stored incomplete (not a rejection), the grown file replaces it', async () => {
    const store = await getStore('memory:');
    // A real Keras log (capsule network, 50 epochs) written as JSONL records of two runs, the way a
    // JSONL logger appends them: run "a" = epochs 0–24, then run "b" = epochs 25–49 renumbered from 0.
    const text = await readFile(log('keras-csv/capsuleNetworkCIFAR10__log.csv'), 'utf8');
    const [head, ...rows] = text.trimEnd().split('\n');
    const names = head!.split(',');
    const records = rows.map((row, r) => {
      const cells = row.split(',');
      const rec: Record<string, unknown> = { run: r < 25 ? 'a' : 'b', epoch: r % 25 };
      names.forEach((n, c) => {
        if (c > 0) rec[n] = Number(cells[c]);
      });
      return JSON.stringify(rec);
    });
    const full = `${records.join('\n')}\n`;
    const path = join(dir, 'cut.jsonl');
    await writeFile(path, full.slice(0, full.length - 20)); // the file ends inside run b's epoch 24
    const first = await runImport({ paths: [path], importers, store });
    expect(first).toMatchObject({ imported: 2, rejectedCount: 0 });
    const [a, b] = await all(store);
    expect(a).toMatchObject({ status: 'completed', provenance: { sourceKey: 'a' } });
    expect(a!.epochs).toHaveLength(25);
    expect(b).toMatchObject({ status: 'incomplete', provenance: { sourceKey: 'b' }, outcome: { reason: expect.stringMatching(/ends inside its last record/) } });
    expect(b!.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 24 }, (_, i) => i)); // epoch 24 dropped
    expect(b!.provenance?.notes?.join(' ')).toMatch(/ends inside line 50 .*dropped.*incomplete/);
    await writeFile(path, full);
    expect(await runImport({ paths: [path], importers, store })).toMatchObject({ imported: 1, replaced: 1, duplicates: 1 });
    const runs = await all(store);
    expect(runs.map((r) => [r.id, r.status, r.epochs.length])).toEqual([[a!.id, 'completed', 25], [b!.id, 'completed', 25]]);
  });

  it('JSONL: a file cut inside the first record of a new run is a TRUNCATED_RECORD rejection, the runs before it are kept', async () => {
    const store = await getStore('memory:');
    const path = join(dir, 'cut-first.jsonl');
    await writeFile(path, '{"run": "a", "epoch": 0, "loss": 0.9}\n{"run": "a", "epoch": 1, "loss": 0.8}\n{"run": "b", "epoch": 0, "lo');
    const summary = await runImport({ paths: [path], importers, store });
    expect(summary).toMatchObject({ imported: 1, rejectedCount: 1 });
    expect(summary.rejected[0]).toMatchObject({ line: 3, code: 'TRUNCATED_RECORD', found: expect.stringMatching(/first record of a run \("b"\)/) });
    expect((await all(store))[0]).toMatchObject({ status: 'completed', provenance: { sourceKey: 'a' } });
  });

  it('MLflow: a point cut before its step is dropped (incomplete); a complete line without a step is rejected with file:line', async () => {
    const src = log('mlflow/diffusers/mlruns');
    const root = join(dir, 'mlruns');
    await cp(src, root, { recursive: true });
    const metric = join(root, '108087542544038754', '888293e0c4a047a4aa99c13869a08738', 'metrics', 'interval_loss');
    const lines = (await readFile(metric, 'utf8')).trimEnd().split('\n');
    // The live writer got as far as "<timestamp> <value>" of the last point.
    await writeFile(metric, `${lines.slice(0, -1).join('\n')}\n${lines[lines.length - 1]!.replace(/ \d+$/, '')}`);
    const store = await getStore('memory:');
    const first = await runImport({ paths: [root], importers, store });
    expect(first.rejectedCount).toBe(0);
    const [cut] = await all(store);
    expect(cut!.status).toBe('incomplete');
    expect(cut!.provenance?.notes?.join(' ')).toMatch(/metrics\/interval_loss ends inside line 12 .*dropped/);
    await writeFile(metric, `${lines.join('\n')}\n`);
    expect(await runImport({ paths: [root], importers, store })).toMatchObject({ imported: 1, replaced: 1 });
    expect((await all(store)).map((r) => [r.id, r.status])).toEqual([[cut!.id, 'completed']]);

    // A terminated line without its step is not a cut: it is a bad record, never read as step 0.
    await writeFile(metric, `${lines.slice(0, 3).join('\n')}\n${lines[3]!.replace(/ \d+$/, '')}\n${lines.slice(4).join('\n')}\n`);
    const bad = await runImport({ paths: [root], importers, store: await getStore('memory:') });
    expect(bad.rejected).toEqual([expect.objectContaining({ file: metric, line: 4, field: 'step', code: 'MISSING_FIELD' })]);
  });

  it('import --replace: re-importing a fixed file replaces the run it produced instead of adding one', async () => {
    const store = await getStore(`file:${join(dir, 'replace.json')}`);
    const path = join(dir, 'fixme.csv');
    await writeFile(path, 'epoch,loss,val_loss\n0,0.9,1.0\n1,oops,0.8\n2,0.5,0.6\n');
    const first = await runImport({ paths: [path], importers, store });
    expect(first).toMatchObject({ imported: 1, rejectedCount: 1 });
    const [partial] = await all(store);
    await writeFile(path, 'epoch,loss,val_loss\n0,0.9,1.0\n1,0.7,0.8\n2,0.5,0.6\n');
    // Without --replace the fixed file is a second run (both kept: they are different logs).
    const plain = await getStore('memory:');
    await runImport({ paths: [path], importers, store: plain });
    const fixed = await runImport({ paths: [path], importers, store, replace: true });
    expect(fixed).toMatchObject({ imported: 1, replaced: 1, rejectedCount: 0 });
    const runs = await all(store);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.id).toBe(partial!.id);
    expect(runs[0]!.epochs.map((e) => e.loss)).toEqual([0.9, 0.7, 0.5]);
    await store.close();
  });

  it('import --replace of a fixed file that holds fewer runs deletes the runs it no longer yields; a file with rejections keeps its old runs', async () => {
    const store = await getStore(`file:${join(dir, 'replace-fewer.json')}`);
    const path = join(dir, 'runs.jsonl');
    const other = join(dir, 'other.jsonl');
    const rec = (run: string, epoch: number, loss: number) => JSON.stringify({ run, epoch, loss });
    // The first log wrongly split one run in three (a logger bug); another file holds run "z".
    await writeFile(path, [rec('a', 0, 0.9), rec('a-retry', 0, 0.8), rec('a-retry2', 0, 0.7)].join('\n') + '\n');
    await writeFile(other, `${rec('z', 0, 0.5)}\n`);
    expect(await runImport({ paths: [path, other], importers, store })).toMatchObject({ imported: 4 });
    const before = await all(store);
    // Fixed: one run with three epochs.
    await writeFile(path, [rec('a', 0, 0.9), rec('a', 1, 0.8), rec('a', 2, 0.7)].join('\n') + '\n');
    const fixed = await runImport({ paths: [path], importers, store, replace: true });
    expect(fixed).toMatchObject({ imported: 1, replaced: 1, removed: 2, rejectedCount: 0 });
    const after = await all(store);
    const bySource = (runs: TraceRecord[]) => [...runs].sort((x, y) => String(x.provenance?.sourceKey).localeCompare(String(y.provenance?.sourceKey)));
    expect(bySource(after).map((r) => [r.provenance?.sourceKey, r.epochs.length])).toEqual([['a', 3], ['z', 1]]);
    expect(bySource(after)[0]!.id).toBe(bySource(before)[0]!.id); // replaced in place
    // A re-import with a rejected line deletes nothing: the bad line might have been a stored run.
    await writeFile(path, [rec('a', 0, 0.9), '{"run": "b", "epoch": "x"}', ''].join('\n'));
    const withBadLine = await runImport({ paths: [path], importers, store, replace: true });
    expect(withBadLine).toMatchObject({ removed: 0, rejectedCount: 1 });
    expect(bySource(await all(store)).map((r) => r.provenance?.sourceKey)).toEqual(['a', 'z']);
    // Without --replace nothing is ever deleted.
    await writeFile(path, `${rec('c', 0, 0.4)}\n`);
    expect(await runImport({ paths: [path], importers, store })).toMatchObject({ imported: 1, removed: 0 });
    expect(await store.count()).toBe(3);
    await store.close();
  });
});
