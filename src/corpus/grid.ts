/**
 * The bundled corpus' fixed candidate grid: 4 zoo models × 2 optimizers × 34 schedules per
 * optimizer, every one trained for the same epoch budget on every corpus task, so each task's best
 * choice in hindsight is known. Schedules are written relative to the optimizer's learning-rate
 * scale and use run-length placeholders ("$totalSteps", "$stepsPerEpoch"), so one spec fits every
 * task whatever its size.
 *
 * Changing anything here (a candidate, a number, the task list, epochs, batch size, seed) changes
 * the corpus: bump GENERATOR_VERSION so a stale chunk is rebuilt instead of silently kept.
 */
import type { OptimizerConfig } from '../train/optimizer-config.js';
import type { Candidate } from '../meta/candidate.js';

/** Version of the grid + task list + training budget. Chunks built by another version are rebuilt. */
export const GENERATOR_VERSION = 'corpus-grid/1';

/** Epochs every candidate trains for (the fixed budget). */
export const CORPUS_EPOCHS = 20;
/** Mini-batch size of every run. */
export const CORPUS_BATCH_SIZE = 32;
/** Seed of every task split and every model's initial weights. */
export const CORPUS_SEED = 1;

/**
 * Zoo models: a capacity ladder of flat-input nets (image tasks are flattened by runTrial).
 * mlp-dropout ([128, 128], dropout 0.3) stands in for mlp-wide: it adds regularisation to the
 * ladder (measured on wasm at 20 epochs: 12 s vs 15 s on MNIST, 2.1 s vs 1.2 s on digits).
 */
export const CORPUS_MODELS = ['linear', 'mlp-small', 'mlp-medium', 'mlp-dropout'] as const;

export type CorpusOptimizer = 'adam' | 'momentum';

/** The two optimizers and their learning-rate scales (peak rates L0 < L1 < L2 < L3). */
export const OPTIMIZER_SCALES: Readonly<Record<CorpusOptimizer, { readonly config: Omit<OptimizerConfig, 'learningRate'>; readonly rates: readonly [number, number, number, number] }>> = {
  // Adam with tfjs' defaults (beta1 0.9, beta2 0.999, epsilon 1e-7).
  adam: { config: { name: 'adam' }, rates: [3e-4, 1e-3, 3e-3, 1e-2] },
  // SGD with heavy-ball momentum 0.9 (tf.train.momentum has no default momentum; 0.9 is Keras/PyTorch practice).
  momentum: { config: { name: 'momentum', momentum: 0.9 }, rates: [3e-3, 1e-2, 3e-2, 1e-1] },
};

/** A schedule of the grid before the optimizer's rate is known: `make(lr)` returns the spec. */
interface ScheduleTemplate {
  /** Family tag used in ids (`warmup_cosine`, `one_cycle_linear`, …). */
  readonly name: string;
  /** Which of the optimizer's four rates (0..3) it is tried at. */
  readonly levels: readonly number[];
  readonly make: (lr: number) => Record<string, unknown>;
}

const ALL = [0, 1, 2, 3] as const;

/**
 * 6 families at all four rates + 3 at the two middle rates + 4 at one rate = 34 schedules per
 * optimizer. `lr` is always the schedule's peak (or starting) rate.
 */
export const SCHEDULE_TEMPLATES: readonly ScheduleTemplate[] = [
  { name: 'constant', levels: ALL, make: (lr) => ({ family: 'constant', params: { learningRate: lr } }) },
  { name: 'cosine_decay', levels: ALL, make: (lr) => ({ family: 'cosine_decay', params: { initialLearningRate: lr, decaySteps: '$totalSteps' } }) },
  {
    // Linear warm-up over the first 10 % of the run from 0, then cosine decay to 0 over the rest.
    name: 'warmup_cosine',
    levels: ALL,
    make: (lr) => ({
      family: 'warmup',
      params: { warmupSteps: '0.1*$totalSteps', startLearningRate: 0, after: { family: 'cosine_decay', params: { initialLearningRate: lr, decaySteps: '0.9*$totalSteps' } } },
    }),
  },
  // PyTorch OneCycleLR numbers (pctStart 0.3, divFactor 25, finalDivFactor 1e4, momentum/beta1 cycled 0.95→0.85).
  { name: 'one_cycle', levels: ALL, make: (lr) => ({ family: 'one_cycle', params: { maxLearningRate: lr, totalSteps: '$totalSteps', annealStrategy: 'cos' } }) },
  // ×0.3 at 30 %, 60 % and 90 % of the run (PyTorch StepLR).
  { name: 'step', levels: ALL, make: (lr) => ({ family: 'step', params: { initialLearningRate: lr, stepSize: '0.3*$totalSteps', gamma: 0.3 } }) },
  // Keras ReduceLROnPlateau defaults except factor 0.5 / patience 2 (a 20-epoch budget), monitoring val_loss per epoch.
  {
    name: 'reduce_on_plateau',
    levels: ALL,
    make: (lr) => ({ family: 'reduce_on_plateau', params: { learningRate: lr, monitor: 'val_loss', semantics: 'keras', factor: 0.5, patience: 2, minLr: lr / 100 } }),
  },
  // Smooth exponential decay to 5 % of the start over the run (Keras ExponentialDecay).
  { name: 'exponential', levels: [1, 2], make: (lr) => ({ family: 'exponential', params: { initialLearningRate: lr, decaySteps: '$totalSteps', decayRate: 0.05 } }) },
  // Triangular2 cyclical rate between lr/10 and lr, four cycles per run (PyTorch CyclicLR).
  {
    name: 'cyclic',
    levels: [1, 2],
    make: (lr) => ({ family: 'cyclic', params: { baseLearningRate: lr / 10, maxLearningRate: lr, stepSizeUp: '0.125*$totalSteps', mode: 'triangular2' } }),
  },
  // SGDR with four equal periods (Keras CosineDecayRestarts, tMul 1).
  { name: 'cosine_restarts', levels: [1, 2], make: (lr) => ({ family: 'cosine_restarts', params: { initialLearningRate: lr, firstDecaySteps: '0.25*$totalSteps', tMul: 1 } }) },
  { name: 'one_cycle_linear', levels: [2], make: (lr) => ({ family: 'one_cycle', params: { maxLearningRate: lr, totalSteps: '$totalSteps', annealStrategy: 'linear' } }) },
  { name: 'polynomial', levels: [1], make: (lr) => ({ family: 'polynomial', params: { initialLearningRate: lr, decaySteps: '$totalSteps', endLearningRate: lr / 100, power: 2 } }) },
  // 1/t decay: lr / (1 + 0.5·epoch).
  { name: 'inverse_time', levels: [2], make: (lr) => ({ family: 'inverse_time', params: { initialLearningRate: lr, decaySteps: '$stepsPerEpoch', decayRate: 0.5 } }) },
  { name: 'linear_decay', levels: [1], make: (lr) => ({ family: 'linear', params: { initialValue: lr, endValue: 0, transitionSteps: '$totalSteps' } }) },
];

