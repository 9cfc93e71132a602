/**
 * A policy answers "which model and schedule for this task?" ([4/5]). Suggestions come with the
 * reason, so a user can see why (nearest tasks, expected loss, the runner-up).
 */
import type { Candidate } from './candidate.js';

export interface PolicyArtifact {
  readonly format: 'metatune-policy';
  readonly formatVersion: 1;
  readonly learner: { readonly id: string; readonly version: number };
  /** Featurizers (`<id>@<version>`) whose output the policy expects, in order. */
  readonly features: readonly string[];
  readonly candidates: readonly Candidate[];
  readonly createdAt: string;
  /** Learner-specific JSON (neighbours, portfolio order, surrogate weights as base64). */
  readonly payload: unknown;
}

export interface Decision {
  readonly candidate: Candidate;
  /** What the policy expects of it on this task, where it can say. */
  readonly expected?: { readonly bestValLoss?: number; readonly rank?: number };
  /** Human-readable reasons, most important first. */
  readonly why: readonly string[];
  /** Next-best candidates, best first. */
  readonly alternatives?: readonly Candidate[];
}

export interface Policy {
  suggest(features: Readonly<Record<string, number>>, candidates?: readonly Candidate[]): Decision;
}
