/**
 * A candidate trained in stages: `advance(toEpoch)` trains up to an epoch and stops there, keeping
 * the model, its optimizer (Adam's moments) and the schedule's place, so successive halving can
 * pause every entrant at a rung and resume only the survivors. A resumed run differs from a
 * straight one only in batch order (tfjs reshuffles the previous epoch's order in place, and a new
 * `model.fit` starts from the natural order); up to the first pause the two are identical. Trained
 * straight through (`advance(epochs)` once) it is the same kind of run as `trainCandidate` (src/train/train-candidate.ts):
 * same zoo model and seed, same optimizer, the schedule's placeholders resolved for the *full*
 * run length (so a paused run follows exactly the curve a full run would), the `lrScheduler`
 * callback, divergence detection and a recorder. What it adds: resumption, class weights, and
 * tensors shared between the candidates of one fit.
 *
 * Invariants:
 * - One trace per candidate whatever the number of stages: the recorder sees one `start`, every
 *   epoch once, and one `finish` (from `close`), with the status the caller decides (`pruned`).
 * - A stateful schedule (reduce-on-plateau) continues across stages: the callback builds a fresh
 *   driver per `model.fit`, so the session hands it the schedule's last state as its `init()`.
 * - Every tensor it creates is released by `dispose()`; the shared data tensors are the caller's.
 */
import * as tf from '@tensorflow/tfjs';
import type { Candidate } from '../meta/candidate.js';
import { compileFor } from '../models/compile.js';
import type { ModelZooEntry } from '../models/model-zoo.js';
import { substituteLearningRate, substitutePlaceholders } from '../schedules/placeholders.js';
import { isStatefulSchedule, type BuiltSchedule, type ScheduleSpec, type StatefulSchedule } from '../schedules/schedule.js';
import { resolveSchedule } from '../tfjs/runtime.js';
import type { LoadedTask } from '../tasks/task.js';
import { lrScheduler, type DivergenceInfo, type LrSchedulerCallback } from '../tfjs/callback.js';
import type { EpochRecord, RunOutcome, RunRecorder, RunStartInfo } from '../tfjs/recorder.js';
import { disposeOptimizer, makeOptimizer } from '../train/optimizers.js';
import { hashString } from '../train/seeded-math-random.js';
import { seededRandom } from '../tasks/random.js';
import { inputFor, splitTensors, zooEntryFor, type TrainRuntime } from '../train/train-candidate.js';

/** x / y tensors of the train and validation splits, shared by every candidate of one fit. */
export interface SplitTensors {
  readonly xTrain: tf.Tensor;
  readonly yTrain: tf.Tensor;
  readonly xVal: tf.Tensor;
  readonly yVal: tf.Tensor;
}

/**
 * Builds (once per input layout) the tensors a zoo entry needs: flattened rows for MLPs, images
 * for models that take them. `dispose()` frees them all.
 */
export class TensorCache {
  readonly #byLayout = new Map<string, SplitTensors>();
  constructor(readonly task: LoadedTask) {}

  for(entry: ModelZooEntry): SplitTensors {
    const { flatten } = inputFor(entry, this.task);
    const key = flatten ? 'flat' : 'shaped';
    let hit = this.#byLayout.get(key);
    if (!hit) {
      const [xTrain, yTrain] = splitTensors(this.task, this.task.train, flatten);
      const [xVal, yVal] = splitTensors(this.task, this.task.validation, flatten);
      hit = { xTrain, yTrain, xVal, yVal };
      this.#byLayout.set(key, hit);
    }
    return hit;
  }

