import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { listSuiteTasks, loadTask, suiteDir, suiteTaskInfo } from '../../../src/tasks/suite.js';
import { formatTaskId, parseTaskId } from '../../../src/tasks/variants.js';
import { readTaskFile } from '../../../src/tasks/task-file.js';
import { registerTasksCommand } from '../../../src/cli/tasks-command.js';
import type { LoadedTask } from '../../../src/tasks/task.js';
import { allFinite, fixture } from './helpers.js';
import { createCliContext } from '../../../src/cli/context.js';

const cache = new Map<string, Promise<LoadedTask>>();
const load = (id: string) => {
  if (!cache.has(id)) cache.set(id, loadTask(id));
  return cache.get(id)!;
};

describe('the built-in suite', () => {
  it('every task file validates against schemas/task-file.schema.json', () => {
    const files = readdirSync(suiteDir()).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(listSuiteTasks({ variants: false }).map((t) => `${t.id}.json`).sort());
    for (const f of files) expect(readTaskFile(path.join(suiteDir(), f)).id).toBe(f.replace('.json', ''));
  });

  it.each(listSuiteTasks({ variants: false }).map((t) => [t.id, t] as const))('%s loads with the listed shape, classes, no NaN', async (_id, info) => {
    const t = await load(info.id);
    expect(t.ref).toMatchObject({ id: info.id, kind: info.kind, parentDataset: info.id });
    expect(t.train.n + t.validation.n).toBe(info.rows);
    expect(t.validation.n).toBe(Math.round(info.rows * 0.2));
    expect(t.inputShape).toEqual(info.inputShape);
    expect(t.featureNames).toHaveLength(info.features);
    expect(t.train.x).toHaveLength(t.train.n * info.features);
    expect(t.validation.x).toHaveLength(t.validation.n * info.features);
    expect(allFinite(t)).toBe(true);
    if (info.kind === 'classification') {
      expect(t.numClasses).toBe(info.numClasses);
      expect(t.train.y).toBeInstanceOf(Int32Array);
      // Every class appears in train and in validation (stratified split).
      expect(new Set(t.train.y).size).toBe(info.numClasses);
      expect(new Set(t.validation.y).size).toBe(info.numClasses);
    } else {
      expect(t.train.y).toBeInstanceOf(Float32Array);
      expect(t.targetScaling).toBeDefined();
    }
    if (info.inputShape.length === 3) {
      const max = t.train.x.reduce((a, b) => Math.max(a, b), 0);
      expect(max).toBeLessThanOrEqual(1);
      expect(max).toBeGreaterThan(0.9);
    }
  });

  it('mnist: a fixed stratified subsample of 3,750 of the 60,000 training images (3,000 train), fast', async () => {
    const start = Date.now();
    const t = await loadTask('mnist');
    expect(Date.now() - start).toBeLessThan(3000);
    expect(t.train.n).toBe(3000);
    const counts = Array.from({ length: 10 }, (_, c) => [...t.train.y, ...t.validation.y].filter((y) => y === c).length);
    // MNIST's training label counts (5923 zeros … 5949 nines) scaled by 3750/60000, rounded.
    expect(counts).toEqual([370, 421, 372, 383, 365, 339, 370, 392, 366, 372]);
    expect(t.notes.join()).toMatch(/read 3750 of 60000 rows/);
  });

  it('cps_wages_1985: log wage regression with one-hot categorical fields', async () => {
    const t = await load('cps_wages_1985');
    expect(t.featureNames).toEqual([
      'education', 'south', 'gender=female', 'gender=male', 'experience', 'union', 'age',
      'race=hispanic', 'race=other', 'race=white', 'occupation=clerical', 'occupation=management', 'occupation=other',
      'occupation=professional', 'occupation=sales', 'occupation=service', 'sector=construction', 'sector=manufacturing', 'sector=other', 'married',
    ]);
    expect(t.targetScaling!.mean).toBeCloseTo(2.07, 1);
  });
});

