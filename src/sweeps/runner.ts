/**
 * The sweep runner behind `metatune sweep`: plans trials from a search space (random, grid, or
 * successive halving over random draws), runs them in-process or in K worker processes, stores
 * every trial as a trace, and resumes a sweep that was stopped.
 *
 * Resume scheme: trial i has id `t<i>` and run id `<sweepId>:t<i>` (provenance `{importer:
 * "sweep", sourceKey: sweepId}`). On start, the runner reads the sweep's runs from the store:
 * - a trial with a finished attempt (completed, pruned, diverged, or failed for a reason other
 *   than "interrupted") is done and skipped;
 * - an attempt still `running` was left by a killed sweep: it is finished as `failed` with reason
 *   "interrupted" (its epochs are kept), and the trial runs again as attempt `t<i>.a2` (`.a3`, …);
 * - an attempt whose worker process died mid-trial (the OOM killer, a crash) was stored by the live
 *   sweep as `failed` with reason "interrupted: worker process exited (…)": it is re-run the same way;
 * so a trial index ends with exactly one finished attempt, and the store keeps the history.
 * Successive halving counts rung values of trials that did not fail only: a failed attempt's values
 * are dropped live (`SuccessiveHalving.forget`) and not restored on resume, so a resumed sweep
 * starts from the same rung state the live one had.
 * The sweep id defaults to a hash of task, space, strategy, seed and overrides (and the budget, for
 * halving only), so the same command resumes the same sweep and a larger --budget extends it. One sweep id must be run by one process at a time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EnvironmentError, MetatuneError, ValidationError } from '../core/errors.js';
import type { MetatuneRuntime } from '../runtime.js';
import { requireInteger } from '../core/validation.js';
import type { ModelZooEntry } from '../models/model-zoo.js';
import { resolveBackend, type BackendName } from '../tfjs/backend.js';
import { loadTask } from '../tasks/suite.js';
import type { LoadedTask } from '../tasks/task.js';
import { openStore } from '../traces/get-store.js';
import type { TraceStore } from '../traces/store.js';
import type { RunStatus, TraceRecord } from '../traces/trace.js';
import { SuccessiveHalving } from './halving.js';
import { serializeError, type ParentMessage, type SerializedError, type WorkerMessage } from './protocol.js';
import { checkSpace, DEFAULT_SPACE, enumerateGrid, sampleTrial, type SearchSpace, type TrialParams } from './space.js';
import { runTrial, type TrialConfig, type TrialResult } from './trial.js';
import { scheduleNameOf } from '../schedules/spec-identity.js';

export const SWEEP_STRATEGIES = ['random', 'grid', 'halving'] as const;
export type SweepStrategy = (typeof SWEEP_STRATEGIES)[number];
export type FinishedStatus = Exclude<RunStatus, 'running' | 'incomplete'>; // sweeps never store incomplete (an import-only status)

export interface SweepOptions {
  /** Suite task id or task/data file. */
  readonly task: string;
  /** The search space. Defaults to `DEFAULT_SPACE`. */
  readonly space?: SearchSpace;
  /** Name of the space in messages (its file). Defaults to "<default space>" / "<space>". */
  readonly spaceLabel?: string;
  readonly strategy: SweepStrategy;
  /** Trials to finish. Required for random and halving; grid defaults to the whole grid (or its first N). */
  readonly budget?: number;
  /** Worker processes; 0 runs in this process. Defaults to 0. */
  readonly workers?: number;
  /** Store URL (file:… or postgres://… with workers; memory: only in-process). */
  readonly storeUrl: string;
  /** An already open store for in-process sweeps (tests); must be the store at `storeUrl`. */
  readonly store?: TraceStore;
  /** Sampling seed, also the task split and weight-init seed of every trial. Defaults to 0. */
  readonly seed?: number;
  /** Defaults to a hash of task, space, strategy, seed, budget and overrides. */
  readonly sweepId?: string;
  /** Override the space's epochs / batch size. */
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Successive halving: first rung (epochs). Defaults to 1. */
  readonly minResource?: number;
  /** Successive halving: η. Defaults to 3. */
  readonly reductionFactor?: number;
  /** tfjs backend for trials (in-process and workers). Defaults to `METATUNE_BACKEND` / the default order. */
  readonly backend?: BackendName;
  /** Let a task file read data outside its folder (`--allow-outside`; trust the task file first). Defaults to false. */
  readonly allowOutside?: boolean;
  /** Compiled worker module. Defaults to worker.js next to this module (dist/src/sweeps/worker.js). */
  readonly workerModule?: string;
  /** Registries (zoo, schedules, stores); workers rebuild the same runtime from its `origin` (plugins, config). */
  readonly runtime: MetatuneRuntime;
  /** Progress events. */
  readonly onEvent?: (event: SweepEvent) => void;
}

