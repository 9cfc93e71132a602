import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, leaf, num, type TorchSchedulerClass } from '../torch-class.js';

/** `ExponentialLR`: multiply by gamma every epoch. */
class ExponentialLRSim extends LRSchedulerSim {
  constructor(group: ParamGroup, private readonly gamma: number) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    return this.isInitial ? this.group.lr : this.group.lr * this.gamma;
  }

  protected override closedFormLr(): number {
    return this.baseLr * this.gamma ** this.lastEpoch;
  }
}

export const exponentialLR: TorchSchedulerClass = {
  name: 'ExponentialLR',
  kwargs: ['gamma', ...COMMON_KWARGS],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const gamma = num(kwargs, 'gamma', undefined, ctx.where);
    return leaf(this.name, (group) => new ExponentialLRSim(group, gamma));
  },
};
