/**
 * The bundled corpus' fixed candidate grid (corpus-grid/2): 2 zoo models × 2 optimizers × 13
 * schedules per optimizer (52 candidates), every one trained for the same epoch budget on every
 * corpus task, so each task's best choice in hindsight is known. Schedules are written relative to
 * the optimizer's learning-rate scale and use run-length placeholders ("$totalSteps",
 * "$stepsPerEpoch"), so one spec fits every task whatever its size.
 *
 * Why this grid (measured on corpus-grid/1, 8 parents, 272 candidates; README "The bundled trace
 * corpus"): the learning rate is the main lever (optimizer × rate carried 40 % of the task ×
 * candidate interaction, and 21 of 32 per-task winners sat at their optimizer's top rate), the
 * model 16 %, the schedule family 4 %. So: a denser log grid reaching higher (10 rates, 1-2-5 per
 * decade, Adam 1e-4…1e-1 and momentum 1e-3…1), four families instead of thirteen (constant at
 * every rate; warm-up + cosine, one-cycle and reduce-on-plateau at one rate each), and a wider
 * model (mlp-wide, 256 units) for the wide tasks next to mlp-dropout (16 of 32 wins); linear,
 * mlp-small and mlp-medium were dropped to pay for the denser rates within the CPU the build
 * could get (README "The bundled trace corpus"). Replicates
 * (3 seeds) on a seeded subset of tasks measure the noise floor of "best in hindsight". The size
 * (tasks × candidates × 10 epochs) was chosen by a timed pilot and the first minutes of the real
 * build to fit the 2-core build machine shared with other work (README "The bundled trace corpus").
 *
 * Changing anything here (a candidate, a number, the task list, epochs, batch size, seed) changes
 * the corpus: bump GENERATOR_VERSION so a stale chunk is rebuilt instead of silently kept.
 */
import type { OptimizerConfig } from '../train/optimizer-config.js';
import type { Candidate } from '../meta/candidate.js';
import { seededRandom } from '../tasks/random.js';

/** Version of the grid + task list + training budget. Chunks built by another version are rebuilt. */
export const GENERATOR_VERSION = 'corpus-grid/2';

/** Epochs every candidate trains for (the fixed budget). */
export const CORPUS_EPOCHS = 10;
/** Mini-batch size of every run. */
export const CORPUS_BATCH_SIZE = 32;
/** Seed of every task split and every model's initial weights (replicates add REPLICATE_SEEDS). */
export const CORPUS_SEED = 1;

/**
 * Zoo models (flat-input nets; image tasks are flattened by runTrial): mlp-dropout [128, 128] with
 * dropout 0.3 (16 of 32 wins on corpus-grid/1) and mlp-wide [256] for the wide tables (57–784
 * inputs) the widened suite brings. linear (2 wins), mlp-small [32] (3) and mlp-medium [64, 64]
 * (11, mostly runner-up to mlp-dropout) made room for the rates: the build machine had ~0.3–0.5
 * of a core for it.
 */
export const CORPUS_MODELS = ['mlp-dropout', 'mlp-wide'] as const;

export type CorpusOptimizer = 'adam' | 'momentum';

/** 1-2-5 per decade: ten rates over three decades. */
const decades = (from: number): number[] => [0, 1, 2].flatMap((d) => [1, 2, 5].map((m) => Number((m * from * 10 ** d).toPrecision(1)))).concat([Number((from * 1000).toPrecision(1))]);

/** The two optimizers and their learning-rate scales (peak rates, ascending; index = level). */
export const OPTIMIZER_SCALES: Readonly<Record<CorpusOptimizer, { readonly config: Omit<OptimizerConfig, 'learningRate'>; readonly rates: readonly number[] }>> = {
  // Adam with tfjs' defaults (beta1 0.9, beta2 0.999, epsilon 1e-7): 1e-4 … 1e-1.
  adam: { config: { name: 'adam' }, rates: decades(1e-4) },
  // SGD with heavy-ball momentum 0.9 (tf.train.momentum has no default momentum; 0.9 is Keras/PyTorch practice): 1e-3 … 1.
  momentum: { config: { name: 'momentum', momentum: 0.9 }, rates: decades(1e-3) },
};

