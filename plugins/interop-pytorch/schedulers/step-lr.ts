import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, int, leaf, num, type TorchSchedulerClass } from '../torch-class.js';

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
    const stepSize = int(kwargs, 'step_size', undefined, 1, ctx.where);
    const gamma = num(kwargs, 'gamma', 0.1, ctx.where);
    return leaf(this.name, (group) => new StepLRSim(group, stepSize, gamma));
  },
};
