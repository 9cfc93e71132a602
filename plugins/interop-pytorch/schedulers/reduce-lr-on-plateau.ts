import type { NativeScheduleSpec } from '../../../src/schedules/schedule.js';
import { COMMON_KWARGS, checkKwargs, perGroup, type TorchClassContext } from '../torch-class.js';
import { invalidArgument, PYTHON_NONE_IS_DEFAULT, readChoice, readNumber } from '../../../src/core/validation.js';

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
  const factor = readNumber(kwargs, 'factor', 'finite', w, 0.1, PYTHON_NONE_IS_DEFAULT);
  if (!(factor > 0 && factor < 1)) {
    // PyTorch: "Factor should be < 1.0."; 0 (drop to min_lr at once) is refused by the native family too.
    invalidArgument('factor', 'in (0, 1)', factor, w);
  }
  return {
    family: 'reduce_on_plateau',
    params: {
      learningRate: baseLr,
      monitor,
      mode: readChoice(kwargs, 'mode', ['min', 'max'] as const, w, 'min', PYTHON_NONE_IS_DEFAULT),
      factor,
      patience: readNumber(kwargs, 'patience', 'int>=0', w, 10, PYTHON_NONE_IS_DEFAULT),
      threshold: readNumber(kwargs, 'threshold', 'finite', w, 1e-4, PYTHON_NONE_IS_DEFAULT),
      thresholdMode: readChoice(kwargs, 'threshold_mode', ['rel', 'abs'] as const, w, 'rel', PYTHON_NONE_IS_DEFAULT),
      cooldown: readNumber(kwargs, 'cooldown', 'int>=0', w, 0, PYTHON_NONE_IS_DEFAULT),
      minLr: readNumber({ min_lr: perGroup('min_lr', kwargs.min_lr, ctx) }, 'min_lr', 'finite', w, 0, PYTHON_NONE_IS_DEFAULT),
      eps: readNumber(kwargs, 'eps', 'finite', w, 1e-8, PYTHON_NONE_IS_DEFAULT),
      semantics: 'pytorch',
    },
  };
}
