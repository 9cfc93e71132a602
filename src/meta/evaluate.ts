/**
 * Leave-one-dataset-out evaluation: every learner side by side with `best-default`, random search
 * and tfjs defaults, in one run, on the same folds.
 *
 * For each parent dataset P: every learner is fitted on the examples of all other parents (the
 * harness filters P out *and* passes it as `holdOut`), then asked for its top picks on each task of
 * P, given only that task's features. A pick is scored by its normalised regret on the task
 * (src/meta/regret.ts); a pick between grid rates (kNN's median, lr-probe's regression) is scored by
 * linear interpolation in log-rate between the two grid rates around it (src/meta/lr-curve.ts),
 * which never flatters a rate between points of a curve that is convex near its minimum.
 *
 * Aggregates are means over held-out tasks; the 90 % confidence interval of a learner's difference
 * to `best-default` is a paired bootstrap over parent datasets (whole datasets resampled, since the
 * variants of one dataset are not independent).
 */
import type { Candidate } from './candidate.js';
import { configKeyOf, peakLearningRate } from './candidate-identity.js';
import { regretTable, withoutHeldOut, type RegretTable } from './examples.js';
import type { Learner, TrainingExample } from './learner.js';
import { groupByConfig, scoreCandidate } from './lr-curve.js';
import { seededRandom } from '../tasks/random.js';
import { simulateBudget } from '../fit/budget.js';

export const TOP_KS = [1, 3, 5, 8] as const;
export const RANDOM_KS = [1, 2, 4, 8, 16, 32, 64] as const;

export interface EvaluateOptions {
  readonly learners: readonly Learner[];
  readonly examples: readonly TrainingExample[];
  readonly candidates: readonly Candidate[];
  readonly seed?: number;
  /** Bootstrap resamples. Defaults to 5000. */
  readonly bootstrap?: number;
  /** `--budget B` values to simulate (successive halving over each learner's ranked list). Defaults to none. */
  readonly budgets?: readonly number[];
  /** Epochs of a full run (the corpus' budget). Defaults to the longest recorded curve. */
  readonly epochs?: number;
  readonly log?: (line: string) => void;
}

export interface TaskResult {
  readonly taskId: string;
  readonly parent: string;
  /** Regret of the top pick. */
  readonly regret: number;
  /** Lowest regret among the top k picks, for k in TOP_KS. */
  readonly topK: Readonly<Record<number, number>>;
  readonly pick: string;
  /** Regret of tfjs defaults (Adam 1e-3 constant) on the pick's model. */
  readonly defaultsRegret: number;
  /** Epochs the pick took to reach tfjs defaults' final validation loss (undefined: never). */
  readonly epochsToTarget?: number;
  /** Epochs tfjs defaults took to reach their own final validation loss. */
  readonly defaultsEpochs?: number;
  /** Regret after successive halving at each simulated budget. */
  readonly budget?: Readonly<Record<number, number>>;
  readonly outOfDistribution?: boolean;
}

export interface LearnerSummary {
  readonly learner: string;
  readonly tasks: number;
  readonly mean: number;
  readonly median: number;
  /** Mean over tasks where at least 5 % of the candidates train (regret < 0.9). */
  readonly meanTrainable: number;
  readonly topK: Readonly<Record<number, number>>;
  /** Mean regret minus best-default's, and its 90 % paired bootstrap interval over datasets. */
  readonly diffToBestDefault?: { readonly mean: number; readonly lo: number; readonly hi: number };
  /** Smallest random-search k whose expected min regret ≤ this mean (Infinity: more than 64). */
  readonly randomSearchEquivalent: number;
  /** Share of held-out datasets whose mean regret beats tfjs defaults on the same model (ties count half). */
  readonly winRateVsDefaults: number;
  /** Geometric-mean speedup in epochs to reach tfjs defaults' final validation loss (unreached: censored at 2× the run). */
  readonly timeToTargetSpeedup: number;
  readonly reachedTarget: number;
  readonly budget?: Readonly<Record<number, number>>;
  readonly perDataset: Readonly<Record<string, number>>;
}

export interface Evaluation {
  readonly learners: readonly string[];
  readonly parents: readonly string[];
  readonly tasks: readonly string[];
  readonly results: Readonly<Record<string, readonly TaskResult[]>>;
  readonly summaries: readonly LearnerSummary[];
  /** Expected min regret of k uniformly random candidates (mean over tasks), k in RANDOM_KS and 1…64. */
  readonly randomSearch: Readonly<Record<number, number>>;
  /** Mean regret of tfjs defaults (Adam 1e-3 constant) per model. */
  readonly defaults: Readonly<Record<string, number>>;
  readonly trainable: readonly string[];
  readonly epochs: number;
  readonly seed: number;
}

/** Expected minimum of k draws without replacement from `values` (exact, via order statistics). */
export function expectedMinOfK(values: readonly number[], k: number): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return Number.NaN;
  if (k >= n) return v[0]!;
  // P(min is the i-th smallest) = C(n-1-i, k-1) / C(n, k), computed as a running ratio.
  let p = k / n; // i = 0
  let e = 0;
  for (let i = 0; i <= n - k; i++) {
    e += p * v[i]!;
    // p_{i+1} / p_i = (n-1-i-(k-1)) / (n-1-i)
    p *= (n - i - k) / (n - 1 - i);
  }
  return e;
}

