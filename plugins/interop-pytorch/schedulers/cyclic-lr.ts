import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { compileLambda, type CompiledLambda } from '../lambda-expression.js';
import { COMMON_KWARGS, checkKwargs, leaf, perGroup, type TorchSchedulerClass } from '../torch-class.js';
import { PYTHON_NONE_IS_DEFAULT, readBoolean, readChoice, readNumber } from '../../../src/core/validation.js';

interface CyclicArgs {
  readonly baseLr: number;
  readonly maxLr: number;
  readonly totalSize: number;
  readonly stepRatio: number;
  readonly scaleFn: CompiledLambda;
  readonly scaleMode: 'cycle' | 'iterations';
  readonly cycleMomentum: boolean;
  readonly baseMomentum: number;
  readonly maxMomentum: number;
}

/** `CyclicLR` (Smith 2017): triangular / triangular2 / exp_range or a custom scale_fn; momentum cycles inversely. */
class CyclicLRSim extends LRSchedulerSim {
  constructor(group: ParamGroup, private readonly a: CyclicArgs) {
    super(group);
    group.lr = a.baseLr;
    if (a.cycleMomentum) {
      group.momentum = a.maxMomentum;
      group.max_momentum = a.maxMomentum;
      group.base_momentum = a.baseMomentum;
    }
    this.init();
    // PyTorch assigns base_lrs after super().__init__ (the constructor's own step used initial_lr).
    this.baseLr = a.baseLr;
  }

  protected getLr(): number {
    const { a } = this;
    const cycle = Math.floor(1 + this.lastEpoch / a.totalSize);
    const x = 1.0 + this.lastEpoch / a.totalSize - cycle;
    const scaleFactor = x <= a.stepRatio ? x / a.stepRatio : (x - 1) / (a.stepRatio - 1);
    const scale = a.scaleFn(a.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    if (a.cycleMomentum) {
      this.group.momentum = a.maxMomentum - (a.maxMomentum - a.baseMomentum) * scaleFactor * scale;
    }
    return this.baseLr + (a.maxLr - this.baseLr) * scaleFactor * scale;
  }
}

export const cyclicLR: TorchSchedulerClass = {
  name: 'CyclicLR',
  perBatch: true,
  kwargs: [
    'base_lr', 'max_lr', 'step_size_up', 'step_size_down', 'mode', 'gamma', 'scale_fn', 'scale_mode',
    'cycle_momentum', 'base_momentum', 'max_momentum', ...COMMON_KWARGS,
  ],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const w = ctx.where;
    const baseLr = readNumber({ base_lr: perGroup('base_lr', kwargs.base_lr, ctx) }, 'base_lr', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT);
    const maxLr = readNumber({ max_lr: perGroup('max_lr', kwargs.max_lr, ctx) }, 'max_lr', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT);
    const up = readNumber(kwargs, 'step_size_up', '>0', w, 2000, PYTHON_NONE_IS_DEFAULT);
    const down = readNumber(kwargs, 'step_size_down', '>0', w, up, PYTHON_NONE_IS_DEFAULT);
    const mode = readChoice(kwargs, 'mode', ['triangular', 'triangular2', 'exp_range'] as const, w, 'triangular', PYTHON_NONE_IS_DEFAULT);
    const gamma = readNumber(kwargs, 'gamma', 'finite', w, 1.0, PYTHON_NONE_IS_DEFAULT);
    let scaleFn: CompiledLambda;
    let scaleMode: 'cycle' | 'iterations';
    if (kwargs.scale_fn !== undefined && kwargs.scale_fn !== null) {
      // A custom scale_fn overrides `mode`; it is an expression in `x` (cycle number or iteration).
      scaleFn = compileLambda(kwargs.scale_fn, 'scale_fn', 'x', w);
      scaleMode = readChoice(kwargs, 'scale_mode', ['cycle', 'iterations'] as const, w, 'cycle', PYTHON_NONE_IS_DEFAULT);
    } else if (mode === 'triangular') {
      scaleFn = () => 1.0;
      scaleMode = 'cycle';
    } else if (mode === 'triangular2') {
      scaleFn = (x) => 1 / 2.0 ** (x - 1);
      scaleMode = 'cycle';
    } else {
      scaleFn = (x) => gamma ** x;
      scaleMode = 'iterations';
    }
    const cycleMomentum = readBoolean(kwargs, 'cycle_momentum', w, true, PYTHON_NONE_IS_DEFAULT);
    const baseMomentum = readNumber({ base_momentum: perGroup('base_momentum', kwargs.base_momentum, ctx) }, 'base_momentum', 'finite', w, 0.8, PYTHON_NONE_IS_DEFAULT);
    const maxMomentum = readNumber({ max_momentum: perGroup('max_momentum', kwargs.max_momentum, ctx) }, 'max_momentum', 'finite', w, 0.9, PYTHON_NONE_IS_DEFAULT);
    const args: CyclicArgs = {
      baseLr, maxLr, totalSize: up + down, stepRatio: up / (up + down), scaleFn, scaleMode,
      cycleMomentum, baseMomentum, maxMomentum,
    };
    return leaf(this.name, (group) => new CyclicLRSim(group, args), { perBatch: true, momentum: cycleMomentum });
  },
};
