import { TrainingError, ValidationError, describeValue } from '../../../src/core/errors.js';
import { LRSchedulerSim, type ParamGroup } from '../runtime.js';
import { COMMON_KWARGS, checkKwargs, leaf, perGroup, type TorchSchedulerClass } from '../torch-class.js';
import { PYTHON_NONE_IS_DEFAULT, readBoolean, readChoice, readNumber, requireInRange } from '../../../src/core/validation.js';

type LrKey = 'initial_lr' | 'max_lr' | 'min_lr';
type MomKey = 'max_momentum' | 'base_momentum';
interface Phase {
  readonly endStep: number;
  readonly startLr: LrKey;
  readonly endLr: LrKey;
  readonly startMomentum: MomKey;
  readonly endMomentum: MomKey;
}

interface OneCycleArgs {
  readonly maxLr: number;
  readonly totalSteps: number;
  readonly phases: readonly Phase[];
  readonly anneal: (start: number, end: number, pct: number) => number;
  readonly divFactor: number;
  readonly finalDivFactor: number;
  readonly cycleMomentum: boolean;
  readonly baseMomentum: number;
  readonly maxMomentum: number;
}

const annealCos = (start: number, end: number, pct: number): number => end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
const annealLinear = (start: number, end: number, pct: number): number => (end - start) * pct + start;

/** `OneCycleLR` (Smith & Topin): phases between initial_lr = max_lr/div_factor, max_lr and min_lr; not chainable. */
class OneCycleLRSim extends LRSchedulerSim {
  constructor(group: ParamGroup, private readonly a: OneCycleArgs) {
    super(group);
    group.initial_lr = a.maxLr / a.divFactor;
    group.max_lr = a.maxLr;
    group.min_lr = group.initial_lr / a.finalDivFactor;
    if (a.cycleMomentum) {
      group.momentum = a.maxMomentum;
      group.max_momentum = a.maxMomentum;
      group.base_momentum = a.baseMomentum;
    }
    this.init();
  }

  protected getLr(): number {
    const stepNum = this.lastEpoch;
    if (stepNum > this.a.totalSteps) {
      throw new TrainingError(
        'SCHEDULE_EXHAUSTED',
        `torch OneCycleLR: tried to step ${stepNum} times; the specified number of total steps is ${this.a.totalSteps}. ` +
          'Set `total_steps` (or `epochs` × `steps_per_epoch`) to the number of optimizer steps of the run.',
        { step: stepNum, totalSteps: this.a.totalSteps },
      );
    }
    const g = this.group as Required<ParamGroup>;
    let startStep = 0.0;
    const phases = this.a.phases;
    for (let i = 0; i < phases.length; i++) {
      const p = phases[i];
      if (stepNum <= p.endStep || i === phases.length - 1) {
        const pct = (stepNum - startStep) / (p.endStep - startStep);
        if (this.a.cycleMomentum) this.group.momentum = this.a.anneal(g[p.startMomentum], g[p.endMomentum], pct);
        return this.a.anneal(g[p.startLr], g[p.endLr], pct);
      }
      startStep = p.endStep;
    }
    /* c8 ignore next */
    throw new Error('unreachable: OneCycleLR has at least two phases');
  }
}

