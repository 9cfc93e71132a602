import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { compileLambda, type CompiledLambda } from '../lambda-expression.js';
import { COMMON_KWARGS, checkKwargs, leaf, perGroup, type TorchSchedulerClass } from '../torch-class.js';

/** `LambdaLR`: lr = initial_lr × lr_lambda(epoch). Not chainable: it ignores the current lr. */
class LambdaLRSim extends LRSchedulerSim {
  constructor(group: ParamGroup, private readonly lambda: CompiledLambda) {
    super(group);
    this.init();
  }

  protected getLr(): number {
    return this.baseLr * this.lambda(this.lastEpoch);
  }
}

export const lambdaLR: TorchSchedulerClass = {
  name: 'LambdaLR',
  kwargs: ['lr_lambda', ...COMMON_KWARGS],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const lambda = compileLambda(perGroup('lr_lambda', kwargs.lr_lambda, ctx), 'lr_lambda', 'epoch', ctx.where);
    return leaf(this.name, (group) => new LambdaLRSim(group, lambda));
  },
};
