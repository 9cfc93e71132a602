/**
 * A faithful, single-param-group model of `torch.optim.lr_scheduler.LRScheduler`.
 *
 * Why a simulator instead of closed forms: PyTorch's schedulers are *chainable*: `step()` multiplies
 * (or otherwise transforms) whatever `group["lr"]` currently holds. Several schedulers stepped on one
 * optimizer, `ChainedScheduler`, `SequentialLR` restarts and `SWALR` after another scheduler all
 * depend on that shared mutable LR, and `CosineAnnealingLR`'s recursive form differs from its closed
 * form past `T_max`. Replaying PyTorch's own `step()` logic on a model of the param group reproduces
 * those numbers exactly; the replay is memoised per built schedule (see replay.ts), so the
 * `Schedule` it backs stays pure.
 *
 * Follows torch/optim/lr_scheduler.py on PyTorch main (the `_is_initial` / `_update_lr` form).
 */

/** `optimizer.param_groups[i]` as far as schedulers touch it. */
export interface ParamGroup {
  lr: number;
  initial_lr?: number;
  /** Written by CyclicLR / OneCycleLR when `cycle_momentum` is on (momentum or Adam's beta1). */
  momentum?: number;
  /** OneCycleLR's per-group constants. */
  max_lr?: number;
  min_lr?: number;
  max_momentum?: number;
  base_momentum?: number;
  /** SWALR's target. */
  swa_lr?: number;
}

/** Anything `SequentialLR` / `ChainedScheduler` can hold. */
export interface SimScheduler {
  /** `scheduler.step()`. */
  step(): void;
  /** `LRScheduler._initial_step()`: what the constructor (or SequentialLR) does once. */
  initialStep(): void;
  /** `LRScheduler._update_lr(epoch)`: used by SequentialLR to restart a scheduler at epoch 0. */
  updateLr(epoch: number): void;
  /** `SequentialLR.recursive_undo`: undo the constructor's step. */
  undo(): void;
}

/** Python's `%` (the sign follows the divisor); PyTorch's cosine branch relies on it. */
export function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Python's `bisect.bisect_right` on a sorted array. */
export function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export abstract class LRSchedulerSim implements SimScheduler {
  lastEpoch = -1;
  stepCount = 0;
  protected isInitial = false;
  protected baseLr = 0;

  constructor(protected readonly group: ParamGroup) {}

  /** `LRScheduler.__init__(optimizer, last_epoch=-1)`; subclasses call it last, as PyTorch's do. */
  protected init(): void {
    if (this.group.initial_lr === undefined) this.group.initial_lr = this.group.lr;
    this.baseLr = this.group.initial_lr;
    this.lastEpoch = -1;
    this.initialStep();
  }

  initialStep(): void {
    this.stepCount = 0;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  step(): void {
    this.stepCount += 1;
    this.updateLr(undefined);
  }

  updateLr(epoch: number | undefined): void {
    let value: number;
    if (epoch === undefined) {
      this.lastEpoch += 1;
      value = this.getLr();
    } else {
      this.lastEpoch = epoch;
      value = this.closedFormLr ? this.closedFormLr() : this.getLr();
    }
    this.group.lr = value;
  }

  undo(): void {
    this.lastEpoch -= 1;
  }

  /** The chainable form (`get_lr`). */
  protected abstract getLr(): number;
  /** `_get_closed_form_lr`, where PyTorch has one (used when an explicit epoch is given). */
  protected closedFormLr?(): number;
}

/** Builds a scheduler on a param group; nested schedulers share the group (one optimizer). */
export type SimFactory = (group: ParamGroup) => SimScheduler;
