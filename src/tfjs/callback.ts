import * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../core/errors.js';
import { requireInteger } from '../core/validation.js';
import type { BuiltSchedule, ScheduleContext, ScheduleSpec } from '../schedules/schedule.js';
import { adapterFor } from './adapter-lookup.js';
import { acquireController, releaseController } from './controller-lock.js';
import { flattenGradients, tapApplyGradients } from './gradient-tap.js';
import type { RunRecorder, RunStatus } from './recorder.js';
import { describeSchedule, isBuiltSchedule, optimizerSource, resolveSchedule, type TfjsRuntime } from './runtime.js';
import { ScheduleDriver } from './schedule-driver.js';

export interface LrSchedulerArgs {
  /**
   * The schedule: a spec (native `{family, params}` or Keras / PyTorch / optax / fastai interop),
   * a built `Schedule` function or a `StatefulSchedule`. Specs are built eagerly, so a bad spec
   * throws here, not in the middle of model.fit. Required.
   */
  readonly schedule: ScheduleSpec | BuiltSchedule;
  /** Receives the run's start, each epoch and the outcome (the trace store plugs in here). Defaults to none. */
  readonly recorder?: RunRecorder;
  /** 1 prints the learning rate after each epoch. Divergence is always printed. Defaults to 0. */
  readonly verbose?: 0 | 1;
  /**
   * Optimizer steps per epoch. Defaults to the fit parameters: `ceil(samples / batchSize)` for
   * model.fit, `batchesPerEpoch` (or a finite dataset size) for model.fitDataset.
   */
  readonly stepsPerEpoch?: number;
  /** Schedule registry and optimizer adapters. Defaults to the process container's defaultRuntime(). */
  readonly runtime?: TfjsRuntime;
  /**
   * The model, needed only when tfjs does not hand it over: when the first entry of the callbacks
   * array is a plain config object, tfjs wraps every entry (ours too) in a CustomCallback and never
   * calls our setModel. Defaults to the model tfjs passes to setModel.
   */
  readonly model?: tf.LayersModel;
}

/** Where and how a run diverged. */
export interface DivergenceInfo {
  readonly step: number;
  readonly epoch: number;
  /** 0-based batch within the epoch, or undefined when found in the epoch logs. */
  readonly batch?: number;
  readonly learningRate: number;
  readonly loss: number;
  readonly message: string;
}

type LogValue = number | tf.Tensor | undefined;
type AnyLogs = Record<string, LogValue> | undefined;

/** Batch-log keys that are bookkeeping, not metrics. */
const NOT_METRICS = new Set(['batch', 'size', 'learning_rate']);

/**
 * Backends whose tensors live in host memory: reading a scalar synchronously costs a copy, and
 * skipping the promise of `data()` is most of the per-batch cost of the callback there.
 */
const HOST_BACKENDS = new Set(['cpu', 'wasm', 'tensorflow']);

async function readNumber(value: LogValue, sync: boolean): Promise<number | undefined> {
  if (typeof value === 'number') return value;
  if (value == null || typeof (value as tf.Tensor).data !== 'function' || (value as tf.Tensor).isDisposed) return undefined;
  return sync ? (value as tf.Tensor).dataSync()[0] : (await (value as tf.Tensor).data())[0];
}

