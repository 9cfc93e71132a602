/**
 * `fit`: one call from a data file to a trained, saved tfjs model — load, split, standardise,
 * featurise, ask the policy, spend the budget (successive halving over its ranked candidates),
 * evaluate, save, record every run in the trace store. The CLI (`metatune fit`) is a thin shell
 * around it; the policy is injected, so the library, the CLI and the tests choose it.
 *
 * Invariants:
 * - Every data decision is fitted on the training rows only and written to preprocess.json; the
 *   test file and `predict` go through the same recipe (src/fit/preprocess.ts).
 * - The epochs trained never exceed `budget × epochs` for the suggested candidates (a diverged
 *   lone candidate at budget 1 is replaced by the next one, and the summary says so); the
 *   `--compare` baseline is extra and reported separately.
 * - Every candidate trained becomes one trace in the store: completed, pruned or diverged.
 * - Tensors: the data lives once (shared by all candidates); everything is freed before returning
 *   except the returned model when `keepModel` is set.
 */
import { randomUUID } from 'node:crypto';
import { basename, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TrainingError, ValidationError } from '../core/errors.js';
import type { MetatuneRuntime } from '../runtime.js';
import type { Candidate } from '../meta/candidate.js';
import type { Decision, Policy, TaskDescription } from '../meta/policy.js';
import { describeTask } from '../meta/suggest.js';
import { prepareTask } from '../tasks/prepare.js';
import type { LoadedTask } from '../tasks/task.js';
import { resolveBackend, type BackendInfo, type BackendName } from '../tfjs/backend.js';
import { StoreRecorder } from '../traces/store-recorder.js';
import type { TraceStore } from '../traces/store.js';
import { planSuccessiveHalving, promote, requireBudget, type SuccessiveHalvingPlan } from './budget.js';
import { classificationMetrics, regressionMetrics, type FitMetrics, type SelectionMetric } from './metrics.js';
import { predictRows, saveFitted, writeSummary } from './model-io.js';
import { applyPreprocess, checkTextColumns, DEFAULT_MAX_LEVELS, metatuneVersion, preprocessSpecOf, readTable, type PreprocessSpec } from './preprocess.js';
import { CandidateSession, TensorCache } from './session.js';

/** tfjs defaults for `--compare`: a plain MLP (zoo `mlp-medium`, 64-64 relu), Adam at 1e-3, constant. */
export const TFJS_DEFAULTS_CANDIDATE: Candidate = Object.freeze({
  id: 'tfjs-defaults/mlp-medium/adam/constant@1e-3',
  model: 'mlp-medium',
  optimizer: { name: 'adam', learningRate: 0.001 },
  schedule: { family: 'constant', params: { learningRate: 0.001 } },
} as Candidate);

/** A class under this share of the training rows triggers class weights and balanced-accuracy selection. */
export const MINORITY_SHARE = 0.05;

export interface FitArgs {
  /** Training data: CSV/TSV, JSON, IDX (gzip allowed). */
  readonly data: string;
  /** Target column by header name (`x0`, `x1`, … without a header); for IDX, the labels file. */
  readonly target: string;
  /** Held-out test file with the same columns. Defaults to none. */
  readonly test?: string;
  readonly policy: Policy;
  /** Full runs' worth of epochs to spend (≥ 1). Defaults to 1. */
  readonly budget?: number;
  /** Epochs of a full run. Defaults to 20 (the corpus' run length, which the policy learned from). */
  readonly epochs?: number;
  /** Defaults to 32 (the corpus' batch size). */
  readonly batchSize?: number;
  /** Seed of the split, the initial weights and the batch order. Defaults to 0. */
  readonly seed?: number;
  /** Validation share of the rows. Defaults to 0.2. */
  readonly validation?: number;
  /** Cap on a text column's distinct values (one-hot). Defaults to 32. */
  readonly maxLevels?: number;
  /** Also train tfjs defaults on the same split and seed. Defaults to false. */
  readonly compare?: boolean;
  /** Folder to save the model in. Defaults to none (not saved). */
  readonly out?: string;
  /** Where every run is recorded. Defaults to none. */
  readonly store?: TraceStore;
  readonly runtime: MetatuneRuntime;
  /** Backend preference. Defaults to the best available (node-gpu → node → wasm → cpu). */
  readonly backend?: BackendName | readonly BackendName[];
  /** Progress events (epochs, rung decisions). */
  readonly onEvent?: (event: FitEvent) => void;
  /** Keep the trained model in the result (the caller disposes it). Defaults to false. */
  readonly keepModel?: boolean;
}

