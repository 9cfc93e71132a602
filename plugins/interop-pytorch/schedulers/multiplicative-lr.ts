import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { compileLambda, type CompiledLambda } from '../lambda-expression.js';
import { COMMON_KWARGS, checkKwargs, leaf, perGroup, type TorchSchedulerClass } from '../torch-class.js';

/** `MultiplicativeLR`: each step multiplies the current lr by lr_lambda(epoch) (chainable). */
class MultiplicativeLRSim extends LRSchedulerSim {
  constructor(group: ParamGroup, private readonly lambda: CompiledLambda) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    // PyTorch main: the constructor's step leaves the lr alone; every later step (even a
    // SequentialLR restart at epoch 0) multiplies.
    return this.isInitial ? this.group.lr : this.group.lr * this.lambda(this.lastEpoch);
  }
}

export const multiplicativeLR: TorchSchedulerClass = {
  name: 'MultiplicativeLR',
  kwargs: ['lr_lambda', ...COMMON_KWARGS],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const lambda = compileLambda(perGroup('lr_lambda', kwargs.lr_lambda, ctx), 'lr_lambda', 'epoch', ctx.where);
    return leaf(this.name, (group) => new MultiplicativeLRSim(group, lambda));
  },
};
