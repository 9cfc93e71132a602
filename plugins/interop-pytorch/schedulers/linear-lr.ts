import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, leaf, type TorchSchedulerClass } from '../torch-class.js';
import { PYTHON_NONE_IS_DEFAULT, readNumber, requireInRange } from '../../../src/core/validation.js';

/** `LinearLR`: factor moves linearly from start_factor to end_factor over total_iters epochs (chainable ratio form). */
class LinearLRSim extends LRSchedulerSim {
  constructor(
    group: ParamGroup,
    private readonly startFactor: number,
    private readonly endFactor: number,
    private readonly totalIters: number,
  ) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    if (this.lastEpoch === 0) return this.group.lr * this.startFactor;
    if (this.isInitial || this.lastEpoch > this.totalIters) return this.group.lr;
    const d = this.endFactor - this.startFactor;
    return this.group.lr * (1.0 + d / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * d));
  }

  protected override closedFormLr(): number {
    return (
      this.baseLr *
      (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(this.totalIters, this.lastEpoch)) / this.totalIters)
    );
  }
}

export const linearLR: TorchSchedulerClass = {
  name: 'LinearLR',
  kwargs: ['start_factor', 'end_factor', 'total_iters', ...COMMON_KWARGS],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const start = requireInRange('start_factor', readNumber(kwargs, 'start_factor', 'finite', ctx.where, 1 / 3, PYTHON_NONE_IS_DEFAULT), 0, 1, ctx.where, { lo: true });
    const end = requireInRange('end_factor', readNumber(kwargs, 'end_factor', 'finite', ctx.where, 1.0, PYTHON_NONE_IS_DEFAULT), 0, 1, ctx.where);
    const totalIters = readNumber(kwargs, 'total_iters', 'int>=1', ctx.where, 5, PYTHON_NONE_IS_DEFAULT);
    return leaf(this.name, (group) => new LinearLRSim(group, start, end, totalIters));
  },
};