/** The tfjs-defaults candidate (Adam, constant 1e-3) of a model, if the grid has it. */
export function defaultsCandidate(candidates: readonly Candidate[], model: string): Candidate | undefined {
  return candidates.find((c) => c.model === model && c.optimizer.name === 'adam' && configKeyOf(c.id) === `${model}/adam/constant` && Math.abs(peakLearningRate(c) - 1e-3) < 1e-12);
}

function mean(xs: readonly number[]): number {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : Number.NaN;
}

function median(xs: readonly number[]): number {
  const f = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (f.length === 0) return Number.NaN;
  const m = Math.floor(f.length / 2);
  return f.length % 2 ? f[m]! : (f[m - 1]! + f[m]!) / 2;
}

/** Paired bootstrap over groups: 90 % percentile interval of the task-weighted mean difference. */
export function pairedBootstrap(diffs: readonly { group: string; diff: number }[], resamples: number, seed: number): { mean: number; lo: number; hi: number } {
  const groups = new Map<string, { sum: number; n: number }>();
  for (const d of diffs) {
    if (!Number.isFinite(d.diff)) continue;
    const g = groups.get(d.group) ?? { sum: 0, n: 0 };
    g.sum += d.diff;
    g.n += 1;
    groups.set(d.group, g);
  }
  const list = [...groups.values()];
  const total = list.reduce((s, g) => s + g.sum, 0) / Math.max(1, list.reduce((s, g) => s + g.n, 0));
  if (list.length === 0) return { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  const rand = seededRandom(seed);
  const stats: number[] = [];
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    let n = 0;
    for (let i = 0; i < list.length; i++) {
      const g = list[Math.floor(rand() * list.length)]!;
      s += g.sum;
      n += g.n;
    }
    stats.push(s / n);
  }
  stats.sort((a, b) => a - b);
  return { mean: total, lo: stats[Math.floor(0.05 * resamples)]!, hi: stats[Math.min(resamples - 1, Math.floor(0.95 * resamples))]! };
}

function firstEpochAtOrBelow(curve: readonly number[] | undefined, target: number): number | undefined {
  if (!curve) return undefined;
  for (let i = 0; i < curve.length; i++) if (Number.isFinite(curve[i]!) && curve[i]! <= target) return i + 1;
  return undefined;
}

/** The grid candidate of the same config whose rate is nearest (for curves of off-grid picks). */
function nearestGridCandidate(table: RegretTable, candidate: Candidate): number {
  const exact = table.candidates.findIndex((c) => c.id === candidate.id);
  if (exact >= 0) return exact;
  const key = configKeyOf(candidate.id);
  const x = Math.log10(peakLearningRate(candidate));
  let best = -1;
  let bestD = Infinity;
  table.candidates.forEach((c, i) => {
    if (configKeyOf(c.id) !== key) return;
    const d = Math.abs(Math.log10(peakLearningRate(c)) - x);
    if (d < bestD) (best = i), (bestD = d);
  });
  return best;
}

