import type { NativeScheduleSpec } from '../../../src/schedules/schedule.js';
import { ValidationError, describeValue } from '../../../src/core/errors.js';
import { COMMON_KWARGS, checkKwargs, int, num, oneOf, perGroup, type TorchClassContext } from '../torch-class.js';

/** PyTorch's ReduceLROnPlateau kwargs (no `last_epoch`: it is not an LRScheduler subclass in spirit). */
export const REDUCE_LR_ON_PLATEAU_KWARGS = [
  'mode', 'factor', 'patience', 'threshold', 'threshold_mode', 'cooldown', 'min_lr', 'eps', ...COMMON_KWARGS,
] as const;

/**
 * `ReduceLROnPlateau` is metric-driven, so it is not replayed here: it becomes the adaptive native
 * family `reduce_on_plateau` (plugin schedules-adaptive) with `semantics: "pytorch"` (reduce after
 * patience+1 bad epochs, rel/abs threshold, cooldown zeroing bad epochs, eps-ignored changes).
 */
export function reduceLROnPlateauSpec(
  kwargs: Readonly<Record<string, unknown>>,
  baseLr: number,
  monitor: string,
  ctx: TorchClassContext,
): NativeScheduleSpec {
  const w = ctx.where;
  checkKwargs(kwargs, { name: 'ReduceLROnPlateau', kwargs: REDUCE_LR_ON_PLATEAU_KWARGS, prepare: () => { throw new Error('not replayable'); } }, w);
  const factor = num(kwargs, 'factor', 0.1, w);
  if (!(factor > 0 && factor < 1)) {
    // PyTorch: "Factor should be < 1.0."; 0 (drop to min_lr at once) is refused by the native family too.
    throw new ValidationError(
      'INVALID_PARAMETER',
      `${w}: \`factor\` must be in (0, 1). Received: factor=${describeValue(factor)}.`,
      { argument: 'factor', rule: 'in (0, 1)', received: factor },
    );
  }
  return {
    family: 'reduce_on_plateau',
    params: {
      learningRate: baseLr,
      monitor,
      mode: oneOf(kwargs, 'mode', 'min', ['min', 'max'] as const, w),
      factor,
      patience: int(kwargs, 'patience', 10, 0, w),
      threshold: num(kwargs, 'threshold', 1e-4, w),
      thresholdMode: oneOf(kwargs, 'threshold_mode', 'rel', ['rel', 'abs'] as const, w),
      cooldown: int(kwargs, 'cooldown', 0, 0, w),
      minLr: num({ min_lr: perGroup('min_lr', kwargs.min_lr, ctx) }, 'min_lr', 0, w),
      eps: num(kwargs, 'eps', 1e-8, w),
      semantics: 'pytorch',
    },
  };
}
