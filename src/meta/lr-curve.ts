/**
 * Regret as a function of the peak learning rate within one candidate config
 * (`model/optimizer/schedule`): the per-task curves the learning-rate learners learn from, and
 * the scoring of a rate between grid points.
 */
import type { Candidate } from './candidate.js';
import { configKeyOf, peakLearningRate } from './candidate-identity.js';
import type { RegretTable } from './examples.js';

export interface ConfigRates {
  readonly config: string;
  /** Candidate indices in the table, sorted by increasing rate. */
  readonly indices: readonly number[];
  readonly logRates: readonly number[];
}

/** Candidates of a table grouped by config, each group sorted by rate. */
export function groupByConfig(candidates: readonly Candidate[]): Map<string, ConfigRates> {
  const groups = new Map<string, Array<{ i: number; lr: number }>>();
  candidates.forEach((c, i) => {
    const key = configKeyOf(c.id);
    const list = groups.get(key) ?? [];
    list.push({ i, lr: Math.log10(peakLearningRate(c)) });
    groups.set(key, list);
  });
  const out = new Map<string, ConfigRates>();
  for (const [config, list] of groups) {
    list.sort((a, b) => a.lr - b.lr);
    out.set(config, { config, indices: list.map((x) => x.i), logRates: list.map((x) => x.lr) });
  }
  return out;
}

/**
 * Regret at log10 rate `x` on task row `row`, linearly interpolated between the bracketing grid
 * rates of the config (the edge value outside the grid). NaN when the task has no run of the config.
 * Linear interpolation of a curve that is convex near its minimum over-states the regret between
 * points, so an off-grid rate is never scored better than it likely is.
 */
export function regretAtRate(row: Float64Array, group: ConfigRates, x: number): number {
  const pts = group.indices.map((ci, k) => ({ x: group.logRates[k]!, y: row[ci]! })).filter((p) => Number.isFinite(p.y));
  return interpolateCurve(Float64Array.from(pts, (p) => p.x), Float64Array.from(pts, (p) => p.y), x);
}

/**
 * `regretAtRate` on a curve already reduced to its finite points (`xs` increasing): linear between
 * the bracketing points, the edge value outside, NaN when empty. Allocates nothing, so a learner
 * can precompute the points once and score many rates per call (knn's `suggest`).
 */
export function interpolateCurve(xs: Float64Array, ys: Float64Array, x: number): number {
  const n = xs.length;
  if (n === 0) return Number.NaN;
  if (x <= xs[0]!) return ys[0]!;
  if (x >= xs[n - 1]!) return ys[n - 1]!;
  for (let k = 1; k < n; k++) {
    if (x <= xs[k]!) return ys[k - 1]! + ((ys[k]! - ys[k - 1]!) * (x - xs[k - 1]!)) / (xs[k]! - xs[k - 1]!);
  }
  return ys[n - 1]!;
}

/**
 * The best log10 rate of a config on one task: the grid argmin refined by the vertex of a parabola
 * through it and its two neighbours (kept within them), so tasks whose optimum lies between grid
 * points get a target between grid points. NaN when the task has no run of the config.
 */
export function bestLogRate(row: Float64Array, group: ConfigRates): number {
  const pts = group.indices.map((ci, k) => ({ x: group.logRates[k]!, y: row[ci]! })).filter((p) => Number.isFinite(p.y));
  if (pts.length === 0) return Number.NaN;
  let k = 0;
  for (let j = 1; j < pts.length; j++) if (pts[j]!.y < pts[k]!.y) k = j;
  if (k === 0 || k === pts.length - 1) return pts[k]!.x;
  const [a, b, c] = [pts[k - 1]!, pts[k]!, pts[k + 1]!];
  const denom = (a.x - b.x) * (a.x - c.x) * (b.x - c.x);
  const A = (c.x * (b.y - a.y) + b.x * (a.y - c.y) + a.x * (c.y - b.y)) / denom;
  const B = (c.x * c.x * (a.y - b.y) + b.x * b.x * (c.y - a.y) + a.x * a.x * (b.y - c.y)) / denom;
  if (!(A > 1e-12)) return b.x;
  return Math.max(a.x, Math.min(c.x, -B / (2 * A)));
}

/** Regret of any candidate (grid or off-grid rate) on one task row of the table. */
export function scoreCandidate(table: RegretTable, row: Float64Array, candidate: Candidate, groups: ReadonlyMap<string, ConfigRates>): number {
  const exact = table.candidates.findIndex((c) => c.id === candidate.id);
  if (exact >= 0 && Number.isFinite(row[exact]!)) return row[exact]!;
  const group = groups.get(configKeyOf(candidate.id));
  if (!group) return Number.NaN;
  return regretAtRate(row, group, Math.log10(peakLearningRate(candidate)));
}
