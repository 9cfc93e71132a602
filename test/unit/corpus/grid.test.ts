import { defaultRuntime } from '../../../src/container.js';
import { isStatefulSchedule, type Schedule, type StatefulSchedule } from '../../../src/schedules/schedule.js';
import { substitutePlaceholders } from '../../../src/schedules/placeholders.js';
import { makeOptimizer } from '../../../src/train/optimizers.js';
import { listSuiteTasks, suiteTaskInfo } from '../../../src/tasks/suite.js';
import {
  CORPUS_MODELS,
  CORPUS_TASKS,
  DEFAULT_SCHEDULE,
  GENERATOR_VERSION,
  OPTIMIZER_SCALES,
  REPLICATE_SEEDS,
  corpusGrid,
  corpusSchedules,
  formatRate,
  replicateTasks,
  seedsOf,
} from '../../../src/corpus/grid.js';
import { estimatedCost, parseShard, shardTasks } from '../../../src/corpus/build.js';

describe('the corpus grid', () => {
  const grid = corpusGrid();

  it('2 models × 2 optimizers × 13 schedules = 52 candidates, every combination once, ids unique', () => {
    expect(GENERATOR_VERSION).toBe('corpus-grid/2');
    expect(CORPUS_MODELS).toEqual(['mlp-dropout', 'mlp-wide']);
    expect(corpusSchedules('adam')).toHaveLength(13);
    expect(corpusSchedules('momentum')).toHaveLength(13);
    expect(grid).toHaveLength(52);
    expect(new Set(grid.map((c) => c.id)).size).toBe(grid.length);
    for (const model of CORPUS_MODELS) {
      for (const opt of ['adam', 'momentum'] as const) {
        expect(grid.filter((c) => c.model === model && c.optimizer.name === opt)).toHaveLength(corpusSchedules(opt).length);
      }
    }
  });

  it('ten rates per optimizer on a 1-2-5 log grid, a decade above corpus-grid/1; constant at every rate, the other families at one', () => {
    expect(OPTIMIZER_SCALES.adam.rates).toEqual([1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 1e-1]);
    expect(OPTIMIZER_SCALES.momentum.rates).toEqual([1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 1e-1, 2e-1, 5e-1, 1]);
    for (const opt of ['adam', 'momentum'] as const) {
      const byFamily = (f: string) => corpusSchedules(opt).filter((s) => s.family === f).map((s) => s.learningRate);
      expect(byFamily('constant')).toEqual(OPTIMIZER_SCALES[opt].rates);
      const r = OPTIMIZER_SCALES[opt].rates;
      expect(byFamily('reduce_on_plateau')).toEqual([r[3]]);
      expect(byFamily('warmup_cosine')).toEqual([r[6]]);
      expect(byFamily('one_cycle')).toEqual([r[9]]);
    }
  });

  it('ids are stable (chunks and learners refer to candidates by id)', () => {
    expect(formatRate(3e-4)).toBe('3e-4');
    expect(formatRate(0.1)).toBe('1e-1');
    expect(formatRate(1)).toBe('1e0');
    expect(grid[0].id).toBe('mlp-dropout/adam/constant@1e-4');
    expect(grid.map((c) => c.id)).toContain('mlp-dropout/momentum/reduce_on_plateau@1e-2');
    expect(grid.map((c) => c.id)).toContain('mlp-wide/adam/warmup_cosine@1e-2');
    expect(grid.map((c) => c.id)).toContain('mlp-wide/momentum/one_cycle@1e0');
    expect(corpusSchedules('adam').map((s) => s.id)).toEqual(corpusGrid().filter((c) => c.model === 'mlp-dropout' && c.optimizer.name === 'adam').map((c) => c.scheduleId));
    expect(new Set(corpusSchedules('adam').map((s) => s.family))).toEqual(new Set(['constant', 'warmup_cosine', 'one_cycle', 'reduce_on_plateau']));
  });

  it('marks one tfjs-default baseline per model × optimizer: adam 1e-3 and momentum 1e-2, constant', () => {
    const defaults = grid.filter((c) => c.isDefault);
    expect(defaults).toHaveLength(CORPUS_MODELS.length * 2);
    expect(DEFAULT_SCHEDULE).toEqual({ adam: 'constant@1e-3', momentum: 'constant@1e-2' });
    for (const d of defaults) {
      expect(d.schedule).toEqual({ family: 'constant', params: { learningRate: d.optimizer.name === 'adam' ? 1e-3 : 1e-2 } });
      expect(d.optimizer.learningRate).toBe(d.optimizer.name === 'adam' ? 1e-3 : 1e-2);
    }
  });

  it.each([
    { label: 'a tiny task (2 steps/epoch, 20 epochs)', stepsPerEpoch: 2, epochs: 20 },
    { label: 'MNIST-sized (75 steps/epoch, 20 epochs)', stepsPerEpoch: 75, epochs: 20 },
  ])('every spec builds through the real registry for $label and never exceeds its peak rate', ({ stepsPerEpoch, epochs }) => {
    const registry = defaultRuntime().schedules;
    const totalSteps = stepsPerEpoch * epochs;
    for (const opt of ['adam', 'momentum'] as const) {
      makeOptimizer({ ...OPTIMIZER_SCALES[opt].config, learningRate: 1e-3 } as never).dispose();
      for (const s of corpusSchedules(opt)) {
        const spec = substitutePlaceholders(s.spec, { totalSteps, stepsPerEpoch });
        expect(JSON.stringify(spec)).not.toContain('$');
        const built = registry.build(spec as never);
        const values: number[] = [];
        if (isStatefulSchedule(built)) {
          const st = built as StatefulSchedule;
          // reduce_on_plateau starts at its rate and only ever lowers it.
          expect(st.requires.monitor).toBe('val_loss');
          values.push(st.value(st.init(), 0));
          expect(values[0]).toBeCloseTo(s.learningRate, 12);
        } else {
          for (let step = 0; step < totalSteps; step++) values.push((built as Schedule)(step));
        }
        // One expect per schedule (not per step): the first bad step is reported with its value.
        const bad = values.findIndex((v) => !Number.isFinite(v) || v < 0 || v > s.learningRate * (1 + 1e-9));
        expect({ id: s.id, step: bad, value: values[bad] }).toEqual({ id: s.id, step: -1, value: undefined });
        // Each schedule reaches its peak (or starts there): the rate levels mean what their ids say.
        expect(Math.max(...values)).toBeGreaterThan(s.learningRate * (s.family.startsWith('one_cycle') || s.family === 'warmup_cosine' || s.family === 'cyclic' ? 0.9 : 0.999));
      }
    }
  });
});

