import { defaultRuntime } from '../../../src/container.js';
import { isStatefulSchedule, type Schedule, type StatefulSchedule } from '../../../src/schedules/schedule.js';
import { substitutePlaceholders } from '../../../src/schedules/placeholders.js';
import { makeOptimizer } from '../../../src/train/optimizers.js';
import { listSuiteTasks } from '../../../src/tasks/suite.js';
import {
  CORPUS_MODELS,
  CORPUS_TASKS,
  DEFAULT_SCHEDULE,
  GENERATOR_VERSION,
  OPTIMIZER_SCALES,
  corpusGrid,
  corpusSchedules,
  formatRate,
} from '../../../src/corpus/grid.js';
import { estimatedCost, parseShard, shardTasks } from '../../../src/corpus/build.js';

describe('the corpus grid', () => {
  const grid = corpusGrid();

  it('has >= 30 schedules per optimizer × >= 4 models × 2 optimizers, ids unique', () => {
    expect(GENERATOR_VERSION).toMatch(/^corpus-grid\/\d+$/);
    expect(corpusSchedules('adam').length).toBeGreaterThanOrEqual(30);
    expect(corpusSchedules('momentum').length).toBeGreaterThanOrEqual(30);
    expect(CORPUS_MODELS.length).toBeGreaterThanOrEqual(4);
    expect(grid).toHaveLength(CORPUS_MODELS.length * 2 * corpusSchedules('adam').length);
    expect(new Set(grid.map((c) => c.id)).size).toBe(grid.length);
    // Every (model, optimizer, schedule) combination is there exactly once.
    for (const model of CORPUS_MODELS) {
      for (const opt of ['adam', 'momentum'] as const) {
        expect(grid.filter((c) => c.model === model && c.optimizer.name === opt)).toHaveLength(corpusSchedules(opt).length);
      }
    }
  });

  it('ids are stable (chunks and learners refer to candidates by id)', () => {
    expect(formatRate(3e-4)).toBe('3e-4');
    expect(formatRate(0.1)).toBe('1e-1');
    expect(grid[0].id).toBe('linear/adam/constant@3e-4');
    expect(grid.map((c) => c.id)).toContain('mlp-dropout/momentum/reduce_on_plateau@1e-1');
    expect(grid.map((c) => c.id)).toContain('mlp-small/adam/warmup_cosine@3e-3');
    expect(corpusSchedules('adam').map((s) => s.id)).toEqual(corpusGrid().filter((c) => c.model === 'linear' && c.optimizer.name === 'adam').map((c) => c.scheduleId));
    // Thirteen schedule shapes, each tried at every rate or a documented subset of them.
    expect(new Set(corpusSchedules('adam').map((s) => s.family)).size).toBe(13);
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
  it('lists suite tasks from all 8 datasets, with variants', () => {
    const suite = new Map(listSuiteTasks().map((t) => [t.id, t]));
    for (const t of CORPUS_TASKS) expect(suite.has(t)).toBe(true);
    const parents = new Set(CORPUS_TASKS.map((t) => suite.get(t)!.parentDataset));
    expect(parents.size).toBe(8);
    expect(new Set(CORPUS_TASKS).size).toBe(CORPUS_TASKS.length);
    for (const p of parents) expect(CORPUS_TASKS.filter((t) => suite.get(t)!.parentDataset === p).length).toBeGreaterThanOrEqual(2);
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
