/**
 * `--budget B`: how `metatune fit` spends at most B full runs' worth of epochs on a policy's ranked
 * candidates — successive halving on the validation split (Jamieson & Talwalkar 2016; the
 * allocation auto-sklearn 2.0 pairs with a portfolio), with resumption: a candidate promoted to the
 * next rung continues from where it stopped, so the winner ends as one uninterrupted full-length
 * run of its schedule.
 *
 * Two entry points share one procedure (`promote`), so what is simulated is what runs:
 * - `planSuccessiveHalving(ranked, budget, epochs)`: pure allocation — how many candidates, rungs
 *   at which epochs, how many survive each rung, the epochs it costs.
 * - `simulateBudget(ranked, curves, budget, epochs)`: replays the plan on recorded validation-loss
 *   curves (the corpus), for `metatune eval --budget B` to measure its regret leave-one-dataset-out.
 *
 * Invariants:
 * - The plan never costs more than `budget × epochs` epochs (diverged candidates cost less).
 * - `budget` 1 (or any budget too small for two candidates) trains the top-ranked candidate alone.
 * - Entrants are the top of the ranking, in rank order; ties at a rung go to the better-ranked one.
 * - The last rung is at `epochs` and keeps exactly one candidate: the winner.
 */
import { ValidationError, describeValue } from '../core/errors.js';

export interface HalvingOptions {
  /** A rung keeps the best 1/η of its entrants (rounded up). Defaults to 2. */
  readonly reductionFactor?: number;
  /**
   * Earliest rung, in epochs: below it the validation loss says too little about the end of a run.
   * Defaults to max(1, ceil(epochs / 8)).
   */
  readonly minEpochs?: number;
  /** Most candidates entered, whatever the budget. Defaults to 32. */
  readonly maxCandidates?: number;
}

export interface HalvingRung {
  /** Every entrant of this rung has trained this many epochs (counted from 0) when it is judged. */
  readonly epochs: number;
  /** Candidates trained up to this rung. */
  readonly entrants: number;
  /** Candidates promoted to the next rung (1 at the last rung: the winner). */
  readonly survivors: number;
}

export interface SuccessiveHalvingPlan {
  /** Ids entered, best-ranked first (the top `rungs[0].entrants` of the ranking). */
  readonly candidates: readonly string[];
  readonly rungs: readonly HalvingRung[];
  /** Epochs the plan costs if nothing diverges: Σ entrants_k × (epochs_k − epochs_{k−1}). */
  readonly epochsPlanned: number;
  /** `epochsPlanned / epochs`: full runs' worth. */
  readonly runsPlanned: number;
  readonly budget: number;
  readonly epochs: number;
  readonly reductionFactor: number;
}

type Ranked = string | { readonly id: string } | { readonly candidate: { readonly id: string } };

function idOf(r: Ranked): string {
  if (typeof r === 'string') return r;
  return 'candidate' in r ? r.candidate.id : r.id;
}

/** `BUDGET_TOO_SMALL` etc.: a budget must buy at least one full run. */
export function requireBudget(budget: unknown, where = '--budget'): number {
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget < 1) {
    throw new ValidationError(
      'INVALID_BUDGET',
      `\`${where}\` must be a number >= 1 (full training runs' worth of epochs). Received: ${where}=${describeValue(budget)}. ` +
        'Fix: use --budget 1 to train the suggested candidate once, or --budget 2 (or more) to try several candidates with successive halving.',
      { argument: where, received: budget },
    );
  }
  return budget;
}

function rungsFor(n: number, epochs: number, eta: number, minEpochs: number): HalvingRung[] | undefined {
  if (n === 1) return [{ epochs, entrants: 1, survivors: 1 }];
  const halvings = Math.ceil(Math.log(n) / Math.log(eta) - 1e-9);
  const rungs: HalvingRung[] = [];
  let entrants = n;
  let previous = 0;
  for (let k = 0; k <= halvings; k++) {
    const at = k === halvings ? epochs : Math.max(minEpochs, Math.floor(epochs / eta ** (halvings - k)));
    // Rungs must be strictly increasing and leave room for the next one.
    if (at <= previous || at > epochs || (k < halvings && at >= epochs)) return undefined;
    const survivors = k === halvings ? 1 : Math.ceil(entrants / eta);
    rungs.push({ epochs: at, entrants, survivors });
    entrants = survivors;
    previous = at;
  }
  return rungs;
}

function costOf(rungs: readonly HalvingRung[]): number {
  let previous = 0;
  let cost = 0;
  for (const r of rungs) {
    cost += r.entrants * (r.epochs - previous);
    previous = r.epochs;
  }
  return cost;
}

/**
 * The successive-halving allocation for `budget` full runs of `epochs` epochs over `ranked`
 * (candidate ids, or ranked candidates, best first): the most entrants whose plan fits the budget.
 *
 * @example
 * planSuccessiveHalving(['a', 'b', 'c', 'd', 'e'], 2, 20).rungs;
 * // [{ epochs: 5, entrants: 4, survivors: 2 }, { epochs: 10, entrants: 2, survivors: 1 }, { epochs: 20, entrants: 1, survivors: 1 }]
 */
