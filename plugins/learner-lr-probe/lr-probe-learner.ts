/**
 * `lr-probe`: the learning rate is where the per-task signal lives (measured on the corpus:
 * optimizer × rate carries 40 % of the task × candidate interaction, the schedule family 4 %), so
 * this learner keeps the portfolio's first config (model / optimizer / schedule; or, when the grid
 * tried that config at one rate only, the best config that has a rate curve) and sets its peak rate from the task's own cheap signal — the `probe` featurizer's loss-after-a-few-steps curve
 * (fastai's lr_find idea) and the `basic` input-scale statistics — through a ridge regression fitted
 * on the corpus from those features to each task's best log rate.
 *
 * Every parent dataset weighs the same in the regression (its variants share the weight), and the
 * ridge penalty is chosen by leave-one-parent-out cross-validation on the training tasks, scored
 * by the regret the predicted rate would have had — the quantity that matters, not squared error
 * in log-rate. A strong penalty shrinks the prediction to the weighted mean best rate, so with no
 * signal the learner degrades gracefully to a tuned default rate.
 */
import { checkArtifactLearner, newArtifact, examplesWithFeatures, requireTop } from '../../src/meta/artifact.js';
import { configKeyOf, withPeakLearningRate } from '../../src/meta/candidate-identity.js';
import { configGrids, curveBestLogRate, curveRegretAt, taskCurves, type ConfigGrid } from '../../src/meta/config-curves.js';
import { regretTable } from '../../src/meta/examples.js';
import type { Learner } from '../../src/meta/learner.js';
import type { Policy, PolicyArtifact, RankedCandidate } from '../../src/meta/policy.js';
import { greedyPortfolio } from '../../src/meta/portfolio.js';
import { commonFeatureNames, fitStandardizer, standardize, type Standardizer } from '../../src/meta/standardize.js';
import { weightedRidge } from '../../src/core/ridge.js';

export const LR_PROBE_FEATURE_PREFIXES = ['probe.', 'basic.'];
const LAMBDAS = [0.3, 1, 3, 10, 30, 100, 1000];

interface Payload {
  readonly config: ConfigGrid;
  readonly standardizer: Standardizer;
  readonly coef: readonly number[];
  readonly intercept: number;
  readonly lambda: number;
  readonly range: readonly [number, number];
  /** Leave-one-parent-out mean regret of the predicted rate on the training tasks, per lambda. */
  readonly cvRegret: Readonly<Record<string, number>>;
  readonly meanBestLogRate: number;
  readonly portfolio: readonly string[];
}

interface Fitted {
  readonly coef: readonly number[];
  readonly intercept: number;
}

function predict(f: Fitted, z: readonly number[]): number {
  return f.intercept + f.coef.reduce((s, c, j) => s + c * z[j]!, 0);
}