/** A schedule of the grid before the optimizer's rate is known: `make(lr)` returns the spec. */
interface ScheduleTemplate {
  /** Family tag used in ids (`constant`, `warmup_cosine`, …). */
  readonly name: string;
  /** Which of the optimizer's ten rates (0..9) it is tried at. */
  readonly levels: readonly number[];
  readonly make: (lr: number) => Record<string, unknown>;
}

/**
 * Constant at all ten rates (the learning-rate curve of every task × model), reduce-on-plateau at
 * level 3 (Adam 1e-3, momentum 1e-2: it only lowers the rate), warm-up + cosine at level 6 (Adam
 * 1e-2, momentum 1e-1) and one-cycle at level 9 (Adam 1e-1, momentum 1: its mean rate is well
 * under its peak) = 13 schedules per optimizer. `lr` is the peak (or starting) rate.
 */
export const SCHEDULE_TEMPLATES: readonly ScheduleTemplate[] = [
  { name: 'constant', levels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], make: (lr) => ({ family: 'constant', params: { learningRate: lr } }) },
  {
    // Linear warm-up over the first 10 % of the run from 0, then cosine decay to 0 over the rest.
    name: 'warmup_cosine',
    levels: [6],
    make: (lr) => ({
      family: 'warmup',
      params: { warmupSteps: '0.1*$totalSteps', startLearningRate: 0, after: { family: 'cosine_decay', params: { initialLearningRate: lr, decaySteps: '0.9*$totalSteps' } } },
    }),
  },
  // PyTorch OneCycleLR numbers (pctStart 0.3, divFactor 25, finalDivFactor 1e4, momentum/beta1 cycled 0.95→0.85).
  { name: 'one_cycle', levels: [9], make: (lr) => ({ family: 'one_cycle', params: { maxLearningRate: lr, totalSteps: '$totalSteps', annealStrategy: 'cos' } }) },
  // Keras ReduceLROnPlateau defaults except factor 0.5 / patience 2 (a 10-epoch budget), monitoring val_loss per epoch.
  {
    name: 'reduce_on_plateau',
    levels: [3],
    make: (lr) => ({ family: 'reduce_on_plateau', params: { learningRate: lr, monitor: 'val_loss', semantics: 'keras', factor: 0.5, patience: 2, minLr: lr / 100 } }),
  },
];

export interface CorpusSchedule {
  /** `<family tag>@<rate>`, e.g. `cosine_decay@1e-3`: stable, readable. */
  readonly id: string;
  readonly family: string;
  /** Index of the rate in the optimizer's scale (0..9). */
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

/** Rate as it appears in ids: 2e-4, 1e-3, 1e-1, 1e0. */
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
 * The corpus tasks: 26 parent datasets (the 8 original ones and 18 converted from Debian's R
 * packages, data/datasets/*.md) and variants of them (subsamples, label noise, unscaled features,
 * half the features), each keeping its parent id for leave-one-dataset-out evaluation. The
 * unscaled variants are over-represented on purpose: they were the largest source of regret on
 * corpus-grid/1. MNIST and digits are represented by their 25 % subsamples only (one full MNIST task
 * costs as much as ~15 small ones; full digits and digits~unscaled were cut when the shared machine
 * left too little CPU to finish them in time).
 */
export const CORPUS_TASKS: readonly string[] = [
  'iris', 'iris~sub50~s1', 'iris~noise10~s1', 'iris~unscaled',
  'wine', 'wine~noise10~s1', 'wine~unscaled', 'wine~half~s1',
  'breast_cancer', 'breast_cancer~sub25~s1', 'breast_cancer~unscaled', 'breast_cancer~half~s1',
  'digits~sub25~s1',
  'diabetes', 'diabetes~sub50~s1', 'diabetes~unscaled',
  'mnist~sub25~s1',
  'boston_housing', 'boston_housing~unscaled', 'boston_housing~half~s1',
  'cps_wages_1985', 'cps_wages_1985~unscaled',
  'sonar', 'sonar~unscaled',
  'ionosphere', 'ionosphere~half~s1',
  'glass', 'glass~unscaled',
  'vehicle', 'vehicle~noise10~s1', 'vehicle~unscaled',
  'vowel', 'vowel~sub50~s1',
  'satellite', 'satellite~sub25~s1',
  'letter', 'letter~sub25~s1',
  'pima', 'pima~unscaled',
  'soybean', 'soybean~noise10~s1',
  'house_votes_84', 'house_votes_84~sub50~s1',
  'dna', 'dna~sub25~s1',
  'spam', 'spam~unscaled',
  'lending_club',
  'servo', 'servo~unscaled',
  'ozone', 'ozone~unscaled',
  'concrete', 'concrete~sub25~s1', 'concrete~unscaled',
  'ames', 'ames~unscaled',
  'meats', 'meats~unscaled', 'meats~half~s1',
];

/** Extra seeds every candidate is trained with on the replicate tasks (the base seed is CORPUS_SEED). */
export const REPLICATE_SEEDS: readonly number[] = [2, 3];
/** How many tasks get replicates, and the seed of their draw. */
export const REPLICATE_TASK_COUNT = 6;
export const REPLICATE_DRAW_SEED = 2026;

/**
 * The replicate tasks: REPLICATE_TASK_COUNT tasks drawn (mulberry32, seed REPLICATE_DRAW_SEED,
 * Fisher–Yates over the ids in sorted order) from the corpus tasks with at most 500 rows, so the
 * noise floor is measured where it matters most (small validation splits) and the replicates cost
 * about as much as seven small tasks. A replicate seed changes the split, the initial weights and
 * the batch order.
 */
export function replicateTasks(tasks: readonly string[] = CORPUS_TASKS, rowsOf: (task: string) => number): string[] {
  const eligible = [...tasks].filter((t) => rowsOf(t) <= 500).sort();
  const rand = seededRandom(REPLICATE_DRAW_SEED);
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!];
  }
  return eligible.slice(0, REPLICATE_TASK_COUNT).sort();
}

