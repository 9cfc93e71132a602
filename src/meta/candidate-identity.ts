/**
 * Which candidate a trace ran, and the same candidate at another peak learning rate.
 *
 * A candidate's *config* is everything but its peak rate (`mlp-small/adam/cosine_decay` for
 * `mlp-small/adam/cosine_decay@1e-3`): learners that set the learning rate per task (kNN's median,
 * lr-probe's regression, the surrogate's refinement) choose a config, then a rate, possibly
 * between grid points.
 */
import { corpusGrid, formatRate } from '../corpus/grid.js';
import type { OptimizerConfig, OptimizerName } from '../train/optimizer-config.js';
import type { TraceRecord } from '../traces/trace.js';
import type { Candidate } from './candidate.js';
import { scheduleNameOf } from '../schedules/spec-identity.js';
import { requirePositive } from '../core/validation.js';

/** Schedule parameters that are learning rates (scaled with the peak), in every native family. */
const RATE_KEYS = new Set([
  'learningRate', 'initialLearningRate', 'maxLearningRate', 'baseLearningRate', 'startLearningRate',
  'minLr', 'endLearningRate', 'initialValue', 'endValue', 'peakValue', 'initValue', 'alpha0',
]);

const OPTIMIZER_BY_CLASS: Readonly<Record<string, OptimizerName>> = {
  adam: 'adam', momentum: 'momentum', momentumoptimizer: 'momentum', sgd: 'sgd', sgdoptimizer: 'sgd', adamoptimizer: 'adam',
  adamax: 'adamax', adamaxoptimizer: 'adamax', adagrad: 'adagrad', adagradoptimizer: 'adagrad', adadelta: 'adadelta',
  adadeltaoptimizer: 'adadelta', rmsprop: 'rmsprop', rmspropoptimizer: 'rmsprop',
};

let gridCache: Map<string, Candidate> | undefined;
function gridById(): Map<string, Candidate> {
  gridCache ??= new Map(corpusGrid().map((c) => [c.id, c]));
  return gridCache;
}

/** `model/optimizer/schedule` without `@rate`. */
export function configKeyOf(candidateId: string): string {
  return candidateId.replace(/@[^/@]+$/, '');
}

/** The candidate's peak (or start) learning rate. */
export function peakLearningRate(candidate: Candidate): number {
  return candidate.optimizer.learningRate;
}

function scaleRates(spec: unknown, factor: number): unknown {
  if (Array.isArray(spec)) return spec.map((s) => scaleRates(s, factor));
  if (spec === null || typeof spec !== 'object') return spec;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec as Record<string, unknown>)) {
    out[k] = RATE_KEYS.has(k) && typeof v === 'number' ? v * factor : scaleRates(v, factor);
  }
  return out;
}

/** The same candidate with its peak rate moved to `lr` (every rate of its schedule scaled alike). */
export function withPeakLearningRate(candidate: Candidate, lr: number): Candidate {
  const old = peakLearningRate(candidate);
  requirePositive('learningRate', lr, 'withPeakLearningRate');
  if (lr === old) return candidate;
  return {
    id: `${configKeyOf(candidate.id)}@${formatRate(Number(lr.toPrecision(3)))}`,
    model: candidate.model,
    optimizer: { ...candidate.optimizer, learningRate: lr } as OptimizerConfig,
    schedule: scaleRates(candidate.schedule, lr / old),
  };
}

/**
 * The schedule's tag in candidate ids, as the corpus grid names it: the grid's warm-up + cosine
 * template is a `warmup` spec wrapping `cosine_decay`, tagged `warmup_cosine` — so a run `fit`
 * recorded from a grid candidate (or any warm-up + cosine run) gets the grid's config key, and
 * the learners see one candidate, not two. Any other warm-up wrapper is `warmup_<inner family>`.
 */
export function scheduleTagOf(schedule: unknown): string {
  const family = scheduleNameOf(schedule) ?? 'constant';
  if (family !== 'warmup') return family;
  const after = scheduleNameOf((schedule as { params?: { after?: unknown } }).params?.after);
  if (after === undefined) return family;
  return after === 'cosine_decay' ? 'warmup_cosine' : `warmup_${after}`;
}

function numberIn(h: Readonly<Record<string, unknown>> | undefined, keys: readonly string[]): number | undefined {
  for (const k of keys) {
    const v = h?.[k];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  }
  return undefined;
}

/**
 * The candidate a trace ran. Corpus and fit runs (`corpus:<task>:<candidate id>`, `fit:<id>:<candidate id>`) map back to
 * the grid's placeholder spec, so the candidate fits any task size; other runs get an id built
 * from model, optimizer, schedule family and rate, and keep the spec they recorded.
 * Undefined when the trace says too little (no optimizer and no learning rate).
 */
export function candidateOfTrace(trace: TraceRecord): Candidate | undefined {
  // Corpus runs are `corpus:<task>:<candidate id>[#s<seed>]`; `metatune fit` records `fit:<fit id>:<candidate id>`.
  const m = /^(?:corpus|fit):[^:]+:(.+?)(?:#s\d+)?$/.exec(trace.id);
  if (m) {
    const fromGrid = gridById().get(m[1]!);
    if (fromGrid) return fromGrid;
  }
  const className = trace.optimizer?.className;
  if (!className) return undefined;
  const name = OPTIMIZER_BY_CLASS[className.replace(/^.*\./, '').toLowerCase()];
  if (!name) return undefined;
  const hp = trace.optimizer?.hyperparameters as Readonly<Record<string, unknown>> | undefined;
  const lr = numberIn(hp, ['learningRate', 'learning_rate', 'lr']) ?? trace.epochs.find((e) => e.lr !== undefined && e.lr > 0)?.lr;
  if (lr === undefined) return undefined;
  const model = trace.model?.zooId ?? trace.model?.name ?? 'unknown-model';
  const schedule = trace.schedule ?? { family: 'constant', params: { learningRate: lr } };
  const optimizer: Record<string, number | string> = { name, learningRate: lr };
  const momentum = numberIn(hp, ['momentum']);
  if (name === 'momentum' && momentum !== undefined) optimizer.momentum = momentum;
  return { id: `${model}/${name}/${scheduleTagOf(schedule)}@${formatRate(Number(lr.toPrecision(3)))}`, model, optimizer: optimizer as OptimizerConfig, schedule };
}