export type FitEvent =
  | { readonly type: 'plan'; readonly plan: SuccessiveHalvingPlan; readonly totalEpochs: number; readonly backend: string }
  | {
      readonly type: 'epoch';
      readonly run: 'suggested' | 'tfjs-defaults';
      readonly candidate: string;
      readonly epoch: number;
      readonly loss: number;
      readonly valLoss: number;
      /** Validation accuracy (classification) or RMSE in target units (regression). */
      readonly valMetric: number;
      readonly valMetricName: string;
      readonly learningRate: number;
    }
  | { readonly type: 'rung'; readonly epochs: number; readonly promoted: readonly string[]; readonly pruned: readonly string[] }
  | { readonly type: 'note'; readonly message: string };

export interface CandidateReport {
  readonly id: string;
  readonly model: string;
  readonly optimizer: Candidate['optimizer'];
  readonly schedule: unknown;
  readonly status: string;
  readonly epochs: number;
  readonly finalValLoss: number;
  readonly runId?: string;
}

export interface RunReport {
  readonly candidate: CandidateReport;
  readonly validation: FitMetrics;
  readonly test?: FitMetrics;
  /** Wall time of training (all stages), seconds. */
  readonly trainSeconds: number;
}

export interface FitSummary {
  readonly metatuneVersion: string;
  readonly data: string;
  readonly target: string;
  readonly kind: 'classification' | 'regression';
  readonly rows: { readonly train: number; readonly validation: number; readonly test?: number };
  readonly inputs: number;
  readonly classes?: readonly string[];
  readonly backend: string;
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly suggestion: {
    readonly learner: Decision['learner'];
    readonly why: readonly string[];
    readonly ranked: ReadonlyArray<{ readonly id: string; readonly expectedRegret: number; readonly why: readonly string[] }>;
    readonly outOfDistribution?: Decision['outOfDistribution'];
  };
  readonly budget: { readonly requested: number; readonly planned: number; readonly used: number; readonly rungs: SuccessiveHalvingPlan['rungs']; readonly candidates: readonly CandidateReport[] };
  readonly selection: SelectionMetric & { readonly classWeight?: Readonly<Record<string, number>> };
  readonly result: RunReport;
  readonly tfjsDefaults?: RunReport;
  /** (tfjs defaults − fit) / tfjs defaults on the headline metric's loss direction; positive = fit better. */
  readonly relativeGain?: { readonly metric: string; readonly split: 'test' | 'validation'; readonly value: number };
  readonly timings: { readonly loadSeconds: number; readonly backendSeconds: number; readonly featurizeSeconds: number; readonly suggestSeconds: number; readonly trainSeconds: number; readonly evaluateSeconds: number; readonly saveSeconds: number; readonly compareSeconds: number; readonly totalSeconds: number };
  readonly notes: readonly string[];
  readonly out?: string;
}

export interface FitResult {
  readonly summary: FitSummary;
  readonly preprocess: PreprocessSpec;
  readonly task: LoadedTask;
  /** With `keepModel`. */
  readonly model?: tf.LayersModel;
}


/** sklearn's "balanced" weights n / (k · count_c), only when some class is under MINORITY_SHARE of the training rows. */
export function classWeightsFor(task: LoadedTask): Record<number, number> | undefined {
  if (task.ref.kind !== 'classification') return undefined;
  const k = task.numClasses!;
  const counts = new Array<number>(k).fill(0);
  for (const y of task.train.y as Int32Array) counts[y]!++;
  const n = task.train.n;
  if (!counts.some((c) => c > 0 && c / n < MINORITY_SHARE)) return undefined;
  return Object.fromEntries(counts.map((c, i) => [i, c > 0 ? n / (k * c) : 1]));
}

