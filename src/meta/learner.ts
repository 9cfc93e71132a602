/**
 * Extension point `Learner` (token `metatune.Learner`, plugin.json `contributes.learners`):
 * turns training examples (traces + task features) into a policy.
 *
 * Invariants:
 * - `fit` is deterministic for a given example set and `seed`; it never reads examples whose
 *   `parentDataset` is in `options.holdOut` (leave-one-dataset-out evaluation relies on it, and
 *   the evaluation harness also filters them out before calling `fit`).
 * - The artifact is plain JSON (weights base64-encoded when a learner has tensors), versioned, and
 *   `load(fit(...))` reproduces the same suggestions in another process.
 * - Learners that need task features (`needsFeatures`) skip tasks without them and say so.
 */
import type { Candidate } from './candidate.js';
import type { Policy, PolicyArtifact, PolicyProvenance } from './policy.js';

/** One (task, candidate) pair and how it went. */
export interface TrainingExample {
  readonly taskId: string;
  readonly parentDataset: string;
  readonly kind?: 'classification' | 'regression';
  /** Meta-features, prefixed by featurizer id (`basic.rows`, `landmark.nn1`, `probe.…`); empty when unknown. */
  readonly features: Readonly<Record<string, number>>;
  readonly candidate: Candidate;
  /** Normalised regret on its task (src/meta/regret.ts): 0 = best in hindsight, 1 = worst / diverged. */
  readonly regret: number;
  readonly outcome: {
    /** Final validation loss; undefined for diverged runs. */
    readonly finalValLoss?: number;
    readonly bestValLoss?: number;
    readonly diverged: boolean;
    readonly epochsRun: number;
    readonly wallTimeMs?: number;
    /** Validation loss per epoch (learning curve), when recorded. */
    readonly curve?: readonly number[];
  };
}

export interface LearnerFitOptions {
  readonly seed: number;
  /** Parent datasets whose tasks must not be used. */
  readonly holdOut?: readonly string[];
  /** Where the examples came from (copied into the artifact's provenance). */
  readonly provenance?: Partial<PolicyProvenance>;
  /** Learner-specific settings (k, portfolio size, ensemble size …). */
  readonly config?: Readonly<Record<string, unknown>>;
}

export interface Learner {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  /** True when the learner uses task meta-features (kNN, surrogate, lr-probe). */
  readonly needsFeatures: boolean;
  fit(examples: readonly TrainingExample[], candidates: readonly Candidate[], options: LearnerFitOptions): Promise<PolicyArtifact>;
  load(artifact: PolicyArtifact): Policy;
}