export function planSuccessiveHalving(ranked: readonly Ranked[], budget: number, epochs: number, options: HalvingOptions = {}): SuccessiveHalvingPlan {
  requireBudget(budget, 'budget');
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new ValidationError('INVALID_PARAMETER', `\`epochs\` must be an integer >= 1. Received: epochs=${describeValue(epochs)}.`, { argument: 'epochs' });
  }
  const ids = ranked.map(idOf);
  if (ids.length === 0) {
    throw new ValidationError('NO_CANDIDATES', 'planSuccessiveHalving: the ranking is empty; a policy must suggest at least one candidate.', {});
  }
  const eta = options.reductionFactor ?? 2;
  if (!Number.isInteger(eta) || eta < 2) {
    throw new ValidationError('INVALID_PARAMETER', `\`reductionFactor\` must be an integer >= 2. Received: reductionFactor=${describeValue(eta)}.`, { argument: 'reductionFactor' });
  }
  const minEpochs = options.minEpochs ?? Math.max(1, Math.ceil(epochs / 8));
  if (new Set(ids).size !== ids.length) {
    throw new ValidationError('DUPLICATE_CANDIDATE', `planSuccessiveHalving: the ranking lists a candidate twice (${ids.join(', ')}). Each candidate may enter once.`, { ids });
  }
  const cap = Math.min(ids.length, options.maxCandidates ?? 32);
  const limit = budget * epochs + 1e-9;
  let best: HalvingRung[] = rungsFor(1, epochs, eta, minEpochs)!;
  for (let n = 2; n <= cap; n++) {
    const rungs = rungsFor(n, epochs, eta, minEpochs);
    if (rungs && costOf(rungs) <= limit) best = rungs;
  }
  const epochsPlanned = costOf(best);
  return {
    candidates: ids.slice(0, best[0]!.entrants),
    rungs: best,
    epochsPlanned,
    runsPlanned: epochsPlanned / epochs,
    budget,
    epochs,
    reductionFactor: eta,
  };
}

/** One candidate's standing at a rung: its validation loss there (+Infinity when it diverged or has no value). */
export interface RungEntry {
  readonly id: string;
  readonly valLoss: number;
}

/**
 * The survivors of a rung: the `keep` lowest validation losses; a tie goes to the better-ranked
 * candidate (entrants are listed in rank order). Non-finite losses never survive while a finite
 * one can take the place; if every entrant is non-finite, the best-ranked ones survive.
 */
export function promote(entrants: readonly RungEntry[], keep: number): string[] {
  const order = entrants.map((e, rank) => ({ ...e, rank, loss: Number.isFinite(e.valLoss) ? e.valLoss : Number.POSITIVE_INFINITY }));
  order.sort((a, b) => (a.loss === b.loss ? a.rank - b.rank : a.loss - b.loss));
  // Keep the survivors in rank order, so the next rung's ties are broken the same way.
  return order
    .slice(0, keep)
    .sort((a, b) => a.rank - b.rank)
    .map((e) => e.id);
}

export interface SimulatedRung {
  readonly epochs: number;
  readonly entrants: readonly RungEntry[];
  readonly promoted: readonly string[];
}

export interface BudgetSimulation {
  readonly plan: SuccessiveHalvingPlan;
  /** The candidate the procedure ends with. */
  readonly chosen: string;
  /** Its validation loss at `epochs` (+Infinity when its curve diverged or stops short). */
  readonly finalValLoss: number;
  /** Epochs actually spent (a diverged curve stops costing at its last epoch). */
  readonly epochsUsed: number;
  /** `epochsUsed / epochs`. */
  readonly budgetUsed: number;
  readonly rungs: readonly SimulatedRung[];
  /** Entrants stopped at a rung, in the order they were pruned. */
  readonly pruned: readonly string[];
}

/** A recorded curve's validation loss after `epochs` epochs (index epochs − 1); +Infinity when missing or not finite. */
function lossAt(curve: readonly (number | null | undefined)[] | undefined, epochs: number): number {
  const v = curve?.[epochs - 1];
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
}

/** Epochs a recorded run really trained up to `epochs` (a diverged run's curve ends early). */
function epochsTrained(curve: readonly (number | null | undefined)[] | undefined, from: number, to: number): number {
  const length = curve?.length ?? 0;
  return Math.max(0, Math.min(to, length) - from);
}

/**
 * Replays `--budget` on recorded validation-loss curves (one value per epoch, epoch 0 first; a
 * diverged run's curve ends where it diverged or holds NaN/null): the same plan and the same
 * promotion rule as `metatune fit`. Candidates without a curve count as diverged at their first rung.
 */
export function simulateBudget(
  rankedCandidateIds: readonly Ranked[],
  curvesByCandidate: ReadonlyMap<string, readonly (number | null | undefined)[]> | Readonly<Record<string, readonly (number | null | undefined)[]>>,
  budget: number,
  epochs: number,
  options: HalvingOptions = {},
): BudgetSimulation {
  const plan = planSuccessiveHalving(rankedCandidateIds, budget, epochs, options);
  const curve = (id: string) => (curvesByCandidate instanceof Map ? curvesByCandidate.get(id) : (curvesByCandidate as Record<string, readonly number[]>)[id]);
  let alive = [...plan.candidates];
  let previous = 0;
  let epochsUsed = 0;
  const rungs: SimulatedRung[] = [];
  const pruned: string[] = [];
  for (const rung of plan.rungs) {
    const entrants = alive.map((id) => {
      epochsUsed += epochsTrained(curve(id), previous, rung.epochs);
      return { id, valLoss: lossAt(curve(id), rung.epochs) };
    });
    const promoted = promote(entrants, rung.survivors);
    for (const e of entrants) if (!promoted.includes(e.id)) pruned.push(e.id);
    rungs.push({ epochs: rung.epochs, entrants, promoted });
    alive = promoted;
    previous = rung.epochs;
  }
  const chosen = alive[0]!;
  return { plan, chosen, finalValLoss: lossAt(curve(chosen), epochs), epochsUsed, budgetUsed: epochsUsed / epochs, rungs, pruned };
}
