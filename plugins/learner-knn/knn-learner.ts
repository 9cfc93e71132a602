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
  configGrids, curveBestLogRate, taskCurves, weightedMedian, type ConfigGrid, type TaskCurves,
} from '../../src/meta/config-curves.js';
import { interpolateCurve } from '../../src/meta/lr-curve.js';
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

/**
 * What `suggest` needs, computed once when the policy is loaded: a call then measures distances and
 * interpolates precomputed curves, and allocates little (the p99 of a lookup is its GC pauses).
 * Per training task and config: the finite points of its regret-vs-log-rate curve and its best log
 * rate, neither of which depends on the task being asked about.
 */
interface KnnIndex {
  readonly p: Payload;
  readonly byId: ReadonlyMap<string, Candidate>;
  /** curves[t][c]: finite (log rate, regret) points of task t, config c. */
  readonly curves: ReadonlyArray<ReadonlyArray<{ readonly xs: Float64Array; readonly ys: Float64Array }>>;
  /** best[t][c]: best log rate of config c on task t (NaN when the task lacks the config). */
  readonly best: readonly Float64Array[];
  readonly learner: { readonly id: string; readonly version: number };
}

function buildIndex(artifact: PolicyArtifact): KnnIndex {
  const p = artifact.payload as Payload;
  const curves = p.tasks.map((t) =>
    p.configs.map((config, c) => {
      const xs: number[] = [];
      const ys: number[] = [];
      t.regrets[c]!.forEach((y, k) => {
        if (y !== null && Number.isFinite(y)) {
          xs.push(config.logRates[k]!);
          ys.push(y);
        }
      });
      return { xs: Float64Array.from(xs), ys: Float64Array.from(ys) };
    }),
  );
  const best = p.tasks.map((t) => Float64Array.from(p.configs, (config, c) => curveBestLogRate(t, c, config)));
  return { p, byId: new Map(artifact.candidates.map((c) => [c.id, c])), curves, best, learner: { id: artifact.learner.id, version: artifact.learner.version } };
}

export function knnSuggest(artifact: PolicyArtifact, task: TaskDescription, top: number): Decision {
  return suggestWithIndex(buildIndex(artifact), task, top, false);
}

function suggestWithIndex(index: KnnIndex, task: TaskDescription, top: number, forceNeighbours: boolean): Decision {
  const { p, byId, learner } = index;
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
  if (!forceNeighbours && !(dMin <= p.threshold)) {
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
  const rates = new Array<number>(neighbours.length);
  const regrets = new Array<number>(neighbours.length);
  const options = p.configs.map((config, c) => {
    for (let i = 0; i < neighbours.length; i++) rates[i] = index.best[neighbours[i]!.t]![c]!;
    const x = weightedMedian(rates, w);
    let sw = 0;
    let sum = 0;
    for (let i = 0; i < neighbours.length; i++) {
      const curve = index.curves[neighbours[i]!.t]![c]!;
      const r = (regrets[i] = interpolateCurve(curve.xs, curve.ys, x));
      if (!Number.isFinite(r)) continue;
      sw += w[i]!;
      sum += w[i]! * r;
    }
    const mean = sw > 0 ? sum / sw : Number.NaN;
    let ss = 0;
    for (let i = 0; i < neighbours.length; i++) if (Number.isFinite(regrets[i]!)) ss += w[i]! * (regrets[i]! - mean) ** 2;
    const sd = sw > 0 ? Math.sqrt(ss / sw) : Number.NaN;
    return { c, config, x, mean, sd, coverage: sw / wSum };
  });
  const ranked = options
    .filter((o) => Number.isFinite(o.x) && Number.isFinite(o.mean) && o.coverage >= 0.5)
    .sort((a, b) => a.mean - b.mean || a.config.key.localeCompare(b.config.key))
    .slice(0, top)
    .map((o): RankedCandidate => {
      const base: Candidate = byId.get(o.config.candidateIds[0]!)!;
      const onGrid = o.config.logRates.findIndex((r) => Math.abs(r - o.x) < 1e-9);
      const candidate = onGrid >= 0 ? byId.get(o.config.candidateIds[onGrid]!)! : withPeakLearningRate(base, 10 ** o.x);
      const neighbourRates = neighbours.map((n) => index.best[n.t]![o.c]!);
      return {
        candidate,
        expectedRegret: o.mean,
        uncertainty: o.sd,
        why: [
          `${o.config.key}: neighbours' weighted mean regret ${o.mean.toFixed(3)} (sd ${o.sd.toFixed(3)}) at learning rate ${formatRate(o.x)}`,
          `learning rate = weighted median of the neighbours' best rates for this config: ${neighbourRates.map((r, i) => `${p.tasks[neighbours[i]!.t]!.id} ${Number.isFinite(r) ? formatRate(r) : '—'}`).join(', ')}`,
        ],
      };
    });
  if (ranked.length === 0 && !forceNeighbours) return suggestWithIndex(index, task, top, true);
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
    const index = buildIndex(artifact);
    return { artifact, suggest: (task, options) => suggestWithIndex(index, task, requireTop(options?.top), false) } satisfies Policy;
  },
};
