import { expectedMinOfK, pairedBootstrap } from '../../../src/meta/evaluate.js';
import { normalisedRegret, priorLossOf, regretScale, taskRegrets } from '../../../src/meta/regret.js';

describe('normalised regret (one definition for learners, evaluation and report)', () => {
  test.each([
    // scores (final val loss; null = diverged), prior loss, expected regrets
    [[0.1, 0.2, 0.3, null], 1.0, [0, 0.5, 1, 1]],
    // cap = max(prior 0.15, 2 × best 0.2) = 0.2: the 0.3 and 1e22 runs are capped at 0.2 = worst.
    [[0.1, 0.15, 0.3, 1e22], 0.15, [0, 0.5, 1, 1]],
    // cap = prior 1.0 (> 2 × best): an exploding run does not squash the others to ~0.
    [[0.1, 0.55, 1e22], 1.0, [0, 0.5, 1]],
    // nothing completed: everything is 1.
    [[null, null], 1.0, [1, 1]],
    // one completed run: regret 0.
    [[0.4, null], undefined, [0, 1]],
  ] as const)('scores %j with prior %p → %j', (scores, prior, expected) => {
    const regrets = taskRegrets(scores.map((s) => (s === null ? { diverged: true } : { finalValLoss: s, diverged: false })), prior);
    regrets.forEach((r, i) => expect(r).toBeCloseTo(expected[i]!, 12));
  });

  test('the scale: best, cap and worst', () => {
    expect(regretScale([{ finalValLoss: 0.2, diverged: false }, { finalValLoss: 5, diverged: false }], 1.1)).toEqual({ best: 0.2, cap: 1.1, worst: 1.1 });
    expect(normalisedRegret({ finalValLoss: Number.NaN, diverged: false }, { best: 0, cap: 1, worst: 1 })).toBe(1);
  });

  test('prior loss: class-prior cross-entropy in nats from basic.target_entropy (bits); 1 for a standardised regression target', () => {
    expect(priorLossOf('classification', { 'basic.target_entropy': 1 })).toBeCloseTo(Math.LN2, 12);
    expect(priorLossOf('regression', {})).toBe(1);
    expect(priorLossOf(undefined, {})).toBeUndefined();
  });
});

describe('evaluation statistics', () => {
  function bruteForceMin(values: number[], k: number): number {
    // Mean of min over every k-subset.
    let sum = 0;
    let count = 0;
    const n = values.length;
    const rec = (start: number, chosen: number[]) => {
      if (chosen.length === k) {
        sum += Math.min(...chosen.map((i) => values[i]!));
        count++;
        return;
      }
      for (let i = start; i < n; i++) rec(i + 1, [...chosen, i]);
    };
    rec(0, []);
    return sum / count;
  }

  test.each([1, 2, 3, 5, 7, 8])('expected min of %i random candidates equals the mean over all subsets', (k) => {
    const values = [0.9, 0.1, 0.5, 0.3, 1, 0.05, 0.7, 0.2];
    expect(expectedMinOfK(values, k)).toBeCloseTo(bruteForceMin(values, k), 12);
  });

  test('paired bootstrap over groups: a constant difference has a zero-width interval; a mixed one brackets its mean', () => {
    const constant = pairedBootstrap(['a', 'a', 'b', 'c'].map((group) => ({ group, diff: -0.1 })), 2000, 1);
    expect(constant.mean).toBeCloseTo(-0.1, 12);
    expect(constant.lo).toBeCloseTo(-0.1, 12);
    expect(constant.hi).toBeCloseTo(-0.1, 12);
    const mixed = pairedBootstrap([{ group: 'a', diff: -0.3 }, { group: 'b', diff: 0.1 }, { group: 'c', diff: -0.1 }, { group: 'd', diff: 0.05 }], 4000, 1);
    expect(mixed.mean).toBeCloseTo(-0.0625, 12);
    expect(mixed.lo).toBeLessThan(mixed.mean);
    expect(mixed.hi).toBeGreaterThan(mixed.mean);
    expect(mixed.lo).toBeGreaterThanOrEqual(-0.3);
    expect(mixed.hi).toBeLessThanOrEqual(0.1);
  });
});
