/**
 * `trainCandidate`: the one way metatune trains "this candidate on this task split" — sweeps and
 * the corpus (src/sweeps/trial.ts), `metatune demo`, and whatever applies a suggestion (`fit`).
 *
 * The model comes from the zoo (seeded initial weights), the optimizer from its config, the schedule
 * through the `lrScheduler` callback (run-length and `$learningRate` placeholders resolved first, so
 * the trace holds the exact spec that ran), every epoch goes to a recorder, and a diverged run stops
 * there and says so. Without a schedule the optimizer's own rate is held constant, so every run still
 * leaves a trace.
 *
 * Invariants:
 * - Every tensor it creates is disposed before it returns or throws, except, with `keepModel`, the
 *   returned model and its optimizer, which the caller releases with the returned `dispose()`.
 * - With `shuffle: true` (the default), batch order and dropout masks follow `randomKey`: the same
 *   key gives the same run.
 */
import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '../core/errors.js';
import { requireInteger } from '../core/validation.js';
import type { ModelZooEntry } from '../models/model-zoo.js';
import { compileFor } from '../models/compile.js';
import { substituteLearningRate, substitutePlaceholders } from '../schedules/placeholders.js';
import type { ScheduleSpec } from '../schedules/schedule.js';
import type { LoadedTask, TaskSplit } from '../tasks/task.js';
import { lrScheduler, type DivergenceInfo } from '../tfjs/callback.js';
import { MemoryRecorder } from '../tfjs/memory-recorder.js';
import type { EpochRecord, RunOutcome, RunRecorder, RunStartInfo } from '../tfjs/recorder.js';
import type { TfjsRuntime } from '../tfjs/runtime.js';
import type { OptimizerConfig } from './optimizer-config.js';
import { disposeOptimizer, makeOptimizer } from './optimizers.js';
import { withSeededMathRandom } from './seeded-math-random.js';

/** What is trained: a zoo model (by id, or an entry of one's own), an optimizer and a schedule. */
export interface CandidateToTrain {
  /** Model-zoo id (`mlp-small`), looked up in `models`, or a `ModelZooEntry` itself. */
  readonly model: string | ModelZooEntry;
  readonly optimizer: OptimizerConfig;
  /**
   * Schedule spec, possibly with "$totalSteps" / "$stepsPerEpoch" / "$learningRate" placeholders.
   * Defaults to the optimizer's learning rate held constant.
   */
  readonly schedule?: unknown;
}

/** Where model ids are looked up. */
export interface ModelSource {
  values(): readonly ModelZooEntry[];
}

/** What `trainCandidate` needs from the process: the zoo and the schedule / optimizer registries. */
export interface TrainRuntime extends TfjsRuntime {
  /** The zoo to look a model id up in (a `Registry<ModelZooEntry>`). Required when `candidate.model` is an id. */
  readonly models?: ModelSource;
}

/** What the loop tells `onEpochEnd`; `stop()` ends training after this epoch. */
export interface EpochControl {
  stop(): void;
}

export interface TrainCandidateArgs {
  readonly task: LoadedTask;
  readonly candidate: CandidateToTrain;
  /** Epochs to train. Required (integer >= 1). */
  readonly epochs: number;
  /** Mini-batch size. Required (integer >= 1). */
  readonly batchSize: number;
  /** Seed of the model's initial weights. Defaults to the task's split seed. */
  readonly seed?: number;
  readonly runtime: TrainRuntime;
  /** Receives the run as it trains (a `StoreRecorder` writes it to a trace store). Defaults to none; the trace is returned either way. */
  readonly recorder?: RunRecorder;
  /** Shuffle the training rows every epoch. Defaults to true. */
  readonly shuffle?: boolean;
  /** Seeds `Math.random` during `fit` (batch order, dropout), so the same key repeats the run. Defaults to `"<model>@<seed>"`. */
  readonly randomKey?: string;
  /** Called after each epoch with tfjs's epoch logs. Defaults to none. */
  readonly onEpochEnd?: (epoch: number, logs: Readonly<Record<string, number>>, control: EpochControl) => void | Promise<void>;
  /** Return the trained model instead of disposing it (the caller disposes it). Defaults to false. */
  readonly keepModel?: boolean;
}

export interface TrainedCandidate {
  /** How the run ended, as the callback saw it (`pruned` is a recorder's override, not reported here). */
  readonly status: RunOutcome['status'];
  readonly outcome: RunOutcome;
  /** Where and how it diverged, when it did. */
  readonly divergence?: DivergenceInfo;
  /** The schedule spec that ran (placeholders resolved). */
  readonly schedule: unknown;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  /** The run's start record and one record per finished epoch (the trace, whatever the recorder). */
  readonly start: RunStartInfo;
  readonly epochs: readonly EpochRecord[];
  /** tfjs `History.history` (per-epoch logs by name). */
  readonly history: Readonly<Record<string, readonly number[]>>;
  /** The trained model (compiled, with its optimizer), with `keepModel` only. */
  readonly model?: tf.LayersModel;
  /** Releases the kept model and its optimizer; a no-op without `keepModel`. */
  dispose(): void;
  readonly wallTimeMs: number;
}

/** Input spec a zoo entry gets for a task: images keep [h, w, c] when the entry takes them, else the flattened row. */
export function inputFor(entry: ModelZooEntry, task: LoadedTask): { readonly shape: readonly number[]; readonly flatten: boolean } {
  const flatten = !entry.accepts({ shape: task.inputShape });
  return { shape: flatten ? [task.inputShape.reduce((a, b) => a * b, 1)] : task.inputShape, flatten };
}

