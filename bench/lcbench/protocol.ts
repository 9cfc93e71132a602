/**
 * The LCBench protocol (issue [9/9]): leave-one-task-out over LCBench's OpenML tasks, for several
 * seeds. Per seed:
 *  1. a pool of `configs` random recipes × `rates` peak rates is "trained" on every task by the
 *     surrogate; the curves are written as JSONL logs with a task file holding the task's probe
 *     features, and brought in with `metatune import` into one store;
 *  2. traces → training examples (src/meta/examples.ts, the path `metatune train` takes);
 *  3. for each held-out task, every learner is fitted on the other tasks' examples (its parent held
 *     out) and asked for its ranked top-N given only the held-out task's probe features;
 *  4. the surrogate scores each suggestion at the final epoch (52); regrets are normalised against
 *     the best and worst of `reference` random configurations of that task (the same 5,000 in every
 *     seed), on two scales: validation accuracy (min–max, YAHPO/HPO-B practice) and validation
 *     cross-entropy (src/meta/regret.ts: the learners' own scale, capped at 2 × the best).
 * Also: regret after t trials when the learner's ranking seeds a search (random configurations
 * after the ranking runs out), successive halving over the ranking at ≤ `budget` full runs'
 * worth of epochs (src/fit/budget.ts `simulateBudget` on the surrogate's curves of the held-out
 * task), and random search's expected best-of-k over the reference pool.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { examplesFromTraces, withoutHeldOut } from '../../src/meta/examples.js';
import type { Candidate } from '../../src/meta/candidate.js';
import type { Learner, TrainingExample } from '../../src/meta/learner.js';
import { normalisedRegret, regretScale, type RegretScale } from '../../src/meta/regret.js';
import { simulateBudget } from '../../src/fit/budget.js';
import { MemoryTraceStore } from '../../src/traces/memory-store.js';
import { seededRandom, deriveSeed } from '../../src/tasks/random.js';
import { importLog } from './import.js';
import { writeTaskLogs, taskRefId } from './logs.js';
import { probeTask, type ProbeResult } from './probe.js';
import { configOf, sampleGridPool, samplePool } from './space.js';
import { LAST_EPOCH, OUT, type LcbenchConfig, type LcbenchSurrogate } from './surrogate.js';
import { expectedMinOfK } from '../../src/meta/evaluate.js';

export const METRICS = ['acc', 'ce'] as const;
export type Metric = (typeof METRICS)[number];

export interface ProtocolOptions {
  readonly tasks: readonly string[];
  readonly seeds: readonly number[];
  /** Random recipes per seed's pool. */
  readonly configs: number;
  /** Peak rates per recipe. */
  readonly rates: number;
  /** Random configurations per task for the regret scale and random search. Defaults to 5000. */
  readonly reference?: number;
  readonly learners: ReadonlyArray<{ readonly learner: Learner; readonly config?: Record<string, unknown> }>;
  /** Ranked entries asked of each learner (the search's seed list). Defaults to 100. */
  readonly top?: number;
  /** Trial counts for the seeded-search curve. */
  readonly trials?: readonly number[];
  /** Full runs' worth of epochs for successive halving. Defaults to 2. */
  readonly budget?: number;
  /** Where logs are written (deleted after import unless `keepLogs`). */
  readonly workDir: string;
  readonly keepLogs?: boolean;
  readonly log?: (line: string) => void;
  /** Called after each seed with the results so far (the runner writes them: a long run keeps what it finished). */
  readonly onSeed?: (partial: ProtocolResult, seedsDone: readonly number[]) => Promise<void>;
}

export const REFERENCE_SEED = 0x5eed;
export const DEFAULT_TRIALS = [1, 5, 10, 25, 50, 100] as const;
export const TOP_K = [1, 3, 10] as const;

