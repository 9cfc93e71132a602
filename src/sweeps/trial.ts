import { requireInteger } from '../core/validation.js';
import type { MetatuneRuntime } from '../runtime.js';
import { loadTask } from '../tasks/suite.js';
import type { LoadedTask } from '../tasks/task.js';
import { StoreRecorder } from '../traces/store-recorder.js';
import type { TraceStore } from '../traces/store.js';
import type { RunStatus, TraceOutcome } from '../traces/trace.js';
import type { OptimizerConfig } from '../train/optimizer-config.js';
import { trainCandidate, zooEntryFor } from '../train/train-candidate.js';

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
  /** Registries: the zoo, schedule families, optimizer adapters. */
  readonly runtime: MetatuneRuntime;
  readonly decide?: EpochDecider;
  /** Loaded tasks by `task@seed`, shared across trials of one process (loading mnist costs ~100 ms). */
  readonly taskCache?: Map<string, LoadedTask>;
  /** Let a task file read data outside its folder (`--allow-outside`). Defaults to false. */
  readonly allowOutside?: boolean;
}

async function cachedTask(config: TrialConfig, cache: Map<string, LoadedTask> | undefined, allowOutside?: boolean): Promise<LoadedTask> {
  const key = `${config.task}@${config.seed}`;
  const hit = cache?.get(key);
  if (hit) return hit;
  const task = await loadTask(config.task, { seed: config.seed, ...(allowOutside && { allowOutside }) });
  cache?.set(key, task);
  return task;
}

/**
 * Trains one candidate on its task with `trainCandidate` and records it as a trace through a
 * `StoreRecorder` under a deterministic run id. A pruned trial is stored with status `pruned`, not dropped.
 */
export async function runTrial(config: TrialConfig, deps: RunTrialDeps): Promise<TrialResult> {
  const runtime = deps.runtime;
  const where = `trial ${config.trialId}`;
  const epochs = requireInteger('epochs', config.epochs, 1, where);
  const batchSize = requireInteger('batchSize', config.batchSize, 1, where);
  const entry = zooEntryFor(config.model, runtime.models, where);
  const task = await cachedTask(config, deps.taskCache, deps.allowOutside);

  const runId = `${deps.runIdPrefix ?? `${deps.sweepId}:`}${config.trialId}`;
  const { name: _name, learningRate: _lr, ...hyperparameters } = config.optimizer;
  const recorder = new StoreRecorder({
    store: deps.store,
    runId,
    task: task.ref,
    model: { zooId: entry.id },
    optimizerHyperparameters: hyperparameters as Record<string, number | string>,
    provenance: { importer: 'sweep', sourceKey: deps.sweepId },
    // Every epoch is written when it ends, so an attempt killed mid-trial keeps the epochs it
    // finished (stored `failed`/`interrupted` on resume, beside the re-run): a partial learning
    // curve is still a measurement. One small append per epoch (the file store journals it).
    epochsPerWrite: 1,
  });
  const valLosses: number[] = [];
  const decide = deps.decide;
  const started = performance.now();
  await trainCandidate({
    task,
    candidate: { model: entry, optimizer: config.optimizer, schedule: config.schedule },
    epochs,
    batchSize,
    seed: config.seed,
    runtime,
    recorder,
    // Reproducible: the same run id shuffles batches and draws dropout masks the same way.
    randomKey: runId,
    onEpochEnd: async (epoch, logs, control) => {
      if (logs.val_loss !== undefined) valLosses.push(logs.val_loss);
      if (decide && epoch < epochs - 1 && (await decide(epoch, logs)) === 'prune') {
        recorder.overrideStatus('pruned', `pruned after epoch ${epoch} by the sweep's successive-halving rule`);
        control.stop();
      }
    },
  });
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
