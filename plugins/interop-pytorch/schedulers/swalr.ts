import { ValidationError } from '../../../src/core/errors.js';
import { LRSchedulerSim, type ParamGroup, type SimScheduler } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, leaf, perGroup, type TorchSchedulerClass } from '../torch-class.js';
import { PYTHON_NONE_IS_DEFAULT, readChoice, readNumber } from '../../../src/core/validation.js';

const cosineAnneal = (t: number): number => (1 - Math.cos(Math.PI * t)) / 2;
const linearAnneal = (t: number): number => t;

/** `torch.optim.swa_utils.SWALR`: anneals from the current lr to swa_lr over anneal_epochs, then holds it. */
class SWALRSim extends LRSchedulerSim {
  constructor(
    group: ParamGroup,
    private readonly annealEpochs: number,
    private readonly anneal: (t: number) => number,
    swaLr: number,
  ) {
    super(group);
    group.swa_lr = swaLr;
    this.init();
  }

  protected getLr(): number {
    const swaLr = this.group.swa_lr as number;
    let step = this.stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const prevT = Math.max(0, Math.min(1, (step - 1) / Math.max(1, this.annealEpochs)));
    const prevAlpha = this.anneal(prevT);
    // Recover the lr the annealing started from, so an lr changed by another scheduler is honoured.
    const prevLr = prevAlpha === 1 ? swaLr : (this.group.lr - prevAlpha * swaLr) / (1 - prevAlpha);
    const t = Math.max(0, Math.min(1, step / Math.max(1, this.annealEpochs)));
    const alpha = this.anneal(t);
    return swaLr * alpha + prevLr * (1 - alpha);
  }
}

/**
 * The SWA training loop of PyTorch's tests and docs as one scheduler: at the end of epoch e the
 * `before` scheduler (if any) is stepped while e < swa_start, SWALR from e >= swa_start on. Both are
 * constructed up front on the same optimizer, `before` first.
 */
class SwaLoopSim implements SimScheduler {
  private epoch = 0;
  private readonly before: SimScheduler | undefined;
  private readonly swa: SimScheduler;

  constructor(group: ParamGroup, before: ((g: ParamGroup) => SimScheduler) | undefined, swa: (g: ParamGroup) => SimScheduler, private readonly swaStart: number) {
    this.before = before?.(group);
    this.swa = swa(group);
  }

  step(): void {
    if (this.epoch >= this.swaStart) this.swa.step();
    else this.before?.step();
    this.epoch += 1;
  }

  initialStep(): void {
    throw new Error('SWALR with swa_start is only valid at the top level');
  }

  updateLr(): void {
    throw new Error('SWALR with swa_start is only valid at the top level');
  }

  undo(): void {
    throw new Error('SWALR with swa_start is only valid at the top level');
  }
}

export const swaLR: TorchSchedulerClass = {
  name: 'SWALR',
  kwargs: ['swa_lr', 'anneal_epochs', 'anneal_strategy', 'swa_start', 'before', ...COMMON_KWARGS],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const w = ctx.where;
    const swaLr = readNumber({ swa_lr: perGroup('swa_lr', kwargs.swa_lr, ctx) }, 'swa_lr', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT);
    const annealEpochs = readNumber(kwargs, 'anneal_epochs', 'int>=0', w, 10, PYTHON_NONE_IS_DEFAULT);
    const anneal = readChoice(kwargs, 'anneal_strategy', ['cos', 'linear'] as const, w, 'cos', PYTHON_NONE_IS_DEFAULT) === 'cos' ? cosineAnneal : linearAnneal;
    const swa = (group: ParamGroup): SimScheduler => new SWALRSim(group, annealEpochs, anneal, swaLr);
    const loop = kwargs.swa_start !== undefined || kwargs.before !== undefined;
    if (!loop) return leaf(this.name, swa);
    if (!ctx.topLevel) {
      throw new ValidationError(
        'INVALID_PARAMETER',
        `${w}: \`swa_start\` / \`before\` describe the SWA training loop and are only valid on a top-level SWALR. Received: swa_start=${String(kwargs.swa_start)}.`,
        { argument: 'swa_start', rule: 'top-level SWALR only', received: kwargs.swa_start },
      );
    }
    const swaStart = readNumber(kwargs, 'swa_start', 'int>=0', w, 0, PYTHON_NONE_IS_DEFAULT);
    const before = kwargs.before === undefined || kwargs.before === null ? undefined : ctx.nested(kwargs.before, 'before');
    return {
      className: this.name,
      factory: (group) => new SwaLoopSim(group, before?.factory, swa, swaStart),
      perBatch: before?.perBatch ?? false,
      momentum: before?.momentum ?? false,
      restartable: false,
    };
  },
};