/** A task's reference: the scores of `reference` random configurations at the final epoch. */
export interface TaskReference {
  readonly task: string;
  /** Regret scales: accuracy (min–max) and cross-entropy (src/meta/regret.ts). */
  readonly accBest: number;
  readonly accWorst: number;
  readonly ceScale: RegretScale;
  /** Regrets of the reference configurations, ascending, per metric. */
  readonly sorted: Record<Metric, Float64Array>;
  /** Regrets in draw order, per metric (random search contestants draw from these). */
  readonly regrets: Record<Metric, Float64Array>;
}

export interface Score {
  readonly acc: number;
  readonly ce: number;
}

/** One learner on one held-out task in one seed. */
export interface FoldResult {
  readonly seed: number;
  readonly task: string;
  readonly learner: string;
  /** Regret of ranked[0]. */
  readonly pick: Score;
  /** Best regret among the first k ranked (k in TOP_K). */
  readonly topK: Record<number, Score>;
  /** Best regret after t trials of the seeded search (t in trials). */
  readonly trials: Record<number, Score>;
  /** Successive halving over the ranking at ≤ budget full runs. */
  readonly halving: Score & { readonly runsUsed: number; readonly entrants: number };
  readonly ranked: number;
  readonly outOfDistribution: boolean;
  readonly fitMs: number;
  readonly pickId: string;
}

export interface SeedContext {
  readonly seed: number;
  readonly examples: readonly TrainingExample[];
  readonly candidates: readonly Candidate[];
  readonly features: ReadonlyMap<string, Readonly<Record<string, number>>>;
  /** Best regret of the logged pool on each task (what a learner restricted to the pool could reach). */
  readonly oracle: ReadonlyMap<string, Score>;
  readonly importSummary: string;
  readonly skipped: Readonly<Record<string, number>>;
  /** Share of training examples at regret 1 on the learners' scale (src/meta/regret.ts; cross-entropy capped at 2 × the task's best). */
  readonly atRegretOne: number;
}

export interface ProtocolResult {
  readonly references: ReadonlyMap<string, TaskReference>;
  readonly folds: FoldResult[];
  /** Per seed and task: a single random configuration's regret (the random-search contestant in the ranks). */
  readonly random1: Array<{ seed: number; task: string; score: Score }>;
  readonly oracle: Array<{ seed: number; task: string; score: Score }>;
  readonly probe: ReadonlyMap<string, ProbeResult>;
  readonly seeds: Array<{ seed: number; importedRuns: number; candidates: number; examples: number; atRegretOne: number; skipped: Readonly<Record<string, number>>; importSummary: string }>;
}

export function scoreRegret(ref: TaskReference, acc: number, ce: number): Score {
  const span = ref.accBest - ref.accWorst;
  const a = Number.isFinite(acc) && span > 0 ? Math.min(1, Math.max(0, (ref.accBest - acc) / span)) : 1;
  const c = normalisedRegret({ finalValLoss: ce, diverged: !Number.isFinite(ce) }, ref.ceScale);
  return { acc: a, ce: c };
}

/** Final-epoch accuracy (%) and cross-entropy of configurations on a task. */
async function finals(s: LcbenchSurrogate, task: string, configs: readonly LcbenchConfig[]): Promise<Array<{ acc: number; ce: number }>> {
  const out = await s.predict(configs.map((config) => ({ task, epoch: LAST_EPOCH, config })));
  return configs.map((_, i) => ({ acc: out[i * 6 + OUT.val_accuracy]!, ce: out[i * 6 + OUT.val_cross_entropy]! }));
}

export async function buildReference(s: LcbenchSurrogate, task: string, n: number): Promise<TaskReference> {
  const configs = samplePool(n, REFERENCE_SEED);
  const f = await finals(s, task, configs);
  const accs = f.map((x) => x.acc);
  const accBest = Math.max(...accs);
  const accWorst = Math.min(...accs);
  const ceScale = regretScale(f.map((x) => ({ finalValLoss: x.ce, diverged: !Number.isFinite(x.ce) })))!;
  const partial = { task, accBest, accWorst, ceScale } as TaskReference;
  const scores = f.map((x) => scoreRegret(partial, x.acc, x.ce));
  const regrets = { acc: Float64Array.from(scores, (x) => x.acc), ce: Float64Array.from(scores, (x) => x.ce) };
  const sorted = { acc: Float64Array.from(regrets.acc).sort(), ce: Float64Array.from(regrets.ce).sort() };
  return { ...partial, regrets, sorted };
}

