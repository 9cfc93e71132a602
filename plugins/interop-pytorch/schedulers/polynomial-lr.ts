import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, leaf, type TorchSchedulerClass } from '../torch-class.js';
import { PYTHON_NONE_IS_DEFAULT, readNumber } from '../../../src/core/validation.js';

/** `PolynomialLR`: lr × (1 − t/total_iters)^power, in PyTorch's chainable ratio form. */
class PolynomialLRSim extends LRSchedulerSim {
  constructor(group: ParamGroup, private readonly totalIters: number, private readonly power: number) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    if (this.isInitial || this.lastEpoch > this.totalIters) return this.group.lr;
    const t = this.lastEpoch;
    const decay = ((1.0 - t / this.totalIters) / (1.0 - (t - 1) / this.totalIters)) ** this.power;
    return this.group.lr * decay;
  }

  protected override closedFormLr(): number {
    return this.baseLr * (1.0 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power;
  }
}

export const polynomialLR: TorchSchedulerClass = {
  name: 'PolynomialLR',
  kwargs: ['total_iters', 'power', ...COMMON_KWARGS],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const totalIters = readNumber(kwargs, 'total_iters', 'int>=1', ctx.where, 5, PYTHON_NONE_IS_DEFAULT);
    const power = readNumber(kwargs, 'power', 'finite', ctx.where, 1.0, PYTHON_NONE_IS_DEFAULT);
    return leaf(this.name, (group) => new PolynomialLRSim(group, totalIters, power));
  },
};
