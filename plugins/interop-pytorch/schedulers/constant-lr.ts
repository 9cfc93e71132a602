import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, leaf, type TorchSchedulerClass } from '../torch-class.js';
import { PYTHON_NONE_IS_DEFAULT, readNumber, requireInRange } from '../../../src/core/validation.js';

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
    const factor = requireInRange('factor', readNumber(kwargs, 'factor', 'finite', ctx.where, 1 / 3, PYTHON_NONE_IS_DEFAULT), 0, 1, ctx.where, { lo: true });
    const totalIters = readNumber(kwargs, 'total_iters', 'int>=0', ctx.where, 5, PYTHON_NONE_IS_DEFAULT);
    return leaf(this.name, (group) => new ConstantLRSim(group, factor, totalIters));
  },
};
