/**
 * `--policy default|<dir>` → a loaded Policy: the bundled default (data/policy) or a folder written
 * by `metatune train --out`, read and checked by src/meta/policy-file.ts and loaded by the learner
 * that made it (src/meta/suggest.ts). Relative folders resolve against the caller's cwd.
 */
import { resolve } from 'node:path';
import type { MetatuneRuntime } from '../runtime.js';
import { loadPolicy } from '../meta/suggest.js';
import type { Policy } from '../meta/policy.js';

export async function resolvePolicy(arg: string, runtime: MetatuneRuntime, cwd: string): Promise<Policy> {
  return loadPolicy(arg === 'default' ? undefined : resolve(cwd, arg), runtime);
}
