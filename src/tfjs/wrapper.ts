import * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../core/errors.js';
import { requireInteger } from '../core/validation.js';
import type { BuiltSchedule, ScheduleContext, ScheduleSpec } from '../schedules/schedule.js';
import { adapterFor } from './adapter-lookup.js';
import { acquireController, releaseController } from './controller-lock.js';
import { flattenGradients, type VariableGradients } from './gradient-tap.js';
import { describeSchedule, optimizerSource, resolveSchedule, type TfjsRuntime } from './runtime.js';
import { ScheduleDriver } from './schedule-driver.js';

export interface ScheduledOptimizerArgs {
  /** A schedule spec (native or interop), a built `Schedule` or a `StatefulSchedule`. Required. */
  readonly schedule: ScheduleSpec | BuiltSchedule;
  /** Total optimizer steps of the run, for schedules that need it (cosine over the run, one-cycle). Defaults to unknown. */
  readonly totalSteps?: number;
  /** Optimizer steps per epoch, for epoch-based schedules. Defaults to unknown. */
  readonly stepsPerEpoch?: number;
  /** Global step of the first step (resuming a run). Defaults to 0. */
  readonly startStep?: number;
  /** Schedule registry and optimizer adapters. Defaults to the process container's defaultRuntime(). */
  readonly runtime?: TfjsRuntime;
}

/**
 * A custom-loop view of a tfjs optimizer that follows a schedule. Call its `minimize` /
 * `applyGradients` instead of the optimizer's: each sets the learning rate (and momentum) for
 * the current global step, shows the gradients to schedules that need them, steps the optimizer,
 * then advances the step.
 *
 * Why a separate object rather than patching the optimizer in place: the user's optimizer keeps
 * its own methods, so passing it elsewhere (model.compile, a second loop) never runs hidden
 * scheduling code, and there is nothing to restore. Only the learning rate / momentum are changed,
 * through the adapter, exactly as the fit callback does. The optimizer is marked as driven while
 * the wrapper lives; `release()` hands it back (a second controller before that is a
 * `DUPLICATE_LR_CONTROLLER` error).
 */
export class ScheduledOptimizer {
  readonly optimizer: tf.Optimizer;
  readonly schedule: BuiltSchedule;
  readonly #driver: ScheduleDriver;
  #released = false;

  constructor(optimizer: tf.Optimizer, args: ScheduledOptimizerArgs) {
    if (args === null || typeof args !== 'object') {
      throw new TrainingError('INVALID_ARGS', `scheduledOptimizer expects (optimizer, { schedule }). Received: ${String(args)}.`);
    }
    const where = 'scheduledOptimizer';
    if (args.totalSteps !== undefined) requireInteger('totalSteps', args.totalSteps, 1, where);
    if (args.stepsPerEpoch !== undefined) requireInteger('stepsPerEpoch', args.stepsPerEpoch, 1, where);
    if (args.startStep !== undefined) requireInteger('startStep', args.startStep, 0, where);
    const adapter = adapterFor(optimizer, optimizerSource(args.runtime));
    this.optimizer = optimizer;
    this.schedule = resolveSchedule(args.schedule, args.runtime, where);
    const context: ScheduleContext = {
      ...(args.totalSteps !== undefined && { totalSteps: args.totalSteps }),
      ...(args.stepsPerEpoch !== undefined && { stepsPerEpoch: args.stepsPerEpoch }),
    };
    this.#driver = new ScheduleDriver({ schedule: this.schedule, optimizer, adapter, context, startStep: args.startStep ?? 0 });
    acquireController(optimizer, {
      owner: this,
      description: `a scheduledOptimizer wrapper (${describeSchedule(args.schedule, args.runtime)})`,
      isActive: () => !this.#released,
    });
  }

  /** Global step of the next optimizer step. */
  get step(): number {
    return this.#driver.step;
  }

  /** 0-based epoch (advanced by endEpoch). */
  get epoch(): number {
    return this.#driver.epoch;
  }

  /** The learning rate the next step will use (given what the schedule has observed so far). */
  get learningRate(): number {
    return this.#driver.valueAt(this.#driver.step);
  }

  /** Same contract as `tf.Optimizer.minimize`, with the scheduled learning rate for this step. */
  minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    const { value, grads } = this.optimizer.computeGradients(f, varList);
    let handedOver = false;
    try {
      // Same variable order as tf.Optimizer.minimize, so gradient vectors line up step to step.
      this.applyGradients(varList != null ? varList.map((v) => ({ name: v.name, tensor: grads[v.name] })) : grads);
      handedOver = returnCost;
    } finally {
      tf.dispose(grads);
      // A step that throws (WRAPPER_RELEASED, INVALID_LEARNING_RATE) never returns the cost: dispose it then too.
      if (!handedOver) value.dispose();
    }
    return handedOver ? value : null;
  }

  /** Sets the LR for the current step (after showing `grads` to a gradient-driven schedule), applies, advances. */
  applyGradients(grads: VariableGradients): void {
    this.#checkLive();
    const driver = this.#driver;
    if (driver.needsGradients) driver.observeGradients(flattenGradients(grads));
    else driver.apply();
    this.optimizer.applyGradients(grads);
    driver.step += 1;
  }

  /** Per-step logs (e.g. `{loss}`) for the step just applied: a `batch` observation. */
  observe(logs: Readonly<Record<string, number>>): void {
    this.#driver.observe({ kind: 'batch', step: this.#driver.step - 1, epoch: this.#driver.epoch, logs });
  }

  /** End-of-epoch logs (loss, val_loss, metrics): an `epoch` observation; then the epoch advances. */
  endEpoch(logs: Readonly<Record<string, number>> = {}): void {
    const monitor = this.#driver.monitor;
    if (monitor !== undefined && !(monitor in logs)) {
      const available = Object.keys(logs);
      throw new TrainingError(
        'METRIC_NOT_FOUND',
        `scheduledOptimizer: the schedule monitors \`${monitor}\`, which is not in the logs given to endEpoch (epoch ${this.#driver.epoch}). ` +
          `Available: ${available.join(', ') || '(none)'}. Pass it, e.g. endEpoch({ ${monitor}: value }).`,
        { metric: monitor, available, epoch: this.#driver.epoch },
      );
    }
    this.#driver.observe({ kind: 'epoch', step: this.#driver.step, epoch: this.#driver.epoch, logs });
    this.#driver.epoch += 1;
  }

  /** Stops driving the optimizer (it keeps its last learning rate). Idempotent. */
  release(): void {
    this.#released = true;
    releaseController(this.optimizer, this);
  }

  #checkLive(): void {
    if (this.#released) {
      throw new TrainingError('WRAPPER_RELEASED', 'scheduledOptimizer: this wrapper was released; create a new one to keep scheduling.');
    }
  }
}

/**
 * Wraps `optimizer` for a custom training loop.
 *
 * @example
 * ```ts
 * const opt = scheduledOptimizer(tf.train.sgd(0.1), { schedule: { family: 'exponential_decay', params: { initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5 } } });
 * for (let i = 0; i < 300; i++) opt.minimize(() => loss(xs, ys));
 * opt.release();
 * ```
 */
export function scheduledOptimizer(optimizer: tf.Optimizer, args: ScheduledOptimizerArgs): ScheduledOptimizer {
  return new ScheduledOptimizer(optimizer, args);
}
