/**
 * Each learner on the synthetic corpus whose right answer is known (best log10 rate = feature
 * `probe.s`, model `mlp` better than `linear` by 0.3 regret everywhere).
 */
import { bestDefaultLearner } from '../../../plugins/learner-best-default/index.js';
import { knnLearner } from '../../../plugins/learner-knn/index.js';
import { lrProbeLearner } from '../../../plugins/learner-lr-probe/index.js';
import { portfolioLearner } from '../../../plugins/learner-portfolio/index.js';
import { syntheticCandidates, syntheticExamples } from '../../helpers/synthetic-corpus.js';

const examples = syntheticExamples();
const candidates = syntheticCandidates();
const log10 = Math.log10;

test('best-default picks mlp at the rate with the lowest mean regret (the middle of the range, 1e-3 and 3e-3 tie-broken by id)', async () => {
  const d = bestDefaultLearner.load(await bestDefaultLearner.fit(examples, candidates, { seed: 1 })).suggest({ features: {} }, { top: 2 });
  expect(d.candidate.model).toBe('mlp');
  // s spans [-3.5, -1.5]: mean |log lr - s| is smallest for log lr in the middle, -2.5 ± 0.25.
  expect(Math.abs(log10(d.candidate.optimizer.learningRate) + 2.5)).toBeLessThanOrEqual(0.25 + 1e-9);
  // The synthetic regret of mlp at rate r on the task with feature s is |log10 r − s| / 3.
  const ss = [...new Set(examples.map((e) => e.features['probe.s'] as number))];
  const expected = ss.reduce((a, s) => a + Math.abs(log10(d.candidate.optimizer.learningRate) - s) / 3, 0) / ss.length;
  expect(d.ranked[0]!.expectedRegret).toBeCloseTo(expected, 10);
});

test('portfolio: first entry = best-default; second covers the tasks the first does worst on (the other end of the rate range)', async () => {
  const d = portfolioLearner.load(await portfolioLearner.fit(examples, candidates, { seed: 1 })).suggest({ features: {} }, { top: 3 });
  const first = log10(d.ranked[0]!.candidate.optimizer.learningRate);
  const second = log10(d.ranked[1]!.candidate.optimizer.learningRate);
  expect(d.ranked.every((r) => r.candidate.model === 'mlp')).toBe(true);
  expect(Math.abs(second - first)).toBeGreaterThanOrEqual(0.4);
});

test.each([
  ['p0', -3.5],
  ['p3', -2.409],
  ['p5', -1.682],
])('lr-probe recovers the best rate of held-out %s from its probe feature (log10 lr ≈ %f)', async (parent, s) => {
  const policy = lrProbeLearner.load(await lrProbeLearner.fit(examples, candidates, { seed: 1, holdOut: [parent] }));
  const task = examples.find((e) => e.parentDataset === parent)!;
  const d = policy.suggest({ features: task.features }, { top: 1 });
  expect(d.candidate.model).toBe('mlp');
  expect(Math.abs(log10(d.candidate.optimizer.learningRate) - (task.features['probe.s'] as number))).toBeLessThan(0.25);
  expect(Math.abs((task.features['probe.s'] as number) - s)).toBeLessThan(0.05);
});

test('knn: held-out task gets mlp and a rate between grid points near 10^s (median of neighbours)', async () => {
  const policy = knnLearner.load(await knnLearner.fit(examples, candidates, { seed: 1, holdOut: ['p3'], config: { k: 2 } }));
  const task = examples.find((e) => e.parentDataset === 'p3')!;
  const d = policy.suggest({ features: task.features }, { top: 2 });
  expect(d.candidate.model).toBe('mlp');
  expect(Math.abs(log10(d.candidate.optimizer.learningRate) - (task.features['probe.s'] as number))).toBeLessThan(0.45);
  expect(d.why[0]).toMatch(/nearest training tasks \(one per dataset\): p[24]~v\d \(distance/);
});

test('knn: a task far from every training task falls back to the portfolio and says so', async () => {
  const policy = knnLearner.load(await knnLearner.fit(examples, candidates, { seed: 1 }));
  const d = policy.suggest({ features: { 'probe.s': 400, 'basic.rows': 1e9, 'basic.noise': 50 } }, { top: 2 });
  expect(d.outOfDistribution).toMatchObject({ fallback: 'portfolio' });
  expect(d.outOfDistribution!.distance).toBeGreaterThan(d.outOfDistribution!.threshold);
  expect(d.why[0]).toMatch(/far from every training task .* falling back to the portfolio/);
});

test('a missing feature is imputed with the training mean and reported', async () => {
  const policy = lrProbeLearner.load(await lrProbeLearner.fit(examples, candidates, { seed: 1 }));
  const d = policy.suggest({ features: { 'probe.s': -2 } }, { top: 1 });
  expect(d.why.join(' ')).toMatch(/2 features missing, imputed with the training mean: basic\.noise, basic\.rows/);
});

describe('bad input', () => {
  test('a NaN feature is treated as missing (imputed, reported); a feature the policy never saw is ignored', async () => {
    const policy = knnLearner.load(await knnLearner.fit(examples, candidates, { seed: 1, holdOut: ['p3'] }));
    const task = examples.find((e) => e.parentDataset === 'p3')!;
    const plain = policy.suggest({ features: task.features }, { top: 1 });
    const withNew = policy.suggest({ features: { ...task.features, 'newfeaturizer.x': 42 } }, { top: 1 });
    expect(withNew.candidate).toEqual(plain.candidate);
    const withNaN = policy.suggest({ features: { ...task.features, 'basic.noise': Number.NaN } }, { top: 1 });
    expect(withNaN.why.join(' ')).toMatch(/1 of 3 features missing, imputed with the training mean: basic\.noise/);
  });

  test('runs without task features: feature-based learners refuse with NO_TRAINING_EXAMPLES, the task-independent ones train', async () => {
    const bare = examples.map((e) => ({ ...e, features: {} }));
    for (const learner of [knnLearner, lrProbeLearner]) {
      await expect(learner.fit(bare, candidates, { seed: 1 })).rejects.toMatchObject({ code: 'NO_TRAINING_EXAMPLES', message: expect.stringMatching(/got no runs with task features to learn from/) });
    }
    const d = bestDefaultLearner.load(await bestDefaultLearner.fit(bare, candidates, { seed: 1 })).suggest({ features: {} });
    expect(d.candidate.model).toBe('mlp');
  });
});
