import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, leaf, type TorchSchedulerClass } from '../torch-class.js';
import { PYTHON_NONE_IS_DEFAULT, readNumber } from '../../../src/core/validation.js';

/** `StepLR`: multiply by gamma every step_size epochs. */
class StepLRSim extends LRSchedulerSim {
  constructor(group: ParamGroup, private readonly stepSize: number, private readonly gamma: number) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.group.lr;
    return this.group.lr * this.gamma;
  }

  protected override closedFormLr(): number {
    return this.baseLr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize);
  }
}

export const stepLR: TorchSchedulerClass = {
  name: 'StepLR',
  kwargs: ['step_size', 'gamma', ...COMMON_KWARGS],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const stepSize = readNumber(kwargs, 'step_size', 'int>=1', ctx.where, undefined, PYTHON_NONE_IS_DEFAULT);
    const gamma = readNumber(kwargs, 'gamma', 'finite', ctx.where, 0.1, PYTHON_NONE_IS_DEFAULT);
    return leaf(this.name, (group) => new StepLRSim(group, stepSize, gamma));
  },
};
