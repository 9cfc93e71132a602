/**
 * Suggestions: a policy (the bundled default, or a directory `metatune train` wrote) + a task →
 * a `Decision` (top-k candidates, expected regret, why). The task may be a loaded task (its
 * features are computed here, only those the policy reads) or features already in hand.
 *
 * A suggested candidate is a plain spec: `lrScheduler({ schedule: decision.candidate.schedule })`
 * applies it (after `resolveCandidateSchedule` fills in the run-length placeholders), and
 * `trainCandidate({ task, candidate: decision.candidate, … })` trains it end to end.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetatuneRuntime } from '../runtime.js';
import { NotFoundError } from '../core/errors.js';
import type { LoadedTask } from '../tasks/task.js';
import type { Learner } from './learner.js';
import { featurizeForPolicy, POLICY_FEATURIZERS } from './features.js';
import type { Decision, Policy, PolicyArtifact, TaskDescription } from './policy.js';
import { readPolicy } from './policy-file.js';

/** data/policy at the package root (from src/meta or dist/src/meta). */
export function bundledPolicyDir(): string {
  for (const up of ['../../', '../../../']) {
    const root = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(root, 'data', 'tasks'))) return join(root, 'data', 'policy');
  }
  throw new NotFoundError('POLICY_NOT_FOUND', 'The bundled data folder (data/) is missing. Fix: reinstall metatune (the package ships data/policy).');
}

export function learnerFor(runtime: MetatuneRuntime, id: string): Learner {
  const learners = runtime.contributions<Learner>('learners').map((c) => c.value);
  const learner = learners.find((l) => l.id === id);
  if (!learner) {
    throw new NotFoundError('UNKNOWN_LEARNER', `No learner "${id}" is registered. Valid choices: ${learners.map((l) => l.id).join(', ')}. Fix: pick one of those, or load the plugin that contributes it (--plugin).`, { id });
  }
  return learner;
}

/** A policy from an artifact, through the learner registered under its id. */
export function policyFromArtifact(artifact: PolicyArtifact, runtime: MetatuneRuntime): Policy {
  return learnerFor(runtime, artifact.learner.id).load(artifact);
}

/** Loads a policy directory; `undefined` or `"default"` loads the bundled default policy. */
export function loadPolicy(dir: string | undefined, runtime: MetatuneRuntime): Policy {
  return policyFromArtifact(readPolicy(dir === undefined || dir === 'default' ? bundledPolicyDir() : dir), runtime);
}

/** The bundled default policy (data/policy, trained on the whole corpus by `npm run policy`). */
export function loadDefaultPolicy(runtime: MetatuneRuntime): Policy {
  return loadPolicy(undefined, runtime);
}

export interface SuggestArgs {
  /** A Policy, a policy directory, or "default". Defaults to the bundled default policy. */
  readonly policy?: Policy | string;
  /** Candidates returned. Defaults to 1. */
  readonly top?: number;
  readonly runtime: MetatuneRuntime;
}

function isLoadedTask(t: LoadedTask | TaskDescription): t is LoadedTask {
  return (t as LoadedTask).train !== undefined && (t as LoadedTask).ref !== undefined;
}

/** Features the policy reads ("basic", "probe", …): none for task-independent learners. */
export function policyFeaturizerIds(policy: Policy): string[] {
  const ids = policy.artifact.featurizers;
  return POLICY_FEATURIZERS.filter((id) => ids.includes(id));
}

/** What the policy sees of a loaded task: only the features it reads are computed. */
export async function describeTask(task: LoadedTask, policy: Policy, runtime: MetatuneRuntime): Promise<TaskDescription> {
  const ids = policyFeaturizerIds(policy);
  const features = ids.length > 0 ? (await featurizeForPolicy(task, runtime, ids)).features : {};
  const kind = task.ref.kind === 'classification' || task.ref.kind === 'regression' ? task.ref.kind : undefined;
  return { id: task.ref.id, kind, features };
}

/**
 * Which model and schedule for this task, and why.
 * @example
 * const decision = await suggest(await loadTask('wine'), { runtime: defaultRuntime(), top: 3 });
 * decision.candidate.schedule   // a schedule spec lrScheduler accepts (after placeholders)
 */
export async function suggest(task: LoadedTask | TaskDescription, args: SuggestArgs): Promise<Decision> {
  const policy = typeof args.policy === 'object' ? args.policy : loadPolicy(args.policy, args.runtime);
  const description = isLoadedTask(task) ? await describeTask(task, policy, args.runtime) : task;
  return policy.suggest(description, { top: args.top ?? 1 });
}