describe('corpus tasks and shards', () => {
  it('60 tasks from all 26 suite datasets; every parent but mnist, digits and lending_club has a variant too', () => {
    const suite = new Map(listSuiteTasks().map((t) => [t.id, t]));
    const info = (t: string) => suiteTaskInfo(t)!;
    for (const t of CORPUS_TASKS) expect(info(t)).toBeDefined();
    expect(CORPUS_TASKS.length).toBe(60);
    expect(new Set(CORPUS_TASKS).size).toBe(CORPUS_TASKS.length);
    const parents = new Set(CORPUS_TASKS.map((t) => info(t).parentDataset));
    expect([...parents].sort()).toEqual(listSuiteTasks({ variants: false }).map((t) => t.id).sort());
    for (const p of parents) expect(CORPUS_TASKS.filter((t) => info(t).parentDataset === p).length).toBeGreaterThanOrEqual(['mnist', 'digits', 'lending_club'].includes(p) ? 1 : 2);
    expect(CORPUS_TASKS.filter((t) => t.includes('~unscaled')).length).toBe(16);
    expect(suite.size).toBeGreaterThan(0);
  });

  it('replicate tasks: 6 drawn with a fixed seed among tasks of <= 500 rows, each trained at seeds 1, 2, 3', () => {
    const rows = (t: string) => suiteTaskInfo(t)!.rows;
    const picked = replicateTasks(CORPUS_TASKS, rows);
    expect(picked).toEqual(['ionosphere', 'ionosphere~half~s1', 'letter~sub25~s1', 'ozone', 'servo', 'vowel~sub50~s1']);
    expect(replicateTasks(CORPUS_TASKS, rows)).toEqual(picked);
    for (const t of picked) expect(rows(t)).toBeLessThanOrEqual(500);
    expect(REPLICATE_SEEDS).toEqual([2, 3]);
    expect(seedsOf('servo', picked)).toEqual([1, 2, 3]);
    expect(seedsOf('iris', picked)).toEqual([1]);
  });

  it('splits tasks into disjoint, deterministic, balanced shards', () => {
    const [a, b] = shardTasks(CORPUS_TASKS, 2);
    expect([...a, ...b].sort()).toEqual([...CORPUS_TASKS].sort());
    expect(a.filter((t) => b.includes(t))).toEqual([]);
    expect(shardTasks(CORPUS_TASKS, 2)).toEqual([a, b]);
    const cost = (ts: string[]) => ts.reduce((s, t) => s + estimatedCost(t), 0);
    expect(Math.abs(cost(a) - cost(b)) / (cost(a) + cost(b))).toBeLessThan(0.05);
    expect(shardTasks(['iris'], 3)).toEqual([['iris'], [], []]);
  });

  it('parses --shard and rejects bad values', () => {
    expect(parseShard('2/3')).toEqual({ index: 1, count: 3 });
    for (const bad of ['0/2', '3/2', '1', 'a/b']) expect(() => parseShard(bad)).toThrow(/--shard must be "i\/n" with 1 <= i <= n/);
  });
});
