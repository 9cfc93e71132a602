import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, leaf, type TorchSchedulerClass } from '../torch-class.js';
import { PYTHON_NONE_IS_DEFAULT, readNumber } from '../../../src/core/validation.js';

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
    const gamma = readNumber(kwargs, 'gamma', 'finite', ctx.where, undefined, PYTHON_NONE_IS_DEFAULT);
    return leaf(this.name, (group) => new ExponentialLRSim(group, gamma));
  },
};
