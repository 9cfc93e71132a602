import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '../core/errors.js';
import { defaultRuntime, type MetatuneRuntime } from '../core/container.js';
import { requireInteger } from '../core/validation.js';
import type { ModelZooEntry } from '../models/model-zoo.js';
import { compileFor } from '../../plugins/zoo-basic/compile.js';
import { lrScheduler } from '../tfjs/callback.js';
import { loadTask } from '../tasks/suite.js';
import type { LoadedTask, TaskSplit } from '../tasks/task.js';
import { StoreRecorder } from '../traces/store-recorder.js';
import type { TraceStore } from '../traces/store.js';
import type { RunStatus, TraceOutcome } from '../traces/trace.js';
import { disposeOptimizer, makeOptimizer, type OptimizerConfig } from './optimizers.js';
import { withSeededMathRandom } from './seeded-math-random.js';
import { substituteLearningRate, substitutePlaceholders } from './placeholders.js';

/** One candidate to train: everything needed to reproduce the run. JSON-serialisable (sent to workers). */
export interface TrialConfig {
  /** Stable id of the trial within its sweep; the stored run id is `<runIdPrefix><trialId>`. */
  readonly trialId: string;
  /** Suite task id (`wine~sub50~s1`) or path to a task file / data file. */
  readonly task: string;
  /** Seed of the task split and of the model's initial weights. */
  readonly seed: number;
  /** Model-zoo id (`mlp-small`). */
  readonly model: string;
  readonly optimizer: OptimizerConfig;
  /** Schedule spec; may use "$totalSteps" / "$stepsPerEpoch" / "$learningRate" (the optimizer's) placeholders. */
  readonly schedule: unknown;
  readonly epochs: number;
  readonly batchSize: number;
}

export interface TrialResult {
  readonly trialId: string;
  readonly runId: string;
  readonly status: Exclude<RunStatus, 'running'>;
  readonly outcome?: TraceOutcome;
  /** Validation loss per finished epoch (what pruners compare). */
  readonly valLosses: readonly number[];
  readonly wallTimeMs: number;
}

/** Asked after each epoch: return 'prune' to stop the trial there (successive halving). */
export type EpochDecider = (epoch: number, logs: Readonly<Record<string, number>>) => Promise<'continue' | 'prune'> | 'continue' | 'prune';

export interface RunTrialDeps {
  readonly store: TraceStore;
  /** Sweep id, recorded as provenance so a restarted sweep finds its finished trials. */
  readonly sweepId: string;
  /** Prefix of stored run ids. Defaults to `<sweepId>:`. */
  readonly runIdPrefix?: string;
  readonly runtime?: MetatuneRuntime;
  readonly decide?: EpochDecider;
  /** Loaded tasks by `task@seed`, shared across trials of one process (loading mnist costs ~100 ms). */
  readonly taskCache?: Map<string, LoadedTask>;
}

async function cachedTask(config: TrialConfig, cache: Map<string, LoadedTask> | undefined): Promise<LoadedTask> {
  const key = `${config.task}@${config.seed}`;
  const hit = cache?.get(key);
  if (hit) return hit;
  const task = await loadTask(config.task, { seed: config.seed });
  cache?.set(key, task);
  return task;
}

function tensorsOf(task: LoadedTask, split: TaskSplit, flatten: boolean): [tf.Tensor, tf.Tensor] {
  const shape = flatten ? [split.n, task.inputShape.reduce((a, b) => a * b, 1)] : [split.n, ...task.inputShape];
  const x = tf.tensor(split.x, shape);
  const y =
    task.ref.kind === 'classification'
      ? tf.tidy(() => tf.oneHot(tf.tensor1d(split.y as Int32Array, 'int32'), task.numClasses!).toFloat())
      : tf.tensor2d(split.y as Float32Array, [split.n, 1]);
  return [x, y];
}

/**
 * Trains one candidate on its task and records it as a trace: the model from the zoo (seeded
 * weights), the optimizer from its config, the schedule driven by `lrScheduler`, every epoch written
 * through a `StoreRecorder`. A pruned trial is stored with status `pruned`, not dropped.
 */
