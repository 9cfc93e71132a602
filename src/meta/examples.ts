/**
 * Traces + task features → training examples, with one normalised regret per (task, candidate)
 * (src/meta/regret.ts). Also the dense view learners work on: a task × candidate regret table.
 *
 * A trace is skipped (and counted, so `metatune train` can say why) when it is still running, when
 * its candidate cannot be told from what it recorded, or when it repeats a (task, candidate) pair
 * already seen (replicates: the first one counts; `metatune eval` reports the replicate spread
 * separately).
 */
import type { TraceRecord } from '../traces/trace.js';
import type { Candidate } from './candidate.js';
import { candidateOfTrace } from './candidate-identity.js';
import type { TrainingExample } from './learner.js';
import { priorLossOf, taskRegrets } from './regret.js';

export interface ExamplesResult {
  readonly examples: TrainingExample[];
  /** Every candidate seen, in first-seen order. */
  readonly candidates: Candidate[];
  /** Traces used. */
  readonly used: number;
  /** Traces skipped, by reason. */
  readonly skipped: Readonly<Record<string, number>>;
}

export interface ExamplesOptions {
  /** Meta-features per task id (used when a trace's task carries none). Defaults to none. */
  readonly features?: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

interface Row {
  readonly trace: TraceRecord;
  readonly candidate: Candidate;
}

function finalValLoss(t: TraceRecord): number | undefined {
  if (t.outcome?.final?.name === 'val_loss' && Number.isFinite(t.outcome.final.value)) return t.outcome.final.value;
  for (let i = t.epochs.length - 1; i >= 0; i--) {
    const v = t.epochs[i]!.val_loss;
    if (v !== undefined && Number.isFinite(v)) return v;
  }
  return undefined;
}

function curveOf(t: TraceRecord): number[] | undefined {
  const c = t.epochs.map((e) => e.val_loss ?? Number.NaN);
  return c.length > 0 && c.some(Number.isFinite) ? c : undefined;
}

/** Builds examples from traces (any async or sync iterable: a store query, readCorpus(), an array). */
export async function examplesFromTraces(traces: AsyncIterable<TraceRecord> | Iterable<TraceRecord>, options: ExamplesOptions = {}): Promise<ExamplesResult> {
  const skipped: Record<string, number> = {};
  const skip = (why: string) => (skipped[why] = (skipped[why] ?? 0) + 1);
  const byTask = new Map<string, Row[]>();
  const seen = new Set<string>();
  const candidates = new Map<string, Candidate>();
  for await (const trace of traces as AsyncIterable<TraceRecord>) {
    if (trace.status === 'running') {
      skip('still running');
      continue;
    }
    const candidate = candidateOfTrace(trace);
    if (!candidate) {
      skip('no optimizer or learning rate recorded');
      continue;
    }
    const key = `${trace.task.id}\u0000${candidate.id}`;
    if (seen.has(key)) {
      skip('repeats a (task, candidate) pair (replicate)');
      continue;
    }
    seen.add(key);
    if (!candidates.has(candidate.id)) candidates.set(candidate.id, candidate);
    const rows = byTask.get(trace.task.id) ?? [];
    rows.push({ trace, candidate: candidates.get(candidate.id)! });
    byTask.set(trace.task.id, rows);
  }
  const examples: TrainingExample[] = [];
  for (const [taskId, rows] of byTask) {
    const task = rows[0]!.trace.task;
    const features = task.metaFeatures ?? options.features?.get(taskId) ?? {};
    const kind = task.kind === 'classification' || task.kind === 'regression' ? task.kind : undefined;
    const scores = rows.map(({ trace }) => {
      const loss = finalValLoss(trace);
      const diverged = trace.status === 'diverged' || trace.status === 'failed' || loss === undefined;
      return { finalValLoss: loss, diverged };
    });
    const regrets = taskRegrets(scores, priorLossOf(kind, features));
    rows.forEach(({ trace, candidate }, i) => {
      examples.push({
        taskId,
        parentDataset: task.parentDataset ?? taskId,
        kind,
        features,
        candidate,
        regret: regrets[i]!,
        outcome: {
          finalValLoss: scores[i]!.finalValLoss,
          bestValLoss: trace.outcome?.best?.name === 'val_loss' ? trace.outcome.best.value : undefined,
          diverged: scores[i]!.diverged,
          epochsRun: trace.outcome?.epochsRun ?? trace.epochs.length,
          wallTimeMs: trace.outcome?.wallTimeMs,
          curve: curveOf(trace),
        },
      });
    });
  }
  return { examples, candidates: [...candidates.values()], used: seen.size, skipped };
}

/** Dense task × candidate view of a set of examples (NaN where a task lacks a candidate). */
export interface RegretTable {
  readonly tasks: readonly string[];
  readonly parents: readonly string[];
  readonly kinds: ReadonlyArray<'classification' | 'regression' | undefined>;
  readonly features: ReadonlyArray<Readonly<Record<string, number>>>;
  readonly candidates: readonly Candidate[];
  /** regret[t][c] */
  readonly regret: readonly Float64Array[];
  /** The examples behind each cell (undefined where missing). */
  readonly cell: ReadonlyArray<ReadonlyArray<TrainingExample | undefined>>;
}

export function regretTable(examples: readonly TrainingExample[], candidates?: readonly Candidate[]): RegretTable {
  const cands = candidates ? [...candidates] : [...new Map(examples.map((e) => [e.candidate.id, e.candidate])).values()];
  const cIndex = new Map(cands.map((c, i) => [c.id, i]));
  const tIndex = new Map<string, number>();
  const tasks: string[] = [];
  const parents: string[] = [];
  const kinds: Array<'classification' | 'regression' | undefined> = [];
  const features: Array<Readonly<Record<string, number>>> = [];
  for (const e of examples) {
    if (tIndex.has(e.taskId)) continue;
    tIndex.set(e.taskId, tasks.length);
    tasks.push(e.taskId);
    parents.push(e.parentDataset);
    kinds.push(e.kind);
    features.push(e.features);
  }
  const regret = tasks.map(() => new Float64Array(cands.length).fill(Number.NaN));
  const cell = tasks.map(() => new Array<TrainingExample | undefined>(cands.length).fill(undefined));
  for (const e of examples) {
    const c = cIndex.get(e.candidate.id);
    if (c === undefined) continue;
    const t = tIndex.get(e.taskId)!;
    regret[t]![c] = e.regret;
    cell[t]![c] = e;
  }
  return { tasks, parents, kinds, features, candidates: cands, regret, cell };
}

/**
 * Examples without the held-out parents (the evaluation harness and every learner apply it), in a
 * canonical order (task, then candidate), so that a learner's floating-point sums — and so its
 * artifact — do not depend on the order the store returned the runs in.
 */
export function withoutHeldOut(examples: readonly TrainingExample[], holdOut: readonly string[] | undefined): TrainingExample[] {
  const out = new Set(holdOut ?? []);
  const key = (e: TrainingExample) => `${e.taskId}\u0000${e.candidate.id}`;
  return examples.filter((e) => !out.has(e.parentDataset)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