export const lrProbeLearner: Learner = {
  id: 'lr-probe',
  version: 1,
  description: "The portfolio's first config, with its peak learning rate regressed from the task's probe curve and input-scale statistics",
  needsFeatures: true,
  async fit(examples, candidates, options) {
    const train = examplesWithFeatures(examples, options, 'lr-probe');
    const portfolio = greedyPortfolio(train, candidates, 16).map((o) => o.candidateId);
    const table = regretTable(train, candidates);
    const configs = configGrids(table.candidates);
    const curves = taskCurves(table, configs);
    // The config whose rate is learned: the portfolio's first if the grid tried it at several rates;
    // otherwise the config with a rate curve (≥ 3 rates) whose best single rate has the lowest mean
    // regret (a config tried at one rate leaves no rate to learn).
    const meanAtBestRate = (c: number) => {
      let best = Infinity;
      configs[c]!.logRates.forEach((_, k) => {
        const vals = curves.map((t) => t.regrets[c]![k]).filter((v): v is number => v !== null && v !== undefined);
        if (vals.length > 0) best = Math.min(best, vals.reduce((a, b) => a + b, 0) / vals.length);
      });
      return best;
    };
    let cIndex = configs.findIndex((g) => g.key === configKeyOf(portfolio[0]!));
    if (configs[cIndex]!.logRates.length < 3) {
      const withCurves = configs.map((_, c) => c).filter((c) => configs[c]!.logRates.length >= 3);
      if (withCurves.length > 0) cIndex = withCurves.reduce((a, b) => (meanAtBestRate(b) < meanAtBestRate(a) ? b : a));
    }
    const config = configs[cIndex]!;
    const names = commonFeatureNames(table.features, LR_PROBE_FEATURE_PREFIXES);
    const standardizer = fitStandardizer(table.features, names);
    const zs = table.features.map((f) => standardize(standardizer, f).z);
    const ys = curves.map((c) => curveBestLogRate(c, cIndex, config));
    const ok = ys.map((y) => Number.isFinite(y));
    const perParent = new Map<string, number>();
    table.parents.forEach((p, i) => ok[i] && perParent.set(p, (perParent.get(p) ?? 0) + 1));
    const sw = table.parents.map((p, i) => (ok[i] ? 1 / perParent.get(p)! : 0));
    const range: [number, number] = [config.logRates[0]!, config.logRates[config.logRates.length - 1]!];
    const clip = (x: number) => Math.max(range[0], Math.min(range[1], x));
    const idx = ys.map((_, i) => i).filter((i) => ok[i]);
    const fitOn = (rows: number[], lambda: number) => weightedRidge(rows.map((i) => zs[i]!), rows.map((i) => ys[i]!), rows.map((i) => sw[i]!), lambda);
    const parents = [...perParent.keys()];
    const cvRegret: Record<string, number> = {};
    for (const lambda of LAMBDAS) {
      let s = 0;
      let wsum = 0;
      for (const held of parents) {
        const rows = idx.filter((i) => table.parents[i] !== held);
        if (rows.length < 2) continue;
        const f = fitOn(rows, lambda);
        for (const i of idx.filter((j) => table.parents[j] === held)) {
          const r = curveRegretAt(curves[i]!, cIndex, config, clip(predict(f, zs[i]!)));
          if (Number.isFinite(r)) (s += sw[i]! * r), (wsum += sw[i]!);
        }
      }
      cvRegret[String(lambda)] = wsum > 0 ? s / wsum : Number.NaN;
    }
    const lambda = LAMBDAS.reduce((best, l) => (cvRegret[String(l)]! < cvRegret[String(best)]! ? l : best), LAMBDAS[LAMBDAS.length - 1]!);
    const final = fitOn(idx, lambda);
    const wTotal = idx.reduce((s, i) => s + sw[i]!, 0);
    const meanBestLogRate = idx.reduce((s, i) => s + sw[i]! * ys[i]!, 0) / wTotal;
    return newArtifact(lrProbeLearner, {
      examples: train,
      candidates: table.candidates,
      options,
      featurizers: ['basic', 'probe'],
      config: { lambdas: LAMBDAS },
      payload: { config, standardizer, coef: final.coef, intercept: final.intercept, lambda, range, cvRegret, meanBestLogRate, portfolio } satisfies Payload,
    });
  },
  load(artifact: PolicyArtifact): Policy {
    checkArtifactLearner(artifact, lrProbeLearner);
    const p = artifact.payload as Payload;
    const byId = new Map(artifact.candidates.map((c) => [c.id, c]));
    const fitted: Fitted = { coef: p.coef, intercept: p.intercept };
    return {
      artifact,
      suggest(task, options) {
        const top = requireTop(options?.top);
        const { z, missing } = standardize(p.standardizer, task.features);
        const raw = predict(fitted, z);
        const x = Math.max(p.range[0], Math.min(p.range[1], raw));
        const base = byId.get(p.config.candidateIds[0]!)!;
        const onGrid = p.config.logRates.findIndex((r) => Math.abs(r - x) < 1e-9);
        const first = onGrid >= 0 ? byId.get(p.config.candidateIds[onGrid]!)! : withPeakLearningRate(base, 10 ** x);
        const cv = p.cvRegret[String(p.lambda)]!;
        const lr = (v: number) => (10 ** v).toExponential(1);
        const ranked: RankedCandidate[] = [
          {
            candidate: first,
            expectedRegret: cv,
            why: [
              `${p.config.key} (the config whose rate this learner sets) at learning rate ${lr(x)}, regressed from the task's probe curve and input scale (training mean best rate ${lr(p.meanBestLogRate)})`,
              ...(raw !== x ? [`the regression said ${lr(raw)}; clipped to the corpus range ${lr(p.range[0])}–${lr(p.range[1])}`] : []),
              `leave-one-dataset-out regret of this rule on the training tasks: ${cv.toFixed(3)} (ridge λ = ${p.lambda})`,
            ],
          },
        ];
        for (const id of p.portfolio) {
          if (ranked.length >= top) break;
          if (id === first.id) continue;
          ranked.push({ candidate: byId.get(id)!, expectedRegret: Number.NaN, why: [`portfolio entry ${p.portfolio.indexOf(id) + 1}`] });
        }
        return {
          candidate: first,
          ranked: ranked.slice(0, top),
          learner: { id: artifact.learner.id, version: artifact.learner.version },
          why: [
            `learning rate set from the task's own probe (a few steps at a few rates), the rest from the portfolio`,
            ...(missing.length ? [`${missing.length} features missing, imputed with the training mean: ${missing.slice(0, 5).join(', ')}`] : []),
          ],
        };
      },
    };
  },
};
