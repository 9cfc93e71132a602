import { BOUNDS, candidateOf, configOf, sampleGridPool, samplePool } from '../../../bench/lcbench/space.js';
import { expectedMinOfK } from '../../../src/meta/evaluate.js';
import { averageRanks, quantile, smallestK } from '../../../bench/lcbench/stats.js';

describe('LCBench space', () => {
  it('samples inside config_space.json and rebuilds each configuration from its candidate', () => {
    const pool = samplePool(300, 3);
    for (const c of pool) {
      for (const [k, [lo, hi]] of Object.entries(BOUNDS)) {
        const v = c[k as keyof typeof c];
        expect(v).toBeGreaterThanOrEqual(lo);
        expect(v).toBeLessThanOrEqual(hi);
      }
      expect(configOf(candidateOf(c))).toEqual(c);
    }
    expect(samplePool(5, 3)).toEqual(pool.slice(0, 5));
  });

  it('crosses recipes with a log-spaced rate grid over 1e-4…1e-1', () => {
    const pool = sampleGridPool(2, 4, 1);
    expect(pool.map((c) => c.learningRate)).toEqual([1e-4, 0.001, 0.01, 0.1, 1e-4, 0.001, 0.01, 0.1]);
    expect(new Set(pool.map((c) => candidateOf(c).id)).size).toBe(8);
  });

  it('reads a refined rate from the schedule and clamps it to the space', () => {
    const c = candidateOf(samplePool(1, 5)[0]!);
    const refined = { ...c, schedule: { family: 'cosine_decay', params: { initialLearningRate: 0.5, decaySteps: '$totalSteps' } } };
    expect(configOf(refined).learningRate).toBe(0.1);
    expect(() => configOf({ ...c, model: 'mlp-small' })).toThrow(expect.objectContaining({ code: 'NOT_AN_LCBENCH_CANDIDATE' }));
  });
});

describe('LCBench statistics', () => {
  it('the random-search budget that reaches a target', () => {
    const v = [0.1, 0.2, 0.4, 0.8];
    // Best of 2 of these: (3 × 0.1 + 2 × 0.2 + 0.4) / 6 = 0.183.
    expect(smallestK((k) => expectedMinOfK(v, k), 0.19, 4)).toBe(2);
    expect(smallestK((k) => expectedMinOfK(v, k), 0.05, 4)).toBe(Number.POSITIVE_INFINITY);
  });

  it('average ranks share ties; quantiles interpolate', () => {
    expect(averageRanks([0.3, 0.1, 0.3, 0.5])).toEqual([2.5, 1, 2.5, 4]);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
  });
});
