import { LRSchedulerSim, bisectRight, type ParamGroup } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, leaf, type TorchSchedulerClass } from '../torch-class.js';
import { invalidArgument, PYTHON_NONE_IS_DEFAULT, readNumber } from '../../../src/core/validation.js';

/** `MultiStepLR`: multiply by gamma at each milestone (a repeated milestone counts twice, as Counter does). */
class MultiStepLRSim extends LRSchedulerSim {
  private readonly counts = new Map<number, number>();
  private readonly sorted: number[];

  constructor(group: ParamGroup, milestones: readonly number[], private readonly gamma: number) {
    super(group);
    for (const m of milestones) this.counts.set(m, (this.counts.get(m) ?? 0) + 1);
    this.sorted = [...milestones].sort((a, b) => a - b);
    this.init();
  }

  protected getLr(): number {
    const count = this.counts.get(this.lastEpoch);
    return count === undefined ? this.group.lr : this.group.lr * this.gamma ** count;
  }

  protected override closedFormLr(): number {
    return this.baseLr * this.gamma ** bisectRight(this.sorted, this.lastEpoch);
  }
}

export const multiStepLR: TorchSchedulerClass = {
  name: 'MultiStepLR',
  kwargs: ['milestones', 'gamma', ...COMMON_KWARGS],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const milestones = kwargs.milestones;
    if (!Array.isArray(milestones) || milestones.some((m) => !Number.isInteger(m) || m < 0)) {
      invalidArgument('milestones', 'a list of epoch indices (integers >= 0)', milestones, ctx.where);
    }
    const gamma = readNumber(kwargs, 'gamma', 'finite', ctx.where, 0.1, PYTHON_NONE_IS_DEFAULT);
    return leaf(this.name, (group) => new MultiStepLRSim(group, milestones as number[], gamma));
  },
};