describe('variants', () => {
  it('ids round-trip and every listed variant has its parent', () => {
    const all = listSuiteTasks();
    expect(all.length).toBeGreaterThanOrEqual(40);
    expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
    for (const t of all) {
      const { base, variant } = parseTaskId(t.id);
      expect(base).toBe(t.parentDataset);
      expect(formatTaskId(base, variant)).toBe(t.id);
      expect(suiteTaskInfo(t.id)).toEqual(t);
    }
    expect(all.map((t) => t.id)).toEqual(expect.arrayContaining(['wine~sub50~s1', 'iris~noise20~s1', 'diabetes~unscaled', 'boston_housing~half~s1']));
  });

  it.each(listSuiteTasks().filter((t) => t.variant).map((t) => [t.id, t] as const))('%s loads as listed', async (_id, info) => {
    const t = await load(info.id);
    expect(t.ref.id).toBe(info.id);
    expect(t.ref.parentDataset).toBe(info.parentDataset);
    expect(t.train.n + t.validation.n).toBe(info.rows);
    expect(t.inputShape).toEqual(info.inputShape);
    expect(allFinite(t)).toBe(true);
  });

  it('label noise flips exactly round(fraction × train rows) training labels, validation untouched', async () => {
    const base = await load('iris');
    for (const [id, m] of [['iris~noise10~s1', 12], ['iris~noise20~s1', 24]] as const) {
      const noisy = await load(id);
      expect(Array.from(noisy.train.x)).toEqual(Array.from(base.train.x));
      expect(Array.from(noisy.validation.y)).toEqual(Array.from(base.validation.y));
      const differ = Array.from(noisy.train.y).filter((y, i) => y !== base.train.y[i]).length;
      expect(differ).toBe(m);
    }
    const other = await loadTask('iris~noise10~s2');
    expect(Array.from(other.train.y)).not.toEqual(Array.from((await load('iris~noise10~s1')).train.y));
  });

  it('subsample keeps class proportions; unscaled skips standardisation; half keeps a seeded half of the columns', async () => {
    const sub = await load('wine~sub50~s1');
    const base = await load('wine');
    const count = (t: LoadedTask, c: number) => [...t.train.y, ...t.validation.y].filter((y) => y === c).length;
    expect([0, 1, 2].map((c) => count(base, c))).toEqual([59, 71, 48]);
    expect([0, 1, 2].map((c) => count(sub, c))).toEqual([30, 35, 24]);

    const unscaled = await load('diabetes~unscaled');
    expect(unscaled.featureScaling).toBeUndefined();
    const ages = Array.from({ length: unscaled.train.n }, (_, i) => unscaled.train.x[i * 10]!);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(19);
    expect(Math.max(...ages)).toBeLessThanOrEqual(79);

    const half = await load('breast_cancer~half~s1');
    expect(half.featureNames).toHaveLength(15);
    const names = (await load('breast_cancer')).featureNames;
    expect(half.featureNames.every((n) => names.includes(n))).toBe(true);
    expect((await loadTask('breast_cancer~half~s2')).featureNames).not.toEqual(half.featureNames);
  });
});

describe('task files and the tasks command', () => {
  it('a task file: path relative to the file, seed override, variant on top', async () => {
    const t = await loadTask(fixture('task-tiny.json'));
    expect(t.ref).toMatchObject({ id: 'tiny', name: 'Tiny', kind: 'classification', parentDataset: 'tiny' });
    expect(t.classNames).toEqual(['cat', 'dog']);
    expect(t.seed).toBe(3);
    expect((await loadTask(fixture('task-tiny.json'), { seed: 9 })).seed).toBe(9);
    const v = await loadTask(fixture('task-tiny.json'), { variant: { unscaled: true } });
    expect(v.ref).toMatchObject({ id: 'tiny~unscaled', parentDataset: 'tiny' });
    expect(Math.max(...v.train.x)).toBeGreaterThanOrEqual(10);
  });

  function run(args: string[]): Promise<string> {
    let out = '';
    const program = new Command().exitOverride();
    registerTasksCommand(program, createCliContext(program, { stdout: (s) => void (out += s), stderr: () => undefined, cwd: process.cwd() }));
    return program.parseAsync(['node', 'metatune', 'tasks', ...args]).then(() => out);
  }

  it('`tasks list` prints every suite task; `--json` one object per line', async () => {
    const table = await run(['list', '--no-variants']);
    for (const id of ['iris', 'wine', 'breast_cancer', 'digits', 'diabetes', 'mnist', 'boston_housing', 'cps_wages_1985']) expect(table).toContain(id);
    expect(table).toMatch(/26 tasks/);
    const lines = (await run(['list', '--json'])).trim().split('\n').map((l) => JSON.parse(l) as { id: string });
    expect(lines.map((l) => l.id)).toEqual(listSuiteTasks().map((t) => t.id));
  });

  it('`tasks show <id>` loads and describes the task', async () => {
    const out = await run(['show', 'iris~sub50~s1']);
    expect(out).toMatch(/task iris~sub50~s1/);
    expect(out).toMatch(/parent: +iris/);
    expect(out).toMatch(/rows: +60 train \/ 15 validation \(split seed 0\)/);
    const json = JSON.parse(await run(['show', fixture('task-tiny.json'), '--json', '--seed', '2'])) as { id: string; seed: number; train: number };
    expect(json).toMatchObject({ id: 'tiny', seed: 2, train: 3 });
  });
});