export async function evaluateLeaveOneDatasetOut(options: EvaluateOptions): Promise<Evaluation> {
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => undefined);
  const table = regretTable(options.examples, options.candidates);
  const groups = groupByConfig(table.candidates);
  const parents = [...new Set(table.parents)].sort();
  const epochs = options.epochs ?? Math.max(...options.examples.map((e) => e.outcome.curve?.length ?? 0));
  const trainable = table.tasks.filter((_, t) => {
    const row = table.regret[t]!;
    const ok = [...row].filter((r) => Number.isFinite(r) && r < 0.9).length;
    return ok >= 0.05 * row.length;
  });
  const trainableSet = new Set(trainable);
  const results: Record<string, TaskResult[]> = Object.fromEntries(options.learners.map((l) => [l.id, []]));
  const maxTop = Math.max(...TOP_KS, 32);
  for (const parent of parents) {
    const train = withoutHeldOut(options.examples, [parent]);
    const heldTasks = table.tasks.map((id, t) => ({ id, t })).filter((x) => table.parents[x.t] === parent);
    for (const learner of options.learners) {
      const started = Date.now();
      const policy = learner.load(await learner.fit(train, options.candidates, { seed, holdOut: [parent] }));
      for (const { id, t } of heldTasks) {
        const row = table.regret[t]!;
        const decision = policy.suggest({ id, kind: table.kinds[t], features: table.features[t]! }, { top: maxTop });
        const scores = decision.ranked.map((r) => scoreCandidate(table, row, r.candidate, groups));
        const topK: Record<number, number> = {};
        for (const k of TOP_KS) topK[k] = Math.min(...scores.slice(0, k).filter(Number.isFinite));
        const pick = decision.candidate;
        const def = defaultsCandidate(table.candidates, pick.model);
        const defIndex = def ? table.candidates.indexOf(def) : -1;
        const defaultsRegret = defIndex >= 0 ? row[defIndex]! : Number.NaN;
        const defCurve = defIndex >= 0 ? table.cell[t]![defIndex]?.outcome : undefined;
        const target = defCurve && !defCurve.diverged ? defCurve.finalValLoss : undefined;
        const pickIndex = nearestGridCandidate(table, pick);
        const pickCurve = pickIndex >= 0 ? table.cell[t]![pickIndex]?.outcome.curve : undefined;
        let budget: Record<number, number> | undefined;
        if (options.budgets?.length) {
          budget = {};
          const snapped = decision.ranked.map((r) => table.candidates[nearestGridCandidate(table, r.candidate)]?.id).filter((x): x is string => !!x);
          const ranked = [...new Set(snapped)];
          const curves = new Map<string, readonly number[]>();
          for (const cid of ranked) {
            const ci = table.candidates.findIndex((c) => c.id === cid);
            const curve = table.cell[t]![ci]?.outcome.curve;
            if (curve) curves.set(cid, curve);
          }
          for (const b of options.budgets) {
            const sim = simulateBudget(ranked, curves, b, epochs);
            budget[b] = row[table.candidates.findIndex((c) => c.id === sim.chosen)]!;
          }
        }
        results[learner.id]!.push({
          taskId: id,
          parent,
          regret: scores[0]!,
          topK,
          pick: pick.id,
          defaultsRegret,
          epochsToTarget: target !== undefined ? firstEpochAtOrBelow(pickCurve, target) : undefined,
          defaultsEpochs: target !== undefined ? firstEpochAtOrBelow(defCurve?.curve, target) : undefined,
          ...(budget ? { budget } : {}),
          ...(decision.outOfDistribution ? { outOfDistribution: true } : {}),
        });
      }
      log(`fold ${parent}: ${learner.id} fitted and scored in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  // Random search: expected min regret of k random candidates, averaged over tasks.
  const randomSearch: Record<number, number> = {};
  for (let k = 1; k <= 64; k++) randomSearch[k] = mean(table.regret.map((row) => expectedMinOfK([...row], k)));
  const defaults: Record<string, number> = {};
  for (const model of [...new Set(table.candidates.map((c) => c.model))]) {
    const d = defaultsCandidate(table.candidates, model);
    if (d) defaults[model] = mean(table.regret.map((row) => row[table.candidates.indexOf(d)]!));
  }
  const bd = results['best-default'];
  const bdByTask = new Map(bd?.map((r) => [r.taskId, r.regret]) ?? []);
  const summaries = options.learners.map((l): LearnerSummary => {
    const rs = results[l.id]!;
    const perDataset: Record<string, number> = {};
    for (const p of parents) perDataset[p] = mean(rs.filter((r) => r.parent === p).map((r) => r.regret));
    let wins = 0;
    for (const p of parents) {
      const mine = perDataset[p]!;
      const theirs = mean(rs.filter((r) => r.parent === p).map((r) => r.defaultsRegret));
      if (mine < theirs - 1e-12) wins += 1;
      else if (Math.abs(mine - theirs) <= 1e-12) wins += 0.5;
    }
    const speedups = rs
      .filter((r) => r.defaultsEpochs !== undefined)
      .map((r) => Math.log(r.defaultsEpochs! / (r.epochsToTarget ?? 2 * epochs)));
    const m = mean(rs.map((r) => r.regret));
    let rse = Infinity;
    for (let k = 1; k <= 64; k++) if (randomSearch[k]! <= m) {
      rse = k;
      break;
    }
    const topK: Record<number, number> = {};
    for (const k of TOP_KS) topK[k] = mean(rs.map((r) => r.topK[k]!));
    let budget: Record<number, number> | undefined;
    if (options.budgets?.length) {
      budget = {};
      for (const b of options.budgets) budget[b] = mean(rs.map((r) => r.budget?.[b] ?? Number.NaN));
    }
    return {
      learner: l.id,
      tasks: rs.length,
      mean: m,
      median: median(rs.map((r) => r.regret)),
      meanTrainable: mean(rs.filter((r) => trainableSet.has(r.taskId)).map((r) => r.regret)),
      topK,
      ...(bd && l.id !== 'best-default'
        ? { diffToBestDefault: pairedBootstrap(rs.map((r) => ({ group: r.parent, diff: r.regret - bdByTask.get(r.taskId)! })), options.bootstrap ?? 5000, seed) }
        : {}),
      randomSearchEquivalent: rse,
      winRateVsDefaults: parents.length ? wins / parents.length : Number.NaN,
      timeToTargetSpeedup: speedups.length ? Math.exp(mean(speedups)) : Number.NaN,
      reachedTarget: rs.filter((r) => r.defaultsEpochs !== undefined && r.epochsToTarget !== undefined).length,
      ...(budget ? { budget } : {}),
      perDataset,
    };
  });
  return { learners: options.learners.map((l) => l.id), parents, tasks: table.tasks, results, summaries, randomSearch, defaults, trainable, epochs, seed };
}
