/**
 * `--policy default|<dir>` → a loaded Policy. A directory holds `policy.json` (the artifact); the
 * learner that made it is looked up in the learner registry and loads it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { MetatuneRuntime } from '../runtime.js';
import type { Learner } from '../meta/learner.js';
import { POLICY_FORMAT_VERSION, type Policy, type PolicyArtifact } from '../meta/policy.js';

export async function loadPolicyDir(dir: string, runtime: MetatuneRuntime): Promise<Policy> {
  const file = existsSync(dir) && statSync(dir).isDirectory() ? join(dir, 'policy.json') : dir;
  if (!existsSync(file)) {
    throw new NotFoundError('POLICY_NOT_FOUND', `${dir}: no policy.json there. Fix: pass --policy default, or a folder written by \`metatune train --out <dir>\`.`, { dir });
  }
  let artifact: PolicyArtifact;
  try {
    artifact = JSON.parse(readFileSync(file, 'utf8')) as PolicyArtifact;
  } catch (err) {
    throw new ValidationError('INVALID_POLICY', `${file}: not valid JSON (${(err as Error).message}). Fix: retrain it with \`metatune train --out <dir>\`.`, { file });
  }
  if (artifact?.format !== 'metatune-policy') {
    throw new ValidationError('INVALID_POLICY', `${file}: not a metatune policy (expected "format": "metatune-policy"). Fix: point --policy at a folder written by \`metatune train\`.`, { file });
  }
  if (artifact.formatVersion !== POLICY_FORMAT_VERSION) {
    throw new ValidationError(
      'POLICY_VERSION_MISMATCH',
      `${file}: policy format ${String(artifact.formatVersion)}; this metatune reads format ${POLICY_FORMAT_VERSION}. Fix: retrain it with \`metatune train --out <dir>\`, or use --policy default.`,
      { file, found: artifact.formatVersion, expected: POLICY_FORMAT_VERSION },
    );
  }
  const learners = runtime.contributions<Learner>('learners').map((c) => c.value);
  const learner = learners.find((l) => l.id === artifact.learner?.id);
  if (!learner) {
    throw new NotFoundError(
      'UNKNOWN_LEARNER',
      `${file}: made by learner "${String(artifact.learner?.id)}", which is not registered (registered: ${learners.map((l) => l.id).join(', ') || 'none'}). Fix: load the plugin that provides it (--plugin), or use --policy default.`,
      { file, learner: artifact.learner?.id },
    );
  }
  return learner.load(artifact);
}

/** `default` → the bundled default policy; anything else → a policy folder. */
export async function resolvePolicy(arg: string, runtime: MetatuneRuntime, cwd: string): Promise<Policy> {
  if (arg === 'default') {
    throw new NotFoundError(
      'DEFAULT_POLICY_MISSING',
      'The default policy (data/policy/) is not in this build of metatune. Fix: pass --policy <dir> with a policy trained by `metatune train --out <dir>`.',
      {},
    );
  }
  return loadPolicyDir(resolve(cwd, arg), runtime);
}
