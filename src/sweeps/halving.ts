/**
 * Asynchronous successive halving (ASHA, Li et al. 2020) with the promotion rule of Optuna's
 * `SuccessiveHalvingPruner`, so a sweep prunes the trials Optuna would:
 *
 * - Rung k sits at r·η^k finished epochs (r = min resource, η = reduction factor).
 * - When a trial reaches a rung it records its val_loss there; the competitors are the values every
 *   trial has recorded at that rung so far, itself included (n of them).
 * - It is promoted when its value is at most the i-th smallest competitor, i = ⌊n/η⌋ − 1 (0-based),
 *   i.e. when it is in the top 1/η so far; while n < η (i = −1) Optuna uses i = 0: only a trial
 *   that is the best so far goes on. A NaN value is pruned.
 * - Not promoted → the trial stops there and is stored as `pruned`.
 *
 * Decisions depend on the order in which trials reach a rung (that is what "asynchronous" means):
 * with one process they are deterministic; with several workers they follow the finishing order.
 */
import { requireInteger } from '../core/validation.js';

/** Optuna's `_is_trial_promotable_to_next_rung` for minimisation. `competing` includes `value`. */
export function isPromotable(value: number, competing: readonly number[], reductionFactor: number): boolean {
  let idx = Math.floor(competing.length / reductionFactor) - 1;
  if (idx === -1) idx = 0;
  const sorted = [...competing].sort((a, b) => a - b);
  return value <= sorted[idx]!;
}

export interface HalvingArgs {
  /** Epochs before the first rung (r). Defaults to 1. */
  readonly minResource?: number;
  /** η: a rung keeps the top 1/η. Defaults to 3. */
  readonly reductionFactor?: number;
}

export class SuccessiveHalving {
  readonly minResource: number;
  readonly reductionFactor: number;
  /** Value recorded at each rung, by trial, in arrival order (a trial records a rung at most once). */
  readonly #rungs = new Map<number, Map<string, number>>();

  constructor(args: HalvingArgs = {}) {
    this.minResource = requireInteger('minResource', args.minResource ?? 1, 1, 'successive halving');
    this.reductionFactor = requireInteger('reductionFactor', args.reductionFactor ?? 3, 2, 'successive halving');
  }

  /** The rung a trial that has finished `resource` epochs sits at, or undefined between rungs. */
  rungAt(resource: number): number | undefined {
    for (let k = 0, r = this.minResource; r <= resource; k++, r *= this.reductionFactor) if (r === resource) return k;
    return undefined;
  }

  /** Rung resources (epochs) strictly below `epochs`: where a trial of that length can be pruned. */
  rungResources(epochs: number): number[] {
    const out: number[] = [];
    for (let r = this.minResource; r < epochs; r *= this.reductionFactor) out.push(r);
    return out;
  }

  /** Values recorded at rung `k` so far (a copy), in arrival order. */
  rungValues(k: number): number[] {
    return [...(this.#rungs.get(k)?.values() ?? [])];
  }

  #record(k: number, trialId: string, value: number): Map<string, number> {
    let values = this.#rungs.get(k);
    if (!values) this.#rungs.set(k, (values = new Map()));
    // A trial reporting a rung it already reported (a re-sent epoch) is not counted twice.
    if (!values.has(trialId)) values.set(trialId, value);
    return values;
  }

  /**
   * A trial has finished `resource` epochs with validation loss `value`: 'continue' or 'prune'.
   * Between rungs it always continues. A trial reporting a rung it already reported (a re-sent
   * epoch) gets the same comparison without being counted twice.
   */
  report(trialId: string, resource: number, value: number): 'continue' | 'prune' {
    const k = this.rungAt(resource);
    if (k === undefined) return 'continue';
    if (Number.isNaN(value)) return 'prune';
    const values = this.#record(k, trialId, value);
    return isPromotable(value, [...values.values()], this.reductionFactor) ? 'continue' : 'prune';
  }

  /**
   * Replays a finished trial's validation losses (a resumed sweep): records its value at every rung
   * it reached and reported, i.e. rungs below `epochs` within the epochs it ran.
   */
  restore(trialId: string, valLosses: readonly (number | undefined)[], epochs: number): void {
    for (const resource of this.rungResources(epochs)) {
      if (resource > valLosses.length) break;
      const v = valLosses[resource - 1];
      if (v === undefined || Number.isNaN(v)) break;
      this.#record(this.rungAt(resource)!, trialId, v);
    }
  }

  /**
   * Drops every value a trial recorded: the sweep calls it when a trial attempt fails (a worker
   * killed mid-trial, an exception). Such an attempt's stored trace has no epochs (a sweep writes
   * them when the trial ends), so a resumed sweep could not restore these values; dropping them
   * live keeps the two states the same, and lets a re-run attempt report the rungs afresh.
   * Decisions already taken against the dropped values stand.
   */
  forget(trialId: string): void {
    for (const values of this.#rungs.values()) values.delete(trialId);
  }
}
