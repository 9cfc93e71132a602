import { allocate, subsampleRows, trainValidationSplit } from '../../../src/tasks/split.js';
import { deriveSeed, seededRandom } from '../../../src/tasks/random.js';
import { taskFromArrays } from '../../../src/tasks/load-arrays.js';
import { loadTask } from '../../../src/tasks/suite.js';
import { fixture, row } from './helpers.js';

describe('allocate (largest remainder)', () => {
  it.each([
    [5, [3, 3, 4], [2, 1, 2]],
    [30, [50, 50, 50], [10, 10, 10]],
    [10, [1, 1, 8], [1, 1, 8]],
    [3, [10, 0, 5], [2, 0, 1]],
  ])('allocate(%p, %p) = %p', (total, sizes, expected) => {
    expect(allocate(total, sizes)).toEqual(expected);
    expect(allocate(total, sizes).reduce((a, b) => a + b, 0)).toBe(total);
  });
});

describe('seeded randomness', () => {
  it('mulberry32 is deterministic and seeds are independent per purpose', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(deriveSeed(1, 'noise')).not.toBe(deriveSeed(1, 'subsample'));
    expect(deriveSeed(1, 'noise')).toBe(deriveSeed(1, 'noise'));
  });
});

describe('train/validation split', () => {
  const labels = Array.from({ length: 150 }, (_, i) => Math.floor(i / 50));

  it('is a deterministic function of the seed, a partition, and differs across seeds', () => {
    const s1 = trainValidationSplit(150, 0.2, 7, labels);
    const s2 = trainValidationSplit(150, 0.2, 7, labels);
    const s3 = trainValidationSplit(150, 0.2, 8, labels);
    expect(s1).toEqual(s2);
    expect(s1.validation).not.toEqual(s3.validation);
    expect([...s1.train, ...s1.validation].sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });

  it('is stratified: each class keeps its share (iris: 10 of 50 per class)', () => {
    const s = trainValidationSplit(150, 0.2, 1, labels);
    expect(s.validation).toHaveLength(30);
    for (const c of [0, 1, 2]) expect(s.validation.filter((i) => labels[i] === c)).toHaveLength(10);
  });

  it('stratified with unequal classes: validation total is exactly round(n × fraction)', () => {
    const y = [...Array(7).fill(0), ...Array(3).fill(1)];
    const s = trainValidationSplit(10, 0.3, 0, y);
    expect(s.validation).toHaveLength(3);
    expect(s.validation.filter((i) => y[i] === 1).length).toBe(1);
    expect(s.train.filter((i) => y[i] === 1).length).toBe(2);
  });

  it('subsamples are stratified, sorted and deterministic', () => {
    const sub = subsampleRows(150, 30, 5, labels);
    expect(sub).toEqual(subsampleRows(150, 30, 5, labels));
    expect(sub).toEqual([...sub].sort((a, b) => a - b));
    for (const c of [0, 1, 2]) expect(sub.filter((i) => labels[i] === c)).toHaveLength(10);
  });

  it('a loaded task: same seed → same rows; another seed → other rows', async () => {
    const a = await loadTask('wine', { seed: 4 });
    const b = await loadTask('wine', { seed: 4 });
    const c = await loadTask('wine', { seed: 5 });
    expect(Array.from(a.train.x)).toEqual(Array.from(b.train.x));
    expect(Array.from(a.validation.y)).toEqual(Array.from(b.validation.y));
    expect(Array.from(a.train.x)).not.toEqual(Array.from(c.train.x));
    expect(a.seed).toBe(4);
  });
});

describe('standardisation', () => {
  // Validation rows (x ≥ 100) would pull a full-data mean far away: the scaler must ignore them.
  const n = 10;
  const x = Array.from({ length: n }, (_, i) => [i, 2 * i + 1]);
  const y = x.map((_, i) => i % 2);

  it('is fitted on training rows only: x_scaled = (x - mean_train) / std_train', () => {
    const raw = taskFromArrays({ id: 's', x, y, validation: 0.3, seed: 2, standardize: false });
    const scaled = taskFromArrays({ id: 's', x, y, validation: 0.3, seed: 2 });
    const d = 2;
    for (let j = 0; j < d; j++) {
      const col = Array.from({ length: raw.train.n }, (_, i) => raw.train.x[i * d + j]!);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
      expect(scaled.featureScaling!.mean[j]).toBeCloseTo(mean, 10);
      expect(scaled.featureScaling!.std[j]).toBeCloseTo(std, 10);
      for (let i = 0; i < raw.validation.n; i++) {
        expect(scaled.validation.x[i * d + j]).toBeCloseTo((raw.validation.x[i * d + j]! - mean) / std, 5);
      }
      const trainScaled = Array.from({ length: scaled.train.n }, (_, i) => scaled.train.x[i * d + j]!);
      expect(trainScaled.reduce((a, b) => a + b, 0) / trainScaled.length).toBeCloseTo(0, 5);
    }
    // The full-data mean of column 0 is 4.5; the training mean differs (3 rows held out).
    expect(scaled.featureScaling!.mean[0]).not.toBeCloseTo(4.5, 3);
  });

  it('missing cells are imputed with the training mean, and a note says how many', async () => {
    const { loadCsv } = await import('../../../src/tasks/load-csv.js');
    const { prepareTask } = await import('../../../src/tasks/prepare.js');
    const t = prepareTask(await loadCsv(fixture('missing.csv')), { id: 'm', standardize: false, validation: 0.3, seed: 1 });
    expect(t.notes).toContain('dropped 1 row whose target "y" was missing.');
    expect(t.notes.join('\n')).toMatch(/imputed 2 missing cells with the training mean \("x1": 1, "x2": 1\)/);
    expect(t.train.n + t.validation.n).toBe(7);
    // Rows are (x1, x2 = 2·x1) except the two imputed cells; the raw file's train rows give the means.
    const rows = [
      ...Array.from({ length: t.train.n }, (_, i) => ({ r: row(t.train.x, 2, i), train: true })),
      ...Array.from({ length: t.validation.n }, (_, i) => ({ r: row(t.validation.x, 2, i), train: false })),
    ];
    const trainRows = rows.filter((r) => r.train).map((r) => r.r);
    const x1Known = trainRows.filter(([a, b]) => b !== 6).map(([a]) => a!);
    const x2Known = trainRows.filter(([a]) => a !== 1).map(([, b]) => b!);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const imputedX1 = rows.find(({ r }) => r[1] === 6)!.r[0]!;
    const imputedX2 = rows.find(({ r }) => r[0] === 1)!.r[1]!;
    expect(imputedX1).toBeCloseTo(mean(x1Known), 5);
    expect(imputedX2).toBeCloseTo(mean(x2Known), 5);
  });

  it('regression targets are standardised with training stats (targetScaling)', async () => {
    const t = await loadTask('boston_housing');
    const y = Array.from(t.train.y);
    expect(y.reduce((a, b) => a + b, 0) / y.length).toBeCloseTo(0, 4);
    expect(t.targetScaling!.mean).toBeGreaterThan(20);
    expect(t.targetScaling!.mean).toBeLessThan(25);
  });
});