export interface CorpusSchedule {
  /** `<family tag>@<rate>`, e.g. `cosine_decay@1e-3`: stable, readable. */
  readonly id: string;
  readonly family: string;
  /** Index of the rate in the optimizer's scale (0..3). */
  readonly level: number;
  readonly learningRate: number;
  readonly spec: Record<string, unknown>;
}

/** A grid candidate: the [4/5] `Candidate` contract plus what the corpus indexes it by. */
export interface CorpusCandidate extends Candidate {
  /** `<model>/<optimizer>/<schedule id>`, e.g. `mlp-small/adam/cosine_decay@1e-3`. */
  readonly id: string;
  readonly schedule: Record<string, unknown>;
  readonly scheduleId: string;
  readonly family: string;
  /** True for the "what you get without metatune" baseline of its model × optimizer (see DEFAULT_SCHEDULE). */
  readonly isDefault: boolean;
}

/** Rate as it appears in ids: 3e-4, 1e-3, 1e-1. */
export function formatRate(lr: number): string {
  return lr.toExponential().replace(/\.0+e/, 'e').replace('e+', 'e');
}

/**
 * The baseline each model × optimizer is compared against ([4/5]'s win rate vs defaults):
 * Adam at 1e-3 constant (tf.train.adam's and Keras' default rate) and, since tf.train.momentum has
 * no default rate, momentum 0.9 at 1e-2 constant (Keras SGD's default rate with the usual momentum).
 */
export const DEFAULT_SCHEDULE: Readonly<Record<CorpusOptimizer, string>> = { adam: 'constant@1e-3', momentum: 'constant@1e-2' };

/** The schedules tried with `optimizer`, in grid order. */
export function corpusSchedules(optimizer: CorpusOptimizer): CorpusSchedule[] {
  const rates = OPTIMIZER_SCALES[optimizer].rates;
  return SCHEDULE_TEMPLATES.flatMap((t) =>
    t.levels.map((level) => {
      const lr = rates[level]!;
      return { id: `${t.name}@${formatRate(lr)}`, family: t.name, level, learningRate: lr, spec: t.make(lr) };
    }),
  );
}

/** Every candidate of the grid, in a fixed order (model, optimizer, schedule). */
export function corpusGrid(): CorpusCandidate[] {
  const out: CorpusCandidate[] = [];
  for (const model of CORPUS_MODELS) {
    for (const optimizer of Object.keys(OPTIMIZER_SCALES) as CorpusOptimizer[]) {
      for (const s of corpusSchedules(optimizer)) {
        out.push({
          id: `${model}/${optimizer}/${s.id}`,
          model,
          optimizer: { ...OPTIMIZER_SCALES[optimizer].config, learningRate: s.learningRate } as OptimizerConfig,
          schedule: s.spec,
          scheduleId: s.id,
          family: s.family,
          isDefault: DEFAULT_SCHEDULE[optimizer] === s.id,
        });
      }
    }
  }
  return out;
}

/**
 * The corpus tasks: the 8 suite datasets and 24 variants (subsamples, label noise, unscaled
 * features, half the features), 32 tasks from 8 parents for leave-one-dataset-out evaluation.
 * MNIST keeps only its 25 % subsample as a variant: one MNIST task costs as much as ~12 others.
 */
export const CORPUS_TASKS: readonly string[] = [
  'iris', 'iris~sub50~s1', 'iris~noise10~s1', 'iris~unscaled', 'iris~half~s1',
  'wine', 'wine~sub50~s1', 'wine~noise10~s1', 'wine~unscaled', 'wine~half~s1',
  'breast_cancer', 'breast_cancer~sub25~s1', 'breast_cancer~noise10~s1', 'breast_cancer~unscaled', 'breast_cancer~half~s1',
  'digits', 'digits~sub25~s1', 'digits~noise10~s1', 'digits~unscaled',
  'diabetes', 'diabetes~sub50~s1', 'diabetes~unscaled', 'diabetes~half~s1',
  'mnist', 'mnist~sub25~s1',
  'boston_housing', 'boston_housing~sub50~s1', 'boston_housing~unscaled', 'boston_housing~half~s1',
  'cps_wages_1985', 'cps_wages_1985~sub50~s1', 'cps_wages_1985~unscaled',
];
