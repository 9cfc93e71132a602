import type * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../core/errors.js';
import {
  isStatefulSchedule,
  type BuiltSchedule,
  type ScheduleContext,
  type StatefulSchedule,
  type StepObservation,
} from '../schedules/schedule.js';
import type { OptimizerAdapter } from './optimizer-adapter.js';

export interface ScheduleDriverArgs {
  readonly schedule: BuiltSchedule;
  readonly optimizer: tf.Optimizer;
  readonly adapter: OptimizerAdapter;
  /** totalSteps / stepsPerEpoch of the run. Defaults to {}. */
  readonly context?: ScheduleContext;
  /** Global step of the first optimizer step (resumed runs). Defaults to 0. */
  readonly startStep?: number;
  /** Where one-time warnings go. Defaults to console.warn. */
  readonly warn?: (message: string) => void;
}

/**
 * The part shared by the fit callback and the custom-loop wrapper: owns the global step and the
 * stateful schedule's state, and pushes LR (and momentum) into the optimizer through its adapter.
 * The optimizer is only touched when a value changes, so a constant stretch of a schedule costs
 * one number comparison per step.
 */
export class ScheduleDriver {
  readonly schedule: BuiltSchedule;
  readonly optimizer: tf.Optimizer;
  readonly adapter: OptimizerAdapter;
  context: ScheduleContext;
  /** 0-based global step of the next optimizer step. */
  step: number;
  /** 0-based epoch in progress. */
  epoch = 0;
  #state: unknown;
  #lastLr = Number.NaN;
  #lastMomentum = Number.NaN;
  #warnedMomentum = false;
  readonly #warn: (message: string) => void;

  constructor(args: ScheduleDriverArgs) {
    this.schedule = args.schedule;
    this.optimizer = args.optimizer;
    this.adapter = args.adapter;
    this.context = args.context ?? {};
    this.step = args.startStep ?? 0;
    this.#warn = args.warn ?? ((m) => console.warn(m));
    this.#state = isStatefulSchedule(this.schedule) ? this.schedule.init() : undefined;
  }

  get stateful(): StatefulSchedule<unknown> | undefined {
    return isStatefulSchedule(this.schedule) ? this.schedule : undefined;
  }

  /** True when the schedule must see each step's gradients before the step is applied. */
  get needsGradients(): boolean {
    return this.stateful?.requires.gradients === true;
  }

  /** The log key the schedule monitors, if any. */
  get monitor(): string | undefined {
    return this.stateful?.requires.monitor;
  }

  /** The learning rate last pushed into the optimizer (NaN before the first step). */
  get learningRate(): number {
    return this.#lastLr;
  }

  /** The schedule's learning rate for `step` given the current state. */
  valueAt(step: number): number {
    const s = this.stateful;
    const lr = s ? s.value(this.#state, step, this.context) : (this.schedule as (st: number, c?: ScheduleContext) => number)(step, this.context);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new TrainingError(
        'INVALID_LEARNING_RATE',
        `The schedule returned learning rate ${String(lr)} for step ${step}; it must be a finite number >= 0. ` +
          `Check the schedule's parameters (totalSteps=${this.context.totalSteps ?? 'unknown'}, stepsPerEpoch=${this.context.stepsPerEpoch ?? 'unknown'}).`,
        { step, lr, context: { ...this.context } },
      );
    }
    return lr;
  }

  momentumAt(step: number): number | undefined {
    const s = this.stateful;
    if (s) return s.momentum?.(this.#state, step, this.context);
    const m = (this.schedule as { momentum?: (st: number, c?: ScheduleContext) => number }).momentum;
    return m ? m(step, this.context) : undefined;
  }

  /** Sets LR (and momentum) for `this.step`; returns the LR. */
  apply(): number {
    const lr = this.valueAt(this.step);
    if (lr !== this.#lastLr) {
      this.adapter.setLearningRate(this.optimizer, lr);
      this.#lastLr = lr;
    }
    const momentum = this.momentumAt(this.step);
    if (momentum !== undefined && momentum !== this.#lastMomentum) {
      if (this.adapter.setMomentum) {
        this.adapter.setMomentum(this.optimizer, momentum);
        this.#lastMomentum = momentum;
      } else if (!this.#warnedMomentum) {
        this.#warnedMomentum = true;
        this.#warn(
          `metatune: the schedule also cycles momentum, but the ${this.adapter.className} optimizer has no momentum-like ` +
            `coefficient; only the learning rate is scheduled. Optimizers with one: Momentum (momentum), Adam/Adamax (beta1), RMSProp (momentum).`,
        );
      }
    }
    return lr;
  }

  /** Feeds an observation to a stateful schedule (no-op for pure schedules). */
  observe(obs: StepObservation): void {
    const s = this.stateful;
    if (s) this.#state = s.update(this.#state, obs);
  }

  /** Gradient observation for the step about to be applied, then re-applies the (new) LR. */
  observeGradients(gradients: Float32Array): number {
    this.observe({ kind: 'gradients', step: this.step, epoch: this.epoch, gradients });
    return this.apply();
  }
}
