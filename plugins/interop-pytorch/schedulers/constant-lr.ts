import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, inRange, int, leaf, num, type TorchSchedulerClass } from '../torch-class.js';

/** `ConstantLR`: lr × factor until total_iters, then back to lr (chainable: divides by factor again). */
class ConstantLRSim extends LRSchedulerSim {
  constructor(group: ParamGroup, private readonly factor: number, private readonly totalIters: number) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    if (this.lastEpoch === 0) return this.group.lr * this.factor;
    if (this.lastEpoch !== this.totalIters) return this.group.lr;
    return this.group.lr * (1.0 / this.factor);
  }

  protected override closedFormLr(): number {
    return this.baseLr * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor));
  }
}

export const constantLR: TorchSchedulerClass = {
  name: 'ConstantLR',
  kwargs: ['factor', 'total_iters', ...COMMON_KWARGS],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    // PyTorch accepts factor=0 and then divides by zero at total_iters; reject it up front.
    const factor = inRange('factor', num(kwargs, 'factor', 1 / 3, ctx.where), 0, 1, ctx.where, true);
    const totalIters = int(kwargs, 'total_iters', 5, 0, ctx.where);
    return leaf(this.name, (group) => new ConstantLRSim(group, factor, totalIters));
  },
};
