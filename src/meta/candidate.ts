/**
 * A candidate is one choice a policy can make for a task: a model from the zoo, an optimizer and a
 * schedule. The bundled corpus trains a fixed grid of candidates on every task ([3/5]); learners
 * ([4/5]) learn which candidate wins where.
 *
 * Invariants: `id` is stable across corpus versions for the same (model, optimizer, schedule);
 * the schedule may use the run-length placeholders of src/schedules/placeholders.ts.
 */
import type { OptimizerConfig } from '../train/optimizer-config.js';

export interface Candidate {
  readonly id: string;
  /** Model-zoo id. */
  readonly model: string;
  readonly optimizer: OptimizerConfig;
  /** Schedule spec (native or interop), possibly with "$totalSteps" / "$stepsPerEpoch". */
  readonly schedule: unknown;
}