/** x and y tensors of one split: one-hot float targets for classification, a column for regression. */
export function splitTensors(task: LoadedTask, split: TaskSplit, flatten: boolean): [tf.Tensor, tf.Tensor] {
  const shape = flatten ? [split.n, task.inputShape.reduce((a, b) => a * b, 1)] : [split.n, ...task.inputShape];
  const x = tf.tensor(split.x, shape);
  const y =
    task.ref.kind === 'classification'
      ? tf.tidy(() => tf.oneHot(tf.tensor1d(split.y as Int32Array, 'int32'), task.numClasses!).toFloat())
      : tf.tensor2d(split.y as Float32Array, [split.n, 1]);
  return [x, y];
}

/** The zoo entry a candidate names; `UNKNOWN_MODEL` lists the ids there are. */
export function zooEntryFor(model: string | ModelZooEntry, source: ModelSource | undefined, where: string): ModelZooEntry {
  if (typeof model !== 'string') return model;
  const models = source?.values() ?? [];
  const entry = models.find((e) => e.id === model);
  if (!entry) {
    throw new ValidationError(
      'UNKNOWN_MODEL',
      `${where}: unknown model "${model}". Valid choices: ${models.map((e) => e.id).join(', ') || '(no zoo entries registered)'}.`,
      { model },
    );
  }
  return entry;
}

/** Forwards every recorder call to each of `recorders`, in order. */
function teeRecorder(recorders: readonly RunRecorder[]): RunRecorder {
  return {
    async start(info) {
      for (const r of recorders) await r.start(info);
    },
    async epoch(record) {
      for (const r of recorders) await r.epoch(record);
    },
    async finish(outcome) {
      for (const r of recorders) await r.finish(outcome);
    },
  };
}

/** Trains one candidate on `task.train`, validating on `task.validation`; see the module comment. */
export async function trainCandidate(args: TrainCandidateArgs): Promise<TrainedCandidate> {
  const where = 'trainCandidate';
  const epochs = requireInteger('epochs', args.epochs, 1, where);
  const batchSize = requireInteger('batchSize', args.batchSize, 1, where);
  const seed = requireInteger('seed', args.seed ?? args.task.seed, 0, where);
  const { task, candidate, runtime } = args;
  const entry = zooEntryFor(candidate.model, runtime.models, where);
  const { shape, flatten } = inputFor(entry, task);
  const output = { kind: task.ref.kind, units: task.ref.kind === 'classification' ? task.numClasses! : 1 } as const;
  const stepsPerEpoch = Math.ceil(task.train.n / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  const lr = candidate.optimizer.learningRate;
  const spec = candidate.schedule ?? { family: 'constant', params: { learningRate: lr } };
  // "$learningRate" first (the optimizer's rate), then the run-length placeholders.
  const schedule = substitutePlaceholders(substituteLearningRate(spec, lr), { totalSteps, stepsPerEpoch });

  const memory = new MemoryRecorder();
  const recorder = args.recorder ? teeRecorder([memory, args.recorder]) : memory;
  // Built before any tensor exists: a bad spec throws with nothing to clean up.
  const scheduler = lrScheduler({ schedule: schedule as ScheduleSpec, recorder, runtime });

  let model: tf.LayersModel | undefined;
  let optimizer: tf.Optimizer | undefined;
  const data: tf.Tensor[] = [];
  let history: tf.History | undefined;
  const started = performance.now();
  try {
    // Passed to compile as an instance, so tfjs does not own it and model.dispose() leaves its slot
    // variables (Adam's moments, momentum accumulators): we dispose it.
    optimizer = makeOptimizer(candidate.optimizer);
    const m = entry.build({ shape }, output, { seed });
    model = m;
    compileFor(m, output, optimizer);
    const [xTrain, yTrain] = splitTensors(task, task.train, flatten);
    data.push(xTrain, yTrain);
    const [xVal, yVal] = splitTensors(task, task.validation, flatten);
    data.push(xVal, yVal);
    const callbacks: Array<tf.Callback | tf.CustomCallback> = [scheduler];
    const onEpochEnd = args.onEpochEnd;
    if (onEpochEnd) {
      const control: EpochControl = { stop: () => void (m.stopTraining = true) };
      callbacks.push(new tf.CustomCallback({ onEpochEnd: async (epoch, logs) => onEpochEnd(epoch, (logs ?? {}) as Record<string, number>, control) }));
    }
    const fit = () =>
      m.fit(xTrain, yTrain, {
        epochs,
        batchSize,
        validationData: [xVal, yVal],
        shuffle: args.shuffle ?? true,
        verbose: 0,
        yieldEvery: 'never',
        callbacks,
      });
    history = await withSeededMathRandom(args.randomKey ?? `${entry.id}@${seed}`, fit);
  } finally {
    tf.dispose(data);
    if (!args.keepModel || history === undefined) {
      model?.dispose();
      if (optimizer) disposeOptimizer(optimizer);
    }
  }
  let kept = args.keepModel ? { model: model!, optimizer: optimizer! } : undefined;
  const outcome = memory.outcome!;
  return {
    status: outcome.status,
    outcome,
    ...(scheduler.divergence && { divergence: scheduler.divergence }),
    schedule,
    stepsPerEpoch,
    totalSteps,
    start: memory.info!,
    epochs: [...memory.epochs],
    history: history.history as Record<string, number[]>,
    ...(kept && { model: kept.model }),
    dispose: () => {
      if (!kept) return;
      kept.model.dispose();
      disposeOptimizer(kept.optimizer);
      kept = undefined;
    },
    wallTimeMs: performance.now() - started,
  };
}
