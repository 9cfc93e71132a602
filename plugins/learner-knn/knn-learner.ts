/**
 * `knn`: the nearest training tasks in standardised meta-feature space (`basic`, `landmark`,
 * `probe`), one task per parent dataset (variants of one dataset are not independent votes).
 * For every candidate config (model / optimizer / schedule family) the learning rate is the
 * weighted **median** of the neighbours' best log rates for that config — so it can land between
 * grid points — and configs are ranked by the neighbours' weighted mean regret at that rate
 * (the weighted vote). A task farther from every training task than usual falls back to the
 * portfolio and says so.
 */
import { checkArtifactLearner, newArtifact, examplesWithFeatures, requireTop } from '../../src/meta/artifact.js';
import type { Candidate } from '../../src/meta/candidate.js';
import { withPeakLearningRate } from '../../src/meta/candidate-identity.js';
import {
  configGrids, curveBestLogRate, curveRegretAt, taskCurves, weightedMedian, type ConfigGrid, type TaskCurves,
} from '../../src/meta/config-curves.js';
import { regretTable } from '../../src/meta/examples.js';
import type { Learner } from '../../src/meta/learner.js';
import type { Decision, Policy, PolicyArtifact, RankedCandidate, TaskDescription } from '../../src/meta/policy.js';
import {
  commonFeatureNames, distance, fitStandardizer, oodThreshold, standardize, type Standardizer,
} from '../../src/meta/standardize.js';
import { greedyPortfolio } from '../../src/meta/portfolio.js';

interface Payload {
  readonly k: number;
  readonly standardizer: Standardizer;
  readonly threshold: number;
  readonly configs: readonly ConfigGrid[];
  readonly tasks: ReadonlyArray<TaskCurves & { readonly z: readonly number[] }>;
  /** Fallback ranking (portfolio order) for out-of-distribution tasks. */
  readonly fallback: readonly string[];
}

export const KNN_FEATURE_PREFIXES = ['basic.', 'landmark.', 'probe.'];

function formatRate(x: number): string {
  return Number((10 ** x).toPrecision(2)).toExponential(1).replace('e+', 'e');
}