export interface TrialSummary {
  readonly index: number;
  /** Attempt id (`t3`, `t3.a2`). */
  readonly trialId: string;
  readonly runId: string;
  readonly status: FinishedStatus;
  readonly model?: string;
  readonly optimizer?: string;
  readonly learningRate?: number;
  readonly schedule?: string;
  readonly bestValLoss?: number;
  readonly epochsRun: number;
  readonly wallTimeMs?: number;
  readonly reason?: string;
  /** True when it finished in an earlier start of the sweep. */
  readonly previous: boolean;
}

export type SweepEvent =
  | { readonly type: 'start'; readonly sweepId: string; readonly total: number; readonly done: number; readonly interrupted: number; readonly workers: number }
  | { readonly type: 'trial-start'; readonly trialId: string; readonly index: number }
  | { readonly type: 'trial-end'; readonly trial: TrialSummary; readonly done: number; readonly total: number };

export interface SweepSummary {
  readonly sweepId: string;
  readonly task: string;
  readonly strategy: SweepStrategy;
  readonly storeUrl: string;
  readonly budget: number;
  readonly workers: number;
  readonly backend?: string;
  /** One per trial index (its finished attempt), by index. */
  readonly trials: readonly TrialSummary[];
  readonly counts: Readonly<Record<FinishedStatus, number>>;
  /** Lowest best val_loss among completed and pruned trials. */
  readonly best?: TrialSummary;
  /** Trials skipped because an earlier start finished them. */
  readonly resumed: number;
  /** Attempts found `running` and marked failed ("interrupted"). */
  readonly interrupted: number;
  /** Wall time of this start. */
  readonly wallTimeMs: number;
  /** Trials finished by this start per hour of its wall time. */
  readonly trialsPerHour: number;
}

