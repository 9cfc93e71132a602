/**
 * The corpus builder (`npm run corpus`): every corpus task × every grid candidate, trained with
 * `runTrial` on the wasm backend, written as one gzipped JSONL chunk per task plus a manifest.
 *
 * Resumable at two levels:
 * - per trial: finished trials live in a lowdb work store, `.metatune/corpus-work/<task>.json`.
 *   A trial trains into an in-memory store and lands in the work store in one atomic write when it
 *   has finished, so a process killed mid-trial leaves nothing half-done and the trial is re-run.
 *   (A `running` record found there anyway — e.g. written by a direct runTrial — is dropped and re-run.)
 * - per task: a chunk whose manifest entry matches the current grid and whose bytes match the
 *   recorded sha256 is skipped without opening its work store.
 *
 * Reproducible: tasks, splits and initial weights are seeded, and runTrial replaces Math.random
 * (which tfjs uses to shuffle batches and to seed dropout) by a PRNG seeded from the run id while a
 * trial trains. The only values that differ between two builds are wall-clock ones: `createdAt`,
 * `updatedAt`, `finishedAt`, and `wallTimeMs` of epochs and outcomes.
 *
 * CLI: node dist/src/corpus/build.js [--shard i/n] [--tasks a,b] [--out dir] [--work dir]
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ValidationError } from '../core/errors.js';
import { runTrial } from '../container.js';
import { loadTask, suiteTaskInfo } from '../tasks/suite.js';
import type { LoadedTask } from '../tasks/task.js';
import { resolveBackend } from '../tfjs/backend.js';
import { getStore } from '../container.js';
import type { TraceStore } from '../traces/store.js';
import type { NewTrace, TraceRecord } from '../traces/trace.js';
import {
  CORPUS_BATCH_SIZE,
  CORPUS_EPOCHS,
  CORPUS_MODELS,
  CORPUS_SEED,
  CORPUS_TASKS,
  DEFAULT_SCHEDULE,
  CORPUS_NOTES,
  GENERATOR_VERSION,
  OPTIMIZER_SCALES,
  REPLICATE_SEEDS,
  corpusGrid,
  corpusSchedules,
  replicateTasks,
  seedsOf,
  type CorpusCandidate,
} from './grid.js';
import {
  canonicalJson,
  machineInfo,
  readManifest,
  sha256,
  updateManifest,
  type CorpusBest,
  type CorpusReplicates,
  type CorpusTaskEntry,
  type ManifestHeader,
} from './manifest.js';
import { bundledCorpusDir, isReplicateRunId } from './read.js';

export { isReplicateRunId };

export interface BuildCorpusOptions {
  /** Tasks to build (suite ids). Defaults to CORPUS_TASKS. */
  readonly tasks?: readonly string[];
  /** Candidates to train on each task. Defaults to the full grid. */
  readonly candidates?: readonly CorpusCandidate[];
  /** Defaults to CORPUS_EPOCHS (20). */
  readonly epochs?: number;
  /** Defaults to CORPUS_BATCH_SIZE (32). */
  readonly batchSize?: number;
  /** Defaults to CORPUS_SEED (1). */
  readonly seed?: number;
  /**
   * Tasks whose every candidate is also trained with REPLICATE_SEEDS (run ids end in `#seed<n>`).
   * Defaults to `replicateTasks(CORPUS_TASKS)` (also when `tasks` picks a subset). Part of the grid hash.
   */
  readonly replicateTasks?: readonly string[];
  /** Where chunks and manifest.json go. Defaults to the bundled data/corpus. */
  readonly outDir?: string;
  /** Where the per-task lowdb work stores go. Defaults to ./.metatune/corpus-work. */
  readonly workDir?: string;
  /** This process' share of the tasks: { index: 0-based, count }. Defaults to all tasks. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Stop after this many trained trials (simulates a kill in tests). Defaults to no limit. */
  readonly maxTrials?: number;
  /** Progress lines. Defaults to console.log. */
  readonly log?: (line: string) => void;
}

