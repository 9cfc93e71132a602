import { LRSchedulerSim, pyMod, type ParamGroup } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, leaf, type TorchSchedulerClass } from '../torch-class.js';
import { PYTHON_NONE_IS_DEFAULT, readNumber } from '../../../src/core/validation.js';

/**
 * `CosineAnnealingLR` in PyTorch's recursive form. It is not clamped at T_max: past it the lr
 * rises again with period 2·T_max, and stepped together with other schedulers the ratio form
 * multiplies their effects (which the closed form would not).
 */
class CosineAnnealingLRSim extends LRSchedulerSim {
  constructor(group: ParamGroup, private readonly tMax: number, private readonly etaMin: number) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    const { tMax, etaMin, lastEpoch: t } = this;
    if (this.isInitial) return this.group.lr;
    if (this.stepCount === 1 && t > 0) {
      return etaMin + ((this.baseLr - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2;
    }
    if (pyMod(t - 1 - tMax, 2 * tMax) === 0) {
      return this.group.lr + ((this.baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    }
    return (
      ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (this.group.lr - etaMin) + etaMin
    );
  }

  protected override closedFormLr(): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2;
  }
}

export const cosineAnnealingLR: TorchSchedulerClass = {
  name: 'CosineAnnealingLR',
  kwargs: ['T_max', 'eta_min', ...COMMON_KWARGS],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const tMax = readNumber(kwargs, 'T_max', '>0', ctx.where, undefined, PYTHON_NONE_IS_DEFAULT);
    const etaMin = readNumber(kwargs, 'eta_min', 'finite', ctx.where, 0.0, PYTHON_NONE_IS_DEFAULT);
    return leaf(this.name, (group) => new CosineAnnealingLRSim(group, tMax, etaMin));
  },
};
