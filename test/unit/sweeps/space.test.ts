import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRuntime } from '../../../src/container.js';
import type { ModelZooEntry } from '../../../src/models/model-zoo.js';
import { substituteLearningRate, substitutePlaceholders } from '../../../src/schedules/placeholders.js';
import { checkSpace, DEFAULT_SPACE, enumerateGrid, loadSpace, sampleTrial, type SearchSpace } from '../../../src/sweeps/space.js';

const runtime = defaultRuntime();
const models = runtime.contributions<ModelZooEntry>('models').map((c) => c.value.id);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'metatune-space-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeSpace(name: string, doc: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('search space files', () => {
  it('loads a valid space', () => {
    const file = writeSpace('ok.json', { models: ['linear'], optimizers: [{ name: 'sgd', learningRate: [0.1, 0.01] }], schedules: [{ family: 'constant', params: { learningRate: '$learningRate' } }], epochs: 3 });
    expect(loadSpace(file, 'ok.json').optimizers[0]).toEqual({ name: 'sgd', learningRate: [0.1, 0.01] });
  });

  it.each([
    [{ models: [], optimizers: [{ name: 'sgd', learningRate: 0.1 }], schedules: [{ family: 'constant' }] }, /bad\.json: \/models: expected an array with at least 1 items/],
    [{ models: ['linear'], optimizers: [{ name: 'adamw', learningRate: 0.1 }], schedules: [{ family: 'constant' }] }, /bad\.json: \/optimizers\/0\/name: expected one of "sgd"/],
    [{ models: ['linear'], optimizers: [{ name: 'sgd', learningRate: { min: 0.1 } }], schedules: [{ family: 'constant' }] }, /bad\.json: \/optimizers\/0\/learningRate/],
    [{ models: ['linear'], optimizers: [{ name: 'sgd', learningRate: 0.1 }], schedules: [{ family: 'constant' }], epochs: 0 }, /bad\.json: \/epochs/],
    [{ models: ['linear'], optimizers: [{ name: 'sgd', learningRate: 0.1 }], schedules: [], extra: 1 }, /bad\.json: \/schedules: expected an array with at least 1 items[\s\S]*bad\.json: \/extra: expected one of the properties/],
  ])('rejects %j naming file and pointer', (doc, message) => {
    const file = writeSpace('bad.json', doc);
    expect(() => loadSpace(file, 'bad.json')).toThrow(expect.objectContaining({ code: 'SCHEMA_VALIDATION_FAILED', message: expect.stringMatching(message) }));
  });

  it('the default space passes the schema and builds every template', () => {
    const file = writeSpace('default.json', DEFAULT_SPACE);
    expect(loadSpace(file)).toEqual(JSON.parse(JSON.stringify(DEFAULT_SPACE)));
    expect(() => checkSpace(DEFAULT_SPACE, { models, schedules: runtime.schedules })).not.toThrow();
    const families = DEFAULT_SPACE.schedules.map((s) => s.family);
    expect(families).toEqual(['constant', 'cosine_decay', 'warmup', 'one_cycle', 'step', 'reduce_on_plateau', 'exponential']);
  });

  it('checkSpace names the pointer of an unknown model, a bad optimizer key, a bad schedule and a reversed range', () => {
    const base: SearchSpace = { models: ['linear'], optimizers: [{ name: 'adam', learningRate: 0.01 }], schedules: [{ family: 'constant', params: { learningRate: 0.1 } }] };
    expect(() => checkSpace({ ...base, models: ['linear', 'resnet'] }, { models, file: 's.json' })).toThrow(/s\.json: \/models\/1: unknown model "resnet"\. Valid choices: .*mlp-small/);
    expect(() => checkSpace({ ...base, optimizers: [{ name: 'adam', learningRate: 0.01, momentum: 0.9 }] }, { models, file: 's.json' })).toThrow(/s\.json: \/optimizers\/0: .*momentum/);
    expect(() => checkSpace({ ...base, schedules: [{ family: 'cosine_decay', params: { initialLearningRate: 0.1 } }] }, { models, schedules: runtime.schedules, file: 's.json' })).toThrow(
      /s\.json: \/schedules\/0: .*decaySteps/,
    );
    expect(() => checkSpace({ ...base, optimizers: [{ name: 'adam', learningRate: { min: 0.1, max: 0.01 } }] }, { models, file: 's.json' })).toThrow(
      /s\.json: \/optimizers\/0\/learningRate: a range needs min <= max/,
    );
    expect(() => checkSpace({ ...base, optimizers: [{ name: 'adam', learningRate: { min: 0, max: 0.01, log: true } }] }, { models, file: 's.json' })).toThrow(/a log range needs min > 0/);
  });
});

