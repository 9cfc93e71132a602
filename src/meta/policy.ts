/**
 * A policy answers "which model and schedule for this task?" ([7/9]). Every suggestion comes with
 * the reasons, so a user can trust or overrule it: nearest tasks and their distances, the
 * portfolio rank, the surrogate's prediction.
 *
 * Invariants:
 * - `suggest` is pure and deterministic: same policy + same task features → same decision.
 * - `ranked` is sorted best first and holds at most `top` entries (default 1), all distinct
 *   candidates; `ranked[0].candidate === candidate`.
 * - `expectedRegret` is on the shared normalised-regret scale of src/meta/regret.ts
 *   (0 = best candidate in hindsight on a task, 1 = worst / diverged).
 * - A task far from every training task is flagged in `outOfDistribution`; the policy then falls
 *   back to its task-independent ranking (the portfolio) and says so in `why`.
 */
import type { Candidate } from './candidate.js';

/** What a policy sees of a task: its meta-features (`basic.rows`, `probe.…`) and its kind. */
export interface TaskDescription {
  readonly id?: string;
  readonly kind?: 'classification' | 'regression';
  /** Meta-features, keys `<featurizer id>.<name>`. Missing keys are allowed (imputed and reported). */
  readonly features: Readonly<Record<string, number>>;
}

export interface RankedCandidate {
  readonly candidate: Candidate;
  /** Expected normalised regret on this task (0 best … 1 worst). */
  readonly expectedRegret: number;
  /** Spread of that expectation (ensemble std, neighbours' IQR/2, …); undefined when unknown. */
  readonly uncertainty?: number;
  /** Reasons for this entry, most important first. */
  readonly why: readonly string[];
}

export interface Decision {
  /** The top pick (= ranked[0].candidate). */
  readonly candidate: Candidate;
  /** The top-k picks, best first. */
  readonly ranked: readonly RankedCandidate[];
  /** Reasons for the decision as a whole, most important first. */
  readonly why: readonly string[];
  /** Which learner made it. */
  readonly learner: { readonly id: string; readonly version: number };
  /** Set when the task is far from everything the policy was trained on. */
  readonly outOfDistribution?: { readonly distance: number; readonly threshold: number; readonly fallback: string };
}

export interface SuggestOptions {
  /** How many ranked candidates to return. Must be ≥ 1. Defaults to 1. */
  readonly top?: number;
}

export interface Policy {
  readonly artifact: PolicyArtifact;
  suggest(task: TaskDescription, options?: SuggestOptions): Decision;
}

/** Major version of the policy artifact format; a policy of another major version is refused. */
export const POLICY_FORMAT_VERSION = 1;

export interface PolicyArtifact {
  readonly format: 'metatune-policy';
  readonly formatVersion: typeof POLICY_FORMAT_VERSION;
  readonly learner: { readonly id: string; readonly version: number; readonly config?: Readonly<Record<string, unknown>> };
  /** Featurizers (`<id>@<version>`) whose output the policy expects. */
  readonly featurizers: readonly string[];
  /** The candidates the policy chooses from (it may also refine a candidate's peak learning rate). */
  readonly candidates: readonly Candidate[];
  readonly createdAt: string;
  /** Where it was learned from: store/corpus hash, training tasks, parents held out, scores. */
  readonly provenance: PolicyProvenance;
  /** Learner-specific JSON (neighbours, portfolio order, surrogate weights as base64). */
  readonly payload: unknown;
}

export interface PolicyProvenance {
  /** `corpus:<gridHash>` or a store URL + content hash of the examples used. */
  readonly source: string;
  readonly sourceHash: string;
  readonly trainingTasks: readonly string[];
  readonly holdOut: readonly string[];
  readonly examples: number;
  readonly seed: number;
  /** Leave-one-dataset-out scores, when `metatune eval` produced them for this learner. */
  readonly evaluation?: Readonly<Record<string, number>>;
}