/** The default sweep id: a hash of everything that defines the plan. */
export function defaultSweepId(o: Pick<SweepOptions, 'task' | 'space' | 'strategy' | 'seed' | 'budget' | 'epochs' | 'batchSize' | 'minResource' | 'reductionFactor'>): string {
  // Random and grid trials do not depend on the budget (trial i is draw i / grid point i), so the
  // budget is left out of their id: raising --budget extends the same sweep instead of starting a
  // new one. Successive halving's rungs depend on how many trials there are: its id keeps it.
  const budget = o.strategy === 'halving' ? (o.budget ?? null) : null;
  const key = JSON.stringify([o.task, o.space ?? DEFAULT_SPACE, o.strategy, o.seed ?? 0, budget, o.epochs ?? null, o.batchSize ?? null, o.minResource ?? null, o.reductionFactor ?? null]);
  return `sweep-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** The trial configs of a sweep, by index (before resume). */
export function planTrials(o: Omit<SweepOptions, 'runtime'>): TrialConfig[] {
  const space = o.space ?? DEFAULT_SPACE;
  const label = o.spaceLabel ?? (o.space ? '<space>' : '<default space>');
  const seed = o.seed ?? 0;
  let params: TrialParams[];
  if (o.strategy === 'grid') {
    const grid = enumerateGrid(space, label);
    params = o.budget === undefined ? grid : grid.slice(0, o.budget);
  } else {
    if (o.budget === undefined) {
      throw new ValidationError('MISSING_BUDGET', `--budget is required with --strategy ${o.strategy} (the number of trials to run).`, { strategy: o.strategy });
    }
    params = Array.from({ length: o.budget }, (_, i) => sampleTrial(space, seed, i, label));
  }
  return params.map((p, i) => ({
    trialId: `t${i}`,
    task: o.task,
    seed,
    model: p.model,
    optimizer: p.optimizer,
    schedule: p.schedule,
    epochs: o.epochs ?? p.epochs,
    batchSize: o.batchSize ?? p.batchSize,
  }));
}

const TRIAL_ID = /^t(\d+)(?:\.a(\d+))?$/;

/** `t3` → {3, 1}; `t3.a2` → {3, 2}. */
export function parseTrialId(trialId: string): { index: number; attempt: number } | undefined {
  const m = TRIAL_ID.exec(trialId);
  return m ? { index: Number(m[1]), attempt: m[2] ? Number(m[2]) : 1 } : undefined;
}

function attemptId(index: number, attempt: number): string {
  return attempt <= 1 ? `t${index}` : `t${index}.a${attempt}`;
}

/** Reason of an attempt that did not get to finish; `interrupted: <detail>` is re-run the same way. */
const INTERRUPTED = 'interrupted';

function isInterrupted(r: TraceRecord): boolean {
  const reason = r.outcome?.reason;
  return r.status === 'failed' && (reason === INTERRUPTED || reason?.startsWith(`${INTERRUPTED}: `) === true);
}

function scheduleName(spec: unknown): string | undefined {
  if (spec === null || typeof spec !== 'object') return undefined;
  const s = spec as Record<string, unknown>;
  if (typeof s.family === 'string') {
    const after = (s.params as Record<string, unknown> | undefined)?.after;
    return s.family === 'warmup' && scheduleName(after) ? `warmup+${scheduleName(after)}` : s.family;
  }
  return scheduleNameOf(s) ?? Object.keys(s)[0];
}

function summarize(index: number, trialId: string, run: TraceRecord, previous: boolean, wallTimeMs?: number): TrialSummary {
  const lr = run.optimizer?.hyperparameters?.learningRate;
  const best = run.outcome?.best?.name === 'val_loss' ? run.outcome.best.value : Math.min(...run.epochs.map((e) => e.val_loss ?? Infinity));
  return {
    index,
    trialId,
    runId: run.id,
    status: run.status as FinishedStatus,
    ...(run.model?.zooId && { model: run.model.zooId }),
    ...(run.optimizer && { optimizer: run.optimizer.className }),
    ...(typeof lr === 'number' && { learningRate: lr }),
    ...(scheduleName(run.schedule) && { schedule: scheduleName(run.schedule) }),
    ...(Number.isFinite(best) && { bestValLoss: best }),
    epochsRun: run.outcome?.epochsRun ?? run.epochs.length,
    ...((wallTimeMs ?? run.outcome?.wallTimeMs) !== undefined && { wallTimeMs: wallTimeMs ?? run.outcome?.wallTimeMs }),
    ...(run.outcome?.reason && { reason: run.outcome.reason }),
    previous,
  };
}

/** The sweep's runs, grouped by trial index. */
async function sweepRuns(store: TraceStore, sweepId: string): Promise<Map<number, TraceRecord[]>> {
  const byIndex = new Map<number, TraceRecord[]>();
  const prefix = `${sweepId}:`;
  for await (const r of store.query({ importer: 'sweep' })) {
    if (r.provenance?.sourceKey !== sweepId || !r.id.startsWith(prefix)) continue;
    const parsed = parseTrialId(r.id.slice(prefix.length));
    if (!parsed) continue;
    byIndex.set(parsed.index, [...(byIndex.get(parsed.index) ?? []), r]);
  }
  return byIndex;
}

/** Marks a trial attempt failed: finishes its running trace, or stores a failed trace when it never started. */
async function recordFailure(store: TraceStore, sweepId: string, config: TrialConfig, reason: string): Promise<TraceRecord> {
  const runId = `${sweepId}:${config.trialId}`;
  let run: TraceRecord | undefined;
  try {
    run = await store.getRun(runId);
  } catch (err) {
    if (!(err instanceof MetatuneError && err.code === 'RUN_NOT_FOUND')) throw err;
  }
  if (!run) {
    run = await store.createRun({
      id: runId,
      task: { id: config.task },
      model: { zooId: config.model },
      schedule: config.schedule,
      provenance: { importer: 'sweep', sourceKey: sweepId },
    });
  }
  if (run.status !== 'running') return run;
  return store.finishRun(runId, 'failed', { epochsRun: run.epochs.length, reason });
}

function describeError(e: SerializedError): string {
  return `${e.code ? `${e.code}: ` : ''}${e.message}`;
}

interface Job {
  readonly index: number;
  readonly config: TrialConfig;
}

/** Runs the sweep to its budget (resuming a stopped one) and returns its summary. */
export async function runSweep(options: SweepOptions): Promise<SweepSummary> {
  const started = performance.now();
  const workers = requireInteger('workers', options.workers ?? 0, 0, 'sweep');
  if (!(SWEEP_STRATEGIES as readonly string[]).includes(options.strategy)) {
    throw new ValidationError('INVALID_PARAMETER', `--strategy must be one of ${SWEEP_STRATEGIES.join(', ')}. Received: ${JSON.stringify(options.strategy)}.`, {
      argument: 'strategy',
    });
  }
  if (options.budget !== undefined) requireInteger('budget', options.budget, 1, 'sweep');
  if (options.epochs !== undefined) requireInteger('epochs', options.epochs, 1, 'sweep');
  if (options.batchSize !== undefined) requireInteger('batchSize', options.batchSize, 1, 'sweep');
  if (workers > 0 && /^memory:/i.test(options.storeUrl)) {
    throw new ValidationError(
      'STORE_NOT_SHARED',
      `--store ${options.storeUrl} lives inside one process, so ${workers} worker process${workers === 1 ? '' : 'es'} cannot write to it. Fix: use a shared store (--store file:./.metatune/store.json or postgres://…), or --workers 0 to train in this process.`,
      { storeUrl: options.storeUrl, workers },
    );
  }
  const halving =
    options.strategy === 'halving' ? new SuccessiveHalving({ minResource: options.minResource ?? 1, reductionFactor: options.reductionFactor ?? 3 }) : undefined;
  const runtime = options.runtime;
  // In-process trials and the space check need a backend; workers resolve their own.
  const backendInfo = workers === 0 ? await resolveBackend({ ...(options.backend && { preferred: options.backend }), quiet: true }) : undefined;
  const space = options.space ?? DEFAULT_SPACE;
  checkSpace(space, {
    models: runtime.models.ids(),
    schedules: runtime.schedules,
    file: options.spaceLabel ?? (options.space ? '<space>' : '<default space>'),
  });
  const plan = planTrials(options);
  // A task that does not load fails the command now, not every trial; in-process trials reuse it.
  const taskCache = new Map<string, LoadedTask>([[`${options.task}@${options.seed ?? 0}`, await loadTask(options.task, { seed: options.seed ?? 0, ...(options.allowOutside && { allowOutside: true }) })]]);
  const sweepId = options.sweepId ?? defaultSweepId(options);
  const store = options.store ?? (await openStore(options.storeUrl, runtime));
  const ownStore = options.store === undefined;
  try {
    // --- resume: finished trials are kept, interrupted attempts are closed and re-run
    const existing = await sweepRuns(store, sweepId);
    const finished = new Map<number, TrialSummary>();
    const jobs: Job[] = [];
    let interrupted = 0;
    for (const [index, config] of plan.entries()) {
      const attempts = existing.get(index) ?? [];
      const done = attempts.find((r) => r.status !== 'running' && !isInterrupted(r));
      if (done) {
        finished.set(index, summarize(index, done.id.slice(sweepId.length + 1), done, true));
        // A failed trial's values were dropped live (see forget below): not restored either.
        if (done.status !== 'failed') halving?.restore(`t${index}`, done.epochs.map((e) => e.val_loss), config.epochs);
        continue;
      }
      for (const r of attempts.filter((a) => a.status === 'running')) {
        await store.finishRun(r.id, 'failed', { epochsRun: r.epochs.length, reason: INTERRUPTED });
        interrupted++;
      }
      const lastAttempt = Math.max(0, ...attempts.map((r) => parseTrialId(r.id.slice(sweepId.length + 1))?.attempt ?? 1));
      jobs.push({ index, config: { ...config, trialId: attemptId(index, lastAttempt + 1) } });
    }
    const resumed = finished.size;
    const total = plan.length;
    options.onEvent?.({ type: 'start', sweepId, total, done: resumed, interrupted, workers });

    // Halving decisions are keyed by trial index, so a re-run attempt never reports a rung twice.
    const decide = (trialId: string, epoch: number, logs: Readonly<Record<string, number>>): 'continue' | 'prune' =>
      halving ? halving.report(`t${parseTrialId(trialId)?.index ?? trialId}`, epoch + 1, logs.val_loss ?? Number.NaN) : 'continue';
    // A failed attempt's trace has no epochs (a trial writes them when it ends), so a resumed sweep
    // cannot restore its rung values: drop them now too, and both states agree. Decisions already
    // taken against them stand; the re-run attempt (same key) reports its rungs afresh.
    const forget = (job: Job) => halving?.forget(`t${job.index}`);

    const onFinished = async (job: Job, result: TrialResult | undefined, error: SerializedError | undefined) => {
      const run = error ? await recordFailure(store, sweepId, job.config, describeError(error)) : await store.getRun(result!.runId);
      const summary = summarize(job.index, job.config.trialId, run, false, result?.wallTimeMs);
      finished.set(job.index, summary);
      options.onEvent?.({ type: 'trial-end', trial: summary, done: finished.size, total });
    };

    let backend = backendInfo?.name as string | undefined;
    if (workers === 0) {
      for (const job of jobs) {
        options.onEvent?.({ type: 'trial-start', trialId: job.config.trialId, index: job.index });
        let result: TrialResult | undefined;
        let error: SerializedError | undefined;
        try {
          result = await runTrial(job.config, {
            store,
            sweepId,
            runtime,
            taskCache,
            allowOutside: options.allowOutside === true,
            ...(halving && { decide: (epoch: number, logs: Readonly<Record<string, number>>) => decide(job.config.trialId, epoch, logs) }),
          });
        } catch (err) {
          error = serializeError(err);
          forget(job);
        }
        await onFinished(job, result, error);
      }
    } else {
      backend = await runInWorkers({ jobs, workers, options, sweepId, decide, forget, onFinished });
    }

    const trials = [...finished.values()].sort((a, b) => a.index - b.index);
    const counts: Record<FinishedStatus, number> = { completed: 0, pruned: 0, diverged: 0, failed: 0 };
    for (const t of trials) counts[t.status]++;
    const ranked = trials.filter((t) => (t.status === 'completed' || t.status === 'pruned') && t.bestValLoss !== undefined);
    const best = ranked.reduce<TrialSummary | undefined>((b, t) => (b === undefined || t.bestValLoss! < b.bestValLoss! ? t : b), undefined);
    const wallTimeMs = performance.now() - started;
    const ranNow = trials.length - resumed;
    return {
      sweepId,
      task: options.task,
      strategy: options.strategy,
      storeUrl: store.url,
      budget: total,
      workers,
      ...(backend && { backend }),
      trials,
      counts,
      ...(best && { best }),
      resumed,
      interrupted,
      wallTimeMs,
      trialsPerHour: wallTimeMs > 0 ? ranNow / (wallTimeMs / 3_600_000) : 0,
    };
  } finally {
    if (ownStore) await store.close();
  }
}

