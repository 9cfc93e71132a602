/**
 * LCBench's search space (data/lcbench/config_space.json) and the mapping between an LCBench
 * configuration and metatune's `Candidate` (model, optimizer, schedule), both ways.
 *
 * The candidate carries everything needed to rebuild the configuration: the recipe in the model name
 * (`modelName`), SGD with momentum as the optimizer, the peak learning rate in the optimizer and in a
 * cosine-annealing schedule over the run (LCBench's training). When the schedule's peak and the optimizer's rate disagree
 * (a learner refined the rate in one place), the schedule wins: it drives the rate during training.
 */
import { ValidationError } from '../../src/core/errors.js';
import type { Candidate } from '../../src/meta/candidate.js';
import { seededRandom } from '../../src/tasks/random.js';
import type { LcbenchConfig } from './surrogate.js';

export const BOUNDS = {
  batchSize: [16, 512],
  learningRate: [1e-4, 0.1],
  momentum: [0.1, 0.99],
  weightDecay: [1e-5, 0.1],
  numLayers: [1, 5],
  maxUnits: [64, 1024],
  maxDropout: [0, 1],
} as const satisfies Record<keyof LcbenchConfig, readonly [number, number]>;

const logUniform = (r: number, lo: number, hi: number) => Math.exp(Math.log(lo) + r * (Math.log(hi) - Math.log(lo)));

/** One configuration drawn as config_space.json says (log-uniform batch size, rate, units; uniform the rest). */
export function sampleConfig(rand: () => number): LcbenchConfig {
  const b = BOUNDS;
  return {
    batchSize: Math.min(b.batchSize[1], Math.round(logUniform(rand(), b.batchSize[0], b.batchSize[1] + 0.5))),
    learningRate: logUniform(rand(), b.learningRate[0], b.learningRate[1]),
    momentum: b.momentum[0] + rand() * (b.momentum[1] - b.momentum[0]),
    weightDecay: b.weightDecay[0] + rand() * (b.weightDecay[1] - b.weightDecay[0]),
    numLayers: Math.min(b.numLayers[1], b.numLayers[0] + Math.floor(rand() * (b.numLayers[1] - b.numLayers[0] + 1))),
    maxUnits: Math.min(b.maxUnits[1], Math.round(logUniform(rand(), b.maxUnits[0], b.maxUnits[1] + 0.5))),
    maxDropout: rand() * (b.maxDropout[1] - b.maxDropout[0]),
  };
}

/** `n` configurations from `seed` (the same seed always gives the same pool), rounded as candidates show them. */
export function samplePool(n: number, seed: number): LcbenchConfig[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => roundConfig(sampleConfig(rand)));
}

/** Values rounded the way ids and logs show them (4 significant digits: ids stay stable and readable). */
const sig = (v: number) => Number(v.toPrecision(4));

export function roundConfig(c: LcbenchConfig): LcbenchConfig {
  return {
    batchSize: Math.round(c.batchSize),
    learningRate: sig(c.learningRate),
    momentum: sig(c.momentum),
    weightDecay: sig(c.weightDecay),
    numLayers: Math.round(c.numLayers),
    maxUnits: Math.round(c.maxUnits),
    maxDropout: sig(c.maxDropout),
  };
}

export const MODEL_PREFIX = 'lcbench-mlp';

/**
 * The training recipe but the rate, as the model name: LCBench's funnel MLP (layers, units,
 * dropout), its weight decay (an L2 penalty of the model in tfjs/Keras terms), the batch size and
 * the momentum. A name that holds all of it keeps two configurations apart whatever a trace-to-
 * candidate mapping keeps of the optimizer's hyperparameters (src/meta/candidate-identity.ts keeps
 * the rate and momentum only).
 */
export function modelName(c: LcbenchConfig): string {
  return `${MODEL_PREFIX}(layers=${c.numLayers},units=${c.maxUnits},dropout=${sig(c.maxDropout)},weightDecay=${sig(c.weightDecay)},batchSize=${c.batchSize},momentum=${sig(c.momentum)})`;
}

/** The schedule spec: cosine annealing of the peak rate to 0 over the whole run (LCBench's CosineAnnealingLR). */
export function cosineSchedule(learningRate: number): Record<string, unknown> {
  return { family: 'cosine_decay', params: { initialLearningRate: learningRate, decaySteps: '$totalSteps' } };
}