/** Numeric copies of `logs` (tensors read, not disposed: History and BaseLogger still own them). */
async function readLogs(logs: AnyLogs, sync: boolean): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  if (!logs) return out;
  for (const key of Object.keys(logs)) {
    if (NOT_METRICS.has(key)) continue;
    const v = await readNumber(logs[key], sync);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

const now = (): number => performance.now();

/**
 * The drop-in `model.fit` / `model.fitDataset` callback: drives the optimizer's learning rate (and
 * momentum, for one-cycle) every batch from a schedule, in place, through the optimizer's adapter.
 *
 * It is a `tf.Callback` subclass so that it can sit in one array with tfjs's own Callback
 * subclasses (`tf.callbacks.earlyStopping()`): tfjs passes an array through unchanged only when
 * its FIRST entry is a Callback instance, and otherwise wraps every entry as a config object
 * (which breaks EarlyStopping, whose methods then run with the wrong `this`). Its hooks are bound
 * to the instance, so even when tfjs wraps it (a plain `{onEpochEnd}` object first in the array)
 * they still run; pass `model` in that case. Plain config objects should be wrapped with
 * `new tf.CustomCallback({...})` to mix freely.
 *
 * Global step: 0-based, counted here (tfjs restarts `batch` every epoch). The LR for step `s` is
 * set in onBatchBegin, before the step runs, and only when it differs from the previous one. A
 * resumed run (`initialEpoch`) starts at `initialEpoch × stepsPerEpoch`: taken from the fit params,
 * or from the first epoch index tfjs runs when it does not pass them (fitDataset, wrapped callbacks).
 *
 * A stateful schedule whose monitored metric is missing from the epoch logs is a `METRIC_NOT_FOUND`
 * error, except when `model.stopTraining` is set (another callback stopped the fit mid-epoch and
 * tfjs skipped that epoch's validation): that partial epoch is then simply not shown to the schedule.
 *
 * One instance can be reused for several fits, one at a time. If a fit dies elsewhere (another
 * callback throws, so tfjs never calls onTrainEnd), the next onTrainBegin removes what the dead fit
 * left installed and finishes its recorder run as `failed` with reason "interrupted".
 */
export class LrSchedulerCallback extends tf.Callback {
  readonly schedule: BuiltSchedule;
  /** 'idle' until training begins, then the RunStatus. */
  status: RunStatus | 'idle' = 'idle';
  divergence: DivergenceInfo | undefined;

  readonly #args: LrSchedulerArgs;
  readonly #label: string;
  #driver: ScheduleDriver | undefined;
  #optimizer: tf.Optimizer | undefined;
  #untap: (() => void) | undefined;
  #active = false;
  #recorderStarted = false;
  /** Batches run in the current fit, and whether its first onEpochBegin has been seen. */
  #batchesRun = 0;
  #epochBegun = false;
  #trainStart = 0;
  #epochStart = 0;
  #epochsRun = 0;
  #syncReads = false;

  constructor(args: LrSchedulerArgs) {
    super();
    if (args === null || typeof args !== 'object') {
      throw new TrainingError('INVALID_ARGS', `lrScheduler expects an options object such as { schedule: {...} }. Received: ${String(args)}.`);
    }
    if (args.stepsPerEpoch !== undefined) requireInteger('stepsPerEpoch', args.stepsPerEpoch, 1, 'lrScheduler');
    this.#args = args;
    this.schedule = resolveSchedule(args.schedule, args.runtime);
    this.#label = `lrScheduler callback (${describeSchedule(args.schedule, args.runtime)})`;
    // Bound hooks: they keep working when tfjs wraps this object in a CustomCallback.
    this.onTrainBegin = this.onTrainBegin.bind(this);
    this.onTrainEnd = this.onTrainEnd.bind(this);
    this.onEpochBegin = this.onEpochBegin.bind(this);
    this.onEpochEnd = this.onEpochEnd.bind(this);
    this.onBatchBegin = this.onBatchBegin.bind(this);
    this.onBatchEnd = this.onBatchEnd.bind(this);
  }

  /** Global step of the next optimizer step. */
  get step(): number {
    return this.#driver?.step ?? 0;
  }

  /** The learning rate last set on the optimizer (NaN before the first step). */
  get learningRate(): number {
    return this.#driver?.learningRate ?? Number.NaN;
  }

  /** The ScheduleContext the run uses (known after onTrainBegin). */
  get context(): ScheduleContext {
    return this.#driver?.context ?? {};
  }

  override async onTrainBegin(_logs?: tf.Logs): Promise<void> {
    await this.#guard(async () => {
      await this.#abandonPreviousFit();
      const model = (this.model as tf.LayersModel | null) ?? this.#args.model;
      if (!model) {
        throw new TrainingError(
          'CALLBACK_WITHOUT_MODEL',
          `${this.#label}: tfjs did not give the callback its model. This happens when the first entry of the callbacks ` +
            `array is a plain object (tfjs then wraps every entry). Put the lrScheduler first, wrap plain objects with ` +
            `new tf.CustomCallback({...}), or pass { model } to lrScheduler.`,
        );
      }
      const optimizer = model.optimizer;
      if (!optimizer) {
        throw new TrainingError('MODEL_NOT_COMPILED', `${this.#label}: the model has no optimizer; call model.compile({ optimizer, loss }) first.`);
      }
      // Before any step: an optimizer we cannot drive is an error, never a constant-LR run.
      const adapter = adapterFor(optimizer, optimizerSource(this.#args.runtime));
      this.#acquire(model, optimizer);

      const params = (this.params ?? {}) as Record<string, unknown>;
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
      const epochs = num(params['epochs']);
      const samples = num(params['samples']);
      const batchSize = num(params['batchSize']);
      const stepsPerEpoch =
        this.#args.stepsPerEpoch ?? num(params['steps']) ?? (samples !== undefined && batchSize ? Math.ceil(samples / batchSize) : undefined);
      const context: ScheduleContext = {
        ...(stepsPerEpoch !== undefined && { stepsPerEpoch }),
        ...(stepsPerEpoch !== undefined && epochs !== undefined && { totalSteps: epochs * stepsPerEpoch }),
      };
      const initialEpoch = num(params['initialEpoch']) ?? 0;
      const initialLearningRate = adapter.getLearningRate(optimizer);
      this.#driver = new ScheduleDriver({
        schedule: this.schedule,
        optimizer,
        adapter,
        context,
        startStep: stepsPerEpoch !== undefined ? initialEpoch * stepsPerEpoch : 0,
      });
      this.#driver.epoch = initialEpoch;
      this.status = 'running';
      this.divergence = undefined;
      this.#epochsRun = 0;
      this.#batchesRun = 0;
      this.#epochBegun = false;
      this.#trainStart = now();
      this.#syncReads = HOST_BACKENDS.has(tf.getBackend());

      if (this.#driver.needsGradients) {
        const driver = this.#driver;
        this.#untap = tapApplyGradients(optimizer, (grads) => {
          // A fit that died elsewhere never called onTrainEnd: stop observing, leave the optimizer alone.
          if (!this.#active) return this.#cleanup();
          driver.observeGradients(flattenGradients(grads));
        });
      }

      if (this.#args.recorder) {
        await this.#args.recorder.start({
          optimizer: { className: adapter.className, initialLearningRate },
          ...(!isBuiltSchedule(this.#args.schedule) && { schedule: this.#args.schedule }),
          ...(epochs !== undefined && { epochs }),
          ...(stepsPerEpoch !== undefined && { stepsPerEpoch }),
          backend: tf.getBackend(),
          tfjsVersion: tf.version.tfjs,
          startedAt: new Date().toISOString(),
        });
        this.#recorderStarted = true;
      }
    });
  }

  override async onEpochBegin(epoch: number, _logs?: tf.Logs): Promise<void> {
    await this.#guard(async () => {
      const driver = this.#requireDriver();
      // tfjs does not always tell onTrainBegin where the run starts: fitDataset passes initialEpoch
      // null to its callbacks, and a CustomCallback-wrapped callback gets no params at all. The
      // first epoch index it runs is authoritative, so before any step the global step follows it.
      const stepsPerEpoch = driver.context.stepsPerEpoch;
      if (!this.#epochBegun && this.#batchesRun === 0 && stepsPerEpoch !== undefined) driver.step = epoch * stepsPerEpoch;
      this.#epochBegun = true;
      driver.epoch = epoch;
      this.#epochStart = now();
    });
  }

  override async onBatchBegin(_batch: number, _logs?: tf.Logs): Promise<void> {
    await this.#guard(async () => {
      this.#requireDriver().apply();
    });
  }

  override async onBatchEnd(batch: number, logs?: tf.Logs): Promise<void> {
    await this.#guard(async () => {
      const driver = this.#requireDriver();
      const raw = logs as AnyLogs;
      // Pure schedules only need the loss (one read per batch); stateful ones get every metric.
      const numeric = driver.stateful ? await readLogs(raw, this.#syncReads) : undefined;
      const loss = numeric ? numeric['loss'] : await readNumber(raw?.['loss'], this.#syncReads);
      if (loss !== undefined && !Number.isFinite(loss)) {
        this.#diverge(loss, driver.step, batch);
      } else if (driver.stateful && this.status === 'running') {
        driver.observe({ kind: 'batch', step: driver.step, epoch: driver.epoch, logs: numeric });
      }
      driver.step += 1;
      this.#batchesRun += 1;
    });
  }

  override async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    await this.#guard(async () => {
      const driver = this.#requireDriver();
      const numeric = await readLogs(logs as AnyLogs, this.#syncReads);
      const lr = Number.isNaN(driver.learningRate) ? driver.valueAt(driver.step) : driver.learningRate;
      if (logs) (logs as Record<string, number>)['learning_rate'] = lr;
      if (this.status === 'running' && numeric['loss'] !== undefined && !Number.isFinite(numeric['loss'])) {
        this.#diverge(numeric['loss'], driver.step - 1, undefined);
      }
      if (this.status === 'running' && driver.stateful) {
        const monitor = driver.monitor;
        const model = (this.model as tf.LayersModel | null) ?? this.#args.model;
        if (monitor === undefined || monitor in numeric) {
          driver.observe({ kind: 'epoch', step: driver.step, epoch, logs: numeric });
        } else if (model?.stopTraining !== true) {
          const available = Object.keys(numeric);
          throw new TrainingError(
            'METRIC_NOT_FOUND',
            `${this.#label}: the schedule monitors \`${monitor}\`, which is not in the epoch logs (epoch ${epoch}). ` +
              `Available: ${available.join(', ') || '(none)'}. Set the schedule's \`monitor\` to one of them` +
              `${monitor.startsWith('val_') ? ', or give model.fit validationData / validationSplit' : ''}.`,
            { metric: monitor, available, epoch },
          );
        }
        // Else another callback stopped training mid-epoch: tfjs skips that epoch's validation, so
        // the metric is missing for a reason that is not a setup error; the partial epoch is not observed.
      }
      this.#epochsRun += 1;
      if (this.#args.recorder) {
        const { loss, val_loss, ...rest } = numeric;
        const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : undefined);
        const metrics: Record<string, number> = {};
        for (const [k, v] of Object.entries(rest)) if (Number.isFinite(v)) metrics[k] = v;
        await this.#args.recorder.epoch({
          epoch,
          step: driver.step,
          lr,
          ...(finite(loss) !== undefined && { loss }),
          ...(finite(val_loss) !== undefined && { val_loss }),
          metrics,
          wallTimeMs: now() - this.#epochStart,
        });
      }
      if (this.#args.verbose) {
        const shown = Object.entries(numeric).map(([k, v]) => `${k}=${v.toPrecision(4)}`);
        console.log(`metatune epoch ${epoch}: learning_rate=${lr.toPrecision(4)} step=${driver.step} ${shown.join(' ')}`);
      }
    });
  }

  override async onTrainEnd(_logs?: tf.Logs): Promise<void> {
    await this.#guard(async () => {
      if (this.status === 'running') this.status = 'completed';
      this.#cleanup();
      await this.#finishRecorder(this.status === 'diverged' ? this.divergence?.message : undefined);
    });
  }

  #requireDriver(): ScheduleDriver {
    if (!this.#driver) {
      throw new TrainingError('CALLBACK_NOT_STARTED', `${this.#label}: onTrainBegin was not called; use the callback through model.fit / model.fitDataset.`);
    }
    return this.#driver;
  }

  #acquire(model: tf.LayersModel, optimizer: tf.Optimizer): void {
    const m = model as unknown as { isTraining?: boolean; history?: unknown };
    // tfjs sets isTraining and a fresh History for each fit() call: a lock taken inside fit() is
    // stale once that fit is over, even if it died before calling onTrainEnd.
    const inFit = m.isTraining === true;
    const history = m.history;
    acquireController(optimizer, {
      owner: this,
      description: `another ${this.#label}`,
      isActive: () => this.#active && (!inFit || (m.isTraining === true && m.history === history)),
      evict: () => this.#cleanup(),
    });
    this.#optimizer = optimizer;
    this.#active = true;
  }

  #cleanup(): void {
    this.#active = false;
    this.#untap?.();
    this.#untap = undefined;
    if (this.#optimizer) releaseController(this.#optimizer, this);
  }

  #diverge(loss: number, step: number, batch: number | undefined): void {
    const driver = this.#requireDriver();
    const lr = driver.learningRate;
    const message =
      `metatune: loss is ${loss} at step ${step} (epoch ${driver.epoch}${batch !== undefined ? `, batch ${batch}` : ''}, ` +
      `learning rate ${lr}); training stopped and the run marked diverged. Lower the learning rate or add warm-up.`;
    this.divergence = { step, epoch: driver.epoch, ...(batch !== undefined && { batch }), learningRate: lr, loss, message };
    this.status = 'diverged';
    console.error(message);
    const model = (this.model as tf.LayersModel | null) ?? this.#args.model;
    if (model) model.stopTraining = true;
  }

  /**
   * This instance's previous fit died elsewhere (another callback threw, so tfjs never called our
   * onTrainEnd): remove its gradient tap and lock (a second tap would observe every step twice and
   * its stale driver would set the LR last), and close its recorder run as failed.
   */
  async #abandonPreviousFit(): Promise<void> {
    this.#cleanup();
    if (this.#recorderStarted) {
      if (this.status === 'running' || this.status === 'idle') this.status = 'failed';
      await this.#finishRecorder('interrupted', 'failed');
    }
  }

  async #finishRecorder(reason: string | undefined, forced?: 'failed'): Promise<void> {
    if (!this.#args.recorder || !this.#recorderStarted) return;
    this.#recorderStarted = false;
    const status = forced ?? (this.status === 'idle' || this.status === 'running' ? 'failed' : this.status);
    await this.#args.recorder.finish({
      status,
      ...(reason !== undefined && { reason }),
      epochsRun: this.#epochsRun,
      steps: this.#driver?.step ?? 0,
      wallTimeMs: now() - this.#trainStart,
    });
  }

  /** Any error in a hook: release the optimizer, record the failure, rethrow (model.fit rejects). */
  async #guard(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      this.#cleanup();
      if (this.status === 'running' || this.status === 'idle') this.status = 'failed';
      const reason = error instanceof Error ? error.message : String(error);
      try {
        await this.#finishRecorder(reason);
      } catch {
        // The original error is the one worth reporting.
      }
      throw error;
    }
  }
}

/**
 * Drives the learning rate of `model.fit` / `model.fitDataset` from a schedule.
 *
 * @example
 * ```ts
 * const history = await model.fit(xs, ys, {
 *   epochs: 10,
 *   batchSize: 32,
 *   callbacks: [lrScheduler({ schedule: { family: 'cosine_decay', params: { initialLearningRate: 0.1, decaySteps: 1000 } } })],
 * });
 * history.history.learning_rate; // one value per epoch
 * ```
 */
export function lrScheduler(args: LrSchedulerArgs): LrSchedulerCallback {
  return new LrSchedulerCallback(args);
}