/** worker.js next to this module; under ts sources (no build) it does not exist and the caller must pass one. */
export function defaultWorkerModule(): string {
  return fileURLToPath(new URL('./worker.js', import.meta.url));
}

interface PoolArgs {
  readonly jobs: readonly Job[];
  readonly workers: number;
  readonly options: SweepOptions;
  readonly sweepId: string;
  readonly decide: (trialId: string, epoch: number, logs: Readonly<Record<string, number>>) => 'continue' | 'prune';
  /** Called at once when a trial fails (before its result is recorded). */
  readonly forget: (job: Job) => void;
  readonly onFinished: (job: Job, result: TrialResult | undefined, error: SerializedError | undefined) => Promise<void>;
}

/** Replacements for workers that exit idle while trials wait, before the sweep gives up. */
const MAX_IDLE_RESTARTS = 3;

/** Runs the jobs in K forked workers; resolves with the backend they use once all are done. */
function runInWorkers(args: PoolArgs): Promise<string | undefined> {
  const { jobs, options } = args;
  const modulePath = options.workerModule ?? defaultWorkerModule();
  if (!existsSync(modulePath)) {
    return Promise.reject(
      new EnvironmentError(
        'WORKER_NOT_BUILT',
        `The sweep worker module ${modulePath} does not exist. Fix: build metatune (npm run build) or run with --workers 0.`,
        { workerModule: modulePath },
      ),
    );
  }
  const queue = [...jobs];
  const count = Math.min(args.workers, Math.max(1, queue.length));
  let backend: string | undefined;
  if (queue.length === 0) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const children = new Set<ChildProcess>();
    let running = 0;
    let failed = false;
    // Replacements started for workers that exited idle (ready, no trial) while trials waited.
    let idleRestarts = 0;
    // Result handling is async (store reads); serialise it so events and counts stay in order.
    let chain: Promise<void> = Promise.resolve();
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      for (const c of children) c.kill('SIGTERM');
      reject(err);
    };
    const maybeDone = () => {
      if (!failed && queue.length === 0 && running === 0) {
        chain.then(() => resolve(backend), fail);
      }
    };
    const start = () => {
      const child = fork(modulePath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [], serialization: 'advanced' });
      children.add(child);
      let current: Job | undefined;
      let ready = false;
      const post = (m: ParentMessage) => {
        if (child.connected) child.send(m);
      };
      const next = () => {
        current = queue.shift();
        if (!current) {
          post({ type: 'exit' });
          return;
        }
        running++;
        options.onEvent?.({ type: 'trial-start', trialId: current.config.trialId, index: current.index });
        post({ type: 'trial', config: current.config, askEachEpoch: options.strategy === 'halving' });
      };
      const finish = (job: Job, result: TrialResult | undefined, error: SerializedError | undefined) => {
        if (error) args.forget(job);
        chain = chain.then(() => args.onFinished(job, result, error)).then(() => {
          running--;
          maybeDone();
        });
        chain.catch(fail);
      };
      child.on('message', (raw) => {
        const msg = raw as WorkerMessage;
        switch (msg.type) {
          case 'ready':
            ready = true;
            backend ??= msg.backend;
            next();
            break;
          case 'decide':
            post({ type: 'decision', trialId: msg.trialId, epoch: msg.epoch, decision: args.decide(msg.trialId, msg.epoch, msg.logs) });
            break;
          case 'result':
          case 'error': {
            const job = current!;
            current = undefined;
            finish(job, msg.type === 'result' ? msg.result : undefined, msg.type === 'error' ? msg.error : undefined);
            next();
            break;
          }
          case 'fatal':
            fail(new EnvironmentError('WORKER_FAILED', `A sweep worker could not start: ${describeError(msg.error)}`, { error: msg.error }));
            break;
        }
      });
      child.on('exit', (code, signal) => {
        children.delete(child);
        if (failed) return;
        const how = signal ?? `code ${code}`;
        if (current) {
          // The worker died mid-trial (the OOM killer, a crash in native code). The attempt is stored
          // as "interrupted: …", which a resumed sweep re-runs like the attempts a killed sweep left
          // `running`: the death says nothing about the candidate (a worker killed for memory fails
          // whatever trial it holds), so it must not count as the trial's final result. This start
          // does not retry it (the same pressure would likely kill it again); a fresh worker takes the queue.
          const job = current;
          current = undefined;
          finish(job, undefined, { name: 'Error', message: `${INTERRUPTED}: worker process exited (${how}) during the trial` });
          if (queue.length > 0) start();
          return;
        }
        if (!ready) {
          // It died on import or during init without a `fatal` message (a missing or stale build, a
          // syntax error, a crash): nothing would ever take the queue, so fail now instead of hanging.
          // A replacement would die the same way.
          fail(
            new EnvironmentError(
              'WORKER_FAILED',
              `A sweep worker (${modulePath}) exited (${how}) before it was ready${queue.length > 0 ? `, with ${queue.length} trial(s) still to run` : ''}. Fix: rebuild metatune with \`npm run build\` (workers run the compiled code), check the worker's output above, or run with --workers 0 to train in this process.`,
              { workerModule: modulePath, ...(code !== null && { exitCode: code }), ...(signal && { signal }) },
            ),
          );
          return;
        }
        // A ready worker with no trial exits when told to (the queue is empty). If one dies otherwise
        // and none is left to take the waiting trials, start another, a few times at most.
        if (children.size === 0 && queue.length > 0) {
          if (idleRestarts >= MAX_IDLE_RESTARTS) {
            fail(
              new EnvironmentError(
                'WORKER_FAILED',
                `Sweep workers (${modulePath}) keep exiting (${how}) between trials, with ${queue.length} trial(s) still to run; gave up after ${MAX_IDLE_RESTARTS} restarts. Fix: check the worker's output above, rebuild with \`npm run build\`, or run with --workers 0.`,
                { workerModule: modulePath, ...(code !== null && { exitCode: code }), ...(signal && { signal }) },
              ),
            );
            return;
          }
          idleRestarts++;
          start();
        }
        maybeDone();
      });
      child.on('error', fail);
      post({
        type: 'init',
        storeUrl: options.storeUrl,
        sweepId: args.sweepId,
        ...(options.backend && { backend: options.backend }),
        ...(options.runtime.origin && { runtime: options.runtime.origin }),
        ...(options.allowOutside && { allowOutside: true }),
      });
    };
    for (let i = 0; i < count; i++) start();
  });
}