  dispose(): void {
    for (const t of this.#byLayout.values()) tf.dispose([t.xTrain, t.yTrain, t.xVal, t.yVal]);
    this.#byLayout.clear();
  }
}

export interface SessionArgs {
  readonly task: LoadedTask;
  readonly candidate: Pick<Candidate, 'model' | 'optimizer' | 'schedule'> & { readonly id: string };
  /** Full run length the schedule is laid out for. */
  readonly epochs: number;
  readonly batchSize: number;
  /** Seed of the initial weights (and of the batch order, with the candidate id). */
  readonly seed: number;
  readonly runtime: TrainRuntime;
  readonly tensors: TensorCache;
  /** Class index → loss weight (imbalanced classification). Defaults to none. */
  readonly classWeight?: Readonly<Record<number, number>>;
  /** Receives the run (one trace across all stages). Defaults to none. */
  readonly recorder?: RunRecorder;
  /** After each epoch, with tfjs' logs plus `learning_rate`. */
  readonly onEpochEnd?: (epoch: number, logs: Readonly<Record<string, number>>) => void | Promise<void>;
}

/** Forwards one start, every epoch, and holds back `finish` until the session closes. */
class StagedRecorder implements RunRecorder {
  started = false;
  epochsRun = 0;
  steps = 0;
  wallTimeMs = 0;
  info: RunStartInfo | undefined;
  readonly records: EpochRecord[] = [];
  constructor(
    private readonly inner: RunRecorder | undefined,
    private readonly spec: unknown,
  ) {}
  async start(info: RunStartInfo): Promise<void> {
    if (this.started) return;
    this.started = true;
    // The callback gets a built (state-keeping) schedule, so it cannot name the spec: the trace must.
    this.info = { ...info, schedule: this.spec };
    await this.inner?.start(this.info);
  }
  async epoch(record: EpochRecord): Promise<void> {
    this.records.push(record);
    await this.inner?.epoch(record);
  }
  finish(outcome: RunOutcome): void {
    this.epochsRun += outcome.epochsRun;
    this.steps = outcome.steps;
    this.wallTimeMs += outcome.wallTimeMs;
  }
  async close(status: RunOutcome['status'], reason?: string): Promise<RunOutcome> {
    const outcome: RunOutcome = { status, ...(reason !== undefined && { reason }), epochsRun: this.epochsRun, steps: this.steps, wallTimeMs: this.wallTimeMs };
    if (this.started) await this.inner?.finish(outcome);
    return outcome;
  }
}

/**
 * A stateful schedule whose `init()` returns the state it last reached: each `model.fit` of a
 * staged run builds a new driver, which then picks up where the previous stage left off (a
 * reduce-on-plateau that has halved its rate stays halved). Pure schedules need nothing.
 */
function continuing(built: BuiltSchedule): BuiltSchedule {
  if (!isStatefulSchedule(built)) return built;
  const inner = built;
  let last: { state: unknown } | undefined;
  const wrapped: StatefulSchedule<unknown> = {
    kind: 'stateful',
    requires: inner.requires,
    init: () => (last ??= { state: inner.init() }).state,
    update: (state, obs) => (last = { state: inner.update(state, obs) }).state,
    value: (state, step, ctx) => inner.value(state, step, ctx),
    ...(inner.momentum && { momentum: (state: unknown, step: number, ctx?: Parameters<NonNullable<typeof inner.momentum>>[2]) => inner.momentum!(state, step, ctx) }),
  };
  return wrapped;
}

export class CandidateSession {
  readonly entry: ModelZooEntry;
  readonly schedule: unknown;
  readonly stepsPerEpoch: number;
  /** Epochs trained so far. */
  epoch = 0;
  /** Validation loss after each finished epoch. */
  readonly valLosses: number[] = [];
  readonly history: Record<string, number[]> = {};
  status: 'running' | RunOutcome['status'] = 'running';
  divergence: DivergenceInfo | undefined;
  outcome: RunOutcome | undefined;
  model: tf.LayersModel | undefined;
  /** Wall time spent in model.fit, all stages. */
  trainMs = 0;

  readonly #args: SessionArgs;
  readonly #recorder: StagedRecorder;
  readonly #scheduler: LrSchedulerCallback;
  #optimizer: tf.Optimizer | undefined;
  /** One random stream per candidate, continued across stages: a staged run shuffles like a straight one. */
  readonly #random: () => number;