export async function runTrial(config: TrialConfig, deps: RunTrialDeps): Promise<TrialResult> {
  const runtime = deps.runtime ?? defaultRuntime();
  const epochs = requireInteger('epochs', config.epochs, 1, `trial ${config.trialId}`);
  const batchSize = requireInteger('batchSize', config.batchSize, 1, `trial ${config.trialId}`);
  const entries = runtime.contributions<ModelZooEntry>('models').map((c) => c.value);
  const entry = entries.find((e) => e.id === config.model);
  if (!entry) {
    throw new ValidationError('UNKNOWN_MODEL', `trial ${config.trialId}: unknown model "${config.model}". Valid choices: ${entries.map((e) => e.id).join(', ')}.`, {
      model: config.model,
    });
  }
  const task = await cachedTask(config, deps.taskCache);
  // Image tasks keep [h, w, c] for models that take it (the CNN); MLPs get the flattened row.
  const flatten = !entry.accepts({ shape: task.inputShape });
  const input = { shape: flatten ? [task.inputShape.reduce((a, b) => a * b, 1)] : task.inputShape };
  const output = { kind: task.ref.kind, units: task.ref.kind === 'classification' ? task.numClasses! : 1 } as const;
  const stepsPerEpoch = Math.ceil(task.train.n / batchSize);
  // "$learningRate" first (the optimizer's rate), then the run-length placeholders.
  const schedule = substitutePlaceholders(substituteLearningRate(config.schedule, config.optimizer.learningRate), { totalSteps: epochs * stepsPerEpoch, stepsPerEpoch });

  const runId = `${deps.runIdPrefix ?? `${deps.sweepId}:`}${config.trialId}`;
  const { name: _name, learningRate: _lr, ...hyperparameters } = config.optimizer;
  const recorder = new StoreRecorder({
    store: deps.store,
    runId,
    task: task.ref,
    model: { zooId: entry.id },
    optimizerHyperparameters: hyperparameters as Record<string, number | string>,
    provenance: { importer: 'sweep', sourceKey: deps.sweepId },
    // An interrupted trial is re-run, not continued: one write for all its epochs is enough.
    epochsPerWrite: Number.POSITIVE_INFINITY,
  });
  const valLosses: number[] = [];
  const decide = deps.decide;
  // Everything that holds tensors is created inside the try, so a trial that fails at any point
  // (a bad optimizer parameter, a schedule that does not resolve, a store write) leaves none behind:
  // a worker runs hundreds of trials in one process.
  let model: tf.LayersModel | undefined;
  let optimizer: tf.Optimizer | undefined;
  const data: tf.Tensor[] = [];
  const started = performance.now();
  try {
    // The optimizer is passed to compile as an instance, so tfjs does not own it and
    // model.dispose() leaves its slot variables (Adam's moments, momentum accumulators): we dispose it.
    optimizer = makeOptimizer(config.optimizer);
    const m = entry.build(input, output, { seed: config.seed });
    model = m;
    compileFor(m, output, optimizer);
    const [xTrain, yTrain] = tensorsOf(task, task.train, flatten);
    data.push(xTrain, yTrain);
    const [xVal, yVal] = tensorsOf(task, task.validation, flatten);
    data.push(xVal, yVal);
    const pruner = new tf.CustomCallback({
      onEpochEnd: async (epoch, logs) => {
        if (logs?.val_loss !== undefined) valLosses.push(logs.val_loss);
        if (decide && epoch < epochs - 1 && (await decide(epoch, (logs ?? {}) as Record<string, number>)) === 'prune') {
          recorder.overrideStatus('pruned', `pruned after epoch ${epoch} by the sweep's successive-halving rule`);
          m.stopTraining = true;
        }
      },
    });
    // Reproducible: the same run id shuffles batches and draws dropout masks the same way.
    await withSeededMathRandom(runId, () => m.fit(xTrain, yTrain, {
      epochs,
      batchSize,
      validationData: [xVal, yVal],
      shuffle: true,
      verbose: 0,
      yieldEvery: 'never',
      callbacks: [lrScheduler({ schedule: schedule as never, recorder, runtime }), pruner],
    }));
  } finally {
    tf.dispose(data);
    model?.dispose();
    if (optimizer) disposeOptimizer(optimizer);
  }
  const run = await deps.store.getRun(runId);
  return {
    trialId: config.trialId,
    runId,
    status: run.status as Exclude<RunStatus, 'running'>,
    ...(run.outcome && { outcome: run.outcome }),
    valLosses,
    wallTimeMs: performance.now() - started,
  };
}