export function knnSuggest(artifact: PolicyArtifact, task: TaskDescription, top: number): Decision {
  const p = artifact.payload as Payload;
  const byId = new Map(artifact.candidates.map((c) => [c.id, c]));
  const learner = { id: artifact.learner.id, version: artifact.learner.version };
  const { z, missing } = standardize(p.standardizer, task.features);
  const why: string[] = [];
  if (missing.length > 0) why.push(`${missing.length} of ${p.standardizer.names.length} features missing, imputed with the training mean: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  // Nearest task of each parent dataset, then the k nearest parents.
  const nearestByParent = new Map<string, { t: number; d: number }>();
  p.tasks.forEach((t, i) => {
    const d = distance(z, t.z);
    const cur = nearestByParent.get(t.parent);
    if (!cur || d < cur.d) nearestByParent.set(t.parent, { t: i, d });
  });
  const neighbours = [...nearestByParent.values()].sort((a, b) => a.d - b.d).slice(0, p.k);
  const dMin = neighbours[0]?.d ?? Infinity;
  if (!(dMin <= p.threshold)) {
    const ranked: RankedCandidate[] = p.fallback.slice(0, top).map((id, i) => ({
      candidate: byId.get(id)!,
      expectedRegret: Number.NaN,
      why: [`portfolio rank ${i + 1} (fallback)`],
    }));
    return {
      candidate: ranked[0]!.candidate,
      ranked,
      learner,
      outOfDistribution: { distance: dMin, threshold: p.threshold, fallback: 'portfolio' },
      why: [`the task is far from every training task (nearest at distance ${dMin.toFixed(2)} > threshold ${p.threshold.toFixed(2)}): falling back to the portfolio`, ...why],
    };
  }
  const w = neighbours.map((n) => 1 / (n.d + 0.1));
  const wSum = w.reduce((a, b) => a + b, 0);
  const options = p.configs.map((config, c) => {
    const rates = neighbours.map((n) => curveBestLogRate(p.tasks[n.t]!, c, config));
    const x = weightedMedian(rates, w);
    const regrets = neighbours.map((n) => curveRegretAt(p.tasks[n.t]!, c, config, x));
    const okW = w.filter((_, i) => Number.isFinite(regrets[i]!));
    const sw = okW.reduce((a, b) => a + b, 0);
    const mean = sw > 0 ? regrets.reduce((s, r, i) => (Number.isFinite(r) ? s + w[i]! * r : s), 0) / sw : Number.NaN;
    const sd = sw > 0 ? Math.sqrt(regrets.reduce((s, r, i) => (Number.isFinite(r) ? s + w[i]! * (r - mean) ** 2 : s), 0) / sw) : Number.NaN;
    return { c, config, x, rates, mean, sd, coverage: sw / wSum };
  });
  const ranked = options
    .filter((o) => Number.isFinite(o.x) && Number.isFinite(o.mean) && o.coverage >= 0.5)
    .sort((a, b) => a.mean - b.mean || a.config.key.localeCompare(b.config.key))
    .slice(0, top)
    .map((o): RankedCandidate => {
      const base: Candidate = byId.get(o.config.candidateIds[0]!)!;
      const onGrid = o.config.logRates.findIndex((r) => Math.abs(r - o.x) < 1e-9);
      const candidate = onGrid >= 0 ? byId.get(o.config.candidateIds[onGrid]!)! : withPeakLearningRate(base, 10 ** o.x);
      return {
        candidate,
        expectedRegret: o.mean,
        uncertainty: o.sd,
        why: [
          `${o.config.key}: neighbours' weighted mean regret ${o.mean.toFixed(3)} (sd ${o.sd.toFixed(3)}) at learning rate ${formatRate(o.x)}`,
          `learning rate = weighted median of the neighbours' best rates for this config: ${o.rates.map((r, i) => `${p.tasks[neighbours[i]!.t]!.id} ${Number.isFinite(r) ? formatRate(r) : '—'}`).join(', ')}`,
        ],
      };
    });
  if (ranked.length === 0) {
    return knnSuggest({ ...artifact, payload: { ...p, threshold: -1 } }, task, top);
  }
  return {
    candidate: ranked[0]!.candidate,
    ranked,
    learner,
    why: [`nearest training tasks (one per dataset): ${neighbours.map((n) => `${p.tasks[n.t]!.id} (distance ${n.d.toFixed(2)})`).join(', ')}`, ...why],
  };
}

export const knnLearner: Learner = {
  id: 'knn',
  version: 1,
  description: 'Nearest training tasks in meta-feature space; per config, the median of the neighbours\' best learning rates',
  needsFeatures: true,
  async fit(examples, candidates, options) {
    const train = examplesWithFeatures(examples, options, 'knn');
    const k = Number(options.config?.k ?? 5);
    const table = regretTable(train, candidates);
    const names = commonFeatureNames(table.features, KNN_FEATURE_PREFIXES);
    const standardizer = fitStandardizer(table.features, names);
    const zs = table.features.map((f) => standardize(standardizer, f).z);
    const configs = configGrids(table.candidates);
    const curves = taskCurves(table, configs);
    return newArtifact(knnLearner, {
      examples: train,
      candidates: table.candidates,
      options,
      featurizers: ['basic', 'landmark', 'probe'],
      config: { k },
      payload: {
        k,
        standardizer,
        threshold: oodThreshold(zs, table.parents),
        configs,
        tasks: curves.map((c, i) => ({ ...c, z: zs[i]! })),
        fallback: greedyPortfolio(train, table.candidates, 16).map((o) => o.candidateId),
      } satisfies Payload,
    });
  },
  load(artifact) {
    checkArtifactLearner(artifact, knnLearner);
    return { artifact, suggest: (task, options) => knnSuggest(artifact, task, requireTop(options?.top)) } satisfies Policy;
  },
};
