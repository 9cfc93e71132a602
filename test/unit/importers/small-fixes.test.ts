/** Smaller [5/9] items: MLflow's Python `inf`/`-inf`, a `file:` store URL naming a folder. */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinImporters, getStore } from '../../../src/container.js';
import { runImport } from '../../../src/traces/import-runner.js';
import { headOf, importWith, log } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mt-small-'));
});

describe('smaller fixes', () => {
  it("MLflow metrics written by Python as inf / -inf are read as infinities (the run diverged), like Infinity", async () => {
    const run = join(dir, 'mlruns', '1', 'abc');
    await mkdir(join(run, 'metrics'), { recursive: true });
    await writeFile(join(run, 'meta.yaml'), 'run_id: abc\nexperiment_id: "1"\nstatus: 3\nstart_time: 1000\nend_time: 5000\n');
    await writeFile(join(run, 'metrics', 'loss'), '1000 0.9 0\n2000 0.5 1\n3000 inf 2\n');
    await writeFile(join(run, 'metrics', 'val_loss'), '1000 1.0 0\n2000 -inf 1\n3000 0.7 2\n');
    const store = await getStore('memory:');
    const summary = await runImport({ paths: [join(dir, 'mlruns')], importers: await builtinImporters(), store });
    expect(summary.rejectedCount).toBe(0);
    const [r] = await (async () => {
      const out = [];
      for await (const x of store.query()) out.push(x);
      return out;
    })();
    expect(r!.status).toBe('diverged');
    expect(r!.epochs.map((e) => e.loss)).toEqual([0.9, 0.5, undefined]);
  });

  it('a file: store URL naming a folder is INVALID_STORE_URL with the fix, not STORE_CORRUPT', async () => {
    await mkdir(join(dir, 'somedir'));
    await expect(getStore(`file:${join(dir, 'somedir')}`)).rejects.toMatchObject({ code: 'INVALID_STORE_URL', message: expect.stringMatching(/names a folder.*somedir\/store\.json/) });
  });
});

describe('tfevents: a Lightning `epoch` scalar that is not a finite number', () => {
  it('is skipped with a note instead of rejecting the run', async () => {
    const { buildRun } = await import('../../../plugins/importer-tfevents/run-builder.js');
    const { Series } = await import('../../../plugins/importer-tfevents/scalars.js');
    const epoch = new Series();
    const loss = new Series();
    const steps = [9, 19, 29, 39];
    [0, 0, Infinity, 1].forEach((v, i) => epoch.push(steps[i]!, v, 1000 + i));
    loss.push(19, 0.7, 1001); // once per epoch, at its last step
    loss.push(29, 0.6, 1002); // at the step whose `epoch` point is Infinity: belongs to epoch 0
    loss.push(39, 0.5, 1003);
    const built = buildRun(new Map([['epoch', epoch], ['val_loss', loss]]), new Set());
    // Nothing may land on an epoch "Infinity" (which the store rejects, taking the run with it).
    expect(built.epochs.every((e) => Number.isInteger(e.epoch))).toBe(true);
    expect(built.notes.join(' ')).toMatch(/1 `epoch` point\(s\) were not a finite number >= 0 and were skipped/);
  });
});

describe('file store: reading creates nothing', () => {
  it('a read-only command on a store that does not exist yet leaves no folder behind; the first write creates it', async () => {
    const { existsSync } = await import('node:fs');
    const folder = join(dir, 'never', '.metatune');
    const store = await getStore(`file:${join(folder, 'store.json')}`);
    expect(await store.count()).toBe(0);
    for await (const _ of store.query()) throw new Error('no runs expected');
    expect(existsSync(join(dir, 'never'))).toBe(false);
    await store.createRun({ task: { id: 't' } });
    expect(existsSync(join(folder, 'store.json'))).toBe(true);
    await store.close();
  });
});

describe('keras-csv: a pandas History saved with index=False (no epoch column)', () => {
  // The real EXPERT history (a pandas dump with its index column), re-saved as `to_csv(index=False)` would write it.
  const withIndex = log('keras-history-csv/EXPERT__training_history.csv');
  const withoutIndex = () => join(dir, 'expert-no-index.csv');
  beforeAll(async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(withIndex, 'utf8');
    await writeFile(withoutIndex(), text.split('\n').map((l) => (l === '' ? l : l.slice(l.indexOf(',') + 1))).join('\n'));
  });

  it('is sniffed as keras-csv and imports the same epochs as the indexed file, row order as the epoch', async () => {
    const importers = await builtinImporters();
    const keras = importers.find((i) => i.id === 'keras-csv')!;
    expect(importers.find((i) => i.sniff({ path: withoutIndex(), head: headOf(withoutIndex()) }))?.id).toBe('keras-csv');
    const a = (await importWith(keras, withIndex)).runs[0]!;
    const b = await importWith(keras, withoutIndex());
    expect(b.rejections).toEqual([]);
    expect(b.runs[0]!.epochs).toEqual(a.epochs);
    expect(b.runs[0]!.epochs).toHaveLength(150);
    expect(b.runs[0]!.status).toBe('completed');
    expect(b.runs[0]!.provenance.notes?.join(' ')).toMatch(/index=False \(no epoch column\): row order is the epoch/);
  });

  it('a bad row is rejected with its line and real column count, and does not shift the epochs after it', async () => {
    const file = join(dir, 'history-no-index.csv');
    await writeFile(file, 'loss,accuracy,val_loss,val_accuracy\n0.9,0.5,1.0,0.4\n0.8,0.6\n0.7,0.7,0.8,0.6\n');
    const keras = (await builtinImporters()).find((i) => i.id === 'keras-csv')!;
    const { runs, rejections } = await importWith(keras, file);
    expect(rejections).toEqual([expect.objectContaining({ line: 3, code: 'RAGGED_ROW', expected: '4 cells (4 header columns)', found: '2 cells' })]);
    expect(runs[0]!.epochs.map((e) => [e.epoch, e.loss])).toEqual([[0, 0.9], [2, 0.7]]);
  });

  it('an ordinary data CSV (no `loss` column) is not taken for a training log', async () => {
    const file = join(dir, 'measurements.csv');
    await writeFile(file, 'sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n4.9,3.0,1.4\n');
    const importers = await builtinImporters();
    expect(importers.find((i) => i.sniff({ path: file, head: headOf(file) }))?.id).toBeUndefined();
  });
});