  constructor(args: SessionArgs) {
    this.#args = args;
    const { task, candidate, runtime } = args;
    this.entry = zooEntryFor(candidate.model, runtime.models, `candidate ${candidate.id}`);
    this.stepsPerEpoch = Math.ceil(task.train.n / args.batchSize);
    const lr = candidate.optimizer.learningRate;
    const spec = candidate.schedule ?? { family: 'constant', params: { learningRate: lr } };
    this.schedule = substitutePlaceholders(substituteLearningRate(spec, lr), { totalSteps: args.epochs * this.stepsPerEpoch, stepsPerEpoch: this.stepsPerEpoch });
    this.#recorder = new StagedRecorder(args.recorder, this.schedule);
    this.#random = seededRandom(hashString(`${candidate.id}@${args.seed}`));
    // Built before any tensor exists: a bad spec throws with nothing to clean up.
    this.#scheduler = lrScheduler({ schedule: continuing(resolveSchedule(this.schedule as ScheduleSpec, runtime)), recorder: this.#recorder, runtime, stepsPerEpoch: this.stepsPerEpoch });
  }

  get records(): readonly EpochRecord[] {
    return this.#recorder.records;
  }

  get startInfo(): RunStartInfo | undefined {
    return this.#recorder.info;
  }

  /** Trains from the current epoch up to `toEpoch` (≤ the full run length). Returns the validation loss there (+Infinity once diverged). */
  async advance(toEpoch: number): Promise<number> {
    const args = this.#args;
    if (this.status !== 'running') return this.valLossAt(toEpoch);
    if (toEpoch <= this.epoch) return this.valLossAt(toEpoch);
    const task = args.task;
    if (!this.model) {
      const output = { kind: task.ref.kind, units: task.ref.kind === 'classification' ? task.numClasses! : 1 } as const;
      const { shape } = inputFor(this.entry, task);
      this.#optimizer = makeOptimizer(args.candidate.optimizer);
      this.model = this.entry.build({ shape }, output, { seed: args.seed });
      compileFor(this.model, output, this.#optimizer);
    }
    const model = this.model;
    const data = args.tensors.for(this.entry);
    const onEpochEnd = args.onEpochEnd;
    const callbacks: Array<tf.Callback | tf.CustomCallback> = [this.#scheduler];
    callbacks.push(
      new tf.CustomCallback({
        onEpochEnd: async (epoch, logs) => {
          const l = (logs ?? {}) as Record<string, number>;
          for (const [k, v] of Object.entries(l)) (this.history[k] ??= []).push(v);
          this.valLosses.push(Number.isFinite(l.val_loss) ? l.val_loss! : Number.POSITIVE_INFINITY);
          this.epoch = epoch + 1;
          await onEpochEnd?.(epoch, l);
        },
      }),
    );
    const started = performance.now();
    // tfjs draws batch shuffles (and unseeded dropout masks) from Math.random and takes no seed.
    const original = Math.random;
    Math.random = this.#random;
    try {
      await model.fit(data.xTrain, data.yTrain, {
        initialEpoch: this.epoch,
        epochs: toEpoch,
        batchSize: args.batchSize,
        validationData: [data.xVal, data.yVal],
        shuffle: true,
        verbose: 0,
        yieldEvery: 'never',
        callbacks,
        ...(args.classWeight && { classWeight: args.classWeight as Record<number, number> }),
      });
    } finally {
      Math.random = original;
    }
    this.trainMs += performance.now() - started;
    if (this.#scheduler.status === 'diverged') {
      this.status = 'diverged';
      this.divergence = this.#scheduler.divergence;
    } else if (this.#scheduler.status === 'failed') {
      this.status = 'failed';
    }
    return this.valLossAt(toEpoch);
  }

  /** Validation loss after `epochs` epochs; +Infinity when the run diverged or stopped before. */
  valLossAt(epochs: number): number {
    if (this.status === 'diverged') return Number.POSITIVE_INFINITY;
    const v = this.valLosses[epochs - 1];
    return v === undefined ? Number.POSITIVE_INFINITY : v;
  }

  /** Ends the trace with `status` (completed, or pruned by the budget), once. */
  async close(status?: 'completed' | 'pruned', reason?: string): Promise<RunOutcome> {
    if (this.outcome) return this.outcome;
    const final: RunOutcome['status'] = this.status === 'running' ? (status ?? 'completed') : this.status;
    this.outcome = await this.#recorder.close(final, final === 'diverged' ? this.divergence?.message : reason);
    if (this.status === 'running') this.status = final;
    return this.outcome;
  }

  /** Frees the model and its optimizer. */
  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
    if (this.#optimizer) disposeOptimizer(this.#optimizer);
    this.#optimizer = undefined;
  }
}