/** Evaluates encoded rows: metrics in the target's own units. Rows with a missing target are skipped. */
export function evaluateRows(model: tf.LayersModel, spec: PreprocessSpec, x: Float32Array, y: Int32Array | Float64Array | Float32Array, n: number): FitMetrics {
  const out = predictRows(model, x, n);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (!(spec.kind === 'classification' ? (y[i] as number) < 0 : Number.isNaN(y[i] as number))) keep.push(i);
  if (spec.kind === 'classification') {
    const k = spec.classNames!.length;
    const probs = new Float32Array(keep.length * k);
    keep.forEach((r, i) => probs.set(out.subarray(r * k, r * k + k), i * k));
    return classificationMetrics(Int32Array.from(keep, (r) => y[r] as number), probs, k);
  }
  const s = spec.targetScaling ?? { mean: 0, std: 1 };
  return regressionMetrics(
    Float64Array.from(keep, (r) => y[r] as number),
    Float64Array.from(keep, (r) => out[r]! * s.std + s.mean),
  );
}

/** Validation targets in original units (regression) from the task's scaled ones. */
function validationTargets(task: LoadedTask): Int32Array | Float64Array {
  if (task.ref.kind === 'classification') return task.validation.y as Int32Array;
  const s = task.targetScaling ?? { mean: 0, std: 1 };
  return Float64Array.from(task.validation.y as Float32Array, (v) => v * s.std + s.mean);
}

const seconds = (ms: number) => ms / 1000;

/** Loads, prepares and describes the training data (used by `fit` and by the overhead benchmark). */
export async function prepareFitData(args: Pick<FitArgs, 'data' | 'target' | 'seed' | 'validation' | 'maxLevels'>): Promise<{ task: LoadedTask; preprocess: PreprocessSpec; notes: string[] }> {
  const label = args.data;
  const raw = await readTable(resolve(args.data), { target: args.target, label });
  checkTextColumns(raw, args.maxLevels ?? DEFAULT_MAX_LEVELS);
  const id = basename(args.data).replace(/\.(csv|tsv|txt|json)(\.gz)?$/i, '');
  const task = prepareTask(raw, { id, dataRef: label, seed: args.seed ?? 0, validation: args.validation ?? 0.2 });
  // A header line is what a table normally has: say only when there was none.
  return { task, preprocess: preprocessSpecOf(raw, task), notes: task.notes.filter((n) => !n.endsWith(': first line read as column names.')) };
}

