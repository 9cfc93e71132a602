import { loadCsv, looksLikeHeader } from '../../../src/tasks/load-csv.js';
import { loadJson } from '../../../src/tasks/load-json.js';
import { loadIdx, readIdx, readIdxHeader } from '../../../src/tasks/load-idx.js';
import { taskFromArrays, tableFromArrays } from '../../../src/tasks/load-arrays.js';
import { loadTask } from '../../../src/tasks/suite.js';
import { loadTaskFile } from '../../../src/tasks/task-file.js';
import { DEFAULT_NA_VALUES } from '../../../src/tasks/raw-table.js';
import { fixture, row } from './helpers.js';

const nums = (c: { kind: string; values?: Float64Array }) => Array.from(c.values!);

describe('CSV loader', () => {
  it('reads a header, numeric features and a text target (exact values)', async () => {
    const t = await loadCsv(fixture('tiny.csv'), { target: 'species' });
    expect(t.n).toBe(6);
    expect(t.features.map((c) => c.name)).toEqual(['a', 'b']);
    expect(nums(t.features[0] as never)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(nums(t.features[1] as never)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(t.target.kind).toBe('text');
    if (t.target.kind !== 'text') throw new Error();
    expect(t.target.levels).toEqual(['cat', 'dog']);
    expect(Array.from(t.target.codes)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(t.notes.join()).toMatch(/first line read as column names/);
  });

  it('target by index (negative from the end) and by position 0', async () => {
    const last = await loadCsv(fixture('tiny.csv'), { target: -1 });
    expect(last.target.name).toBe('species');
    const first = await loadCsv(fixture('tiny.csv'), { target: 0, categorical: 'onehot' });
    expect(first.target.name).toBe('a');
    expect(first.features.map((c) => c.name)).toEqual(['b', 'species']);
  });

  it('a delimiter option and no header (names x0, x1, …)', async () => {
    const t = await loadCsv(fixture('semicolon.csv'), { delimiter: ';' });
    expect(t.notes.join()).toMatch(/no header line detected/);
    expect(t.features.map((c) => c.name)).toEqual(['x0', 'x1']);
    expect(nums(t.features[1] as never)).toEqual([0.5, 1.5, 2.5, 3.5]);
    expect(nums(t.target as never)).toEqual([0, 1, 0, 1]);
  });

  it('missing cells are NaN; the default NA spellings', async () => {
    const t = await loadCsv(fixture('missing.csv'));
    expect(nums(t.features[0] as never).map((v) => (Number.isNaN(v) ? 'NA' : v))).toEqual([1, 2, 'NA', 4, 5, 6, 7, 8]);
    expect(nums(t.features[1] as never).map((v) => (Number.isNaN(v) ? 'NA' : v))).toEqual(['NA', 4, 6, 8, 10, 12, 14, 16]);
    expect(DEFAULT_NA_VALUES).toContain('?');
  });

  it('header detection', () => {
    const na = new Set(DEFAULT_NA_VALUES);
    expect(looksLikeHeader(['a', 'b', 'y'], ['1', '2', '0'], na)).toBe(true);
    expect(looksLikeHeader(['1', '2', '0'], ['3', '4', '1'], na)).toBe(false);
    expect(looksLikeHeader(['1', 'red', '0'], ['3', 'blue', '1'], na)).toBe(false);
    expect(looksLikeHeader(['color', 'size'], ['red', 'big'], na)).toBe(true);
  });

  it('text columns one-hot encoded when asked (exact encoding)', async () => {
    const task = await loadTaskFileFromCsv('text-column.csv', 'onehot');
    expect(task.featureNames).toEqual(['age', 'color=blue', 'color=green', 'color=red']);
    expect(task.notes.join()).toMatch(/one-hot encoded 1 text column: "color" \(3 levels\)/);
    // Every row: one 1 among the three color columns, age unscaled.
    const all = [...Array.from({ length: task.train.n }, (_, i) => row(task.train.x, 4, i)), ...Array.from({ length: task.validation.n }, (_, i) => row(task.validation.x, 4, i))];
    const byAge = new Map(all.map((r) => [r[0], r.slice(1)]));
    expect(byAge.get(30)).toEqual([0, 0, 1]);
    expect(byAge.get(40)).toEqual([1, 0, 0]);
    expect(byAge.get(60)).toEqual([0, 1, 0]);
  });

  it('reads gzip CSV with skipped lines and a separate target file (diabetes layout)', async () => {
    const t = await loadTask('diabetes');
    expect(t.train.n + t.validation.n).toBe(442);
    expect(t.featureNames).toEqual(['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6']);
  });
});

async function loadTaskFileFromCsv(file: string, categorical: 'onehot') {
  const raw = await loadCsv(fixture(file), { categorical });
  const { prepareTask } = await import('../../../src/tasks/prepare.js');
  return prepareTask(raw, { id: 't', standardize: false, validation: 0.5 });
}

describe('JSON loader', () => {
  it('array of row objects: keys as columns, "label" as the default target, null as missing', async () => {
    const t = await loadJson(fixture('rows.json'));
    expect(t.features.map((c) => c.name)).toEqual(['a', 'b']);
    expect(nums(t.features[0] as never)).toEqual([1, 3, 5, 7]);
    expect(nums(t.features[1] as never).map((v) => (Number.isNaN(v) ? null : v))).toEqual([2, null, 6, 8]);
    expect(t.target.kind === 'text' && t.target.levels).toEqual(['x', 'y']);
  });

  it('{x, y}: table rows and a numeric target', async () => {
    const t = await loadJson(fixture('xy.json'));
    expect(nums(t.features[0] as never)).toEqual([1, 3, 5, 7]);
    expect(nums(t.features[1] as never)).toEqual([2, 4, 6, 8]);
    expect(nums(t.target as never)).toEqual([0.5, 1.5, 2.5, 3.5]);
  });
});

describe('IDX loader', () => {
  it('reads the header (magic, big-endian dims) and only the rows asked for', () => {
    expect(readIdxHeader(fixture('tiny-images-idx3-ubyte'))).toEqual({ type: 'ubyte', dims: [6, 2, 3], headerBytes: 16, elementBytes: 1 });
    const { data } = readIdx(fixture('tiny-images-idx3-ubyte'), { rows: [4, 1] });
    expect(Array.from(data)).toEqual([40, 41, 42, 43, 44, 45, 10, 11, 12, 13, 14, 15]);
  });

  it('big-endian float32 tables', () => {
    const { header, data } = readIdx(fixture('tiny-float-idx2'));
    expect(header.dims).toEqual([3, 2]);
    expect(Array.from(data)).toEqual([0.5, -1.25, 2, 3, 4.5, -6]);
  });

  it('images [n, h, w] become [h, w, 1], scaled to [0, 1] by 255, with a stratified subsample read from disk', async () => {
    const raw = loadIdx(fixture('tiny-images-idx3-ubyte'), { labelsPath: fixture('tiny-labels-idx1-ubyte') });
    expect(raw.images!.shape).toEqual([2, 3, 1]);
    expect(raw.images!.maxValue).toBe(255);
    const t = await loadTaskFile(fixture('task-idx.json'));
    expect(t.inputShape).toEqual([2, 3, 1]);
    expect(t.train.n + t.validation.n).toBe(4);
    // Stratified: both labels keep two rows; every image is image i's pixels (10i + k) / 255 with label i % 2.
    const labels = [...Array.from(t.train.y), ...Array.from(t.validation.y)].sort();
    expect(labels).toEqual([0, 0, 1, 1]);
    const check = (x: Float32Array, y: Int32Array | Float32Array, n: number) => {
      for (let r = 0; r < n; r++) {
        const px = row(x, 6, r).map((v) => Math.round(v * 255));
        const i = (px[0]! / 10);
        expect(px).toEqual([0, 1, 2, 3, 4, 5].map((k) => 10 * i + k));
        expect(y[r]).toBe(i % 2);
      }
    };
    check(t.train.x, t.train.y, t.train.n);
    check(t.validation.x, t.validation.y, t.validation.n);
  });
});

describe('arrays and tensors in code', () => {
  it('nested arrays, exact rows, unscaled', () => {
    const t = taskFromArrays({ id: 'xor', x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 1, 1, 0], validation: 0.5, standardize: false });
    expect(t.ref).toEqual({ id: 'xor', name: 'xor', kind: 'classification', parentDataset: 'xor' });
    expect(t.numClasses).toBe(2);
    for (let i = 0; i < t.train.n; i++) {
      const [a, b] = row(t.train.x, 2, i);
      expect(t.train.y[i]).toBe(a! ^ b!);
    }
  });

  it('a tensor-like x [n, h, w] and a one-hot y', () => {
    const x = { shape: [4, 2, 2], dataSync: () => Float32Array.from({ length: 16 }, (_, k) => k) };
    const y = { shape: [4, 2], dataSync: () => Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1]) };
    const raw = tableFromArrays({ id: 't', x, y });
    expect(raw.images!.shape).toEqual([2, 2, 1]);
    expect(raw.images!.maxValue).toBe(15);
    expect(Array.from((raw.target as { values: Float64Array }).values)).toEqual([0, 1, 0, 1]);
  });

  it('kind inference: few integers → classification, reals → regression; overridable', () => {
    const x = [[1], [2], [3], [4], [5], [6]];
    expect(taskFromArrays({ id: 'a', x, y: [0, 1, 2, 0, 1, 2] }).ref.kind).toBe('classification');
    expect(taskFromArrays({ id: 'b', x, y: [0.5, 1, 2, 0, 1, 2] }).ref.kind).toBe('regression');
    expect(taskFromArrays({ id: 'c', x, y: [0, 1, 2, 0, 1, 2], kind: 'regression' }).ref.kind).toBe('regression');
    const many = Array.from({ length: 30 }, (_, i) => i);
    expect(taskFromArrays({ id: 'd', x: many.map((i) => [i]), y: many }).ref.kind).toBe('regression');
  });
});
