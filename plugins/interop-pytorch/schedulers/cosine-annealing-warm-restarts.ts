import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, leaf, type TorchSchedulerClass } from '../torch-class.js';
import { PYTHON_NONE_IS_DEFAULT, readNumber } from '../../../src/core/validation.js';

/**
 * `CosineAnnealingWarmRestarts` (SGDR). `step()` advances T_cur by one and restarts when it reaches
 * T_i; `stepAt(epoch)` is PyTorch's `step(epoch)` with an explicit, possibly fractional epoch (the
 * per-batch recipe `scheduler.step(epoch + i / iters)`), used by interval "fractional_epoch".
 */
export class CosineAnnealingWarmRestartsSim extends LRSchedulerSim {
  private tI: number;
  private tCur: number;

  constructor(group: ParamGroup, private readonly t0: number, private readonly tMult: number, private readonly etaMin: number) {
    super(group);
    this.tI = t0;
    this.tCur = -1;
    this.init();
  }

  protected getLr(): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2;
  }

  override step(): void {
    if (this.lastEpoch < 0) {
      this.stepAt(0);
      return;
    }
    this.tCur += 1;
    if (this.tCur >= this.tI) {
      this.tCur = this.tCur % this.tI;
      this.tI *= this.tMult;
    }
    this.lastEpoch += 1;
    this.group.lr = this.getLr();
  }

  stepAt(epoch: number): void {
    if (epoch >= this.t0) {
      if (this.tMult === 1) {
        this.tCur = epoch % this.t0;
      } else {
        // Python: int(math.log(epoch / T_0 * (T_mult - 1) + 1, T_mult)), i.e. log(x) / log(base), truncated.
        const n = Math.trunc(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
        this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
        this.tI = this.t0 * this.tMult ** n;
      }
    } else {
      this.tI = this.t0;
      this.tCur = epoch;
    }
    this.lastEpoch = Math.floor(epoch);
    this.group.lr = this.getLr();
  }
}

export const cosineAnnealingWarmRestarts: TorchSchedulerClass = {
  name: 'CosineAnnealingWarmRestarts',
  kwargs: ['T_0', 'T_mult', 'eta_min', ...COMMON_KWARGS],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const t0 = readNumber(kwargs, 'T_0', 'int>=1', ctx.where, undefined, PYTHON_NONE_IS_DEFAULT);
    const tMult = readNumber(kwargs, 'T_mult', 'int>=1', ctx.where, 1, PYTHON_NONE_IS_DEFAULT);
    const etaMin = readNumber(kwargs, 'eta_min', 'finite', ctx.where, 0.0, PYTHON_NONE_IS_DEFAULT);
    return leaf(this.name, (group) => new CosineAnnealingWarmRestartsSim(group, t0, tMult, etaMin));
  },
};
