/**
 * The three reduce-on-plateau rules, one per library, as pure functions of (state, metric).
 * They are transcriptions of the libraries' own code (read at):
 * - Keras  `keras/src/callbacks/reduce_lr_on_plateau.py` (`on_epoch_end`),
 * - PyTorch `torch/optim/lr_scheduler.py` (`ReduceLROnPlateau.step` / `_reduce_lr` / `_is_better`),
 * - optax  `optax/contrib/_reduce_on_plateau.py` (`update_fn` / `_update_scale`).
 * They disagree on purpose-relevant details (when patience runs out, how cooldown interacts with
 * bad epochs, what counts as "better"), so each is kept literal rather than unified.
 *
 * All three work on a `scale` (the product of the factors applied so far); the caller turns a
 * scale into a learning rate with `lrAt(scale)` (base LR × scale, clamped below by `minLr`).
 */

/** Counters shared by the three rules; meaning per library in the field docs. */
export interface PlateauCounters {
  /** Product of the reductions applied so far (1 at the start). */
  readonly scale: number;
  /** Best metric seen (Keras/PyTorch: in the monitored direction; optax: of the minimised value). */
  readonly best: number;
  /** Keras `wait`, PyTorch `num_bad_epochs`, optax `plateau_count`. */
  readonly wait: number;
  /** Keras/PyTorch `cooldown_counter`, optax `cooldown_count`. */
  readonly cooldown: number;
  /** optax `count`: values accumulated towards `accumulationSize` (always 0 for Keras/PyTorch). */
  readonly accCount: number;
  /** optax `avg_value`: running mean of the accumulated values. */
  readonly accMean: number;
  /** How many reductions have fired (for logs and tests). */
  readonly reductions: number;
}

export type PlateauDirection = 'min' | 'max';

export interface KerasRuleArgs {
  readonly direction: PlateauDirection;
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minDelta: number;
  readonly minLr: number;
}

export interface PytorchRuleArgs {
  readonly direction: PlateauDirection;
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly eps: number;
}

export interface OptaxRuleArgs {
  readonly direction: PlateauDirection;
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly rtol: number;
  readonly atol: number;
  readonly accumulationSize: number;
  readonly minScale: number;
}

/** Starting counters. Keras and PyTorch start `best` at the worst value of the direction; optax at +inf of the minimised value. */
export function initialCounters(direction: PlateauDirection, semantics: 'keras' | 'pytorch' | 'optax'): PlateauCounters {
  const best = semantics === 'optax' || direction === 'min' ? Infinity : -Infinity;
  return { scale: 1, best, wait: 0, cooldown: 0, accCount: 0, accMean: 0, reductions: 0 };
}

/**
 * Keras: the cooldown counter is decremented (and `wait` zeroed) *before* the comparison, so the
 * epoch on which cooldown reaches 0 already counts as bad; a reduction fires when `wait >= patience`,
 * only if the optimizer's (float32) LR is still above `min_lr` — otherwise nothing is reset.
 * Improvement is absolute: `a < best - minDelta` (min) / `a > best + minDelta` (max). A NaN metric
 * compares false (numpy), i.e. counts as "not better".
 */
export function kerasRule(s: PlateauCounters, current: number, args: KerasRuleArgs, lrAt: (scale: number) => number): PlateauCounters {
  let { best, wait, cooldown, scale, reductions } = s;
  if (cooldown > 0) {
    cooldown -= 1;
    wait = 0;
  }
  const better = args.direction === 'min' ? current < best - args.minDelta : current > best + args.minDelta;
  if (better) {
    best = current;
    wait = 0;
  } else if (!(cooldown > 0)) {
    wait += 1;
    if (wait >= args.patience) {
      // Keras reads the LR back from a float32 variable and compares it with np.float32(min_lr).
      const oldLr = Math.fround(lrAt(scale));
      if (oldLr > Math.fround(args.minLr)) {
        scale *= args.factor;
        reductions += 1;
        cooldown = args.cooldown;
        wait = 0;
      }
    }
  }
  return { ...s, best, wait, cooldown, scale, reductions };
}

/**
 * PyTorch: the bad epoch is counted first, then cooldown zeroes it (so no bad epoch counts during
 * cooldown, but `best` still moves); a reduction fires when `num_bad_epochs > patience`, i.e. after
 * patience+1 bad epochs. The new LR is `max(old * factor, min_lr)` and is only written when it
 * differs from the old one by more than `eps`; cooldown restarts either way.
 */
export function pytorchRule(s: PlateauCounters, current: number, args: PytorchRuleArgs, lrAt: (scale: number) => number): PlateauCounters {
  let { best, wait, cooldown, scale, reductions } = s;
  const { direction, threshold, thresholdMode } = args;
  let better: boolean;
  if (direction === 'min') better = thresholdMode === 'rel' ? current < best * (1 - threshold) : current < best - threshold;
  else better = thresholdMode === 'rel' ? current > best * (1 + threshold) : current > best + threshold;
  if (better) {
    best = current;
    wait = 0;
  } else {
    wait += 1;
  }
  if (cooldown > 0) {
    cooldown -= 1;
    wait = 0;
  }
  if (wait > args.patience) {
    const oldLr = lrAt(scale);
    const newLr = lrAt(scale * args.factor);
    if (oldLr - newLr > args.eps) {
      scale *= args.factor;
      reductions += 1;
    }
    cooldown = args.cooldown;
    wait = 0;
  }
  return { ...s, best, wait, cooldown, scale, reductions };
}

/**
 * optax: values are averaged over `accumulationSize` calls first. Improvement is
 * `avg < (1 - rtol) * best - atol` (optax only minimises: a 'max' metric is negated by the caller).
 * `best` moves even in cooldown; cooldown is checked *before* it is decremented and zeroes the
 * plateau count; a reduction fires when the plateau count reaches exactly `patience`; the scale is
 * clamped below by `minScale` on every update.
 */
export function optaxRule(s: PlateauCounters, value: number, args: OptaxRuleArgs): PlateauCounters {
  const count = s.accCount + 1;
  const avg = (s.accCount * s.accMean + value) / count;
  if (count !== args.accumulationSize) return { ...s, accCount: count, accMean: avg };

  const improved = avg < (1 - args.rtol) * s.best - args.atol;
  const best = improved ? avg : s.best;
  const plateau = improved ? 0 : s.wait + 1;
  let wait: number;
  let scale = s.scale;
  let cooldown: number;
  let reductions = s.reductions;
  if (s.cooldown > 0) {
    wait = 0;
    cooldown = s.cooldown - 1;
  } else {
    const fire = plateau === args.patience;
    wait = fire ? 0 : plateau;
    if (fire) {
      scale = s.scale * args.factor;
      reductions += 1;
    }
    scale = Math.max(scale, args.minScale);
    cooldown = fire ? args.cooldown : 0;
  }
  return { scale, best, wait, cooldown, accCount: 0, accMean: 0, reductions };
}