export interface BuildCorpusReport {
  readonly tasksBuilt: readonly string[];
  readonly tasksSkipped: readonly string[];
  /** Tasks started but not finished (only when maxTrials stopped the build). */
  readonly tasksPending: readonly string[];
  readonly trialsTrained: number;
  readonly trialsReused: number;
  readonly wallTimeMs: number;
}

/**
 * Relative cost of one task, rows × (8 + features^0.4) (fitted by eye to wasm timings of the four
 * models: MNIST ≈ 4.5 × digits ≈ 55 × iris): balances shards, does not predict time.
 */
export function estimatedCost(task: string): number {
  const info = suiteTaskInfo(task);
  if (!info) throw new ValidationError('UNKNOWN_CORPUS_TASK', `Corpus task "${task}" is not a suite task. See \`metatune tasks list\`.`, { task });
  return info.rows * (8 + info.features ** 0.4);
}

/**
 * Splits tasks across `count` shards by longest-processing-time-first on `estimatedCost`, ties by
 * id: deterministic, so every shard process computes the same split. Each shard runs its cheapest
 * tasks first, so finished chunks appear early.
 */
export function shardTasks(tasks: readonly string[], count: number, replicated: readonly string[] = []): string[][] {
  // A replicate task trains every candidate at 1 + REPLICATE_SEEDS.length seeds.
  const cost = (t: string) => estimatedCost(t) * (replicated.includes(t) ? 1 + REPLICATE_SEEDS.length : 1);
  const shards = Array.from({ length: count }, () => ({ cost: 0, tasks: [] as string[] }));
  const ordered = [...tasks].sort((a, b) => cost(b) - cost(a) || (a < b ? -1 : 1));
  for (const t of ordered) {
    const target = shards.reduce((best, s) => (s.cost < best.cost ? s : best), shards[0]!);
    target.cost += cost(t);
    target.tasks.push(t);
  }
  return shards.map((s) => s.tasks.sort((a, b) => cost(a) - cost(b) || (a < b ? -1 : 1)));
}

