/**
 * The per-task view feature-based learners store in their artifacts: for each training task, its
 * standardised features and, per candidate config, the regret at each grid rate. Small (tasks ×
 * candidates numbers) and enough to score any rate of any config on any training task.
 */
import type { Candidate } from './candidate.js';
import type { RegretTable } from './examples.js';
import { bestLogRate, groupByConfig, regretAtRate, type ConfigRates } from './lr-curve.js';

export interface ConfigGrid {
  readonly key: string;
  /** Grid candidate ids of the config, by increasing rate. */
  readonly candidateIds: readonly string[];
  readonly logRates: readonly number[];
}

export interface TaskCurves {
  readonly id: string;
  readonly parent: string;
  /** regrets[config][rate index] (NaN stored as null in JSON). */
  readonly regrets: ReadonlyArray<ReadonlyArray<number | null>>;
}

export function configGrids(candidates: readonly Candidate[]): ConfigGrid[] {
  return [...groupByConfig(candidates).values()]
    .map((g: ConfigRates) => ({ key: g.config, candidateIds: g.indices.map((i) => candidates[i]!.id), logRates: g.logRates }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

export function taskCurves(table: RegretTable, configs: readonly ConfigGrid[]): TaskCurves[] {
  const index = new Map(table.candidates.map((c, i) => [c.id, i]));
  return table.tasks.map((id, t) => ({
    id,
    parent: table.parents[t]!,
    regrets: configs.map((g) =>
      g.candidateIds.map((cid) => {
        const v = table.regret[t]![index.get(cid)!]!;
        return Number.isFinite(v) ? v : null;
      }),
    ),
  }));
}

function asRow(values: ReadonlyArray<number | null>): { row: Float64Array; group: ConfigRates } {
  const row = Float64Array.from(values, (v) => (v === null ? Number.NaN : v));
  return { row, group: { config: '', indices: values.map((_, i) => i), logRates: [] } };
}

/** Regret of config `c` at log10 rate `x` on a stored task (NaN when the task lacks the config). */
export function curveRegretAt(curves: TaskCurves, c: number, config: ConfigGrid, x: number): number {
  const { row, group } = asRow(curves.regrets[c]!);
  return regretAtRate(row, { ...group, logRates: config.logRates }, x);
}

/** Best log10 rate of config `c` on a stored task (parabola-refined grid argmin). */
export function curveBestLogRate(curves: TaskCurves, c: number, config: ConfigGrid): number {
  const { row, group } = asRow(curves.regrets[c]!);
  return bestLogRate(row, { ...group, logRates: config.logRates });
}

/** Lowest regret of config `c` over its rates on a stored task. */
export function curveMinRegret(curves: TaskCurves, c: number): number {
  const vals = curves.regrets[c]!.filter((v): v is number => v !== null);
  return vals.length ? Math.min(...vals) : Number.NaN;
}

/** Weighted median (weights > 0) of finite values; NaN when none. */
export function weightedMedian(values: readonly number[], weights: readonly number[]): number {
  const pairs = values.map((v, i) => ({ v, w: weights[i]! })).filter((p) => Number.isFinite(p.v) && p.w > 0).sort((a, b) => a.v - b.v);
  const total = pairs.reduce((s, p) => s + p.w, 0);
  if (pairs.length === 0) return Number.NaN;
  let acc = 0;
  for (let i = 0; i < pairs.length; i++) {
    acc += pairs[i]!.w;
    // Exactly half: the midpoint of the two middle values, as an unweighted median does.
    if (Math.abs(acc - total / 2) < 1e-12 && i + 1 < pairs.length) return (pairs[i]!.v + pairs[i + 1]!.v) / 2;
    if (acc > total / 2) return pairs[i]!.v;
  }
  return pairs[pairs.length - 1]!.v;
}