/** Random search's expected best regret after k trials on a task. */
export const randomSearch = (ref: TaskReference, metric: Metric, k: number) => expectedMinOfK(ref.sorted[metric] as unknown as readonly number[], k);

/** Logs → `metatune import` → examples, for one seed's pool. */
export async function prepareSeed(s: LcbenchSurrogate, o: ProtocolOptions, seed: number, probes: ReadonlyMap<string, ProbeResult>, refs: ReadonlyMap<string, TaskReference>): Promise<SeedContext> {
  const pool = sampleGridPool(o.configs, o.rates, deriveSeed(seed, 'lcbench-pool'));
  const dir = join(o.workDir, `seed-${seed}`);
  await mkdir(dir, { recursive: true });
  const store = new MemoryTraceStore();
  const oracle = new Map<string, Score>();
  let summary = '';
  let imported = 0;
  for (const task of o.tasks) {
    const written = await writeTaskLogs(s, task, pool, probes.get(task)!.features, dir, `s${seed}`);
    summary = await importLog(store, written.logFile, written.taskFile);
    imported += Number(/imported: (\d+) run/.exec(summary)?.[1] ?? 0);
    const f = await finals(s, task, pool);
    const ref = refs.get(task)!;
    const scores = f.map((x) => scoreRegret(ref, x.acc, x.ce));
    oracle.set(task, { acc: Math.min(...scores.map((x) => x.acc)), ce: Math.min(...scores.map((x) => x.ce)) });
  }
  if (!o.keepLogs) await rm(dir, { recursive: true, force: true });
  const ex = await examplesFromTraces(store.query());
  await store.close();
  const features = new Map(o.tasks.map((t) => [t, probes.get(t)!.features]));
  const atRegretOne = ex.examples.filter((e) => e.regret >= 1 - 1e-12).length / Math.max(1, ex.examples.length);
  return { seed, examples: ex.examples, candidates: ex.candidates, features, oracle, importSummary: `${imported} runs imported by \`metatune import\` from ${o.tasks.length} JSONL logs`, skipped: ex.skipped, atRegretOne };
}

