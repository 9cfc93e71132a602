/**
 * Applying a suggestion in one's own training code: the model and optimizer it names, compiled for
 * the task, and its schedule with the run-length placeholders filled in — ready for
 * `model.fit(x, y, { epochs, batchSize, callbacks: [lrScheduler({ schedule })] })`.
 * (`trainCandidate` does all of it, data included; this is for users who own their `fit` call.)
 */
import type * as tf from '@tensorflow/tfjs';
import { compileFor } from '../models/compile.js';
import type { ScheduleSpec } from '../schedules/schedule.js';
import { substituteLearningRate, substitutePlaceholders } from '../schedules/placeholders.js';
import type { LoadedTask } from '../tasks/task.js';
import { makeOptimizer } from '../train/optimizers.js';
import { inputFor, zooEntryFor, type TrainRuntime } from '../train/train-candidate.js';
import type { Candidate } from './candidate.js';
import type { Decision } from './policy.js';

export interface SuggestedModel {
  /** The zoo model, built with seeded weights and compiled with the suggested optimizer. */
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  /** The schedule spec for `lrScheduler({ schedule })`, run-length placeholders resolved. */
  readonly schedule: ScheduleSpec;
  /** Whether the model expects flattened inputs (image tasks on an MLP). */
  readonly flatten: boolean;
  readonly candidate: Candidate;
}

export interface BuildSuggestedModelArgs {
  readonly epochs: number;
  readonly batchSize: number;
  readonly runtime: TrainRuntime;
  /** Seed of the initial weights. Defaults to the task's split seed. */
  readonly seed?: number;
}

/**
 * @example
 * const decision = await suggest(task, { runtime });
 * const { model, schedule } = buildSuggestedModel(task, decision, { epochs: 20, batchSize: 32, runtime });
 * await model.fit(x, y, { epochs: 20, batchSize: 32, callbacks: [lrScheduler({ schedule })] });
 */
export function buildSuggestedModel(task: LoadedTask, decision: Decision | Candidate, args: BuildSuggestedModelArgs): SuggestedModel {
  const candidate = 'ranked' in decision ? decision.candidate : decision;
  const entry = zooEntryFor(candidate.model, args.runtime.models, 'buildSuggestedModel');
  const { shape, flatten } = inputFor(entry, task);
  const output = { kind: task.ref.kind, units: task.ref.kind === 'classification' ? task.numClasses! : 1 } as const;
  const stepsPerEpoch = Math.ceil(task.train.n / args.batchSize);
  const lr = candidate.optimizer.learningRate;
  const schedule = substitutePlaceholders(substituteLearningRate(candidate.schedule ?? { family: 'constant', params: { learningRate: lr } }, lr), {
    totalSteps: args.epochs * stepsPerEpoch,
    stepsPerEpoch,
  }) as ScheduleSpec;
  const optimizer = makeOptimizer(candidate.optimizer);
  const model = entry.build({ shape }, output, { seed: args.seed ?? task.seed });
  compileFor(model, output, optimizer);
  return { model, optimizer, schedule, flatten, candidate };
}