export const oneCycleLR: TorchSchedulerClass = {
  name: 'OneCycleLR',
  perBatch: true,
  kwargs: [
    'max_lr', 'total_steps', 'epochs', 'steps_per_epoch', 'pct_start', 'anneal_strategy', 'cycle_momentum',
    'base_momentum', 'max_momentum', 'div_factor', 'final_div_factor', 'three_phase', ...COMMON_KWARGS,
  ],
  prepare(kwargs, ctx) {
    checkKwargs(kwargs, this, ctx.where);
    const w = ctx.where;
    const maxLr = readNumber({ max_lr: perGroup('max_lr', kwargs.max_lr, ctx) }, 'max_lr', 'finite', w, undefined, PYTHON_NONE_IS_DEFAULT);
    let totalSteps: number;
    if (kwargs.total_steps !== undefined && kwargs.total_steps !== null) {
      totalSteps = readNumber(kwargs, 'total_steps', 'int>=1', w, undefined, PYTHON_NONE_IS_DEFAULT);
    } else if (kwargs.epochs !== undefined && kwargs.steps_per_epoch !== undefined) {
      totalSteps = readNumber(kwargs, 'epochs', 'int>=1', w, undefined, PYTHON_NONE_IS_DEFAULT) * readNumber(kwargs, 'steps_per_epoch', 'int>=1', w, undefined, PYTHON_NONE_IS_DEFAULT);
    } else {
      throw new ValidationError(
        'MISSING_PARAMETER',
        `${w}: \`total_steps\` is required (or both \`epochs\` and \`steps_per_epoch\`). Received: total_steps=undefined.`,
        { argument: 'total_steps', rule: 'required', received: undefined },
      );
    }
    const pctStart = requireInRange('pct_start', readNumber(kwargs, 'pct_start', 'finite', w, 0.3, PYTHON_NONE_IS_DEFAULT), 0, 1, w);
    const strategy = readChoice(kwargs, 'anneal_strategy', ['cos', 'linear'] as const, w, 'cos', PYTHON_NONE_IS_DEFAULT);
    const threePhase = readBoolean(kwargs, 'three_phase', w, false, PYTHON_NONE_IS_DEFAULT);
    const phases: Phase[] = threePhase
      ? [
          { endStep: pctStart * totalSteps - 1, startLr: 'initial_lr', endLr: 'max_lr', startMomentum: 'max_momentum', endMomentum: 'base_momentum' },
          { endStep: 2 * pctStart * totalSteps - 2, startLr: 'max_lr', endLr: 'initial_lr', startMomentum: 'base_momentum', endMomentum: 'max_momentum' },
          { endStep: totalSteps - 1, startLr: 'initial_lr', endLr: 'min_lr', startMomentum: 'max_momentum', endMomentum: 'max_momentum' },
        ]
      : [
          { endStep: pctStart * totalSteps - 1, startLr: 'initial_lr', endLr: 'max_lr', startMomentum: 'max_momentum', endMomentum: 'base_momentum' },
          { endStep: totalSteps - 1, startLr: 'max_lr', endLr: 'min_lr', startMomentum: 'base_momentum', endMomentum: 'max_momentum' },
        ];
    // A zero-length phase makes PyTorch divide 0 by 0 (NaN lr); refuse it here instead.
    let prev = 0;
    for (const p of phases) {
      if (!(p.endStep > prev)) {
        throw new ValidationError(
          'INVALID_PARAMETER',
          `${w}: every phase needs at least one step, so \`pct_start\` × \`total_steps\` must be > ${threePhase ? 1.5 : 1} and < \`total_steps\`. Received: pct_start=${describeValue(pctStart)}, total_steps=${totalSteps}.`,
          { argument: 'pct_start', rule: 'phases of positive length', received: pctStart },
        );
      }
      prev = p.endStep;
    }
    const cycleMomentum = readBoolean(kwargs, 'cycle_momentum', w, true, PYTHON_NONE_IS_DEFAULT);
    const args: OneCycleArgs = {
      maxLr,
      totalSteps,
      phases,
      anneal: strategy === 'cos' ? annealCos : annealLinear,
      divFactor: readNumber(kwargs, 'div_factor', '>0', w, 25.0, PYTHON_NONE_IS_DEFAULT),
      finalDivFactor: readNumber(kwargs, 'final_div_factor', '>0', w, 1e4, PYTHON_NONE_IS_DEFAULT),
      cycleMomentum,
      baseMomentum: readNumber({ base_momentum: perGroup('base_momentum', kwargs.base_momentum, ctx) }, 'base_momentum', 'finite', w, 0.85, PYTHON_NONE_IS_DEFAULT),
      maxMomentum: readNumber({ max_momentum: perGroup('max_momentum', kwargs.max_momentum, ctx) }, 'max_momentum', 'finite', w, 0.95, PYTHON_NONE_IS_DEFAULT),
    };
    return leaf(this.name, (group) => new OneCycleLRSim(group, args), { perBatch: true, momentum: cycleMomentum });
  },
};