/** One learner, one held-out task. */
export async function runFold(
  s: LcbenchSurrogate,
  o: ProtocolOptions,
  ctx: SeedContext,
  ref: TaskReference,
  entry: { readonly learner: Learner; readonly config?: Record<string, unknown> },
): Promise<FoldResult> {
  const task = ref.task;
  const parent = taskRefId(task);
  const top = o.top ?? 100;
  const trials = o.trials ?? DEFAULT_TRIALS;
  const t0 = performance.now();
  // The harness drops the held-out task's examples itself; the learner is also told (and must honour it).
  const train = withoutHeldOut(ctx.examples, [parent]);
  const artifact = await entry.learner.fit(train, ctx.candidates, { seed: ctx.seed, holdOut: [parent], ...(entry.config ? { config: entry.config } : {}) });
  const policy = entry.learner.load(artifact);
  const fitMs = performance.now() - t0;
  const decision = policy.suggest({ id: parent, kind: 'classification', features: ctx.features.get(task)! }, { top });
  const ranked = decision.ranked.map((r) => r.candidate);
  const configs = ranked.map(configOf);
  const f = await finals(s, task, configs);
  const regrets = f.map((x) => scoreRegret(ref, x.acc, x.ce));
  const bestOf = (k: number, list: readonly Score[]): Score => {
    const head = list.slice(0, Math.max(1, k));
    return { acc: Math.min(...head.map((x) => x.acc)), ce: Math.min(...head.map((x) => x.ce)) };
  };
  const topK: Record<number, Score> = {};
  for (const k of TOP_K) topK[k] = bestOf(k, regrets);
  // The seeded search: the ranking first, then random reference configurations (seeded per fold).
  const maxTrials = Math.max(...trials);
  const search = [...regrets];
  const rand = seededRandom(deriveSeed(ctx.seed, `search/${task}/${entry.learner.id}`));
  const n = ref.regrets.acc.length;
  while (search.length < maxTrials) {
    const i = Math.floor(rand() * n);
    search.push({ acc: ref.regrets.acc[i]!, ce: ref.regrets.ce[i]! });
  }
  const trialScores: Record<number, Score> = {};
  for (const t of trials) trialScores[t] = bestOf(t, search);
  // Successive halving over the ranking on the held-out task's curves (val cross-entropy per epoch).
  const unique = [...new Map(ranked.map((c, i) => [c.id, i])).entries()];
  const budget = o.budget ?? 2;
  const entrantsMax = Math.min(unique.length, 32);
  const entrantIdx = unique.slice(0, entrantsMax).map(([, i]) => i);
  const curves = await s.curves(task, entrantIdx.map((i) => configs[i]!));
  const curveMap = new Map(entrantIdx.map((i, j) => [ranked[i]!.id, Array.from({ length: LAST_EPOCH }, (_, e) => curves[j]![e * 6 + OUT.val_cross_entropy]!)]));
  const sim = simulateBudget(entrantIdx.map((i) => ranked[i]!.id), curveMap, budget, LAST_EPOCH);
  const chosen = entrantIdx.find((i) => ranked[i]!.id === sim.chosen)!;
  const halving = { ...regrets[chosen]!, runsUsed: sim.budgetUsed, entrants: sim.plan.candidates.length };
  return {
    seed: ctx.seed,
    task,
    learner: entry.learner.id,
    pick: regrets[0]!,
    topK,
    trials: trialScores,
    halving,
    ranked: ranked.length,
    outOfDistribution: decision.outOfDistribution !== undefined,
    fitMs,
    pickId: ranked[0]!.id,
  };
}

export async function runProtocol(s: LcbenchSurrogate, o: ProtocolOptions): Promise<ProtocolResult> {
  const log = o.log ?? (() => {});
  const references = new Map<string, TaskReference>();
  const probes = new Map<string, ProbeResult>();
  for (const task of o.tasks) {
    references.set(task, await buildReference(s, task, o.reference ?? 5000));
    probes.set(task, await probeTask(s, task));
  }
  log(`reference: ${o.reference ?? 5000} random configurations × ${o.tasks.length} tasks; probe features for each task`);
  const folds: FoldResult[] = [];
  const random1: ProtocolResult['random1'] = [];
  const oracle: ProtocolResult['oracle'] = [];
  const seeds: ProtocolResult['seeds'] = [];
  for (const seed of o.seeds) {
    const t0 = performance.now();
    const ctx = await prepareSeed(s, o, seed, probes, references);
    seeds.push({ seed, importedRuns: Number(/^(\d+)/.exec(ctx.importSummary)?.[1] ?? 0), candidates: ctx.candidates.length, examples: ctx.examples.length, atRegretOne: ctx.atRegretOne, skipped: ctx.skipped, importSummary: ctx.importSummary });
    log(`seed ${seed}: ${ctx.examples.length} imported runs → ${ctx.candidates.length} candidates (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    for (const task of o.tasks) {
      const ref = references.get(task)!;
      const rand = seededRandom(deriveSeed(seed, `random1/${task}`));
      const i = Math.floor(rand() * ref.regrets.acc.length);
      random1.push({ seed, task, score: { acc: ref.regrets.acc[i]!, ce: ref.regrets.ce[i]! } });
      oracle.push({ seed, task, score: ctx.oracle.get(task)! });
      for (const entry of o.learners) folds.push(await runFold(s, o, ctx, ref, entry));
    }
    log(`seed ${seed}: ${o.tasks.length} folds × ${o.learners.length} learners done (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    await o.onSeed?.({ references, folds, random1, oracle, probe: probes, seeds }, seeds.map((x) => x.seed));
  }
  return { references, folds, random1, oracle, probe: probes, seeds };
}