/** Seeds a task is trained with: CORPUS_SEED, plus REPLICATE_SEEDS on a replicate task. */
export function seedsOf(task: string, replicates: readonly string[]): number[] {
  return replicates.includes(task) ? [CORPUS_SEED, ...REPLICATE_SEEDS] : [CORPUS_SEED];
}

/** Why the grid is what it is: copied into the manifest's `notes`. */
export const CORPUS_NOTES: readonly string[] = [
  'corpus-grid/2 follows what corpus-grid/1 (8 parents, 32 tasks, 272 candidates, 20 epochs) measured: optimizer x learning rate carried 40 % of the task x candidate interaction, the model 16 %, the schedule family 4 %, and 21 of 32 per-task winners sat at their optimizer\'s top rate (Adam 1e-2, momentum 1e-1).',
  'Learning rates: ten per optimizer on a 1-2-5 log grid, Adam 1e-4..1e-1 and momentum (0.9) 1e-3..1, reaching a decade above corpus-grid/1\'s top rate, so a task\'s best rate is bracketed instead of cut off.',
  'Schedules: constant at every rate (a full learning-rate curve per task x model x optimizer); reduce-on-plateau at level 3 (Adam 1e-3, momentum 1e-2), warm-up + cosine at level 6 (1e-2 / 1e-1) and one-cycle at level 9 (1e-1 / 1; its mean rate is well below its peak): 13 schedules per optimizer instead of 34, since the family explained 4 %.',
  'Models: mlp-dropout ([128, 128], dropout 0.3; 16 of 32 wins on corpus-grid/1) and mlp-wide ([256], new, for the 57..784-input tasks); linear (2 wins), mlp-small (3) and mlp-medium (11) were dropped to pay for ten rates per optimizer within the CPU the build could get.',
  'Tasks: 26 parent datasets (8 before + 18 converted from Debian R packages, data/datasets/*.md), 60 tasks; unscaled variants on 16 parents because unscaled inputs were the largest source of regret; datasets above ~1,000 rows are subsampled (seeded, stratified) so one run stays small.',
  'Replicates: every candidate on 6 tasks (drawn with seed 2026 among tasks of <= 500 rows) also at seeds 2 and 3 (new split, initial weights and batch order), run ids ending in #seed<n>; readCorpus() skips them unless { replicates: true }. The manifest entry of a replicate task says how often the seed-1 winner wins at the other seeds.',
  'Budget: 10 epochs at batch 32 (corpus-grid/1: 20) and 52 candidates. A timed pilot (7 candidates x 9 tasks of 150..2,600 rows) priced 4 models x 12 epochs x 128 candidates at ~66 CPU-minutes; the real build, on 2 cores shared with four other sessions, got only 0.26..0.45 of a core at nice 15 and 0.28 at nice 5, so after two restarts (at 2 % and 5 % done) the grid was cut to 52 candidates and the build run at nice 0.',
];
