/**
 * Extension point `Learner` (token `metatune.Learner`), for [4/5]: turns traces into a policy.
 *
 * Invariants:
 * - `fit` is deterministic for a given example set and `seed`; it never reads traces of tasks whose
 *   `parentDataset` is in `options.holdOut` (leave-one-dataset-out evaluation relies on it).
 * - The artifact is plain JSON (weights base64-encoded when a learner has tensors), versioned, and
 *   `load(fit(...))` reproduces the same suggestions in another process.
 */
import type { Candidate } from './candidate.js';
import type { Policy, PolicyArtifact } from './policy.js';

/** What a learner learns from: one (task, candidate) pair and how it went. */
export interface TrainingExample {
  readonly taskId: string;
  readonly parentDataset: string;
  /** Meta-features, prefixed by featurizer id (`basic.rows`, `landmark.nn1`, `probe.loss_ratio_1e-2`). */
  readonly features: Readonly<Record<string, number>>;
  readonly candidate: Candidate;
  readonly outcome: {
    /** Best validation loss (lower is better); undefined for diverged runs. */
    readonly bestValLoss?: number;
    readonly finalValLoss?: number;
    readonly diverged: boolean;
    readonly epochsRun: number;
    readonly wallTimeMs?: number;
  };
}

export interface LearnerFitOptions {
  readonly seed: number;
  /** Parent datasets whose tasks must not be used. */
  readonly holdOut?: readonly string[];
}

export interface Learner {
  readonly id: string;
  readonly version: number;
  fit(examples: readonly TrainingExample[], candidates: readonly Candidate[], options: LearnerFitOptions): Promise<PolicyArtifact>;
  load(artifact: PolicyArtifact): Policy;
}