/** Rate as it appears in ids (the format of src/corpus/grid.ts, 3 significant digits). */
const rateLabel = (lr: number) => Number(lr.toPrecision(3)).toExponential().replace(/\.0+e/, 'e').replace('e+', 'e');

/** `<model name>/momentum/cosine_decay@<rate>`: the id src/meta/candidate-identity.ts gives the trace of this run. */
export function candidateId(c: LcbenchConfig): string {
  return `${modelName(c)}/momentum/cosine_decay@${rateLabel(c.learningRate)}`;
}

export function candidateOf(config: LcbenchConfig): Candidate {
  const c = roundConfig(config);
  return {
    id: candidateId(c),
    model: modelName(c),
    optimizer: { name: 'momentum', learningRate: c.learningRate, momentum: c.momentum },
    schedule: cosineSchedule(c.learningRate),
  };
}

/** What a user's log would record as the optimizer's settings (`optimizer_params` of the JSONL logs). */
export function optimizerParamsOf(config: LcbenchConfig): Record<string, number> {
  const c = roundConfig(config);
  return { learningRate: c.learningRate, momentum: c.momentum, weightDecay: c.weightDecay, batchSize: c.batchSize };
}

/**
 * The benchmark's logged pool for one seed: `configs` random recipes (everything but the rate),
 * each at the same `rates` log-spaced peak rates over LCBench's range, as the bundled corpus crosses
 * its configs with a rate grid. Learners that set the rate per task (kNN, lr-probe) need several
 * rates per recipe; they may land between the grid's rates.
 */
export function sampleGridPool(configs: number, rates: number, seed: number): LcbenchConfig[] {
  const recipes = samplePool(configs, seed);
  const [lo, hi] = BOUNDS.learningRate;
  const grid = Array.from({ length: rates }, (_, i) => Number((lo * (hi / lo) ** (rates === 1 ? 0.5 : i / (rates - 1))).toPrecision(4)));
  return recipes.flatMap((r) => grid.map((learningRate) => ({ ...r, learningRate })));
}

const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

/**
 * The LCBench configuration a candidate stands for. Values outside LCBench's space (a learner that
 * extrapolated a rate) are clamped to it: the surrogate is only trained inside.
 */
export function configOf(candidate: Candidate): LcbenchConfig {
  const m = /^lcbench-mlp\(layers=(\d+),units=(\d+),dropout=([0-9.eE+-]+),weightDecay=([0-9.eE+-]+),batchSize=(\d+),momentum=([0-9.eE+-]+)\)$/.exec(candidate.model);
  const o = candidate.optimizer as unknown as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);
  const s = candidate.schedule as { params?: { initialLearningRate?: unknown } } | undefined;
  const lr = Number.isFinite(num(s?.params?.initialLearningRate)) ? num(s?.params?.initialLearningRate) : num(o.learningRate);
  const cfg = { numLayers: Number(m?.[1]), maxUnits: Number(m?.[2]), maxDropout: Number(m?.[3]), weightDecay: Number(m?.[4]), batchSize: Number(m?.[5]), momentum: Number(m?.[6]), learningRate: lr };
  const bad = Object.entries(cfg).find(([, v]) => !Number.isFinite(v));
  if (!m || bad) {
    throw new ValidationError('NOT_AN_LCBENCH_CANDIDATE', `Candidate "${candidate.id}" is no LCBench configuration: ${!m ? `model "${candidate.model}" is not ${MODEL_PREFIX}(layers=…,units=…,dropout=…,weightDecay=…,batchSize=…,momentum=…)` : `\`${bad![0]}\` is missing or not a number`}.`, { candidate: candidate.id });
  }
  return {
    batchSize: Math.round(clamp(cfg.batchSize, BOUNDS.batchSize)),
    learningRate: clamp(cfg.learningRate, BOUNDS.learningRate),
    momentum: clamp(cfg.momentum, BOUNDS.momentum),
    weightDecay: clamp(cfg.weightDecay, BOUNDS.weightDecay),
    numLayers: Math.round(clamp(cfg.numLayers, BOUNDS.numLayers)),
    maxUnits: Math.round(clamp(cfg.maxUnits, BOUNDS.maxUnits)),
    maxDropout: clamp(cfg.maxDropout, BOUNDS.maxDropout),
  };
}