describe('grid search', () => {
  const space: SearchSpace = {
    models: ['linear', 'mlp-small'],
    optimizers: [{ name: 'sgd', learningRate: [0.1, 0.01] }, { name: 'adam', learningRate: 0.001 }],
    schedules: [{ family: 'step', params: { initialLearningRate: '$learningRate', stepSize: [10, 20], gamma: [0.5, 0.1] } }, { family: 'constant', params: { learningRate: '$learningRate' } }],
    epochs: [5, 10],
  };

  it('enumerates the product: models outermost, last leaf fastest', () => {
    const grid = enumerateGrid(space);
    // 2 models × (2 sgd + 1 adam) × (4 step + 1 constant) × 2 epochs × 1 batch size
    expect(grid).toHaveLength(2 * 3 * 5 * 2);
    const key = (p: (typeof grid)[number]) => `${p.model}|${p.optimizer.name}:${p.optimizer.learningRate}|${JSON.stringify(p.schedule)}|${p.epochs}|${p.batchSize}`;
    expect(grid.slice(0, 5).map(key)).toEqual([
      'linear|sgd:0.1|{"family":"step","params":{"initialLearningRate":"$learningRate","stepSize":10,"gamma":0.5}}|5|32',
      'linear|sgd:0.1|{"family":"step","params":{"initialLearningRate":"$learningRate","stepSize":10,"gamma":0.5}}|10|32',
      'linear|sgd:0.1|{"family":"step","params":{"initialLearningRate":"$learningRate","stepSize":10,"gamma":0.1}}|5|32',
      'linear|sgd:0.1|{"family":"step","params":{"initialLearningRate":"$learningRate","stepSize":10,"gamma":0.1}}|10|32',
      'linear|sgd:0.1|{"family":"step","params":{"initialLearningRate":"$learningRate","stepSize":20,"gamma":0.5}}|5|32',
    ]);
    expect(key(grid[10])).toBe('linear|sgd:0.01|{"family":"step","params":{"initialLearningRate":"$learningRate","stepSize":10,"gamma":0.5}}|5|32');
    expect(key(grid[29])).toBe('linear|adam:0.001|{"family":"constant","params":{"learningRate":"$learningRate"}}|10|32');
    expect(grid[30].model).toBe('mlp-small');
    expect(new Set(grid.map(key)).size).toBe(60);
  });

  it('rejects a range, naming its pointer', () => {
    expect(() => enumerateGrid(DEFAULT_SPACE, 'space.json')).toThrow(
      expect.objectContaining({ code: 'GRID_NEEDS_LISTS', message: expect.stringMatching(/^space\.json: \/optimizers\/0\/learningRate: grid search needs a list of values here, found a float range/) }),
    );
    expect(() => enumerateGrid({ ...space, batchSize: { int: [16, 64] } })).toThrow(/\/batchSize: grid search needs a list .* an integer range/);
  });

  it('keeps {"literal": [...]} arrays whole', () => {
    const grid = enumerateGrid({ ...space, optimizers: [{ name: 'sgd', learningRate: 0.1 }], schedules: [{ family: 'piecewise_constant', params: { boundaries: { literal: [10, 20] }, values: { literal: [0.1, 0.01, 0.001] } } }], epochs: 5, models: ['linear'] });
    expect(grid).toEqual([{ model: 'linear', optimizer: { name: 'sgd', learningRate: 0.1 }, schedule: { family: 'piecewise_constant', params: { boundaries: [10, 20], values: [0.1, 0.01, 0.001] } }, epochs: 5, batchSize: 32 }]);
  });
});