export async function fit(args: FitArgs): Promise<FitResult> {
  const t0 = performance.now();
  const budget = requireBudget(args.budget ?? 1);
  const epochs = args.epochs ?? 20;
  const batchSize = args.batchSize ?? 32;
  const seed = args.seed ?? 0;
  if (!Number.isInteger(epochs) || epochs < 1) throw new ValidationError('INVALID_PARAMETER', `\`--epochs\` must be an integer >= 1. Received: --epochs=${epochs}.`, { argument: '--epochs' });
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ValidationError('INVALID_PARAMETER', `\`--batch-size\` must be an integer >= 1. Received: --batch-size=${batchSize}.`, { argument: '--batch-size' });
  const emit = args.onEvent ?? (() => undefined);
  const note = (message: string, notes: string[]) => {
    notes.push(message);
    emit({ type: 'note', message });
  };

  // Load and prepare (before the backend: a bad file should fail in milliseconds).
  const { task, preprocess, notes } = await prepareFitData(args);
  let testInputs: ReturnType<typeof applyPreprocess> | undefined;
  if (args.test) {
    const testRaw = await readTable(resolve(args.test), { target: preprocess.image ? undefined : preprocess.target, label: args.test });
    testInputs = applyPreprocess(preprocess, testRaw, { requireTarget: true, strictColumns: true });
    for (const n of testInputs.notes) notes.push(`test: ${n}`);
  }
  const tLoad = performance.now();

  const backend: BackendInfo = await resolveBackend({ ...(args.backend !== undefined && { preferred: args.backend }), quiet: true });
  const tBackend = performance.now();
  const classWeight = classWeightsFor(task);
  const selection: SelectionMetric = task.ref.kind === 'regression' ? { name: 'rmse', higherIsBetter: false } : classWeight ? { name: 'balancedAccuracy', higherIsBetter: true } : { name: 'accuracy', higherIsBetter: true };
  if (classWeight) {
    note(
      `a class holds under ${MINORITY_SHARE * 100}% of the training rows: training with class weights (${Object.entries(classWeight)
        .map(([c, w]) => `${task.classNames![Number(c)]}: ${w.toFixed(2)}`)
        .join(', ')}) and choosing by balanced accuracy.`,
      notes,
    );
  }

  // Describe the task the way the policy was trained to see it.
  const runtime = args.runtime;
  const description: TaskDescription = await describeTask(task, args.policy, runtime);
  const tFeaturize = performance.now();

  // Ask for as many candidates as the budget can use, then plan over what came back.
  const wanted = planSuccessiveHalving(Array.from({ length: 32 }, (_, i) => `slot${i}`), budget, epochs).candidates.length;
  const decision = args.policy.suggest(description, { top: Math.max(wanted, 2) });
  const ranked = decision.ranked.map((r) => r.candidate);
  const plan = planSuccessiveHalving(ranked, budget, epochs);
  const tSuggest = performance.now();
  if (decision.outOfDistribution) {
    note(`this task is far from every task the policy learned from (distance ${decision.outOfDistribution.distance.toFixed(2)} > ${decision.outOfDistribution.threshold.toFixed(2)}): it fell back to ${decision.outOfDistribution.fallback}.`, notes);
  }

  const tensors = new TensorCache(task);
  const fitId = randomUUID();
  const taskRef = { ...task.ref, ...(Object.keys(description.features).length > 0 && { metaFeatures: description.features }) };
  const valMetricName = task.ref.kind === 'classification' ? 'val_acc' : 'val_rmse';
  const targetStd = task.targetScaling?.std ?? 1;
  const sessionFor = (candidate: Candidate, run: 'suggested' | 'tfjs-defaults') => {
    const recorder = args.store
      ? new StoreRecorder({
          store: args.store,
          runId: `fit:${fitId}:${run === 'suggested' ? candidate.id : 'tfjs-defaults'}`,
          task: taskRef,
          model: { zooId: candidate.model },
          optimizerHyperparameters: Object.fromEntries(Object.entries(candidate.optimizer).filter(([k]) => k !== 'learningRate')),
          provenance: { importer: 'fit', sourceKey: fitId, notes: [run === 'suggested' ? `candidate ${candidate.id} suggested by ${decision.learner.id}` : 'tfjs defaults baseline (--compare)'] },
          epochsPerWrite: Number.POSITIVE_INFINITY,
        })
      : undefined;
    return new CandidateSession({
      task,
      candidate,
      epochs,
      batchSize,
      seed,
      runtime,
      tensors,
      ...(classWeight && { classWeight }),
      ...(recorder && { recorder }),
      onEpochEnd: (epoch, logs) =>
        emit({
          type: 'epoch',
          run,
          candidate: candidate.id,
          epoch,
          loss: logs.loss ?? Number.NaN,
          valLoss: logs.val_loss ?? Number.NaN,
          valMetric: task.ref.kind === 'classification' ? (logs.val_acc ?? logs.val_accuracy ?? Number.NaN) : Math.sqrt(logs.val_loss ?? Number.NaN) * targetStd,
          valMetricName,
          learningRate: logs.learning_rate ?? Number.NaN,
        }),
    });
  };

  const valY = validationTargets(task);
  const rungScore = (s: CandidateSession, at: number): number => {
    if (s.status === 'diverged' || s.status === 'failed') return Number.POSITIVE_INFINITY;
    if (selection.name !== 'balancedAccuracy') return s.valLossAt(at);
    const m = evaluateRows(s.model!, preprocess, task.validation.x, valY, task.validation.n) as { balancedAccuracy: number };
    return 1 - m.balancedAccuracy;
  };

  emit({ type: 'plan', plan, totalEpochs: plan.epochsPlanned + (args.compare ? epochs : 0), backend: backend.name });
  const reports: CandidateReport[] = [];
  const reportOf = (s: CandidateSession, c: Candidate): CandidateReport => ({
    id: c.id,
    model: c.model,
    optimizer: c.optimizer,
    schedule: s.schedule,
    status: s.outcome?.status ?? s.status,
    epochs: s.epoch,
    finalValLoss: s.valLosses[s.valLosses.length - 1] ?? Number.NaN,
    ...(args.store && { runId: `fit:${fitId}:${c.id}` }),
  });

  let winner: CandidateSession | undefined;
  let winnerCandidate: Candidate | undefined;
  let epochsUsed = 0;
  const tTrain0 = performance.now();
  const sessions: CandidateSession[] = [];
  try {
    let alive = plan.candidates.map((id) => ranked.find((c) => c.id === id)!);
    const live = new Map<string, CandidateSession>();
    for (const rung of plan.rungs) {
      const entrants = [];
      for (const c of alive) {
        let s = live.get(c.id);
        if (!s) {
          s = sessionFor(c, 'suggested');
          sessions.push(s);
          live.set(c.id, s);
        }
        const before = s.epoch;
        await s.advance(rung.epochs);
        epochsUsed += s.epoch - before;
        entrants.push({ id: c.id, valLoss: rungScore(s, rung.epochs) });
      }
      const promoted = promote(entrants, rung.survivors);
      const pruned = entrants.map((e) => e.id).filter((id) => !promoted.includes(id));
      for (const id of pruned) {
        const s = live.get(id)!;
        await s.close('pruned', `pruned by --budget ${budget} at epoch ${rung.epochs} (successive halving on the validation ${selection.name === 'balancedAccuracy' ? 'balanced accuracy' : 'loss'})`);
        reports.push(reportOf(s, alive.find((c) => c.id === id)!));
        s.dispose();
        live.delete(id);
      }
      if (plan.rungs.length > 1) emit({ type: 'rung', epochs: rung.epochs, promoted, pruned });
      alive = promoted.map((id) => alive.find((c) => c.id === id)!);
    }
    winnerCandidate = alive[0]!;
    winner = live.get(winnerCandidate.id)!;
    // A lone candidate that diverged: take the next ranked one rather than hand back a broken model.
    let next = plan.candidates.length;
    while (winner.status === 'diverged' && next < ranked.length) {
      await winner.close();
      reports.push(reportOf(winner, winnerCandidate));
      winner.dispose();
      note(`${winnerCandidate.id} diverged (${winner.divergence?.message ?? 'non-finite loss'}); training the next suggestion, ${ranked[next]!.id}, instead (budget exceeded by one run).`, notes);
      winnerCandidate = ranked[next++]!;
      winner = sessionFor(winnerCandidate, 'suggested');
      sessions.push(winner);
      await winner.advance(epochs);
      epochsUsed += winner.epoch;
    }
    if (winner.status === 'diverged') {
      throw new TrainingError(
        'ALL_CANDIDATES_DIVERGED',
        `Every candidate tried diverged (${reports.map((r) => r.id).join(', ')}, ${winnerCandidate.id}). Fix: check the data for extreme values, or try --budget ${Math.ceil(budget) + 2} to try more candidates.`,
        { tried: [...reports.map((r) => r.id), winnerCandidate.id] },
      );
    }
    await winner.close('completed');
    reports.push(reportOf(winner, winnerCandidate));
  } catch (err) {
    for (const s of sessions) s.dispose();
    tensors.dispose();
    throw err;
  }
  const tTrain = performance.now();

  const evaluate = (model: tf.LayersModel) => ({
    validation: evaluateRows(model, preprocess, task.validation.x, valY, task.validation.n),
    ...(testInputs && { test: evaluateRows(model, preprocess, testInputs.x, testInputs.y!, testInputs.n) }),
  });
  const result: RunReport = { candidate: reports[reports.length - 1]!, ...evaluate(winner.model!), trainSeconds: seconds(winner.trainMs) };
  const tEvaluate = performance.now();

  let tfjsDefaults: RunReport | undefined;
  if (args.compare) {
    const s = sessionFor(TFJS_DEFAULTS_CANDIDATE, 'tfjs-defaults');
    try {
      await s.advance(epochs);
      await s.close('completed');
      tfjsDefaults = { candidate: reportOf(s, TFJS_DEFAULTS_CANDIDATE), ...(s.status === 'diverged' ? { validation: evaluate(s.model!).validation } : evaluate(s.model!)), trainSeconds: seconds(s.trainMs) };
    } finally {
      s.dispose();
    }
  }
  const tCompare = performance.now();
  tensors.dispose();

  const headlineSplit = result.test && tfjsDefaults?.test ? 'test' : 'validation';
  let relativeGain: FitSummary['relativeGain'];
  if (tfjsDefaults) {
    const ours = (result[headlineSplit] as unknown as Record<string, number>)[selection.name]!;
    const theirs = (tfjsDefaults[headlineSplit] as unknown as Record<string, number>)[selection.name]!;
    // Gain on the error scale: RMSE, or 1 − accuracy; positive means fit is better.
    const errOurs = selection.higherIsBetter ? 1 - ours : ours;
    const errTheirs = selection.higherIsBetter ? 1 - theirs : theirs;
    relativeGain = { metric: selection.name, split: headlineSplit, value: errTheirs > 0 ? (errTheirs - errOurs) / errTheirs : 0 };
  }

  const summaryBase = {
    metatuneVersion: preprocess.metatuneVersion ?? metatuneVersion(),
    data: args.data,
    target: args.target,
    kind: task.ref.kind,
    rows: { train: task.train.n, validation: task.validation.n, ...(testInputs && { test: testInputs.n }) },
    inputs: preprocess.inputSize,
    ...(task.classNames && { classes: task.classNames }),
    backend: backend.name,
    seed,
    epochs,
    batchSize,
    suggestion: {
      learner: decision.learner,
      why: decision.why,
      ranked: decision.ranked.map((r) => ({ id: r.candidate.id, expectedRegret: r.expectedRegret, why: r.why })),
      ...(decision.outOfDistribution && { outOfDistribution: decision.outOfDistribution }),
    },
    budget: { requested: budget, planned: plan.runsPlanned, used: epochsUsed / epochs, rungs: plan.rungs, candidates: reports },
    selection: { ...selection, ...(classWeight && { classWeight: Object.fromEntries(Object.entries(classWeight).map(([c, w]) => [task.classNames![Number(c)]!, w])) }) },
    result,
    ...(tfjsDefaults && { tfjsDefaults }),
    ...(relativeGain && { relativeGain }),
    notes,
    ...(args.out && { out: args.out }),
  };
  const tSave0 = performance.now();
  if (args.out) await saveFitted(args.out, winner.model!, preprocess);
  const tSave = performance.now();
  const summary: FitSummary = { ...summaryBase, timings: timingsOf(t0, tLoad, tBackend, tFeaturize, tSuggest, tTrain0, tTrain, tEvaluate, tCompare, tSave0, tSave) };
  if (args.out) writeSummary(args.out, summary);
  const model = winner.model!;
  if (!args.keepModel) winner.dispose();
  return { summary, preprocess, task, ...(args.keepModel && { model }) };
}

function timingsOf(t0: number, tLoad: number, tBackend: number, tFeaturize: number, tSuggest: number, tTrain0: number, tTrain: number, tEvaluate: number, tCompare: number, tSave0: number, tSave: number): FitSummary['timings'] {
  return {
    loadSeconds: seconds(tLoad - t0),
    backendSeconds: seconds(tBackend - tLoad),
    featurizeSeconds: seconds(tFeaturize - tBackend),
    suggestSeconds: seconds(tSuggest - tFeaturize),
    trainSeconds: seconds(tTrain - tTrain0),
    evaluateSeconds: seconds(tEvaluate - tTrain),
    compareSeconds: seconds(tCompare - tEvaluate),
    saveSeconds: seconds(tSave - tSave0),
    totalSeconds: seconds(tSave - t0),
  };
}
