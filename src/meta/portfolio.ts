/**
 * The two task-independent rankings: candidates by mean regret (best-default, and the learned
 * default feature-based learners keep as their anchor), and greedy portfolio construction (Metz et al. 2020; auto-sklearn 2.0): each entry is the candidate
 * whose addition lowers the mean min-regret over the training tasks the most. Shared by the
 * `portfolio` learner and by feature-based learners that fall back to it out of distribution.
 */
import type { Candidate } from './candidate.js';
import { finiteMean, finiteStd } from './artifact.js';
import { regretTable } from './examples.js';
import type { TrainingExample } from './learner.js';

export interface PortfolioEntry {
  readonly candidateId: string;
  /** Mean over training tasks of min regret among the entries up to and including this one. */
  readonly minRegretAfter: number;
  /** Its own mean regret over the training tasks. */
  readonly meanRegret: number;
}

/** Default length of the learned list. */
export const PORTFOLIO_SIZE = 16;

export function greedyPortfolio(examples: readonly TrainingExample[], candidates: readonly Candidate[], size: number): PortfolioEntry[] {
  const table = regretTable(examples, candidates);
  const T = table.tasks.length;
  // A missing run counts as the worst (1): a candidate must have been tried to earn its place.
  const r = (t: number, c: number) => (Number.isFinite(table.regret[t]![c]!) ? table.regret[t]![c]! : 1);
  const current = new Float64Array(T).fill(1);
  const order: PortfolioEntry[] = [];
  const chosen = new Set<number>();
  for (let step = 0; step < Math.min(size, table.candidates.length); step++) {
    let best = -1;
    let bestScore = Infinity;
    let bestOwn = Infinity;
    for (let c = 0; c < table.candidates.length; c++) {
      if (chosen.has(c)) continue;
      let s = 0;
      let own = 0;
      for (let t = 0; t < T; t++) (s += Math.min(current[t]!, r(t, c))), (own += r(t, c));
      // Ties (common once the list covers most tasks) go to the better candidate on its own.
      if (s < bestScore - 1e-12 || (Math.abs(s - bestScore) <= 1e-12 && own < bestOwn)) (best = c), (bestScore = s), (bestOwn = own);
    }
    if (best < 0) break;
    chosen.add(best);
    for (let t = 0; t < T; t++) current[t] = Math.min(current[t]!, r(t, best));
    order.push({ candidateId: table.candidates[best]!.id, minRegretAfter: bestScore / T, meanRegret: bestOwn / T });
  }
  return order;
}


export interface RankedDefault {
  readonly candidateId: string;
  readonly meanRegret: number;
  readonly stdRegret: number;
  readonly tasks: number;
}


/** Candidates by mean regret over the tasks that ran them (those run on < half the tasks are left out). */
export function rankByMeanRegret(examples: readonly TrainingExample[], candidates: readonly Candidate[]): RankedDefault[] {
  const table = regretTable(examples, candidates);
  const out: RankedDefault[] = [];
  table.candidates.forEach((c, ci) => {
    const col = table.regret.map((row) => row[ci]!);
    const n = col.filter(Number.isFinite).length;
    if (n === 0 || n < table.tasks.length / 2) return;
    out.push({ candidateId: c.id, meanRegret: finiteMean(col), stdRegret: finiteStd(col), tasks: n });
  });
  return out.sort((a, b) => a.meanRegret - b.meanRegret || a.candidateId.localeCompare(b.candidateId));
}

