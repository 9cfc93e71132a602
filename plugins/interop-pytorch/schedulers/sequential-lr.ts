import { ValidationError } from '../../../src/core/errors.js';
import { bisectRight, type ParamGroup, type SimScheduler } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, type TorchSchedulerClass } from '../torch-class.js';
import { buildChildren, prepareChildren } from './chained-scheduler.js';
import { invalidArgument } from '../../../src/core/validation.js';

/**
 * `SequentialLR`: children take turns at the milestones; at a milestone the next child restarts
 * from its own epoch 0 (`_update_lr(0)`, its closed form where it has one) on the lr left by the
 * previous child's run, after the constructor has reset the lr to initial_lr and undone the
 * children's constructor steps.
 */
class SequentialLRSim implements SimScheduler {
  private lastEpoch = 0;

  constructor(
    private readonly group: ParamGroup,
    private readonly children: readonly SimScheduler[],
    private readonly milestones: readonly number[],
  ) {
    group.lr = group.initial_lr ?? group.lr;
    for (const c of children) c.undo();
    children[0].initialStep();
  }

  step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const child = this.children[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) child.updateLr(0);
    else child.step();
  }

  initialStep(): void {
    this.step();
  }

  updateLr(): void {
    throw new Error('SequentialLR cannot be restarted at an epoch');
  }

  undo(): void {
    for (const c of this.children) c.undo();
  }
}

export const sequentialLR: TorchSchedulerClass = {
  name: 'SequentialLR',
  kwargs: ['schedulers', 'milestones', ...COMMON_KWARGS],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const children = prepareChildren(kwargs, ctx);
    const milestones = kwargs.milestones;
    if (
      !Array.isArray(milestones) ||
      milestones.length !== children.length - 1 ||
      milestones.some((m, i) => !Number.isInteger(m) || m < 1 || (i > 0 && m <= milestones[i - 1]))
    ) {
      invalidArgument('milestones', `${children.length - 1} strictly increasing integer epoch(s) >= 1 (one fewer than \`schedulers\`)`, milestones, ctx.where);
    }
    children.forEach((c, i) => {
      if (i > 0 && !c.restartable) {
        throw new ValidationError(
          'INVALID_PARAMETER',
          `${ctx.where}: \`schedulers[${i}]\` is a ${c.className}, which PyTorch cannot restart at a milestone (it has no _update_lr); put it first or flatten it. Received: schedulers[${i}]=${c.className}.`,
          { argument: `schedulers[${i}]`, rule: 'restartable at a milestone', received: c.className },
        );
      }
    });
    return {
      className: this.name,
      factory: (group) => new SequentialLRSim(group, buildChildren(children, group), milestones as number[]),
      perBatch: children.some((c) => c.perBatch),
      momentum: children.some((c) => c.momentum),
      restartable: false,
    };
  },
};