interface ResolvedConfig {
  readonly candidates: readonly CorpusCandidate[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
}

/** One run of a task: a candidate at a seed (the base seed, or a replicate seed). */
interface Job {
  readonly candidate: CorpusCandidate;
  readonly seed: number;
  readonly runId: string;
  readonly hash: string;
}

/** The configuration a chunk depends on; its hash decides whether a chunk is current. */
function configOf(c: ResolvedConfig): Record<string, unknown> {
  return {
    generatorVersion: GENERATOR_VERSION,
    epochs: c.epochs,
    batchSize: c.batchSize,
    seed: c.seed,
    candidates: c.candidates.map((k) => ({ id: k.id, model: k.model, optimizer: k.optimizer, schedule: k.schedule })),
  };
}

/** The hash stored as each run's provenance.contentHash: which candidate, trained how, at which seed. */
function candidateHash(k: CorpusCandidate, c: ResolvedConfig, seed: number = c.seed): string {
  return sha256(canonicalJson({ generatorVersion: GENERATOR_VERSION, epochs: c.epochs, batchSize: c.batchSize, seed, model: k.model, optimizer: k.optimizer, schedule: k.schedule }));
}

export function chunkFileName(task: string): string {
  return `${task}.jsonl.gz`;
}

/** Suffix of a replicate run's id: `#seed2`. Base-seed runs have none. */
export const REPLICATE_SUFFIX = '#seed';

/** `corpus:<task>:<candidate>`, and `corpus:<task>:<candidate>#seed<n>` for a replicate seed. */
export function runIdOf(task: string, candidateId: string, seed?: number, baseSeed: number = CORPUS_SEED): string {
  return `corpus:${task}:${candidateId}${seed !== undefined && seed !== baseSeed ? `${REPLICATE_SUFFIX}${seed}` : ''}`;
}


/** A finished record as a NewTrace (for importRun), contentHash added to its provenance. */
function asImport(run: TraceRecord, contentHash: string): NewTrace {
  const { createdAt: _c, updatedAt: _u, ...rest } = run;
  return { ...rest, provenance: { ...(run.provenance ?? { importer: 'sweep' }), contentHash } };
}

/**
 * Opens the task's work store. Records of another grid (contentHash not among the current
 * candidates') or left `running` are deleted from it (one write). Deleted, not copied into a fresh
 * file renamed over the old one: a file store is a snapshot plus a journal, and renaming only the
 * snapshot would pair it with the old store's journal.
 */
async function openWorkStore(file: string, hashes: ReadonlyMap<string, string>, log: (l: string) => void): Promise<TraceStore> {
  const store = await getStore(`file:${file}`);
  const drop: string[] = [];
  for await (const run of store.query()) {
    const current = hashes.get(run.id);
    if (run.status === 'running' || current === undefined || run.provenance?.contentHash !== current) drop.push(run.id);
  }
  if (drop.length === 0) return store;
  log(`  ${file}: dropping ${drop.length} run(s) left running or built by another grid; they are re-run`);
  await store.deleteRuns(drop);
  return store;
}

function bestOf(runs: readonly TraceRecord[], filter: (r: TraceRecord) => boolean, candidateOf: (r: TraceRecord) => string): CorpusBest | undefined {
  let best: CorpusBest | undefined;
  for (const r of runs) {
    const b = r.outcome?.best;
    if (r.status === 'diverged' || !b || !filter(r)) continue;
    if (!best || b.value < best.value) best = { candidateId: candidateOf(r), metric: b.name, value: b.value };
  }
  return best;
}

/**
 * Suite data paths are displayed relative to the working directory; in the chunk they are made
 * relative to the package root, so the bytes do not depend on where the build was started.
 */
function portableDataRef(run: TraceRecord): TraceRecord {
  const ref = run.task.dataRef;
  if (ref === undefined) return run;
  const root = dirname(dirname(bundledCorpusDir()));
  const rel = relative(root, isAbsolute(ref) ? ref : resolve(ref));
  if (rel.startsWith('..') || isAbsolute(rel)) return run;
  return { ...run, task: { ...run.task, dataRef: rel.split('\\').join('/') } };
}

/**
 * The noise floor of "best in hindsight" on a replicate task: the best candidate and its loss at
 * each seed, and how often the base seed's winner is also the winner (or in the top 5) at the other seeds.
 */
function replicateSummary(runs: readonly TraceRecord[], seeds: readonly number[], baseSeed: number, candidateOf: (r: TraceRecord) => string): CorpusReplicates {
  const seedOf = (r: TraceRecord) => {
    const m = /#seed(\d+)$/.exec(r.id);
    return m ? Number(m[1]) : baseSeed;
  };
  const plain = (r: TraceRecord) => candidateOf(r).replace(/#seed\d+$/, '');
  const bySeed = seeds.map((seed) => {
    const ranked = runs
      .filter((r) => seedOf(r) === seed && r.status !== 'diverged' && r.outcome?.best)
      .map((r) => ({ id: plain(r), value: r.outcome!.best!.value }))
      .sort((a, b) => a.value - b.value || (a.id < b.id ? -1 : 1));
    return { seed, best: ranked[0], top5: ranked.slice(0, 5).map((x) => x.id) };
  });
  const baseBest = bySeed.find((s) => s.seed === baseSeed)?.best?.id;
  const others = bySeed.filter((s) => s.seed !== baseSeed);
  return {
    seeds: bySeed.map((s) => ({ seed: s.seed, candidateId: s.best?.id ?? null, value: s.best?.value ?? null })),
    baseWinnerWinsElsewhere: others.filter((s) => s.best?.id === baseBest).length,
    baseWinnerInTop5Elsewhere: others.filter((s) => baseBest !== undefined && s.top5.includes(baseBest)).length,
    otherSeeds: others.length,
  };
}

/** Writes the chunk (sorted by run id, canonical key order, gzip) atomically; returns its entry. */
function writeChunk(outDir: string, task: string, runs: TraceRecord[], config: ResolvedConfig, gridHash: string, loaded: LoadedTask | undefined, seeds: readonly number[]): CorpusTaskEntry {
  const sorted = runs.map(portableDataRef).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const text = sorted.map((r) => canonicalJson(r)).join('\n') + '\n';
  const gz = gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
  const file = chunkFileName(task);
  const tmp = join(outDir, `${file}.${process.pid}.tmp`);
  writeFileSync(tmp, gz);
  renameSync(tmp, join(outDir, file));
  const info = suiteTaskInfo(task);
  const prefix = runIdOf(task, '');
  const candidateOf = (r: TraceRecord) => r.id.slice(prefix.length);
  const byStatus: Record<string, number> = {};
  for (const r of sorted) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  // best / bestDefault are over the base seed's runs; replicates are summarised apart.
  const base = sorted.filter((r) => !isReplicateRunId(r.id));
  const best = bestOf(base, () => true, candidateOf);
  const replicates = seeds.length > 1 ? replicateSummary(sorted, seeds, config.seed, candidateOf) : undefined;
  const defaults = new Set(config.candidates.filter((k) => k.isDefault && k.optimizer.name === 'adam').map((k) => k.id));
  const bestModel = best?.candidateId.split('/')[0];
  const bestDefault = bestOf(base, (r) => defaults.has(candidateOf(r)) && candidateOf(r).split('/')[0] === bestModel, candidateOf);
  return {
    task,
    parentDataset: info?.parentDataset ?? sorted[0]?.task.parentDataset ?? task,
    kind: info?.kind ?? sorted[0]?.task.kind ?? 'unknown',
    // The loaded task's own numbers where it was loaded (one-hot width depends on the rows kept).
    rows: loaded ? loaded.train.n + loaded.validation.n : info?.rows ?? 0,
    features: loaded ? loaded.inputShape.reduce((a, b) => a * b, 1) : info?.features ?? 0,
    file,
    runs: sorted.length,
    seeds: [...seeds],
    ...(replicates && { replicates }),
    byStatus,
    trainWallTimeMs: Math.round(sorted.reduce((s, r) => s + (r.outcome?.wallTimeMs ?? 0), 0)),
    bytes: gz.length,
    sha256: sha256(gz),
    gridHash,
    generatorVersion: GENERATOR_VERSION,
    ...(best && { best }),
    ...(bestDefault && { bestDefault }),
    builtAt: new Date().toISOString(),
  };
}

function chunkIsCurrent(outDir: string, task: string, gridHash: string): boolean {
  const entry = readManifest(outDir)?.tasks[task];
  const file = join(outDir, chunkFileName(task));
  if (!entry || entry.gridHash !== gridHash || !existsSync(file)) return false;
  return sha256(readFileSync(file)) === entry.sha256;
}

function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Builds (or resumes) the corpus; see the module comment. */
export async function buildCorpus(options: BuildCorpusOptions = {}): Promise<BuildCorpusReport> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const config: ResolvedConfig = {
    candidates: options.candidates ?? corpusGrid(),
    epochs: options.epochs ?? CORPUS_EPOCHS,
    batchSize: options.batchSize ?? CORPUS_BATCH_SIZE,
    seed: options.seed ?? CORPUS_SEED,
  };
  const allTasks = options.tasks ?? CORPUS_TASKS;
  for (const t of allTasks) estimatedCost(t); // unknown ids fail before anything trains
  // The replicate list is part of the grid hash, so `--tasks` keeps the default list (a subset build stays compatible).
  const replicated = options.replicateTasks ?? replicateTasks(CORPUS_TASKS, (t) => suiteTaskInfo(t)!.rows);
  const shard = options.shard ?? { index: 0, count: 1 };
  const tasks = shardTasks(allTasks, shard.count, replicated)[shard.index] ?? [];
  const outDir = resolve(options.outDir ?? bundledCorpusDir());
  const workDir = resolve(options.workDir ?? '.metatune/corpus-work');
  mkdirSync(outDir, { recursive: true });
  mkdirSync(workDir, { recursive: true });

  const backend = await resolveBackend({ preferred: 'wasm', quiet: true });
  const configDoc = { ...configOf(config), replicates: { tasks: [...replicated].sort(), seeds: REPLICATE_SEEDS } };
  const gridHash = sha256(canonicalJson(configDoc));
  const header: ManifestHeader = {
    generatorVersion: GENERATOR_VERSION,
    gridHash,
    config: {
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seed,
      candidates: config.candidates.length,
      models: [...new Set(config.candidates.map((k) => k.model))],
      optimizers: Object.fromEntries(Object.entries(OPTIMIZER_SCALES).map(([k, v]) => [k, { ...v.config, rates: v.rates }])),
      schedulesPerOptimizer: Object.fromEntries(Object.keys(OPTIMIZER_SCALES).map((o) => [o, new Set(config.candidates.filter((k) => k.optimizer.name === o).map((k) => k.scheduleId)).size])),
      defaults: DEFAULT_SCHEDULE,
      fullGrid: config.candidates.length === corpusGrid().length && CORPUS_MODELS.length * corpusSchedules('adam').length * 2 === config.candidates.length,
      shuffle: 'tfjs model.fit shuffle, Math.random seeded per run from its id (mulberry32 of FNV-1a)',
      replicates: { tasks: [...replicated], seeds: [config.seed, ...REPLICATE_SEEDS.filter((s) => s !== config.seed)], runIdSuffix: `${REPLICATE_SUFFIX}<seed>` },
    },
    notes: CORPUS_NOTES,
    expectedTasks: [...allTasks],
    machine: machineInfo(tf.version.tfjs, backend.name),
  };
  log(`corpus ${GENERATOR_VERSION} grid ${gridHash.slice(0, 12)}: ${config.candidates.length} candidates × ${tasks.length} task(s) (shard ${shard.index + 1}/${shard.count}), ${config.epochs} epochs, batch ${config.batchSize}, backend ${backend.name}`);
  log(`  tasks: ${tasks.join(', ')}`);

  const built: string[] = [];
  const skipped: string[] = [];
  const pending: string[] = [];
  let trained = 0;
  let reused = 0;
  const trainStart = performance.now();
  let budgetLeft = options.maxTrials ?? Infinity;

  for (const [ti, task] of tasks.entries()) {
    if (chunkIsCurrent(outDir, task, gridHash)) {
      skipped.push(task);
      log(`[${ti + 1}/${tasks.length}] ${task}: chunk is current, skipped`);
      continue;
    }
    const seeds = replicated.includes(task) ? [config.seed, ...REPLICATE_SEEDS.filter((s) => s !== config.seed)] : [config.seed];
    const jobs: Job[] = seeds.flatMap((seed) =>
      config.candidates.map((k) => ({ candidate: k, seed, runId: runIdOf(task, k.id, seed, config.seed), hash: candidateHash(k, config, seed) })),
    );
    const hashes = new Map(jobs.map((j) => [j.runId, j.hash]));
    const store = await openWorkStore(join(workDir, `${task}.json`), hashes, log);
    const taskCache = new Map<string, LoadedTask>();
    const taskStart = performance.now();
    let taskTrained = 0;
    try {
      const done = new Set<string>();
      for await (const run of store.query()) done.add(run.id);
      reused += done.size;
      const todo = jobs.filter((j) => !done.has(j.runId));
      log(`[${ti + 1}/${tasks.length}] ${task}: ${done.size} done, ${todo.length} to train${seeds.length > 1 ? ` (seeds ${seeds.join(', ')})` : ''}`);
      for (const job of todo) {
        if (budgetLeft <= 0) break;
        const k = job.candidate;
        const runId = job.runId;
        const memory = await getStore('memory:');
        try {
          // runTrial seeds Math.random from the run id, so batch order and dropout are reproducible.
          // The seed also sets the split and the initial weights: a replicate differs in all three.
          await runTrial(
            { trialId: runId.slice(`corpus:${task}:`.length), task, seed: job.seed, model: k.model, optimizer: k.optimizer, schedule: k.schedule, epochs: config.epochs, batchSize: config.batchSize },
            { store: memory, sweepId: `corpus:${task}`, runIdPrefix: `corpus:${task}:`, taskCache },
          );
          const record = await memory.getRun(runId);
          // The seed is recorded with the model (it drew the split and the initial weights).
          const seeded: TraceRecord = { ...record, model: { ...record.model, params: { ...(record.model?.params ?? {}), seed: job.seed } } };
          await store.importRun(asImport(seeded, job.hash));
        } finally {
          await memory.close();
        }
        trained++;
        taskTrained++;
        budgetLeft--;
        if (taskTrained % 32 === 0 || taskTrained === todo.length) {
          const elapsed = performance.now() - taskStart;
          const eta = (elapsed / taskTrained) * (todo.length - taskTrained);
          log(`  ${task}: ${done.size + taskTrained}/${jobs.length} runs, ${fmtDuration(elapsed)} elapsed, task ETA ${fmtDuration(eta)}`);
        }
      }
      const runs: TraceRecord[] = [];
      for await (const run of store.query()) runs.push(run);
      if (runs.length < jobs.length) {
        pending.push(task);
        log(`  ${task}: stopped with ${runs.length}/${jobs.length} runs (resume to finish)`);
        break;
      }
      const loaded = taskCache.get(`${task}@${config.seed}`) ?? (await loadTask(task, { seed: config.seed }));
      const entry = writeChunk(outDir, task, runs, config, gridHash, loaded, seeds);
      await updateManifest(outDir, header, entry);
      built.push(task);
      log(`  ${task}: chunk ${entry.file} written (${entry.runs} runs, ${(entry.bytes / 1024).toFixed(1)} KiB, ${fmtDuration(performance.now() - taskStart)}); best ${entry.best?.candidateId} ${entry.best?.metric}=${entry.best?.value.toPrecision(4)}`);
    } finally {
      await store.close();
    }
  }
  if (built.length === 0 && skipped.length > 0) await updateManifest(outDir, header);
  const wallTimeMs = performance.now() - started;
  log(`done: ${built.length} built, ${skipped.length} skipped, ${pending.length} pending; ${trained} trained (${fmtDuration(performance.now() - trainStart)}), ${reused} reused; wall ${fmtDuration(wallTimeMs)}`);
  return { tasksBuilt: built, tasksSkipped: skipped, tasksPending: pending, trialsTrained: trained, trialsReused: reused, wallTimeMs };
}

/** `--shard 2/3` → { index: 1, count: 3 }. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i < 1 || i > n) {
    throw new ValidationError('INVALID_SHARD', `--shard must be "i/n" with 1 <= i <= n (e.g. --shard 1/2). Received: ${JSON.stringify(text)}.`, { received: text });
  }
  return { index: i - 1, count: n };
}

function parseArgs(argv: readonly string[]): BuildCorpusOptions {
  const out: { -readonly [K in keyof BuildCorpusOptions]: BuildCorpusOptions[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new ValidationError('MISSING_ARGUMENT', `${arg} needs a value.`, { argument: arg });
      return v;
    };
    if (arg === '--shard') out.shard = parseShard(value());
    else if (arg === '--tasks') out.tasks = value().split(',').filter(Boolean);
    else if (arg === '--out') out.outDir = value();
    else if (arg === '--work') out.workDir = value();
    else throw new ValidationError('UNKNOWN_ARGUMENT', `Unknown argument ${JSON.stringify(arg)}. Usage: node dist/src/corpus/build.js [--shard i/n] [--tasks a,b] [--out dir] [--work dir]`, { argument: arg });
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildCorpus(parseArgs(process.argv.slice(2))).catch((err: unknown) => {
    console.error(err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : err);
    process.exitCode = 1;
  });
}
