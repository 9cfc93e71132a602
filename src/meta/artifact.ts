/**
 * Building and checking policy artifacts: the fields every learner fills the same way, and the
 * learner-side check that an artifact is its own (id and major version).
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../core/errors.js';
import type { Candidate } from './candidate.js';
import { withoutHeldOut } from './examples.js';
import type { LearnerFitOptions, TrainingExample } from './learner.js';
import { POLICY_FORMAT_VERSION, type PolicyArtifact } from './policy.js';

/** Content hash of an example set: the same examples give the same hash in any order. */
export function examplesHash(examples: readonly TrainingExample[]): string {
  const lines = examples.map((e) => `${e.taskId}\t${e.candidate.id}\t${e.regret.toPrecision(8)}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

export function newArtifact(
  learner: { readonly id: string; readonly version: number },
  args: {
    readonly examples: readonly TrainingExample[];
    readonly candidates: readonly Candidate[];
    readonly options: LearnerFitOptions;
    readonly featurizers?: readonly string[];
    readonly config?: Readonly<Record<string, unknown>>;
    readonly payload: unknown;
  },
): PolicyArtifact {
  const tasks = [...new Set(args.examples.map((e) => e.taskId))].sort();
  return {
    format: 'metatune-policy',
    formatVersion: POLICY_FORMAT_VERSION,
    learner: { id: learner.id, version: learner.version, ...(args.config ? { config: args.config } : {}) },
    featurizers: args.featurizers ?? [],
    candidates: args.candidates,
    createdAt: new Date(0).toISOString(),
    provenance: {
      source: args.options.provenance?.source ?? 'examples',
      sourceHash: args.options.provenance?.sourceHash ?? examplesHash(args.examples),
      trainingTasks: tasks,
      holdOut: [...(args.options.holdOut ?? [])],
      examples: args.examples.length,
      seed: args.options.seed,
      ...(args.options.provenance?.evaluation ? { evaluation: args.options.provenance.evaluation } : {}),
    },
    payload: args.payload,
  };
}

/** Throws POLICY_LEARNER_MISMATCH when a learner is handed another learner's artifact. */
export function checkArtifactLearner(artifact: PolicyArtifact, learner: { readonly id: string; readonly version: number }): void {
  if (artifact.learner.id !== learner.id || Math.trunc(artifact.learner.version) !== Math.trunc(learner.version)) {
    throw new ValidationError(
      'POLICY_LEARNER_MISMATCH',
      `This policy was made by learner "${artifact.learner.id}" v${artifact.learner.version}, not "${learner.id}" v${learner.version}. Fix: load it with its own learner, or retrain it with \`metatune train --learner ${learner.id}\`.`,
      { expected: learner.id, found: artifact.learner.id },
    );
  }
}

/** Throws NO_TRAINING_EXAMPLES when there is nothing to learn from. */
export function requireExamples(examples: readonly TrainingExample[], learner: string, what = 'runs'): void {
  if (examples.length === 0) {
    throw new ValidationError('NO_TRAINING_EXAMPLES', `Learner "${learner}" got no ${what} to learn from. Fix: import runs into the store (\`metatune import\`) or train from the bundled corpus (\`--from corpus\`).`, { learner });
  }
}

/** Mean of the finite values (NaN when none). */
export function finiteMean(xs: Iterable<number>): number {
  let s = 0;
  let n = 0;
  for (const x of xs) if (Number.isFinite(x)) (s += x), n++;
  return n > 0 ? s / n : Number.NaN;
}

export function finiteStd(xs: readonly number[]): number {
  const f = xs.filter(Number.isFinite);
  if (f.length < 2) return 0;
  const m = f.reduce((a, b) => a + b, 0) / f.length;
  return Math.sqrt(f.reduce((a, b) => a + (b - m) ** 2, 0) / (f.length - 1));
}

export function requireTop(top: number | undefined): number {
  const k = top ?? 1;
  if (!Number.isInteger(k) || k < 1) throw new ValidationError('INVALID_ARGUMENT', `\`top\` must be an integer ≥ 1. Received: top=${String(top)}.`, { top });
  return k;
}

/**
 * What a feature-based learner trains on: the examples outside the held-out parents that carry task
 * features; NO_TRAINING_EXAMPLES when none do.
 */
export function examplesWithFeatures(examples: readonly TrainingExample[], options: LearnerFitOptions, learner: string): TrainingExample[] {
  const train = withoutHeldOut(examples, options.holdOut).filter((e) => Object.keys(e.features).length > 0);
  requireExamples(train, learner, 'runs with task features');
  return train;
}
