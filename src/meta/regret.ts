/**
 * The one definition of normalised regret every learner, the evaluation and the report share.
 *
 * Per task, each candidate's score is its final validation loss. Completed scores are capped at
 * `max(priorLoss, 2 × best)` — the loss of predicting the class prior / the mean, or twice the
 * task's best, whichever is larger — then min–max normalised over the task's candidates:
 *
 *   regret = (min(score, cap) − best) / (max capped score − best),   diverged / failed = 1.
 *
 * Why the cap: raw min–max is dominated by the few exploding runs of unscaled tasks (losses up to
 * 1e22), which would squash every other run's regret to ~0. With the cap, "no better than
 * predicting the prior" already counts as (nearly) the worst.
 *
 * 0 = the best candidate in hindsight on that task, 1 = the worst (or diverged).
 */

export interface CandidateScore {
  /** Final validation loss; undefined / non-finite when the run diverged or failed. */
  readonly finalValLoss?: number;
  readonly diverged: boolean;
}

export interface RegretScale {
  readonly best: number;
  readonly cap: number;
  /** Largest capped score among completed runs (the 1 of the scale). */
  readonly worst: number;
}

/** Loss of the trivial predictor: class-prior cross-entropy (nats) or, with a standardised target, 1 (MSE of the mean). */
export function priorLossOf(kind: 'classification' | 'regression' | undefined, features: Readonly<Record<string, number>>): number | undefined {
  if (kind === 'regression') return 1;
  const bits = features['basic.target_entropy'];
  if (kind === 'classification' && bits !== undefined && Number.isFinite(bits)) return bits * Math.LN2;
  return undefined;
}

function usable(s: CandidateScore): s is CandidateScore & { finalValLoss: number } {
  return !s.diverged && s.finalValLoss !== undefined && Number.isFinite(s.finalValLoss);
}

/** The scale of one task, or undefined when no candidate completed. */
export function regretScale(scores: readonly CandidateScore[], priorLoss?: number): RegretScale | undefined {
  const done = scores.filter(usable).map((s) => s.finalValLoss);
  if (done.length === 0) return undefined;
  const best = Math.min(...done);
  const cap = Math.max(priorLoss ?? -Infinity, best + Math.abs(best));
  const worst = Math.max(...done.map((v) => Math.min(v, cap)));
  return { best, cap, worst };
}

/** Regret of one score on a task's scale (1 for diverged runs or when nothing completed). */
export function normalisedRegret(score: CandidateScore, scale: RegretScale | undefined): number {
  if (!scale || !usable(score)) return 1;
  const span = scale.worst - scale.best;
  if (!(span > 0)) return 0;
  return Math.min(1, Math.max(0, (Math.min(score.finalValLoss, scale.cap) - scale.best) / span));
}

/** Regrets of all candidates of one task, in input order. */
export function taskRegrets(scores: readonly CandidateScore[], priorLoss?: number): number[] {
  const scale = regretScale(scores, priorLoss);
  return scores.map((s) => normalisedRegret(s, scale));
}
