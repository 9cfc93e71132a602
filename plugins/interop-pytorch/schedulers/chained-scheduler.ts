import type { ParamGroup, SimScheduler } from '../runtime.js';
import { checkKwargs, type PreparedTorch, type TorchClassContext, type TorchSchedulerClass } from '../torch-class.js';
import { invalidArgument } from '../../../src/core/validation.js';

/** `ChainedScheduler`: one step() steps every child in order on the shared lr, so effects multiply. */
class ChainedSchedulerSim implements SimScheduler {
  constructor(private readonly children: readonly SimScheduler[]) {}

  step(): void {
    for (const c of this.children) c.step();
  }

  /** Only reached as SequentialLR's first child: PyTorch's `_initial_step` calls this class's own step(). */
  initialStep(): void {
    this.step();
  }

  updateLr(): void {
    // Rejected when preparing (see `restartable`); PyTorch raises NotImplementedError here.
    throw new Error('ChainedScheduler cannot be restarted at an epoch');
  }

  undo(): void {
    for (const c of this.children) c.undo();
  }
}

/** Shared by ChainedScheduler and SequentialLR: a non-empty list of nested scheduler specs. */
export function prepareChildren(kwargs: Readonly<Record<string, unknown>>, ctx: TorchClassContext): PreparedTorch[] {
  const list = kwargs.schedulers;
  if (!Array.isArray(list) || list.length === 0) {
    invalidArgument('schedulers', 'a non-empty list of scheduler specs such as {"torch": "StepLR", "kwargs": {...}}', list, ctx.where);
  }
  return list.map((spec, i) => ctx.nested(spec, `schedulers[${i}]`));
}

/** Builds children in list order on one group, as Python evaluates `[StepLR(opt), ExponentialLR(opt)]`. */
export function buildChildren(children: readonly PreparedTorch[], group: ParamGroup): SimScheduler[] {
  return children.map((c) => c.factory(group));
}

export const chainedScheduler: TorchSchedulerClass = {
  name: 'ChainedScheduler',
  kwargs: ['schedulers'],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const children = prepareChildren(kwargs, ctx);
    return {
      className: this.name,
      factory: (group) => new ChainedSchedulerSim(buildChildren(children, group)),
      perBatch: children.some((c) => c.perBatch),
      momentum: children.some((c) => c.momentum),
      restartable: false,
    };
  },
};