describe('random search', () => {
  it('is deterministic per (seed, index) and independent of other trials', () => {
    expect(sampleTrial(DEFAULT_SPACE, 7, 3)).toEqual(sampleTrial(DEFAULT_SPACE, 7, 3));
    expect(sampleTrial(DEFAULT_SPACE, 7, 3)).not.toEqual(sampleTrial(DEFAULT_SPACE, 8, 3));
    expect(sampleTrial(DEFAULT_SPACE, 7, 3)).not.toEqual(sampleTrial(DEFAULT_SPACE, 7, 4));
  });

  it('draws within each distribution, log-uniform rates spread over the decades', () => {
    const space: SearchSpace = {
      models: ['linear', 'mlp-small', 'mlp-wide'],
      optimizers: [{ name: 'adam', learningRate: { min: 1e-4, max: 1e-1, log: true }, beta1: { min: 0.8, max: 0.99 } }],
      schedules: [{ family: 'step', params: { initialLearningRate: '$learningRate', stepSize: { int: [2, 4] }, gamma: [0.1, 0.5] } }],
      batchSize: [16, 32],
    };
    const n = 600;
    const trials = Array.from({ length: n }, (_, i) => sampleTrial(space, 1, i));
    const lrs = trials.map((t) => t.optimizer.learningRate);
    expect(Math.min(...lrs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...lrs)).toBeLessThanOrEqual(1e-1);
    // log-uniform over 3 decades: about a third in each
    for (const [lo, hi] of [[1e-4, 1e-3], [1e-3, 1e-2], [1e-2, 1e-1]]) {
      const share = lrs.filter((x) => x >= lo && x < hi).length / n;
      expect(share).toBeGreaterThan(0.25);
      expect(share).toBeLessThan(0.42);
    }
    const beta1 = trials.map((t) => t.optimizer.beta1 as number);
    expect(Math.min(...beta1)).toBeGreaterThanOrEqual(0.8);
    expect(Math.max(...beta1)).toBeLessThanOrEqual(0.99);
    const steps = new Set(trials.map((t) => (t.schedule as { params: { stepSize: number } }).params.stepSize));
    expect([...steps].sort()).toEqual([2, 3, 4]);
    expect(new Set(trials.map((t) => t.model)).size).toBe(3);
    expect(new Set(trials.map((t) => t.batchSize))).toEqual(new Set([16, 32]));
    expect(trials.every((t) => t.epochs === 20)).toBe(true);
  });
});

describe('$learningRate placeholder', () => {
  it('ties the schedule to the optimizer rate before run-length placeholders', () => {
    const template = { family: 'one_cycle', params: { maxLearningRate: '10*$learningRate', totalSteps: '$totalSteps', x: '$learningRate', label: 'cos' } };
    const tied = substituteLearningRate(template, 0.003);
    expect(tied.params.maxLearningRate).toBeCloseTo(0.03, 12);
    expect(tied.params.x).toBe(0.003);
    expect(substitutePlaceholders(tied, { totalSteps: 80, stepsPerEpoch: 8 }).params).toEqual({ maxLearningRate: tied.params.maxLearningRate, totalSteps: 80, x: 0.003, label: 'cos' });
    expect(() => substitutePlaceholders(substituteLearningRate({ a: '$learningRate/2' }, 0.1), { totalSteps: 1, stepsPerEpoch: 1 })).toThrow(/\/a: "\$learningRate\/2" is not a placeholder/);
  });
});
