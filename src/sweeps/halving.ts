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
  /** Values recorded at each rung, in arrival order. */
  readonly #rungs = new Map<number, number[]>();
  /** Trials that have recorded at each rung (a resumed trial never reports a rung twice). */
  readonly #reported = new Map<number, Set<string>>();

  constructor(args: HalvingArgs = {}) {
    this.minResource = args.minResource ?? 1;
    this.reductionFactor = args.reductionFactor ?? 3;
    if (!(Number.isInteger(this.minResource) && this.minResource >= 1)) {
      throw new RangeError(`minResource must be an integer >= 1. Received: ${this.minResource}.`);
    }
    if (!(Number.isInteger(this.reductionFactor) && this.reductionFactor >= 2)) {
      throw new RangeError(`reductionFactor must be an integer >= 2. Received: ${this.reductionFactor}.`);
    }
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

  /** Values recorded at rung `k` so far (a copy). */
  rungValues(k: number): number[] {
    return [...(this.#rungs.get(k) ?? [])];
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
    const values = this.#rungs.get(k) ?? [];
    const reported = this.#reported.get(k) ?? new Set<string>();
    if (!reported.has(trialId)) {
      values.push(value);
      reported.add(trialId);
      this.#rungs.set(k, values);
      this.#reported.set(k, reported);
    }
    return isPromotable(value, values, this.reductionFactor) ? 'continue' : 'prune';
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
      const k = this.rungAt(resource)!;
      const values = this.#rungs.get(k) ?? [];
      const reported = this.#reported.get(k) ?? new Set<string>();
      if (reported.has(trialId)) continue;
      values.push(v);
      reported.add(trialId);
      this.#rungs.set(k, values);
      this.#reported.set(k, reported);
    }
  }
}
