/**
 * Task → the meta-features policies read, through the featurizer registry, cached by
 * `<featurizer id>@<version>` (a new featurizer version invalidates the cache by itself).
 *
 * Policies use `basic` (size, shape, scale statistics), `landmark` (cheap learners' scores) and
 * `probe` (a short learning-rate range test: the task's own optimisation signal). Corpus tasks read
 * the features recorded next to the runs (data/corpus/features.json) when the corpus has them.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetatuneRuntime } from '../runtime.js';
import { NotFoundError } from '../core/errors.js';
import { bundledCorpusDir } from '../corpus/read.js';
import { featurizeTask, type FeaturizeResult } from '../tasks/featurize.js';
import type { Featurizer } from '../tasks/featurizer.js';
import { loadTask } from '../tasks/suite.js';
import type { LoadedTask } from '../tasks/task.js';

/** Featurizers a policy reads, in order. */
export const POLICY_FEATURIZERS: readonly string[] = ['basic', 'landmark', 'probe'];

/** Seed of every featurizer run (subsamples, probe batches): the corpus and `suggest` agree. */
export const FEATURE_SEED = 1;

export function policyFeaturizers(runtime: MetatuneRuntime, ids: readonly string[] = POLICY_FEATURIZERS): Featurizer[] {
  const all = runtime.contributions<Featurizer>('featurizers').map((c) => c.value);
  return ids.map((id) => {
    const f = all.find((x) => x.id === id);
    if (!f) throw new NotFoundError('FEATURIZER_NOT_FOUND', `No featurizer "${id}" is registered. Valid choices: ${all.map((x) => x.id).join(', ')}. Fix: load the plugin that contributes it.`, { id });
    return f;
  });
}

/** Features of one loaded task (what `suggest` and `fit` compute for a user's data). */
export async function featurizeForPolicy(task: LoadedTask, runtime: MetatuneRuntime, ids: readonly string[] = POLICY_FEATURIZERS): Promise<FeaturizeResult> {
  return featurizeTask(task, policyFeaturizers(runtime, ids), { seed: FEATURE_SEED });
}

interface CachedFeatures {
  readonly featurizers: readonly string[];
  readonly features: Readonly<Record<string, number>>;
}

/** `{ tasks: { <id>: { features } } }` or `{ <id>: { <feature>: n } }` recorded by the corpus build. */
function recordedCorpusFeatures(dir: string): Map<string, Readonly<Record<string, number>>> {
  const file = join(dir, 'features.json');
  const out = new Map<string, Readonly<Record<string, number>>>();
  if (!existsSync(file)) return out;
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const tasks = (doc.tasks ?? doc) as Record<string, unknown>;
  for (const [id, v] of Object.entries(tasks)) {
    if (!v || typeof v !== 'object') continue;
    const f = ((v as Record<string, unknown>).features ?? v) as Record<string, unknown>;
    const nums = Object.fromEntries(Object.entries(f).filter(([, x]) => typeof x === 'number' && Number.isFinite(x))) as Record<string, number>;
    if (Object.keys(nums).length > 0) out.set(id, nums);
  }
  return out;
}

export interface TaskFeaturesOptions {
  /** Cache folder. Defaults to .metatune/features. */
  readonly cacheDir?: string;
  /** Corpus folder whose features.json is read first. Defaults to the bundled corpus. */
  readonly corpusDir?: string;
  readonly log?: (line: string) => void;
}

/**
 * Features of suite / corpus tasks by id: recorded corpus features first, then the cache, then
 * computed (loading the task) and cached. Missing featurizer outputs in the recorded file are
 * filled in by computing.
 */
export async function suiteTaskFeatures(taskIds: readonly string[], runtime: MetatuneRuntime, options: TaskFeaturesOptions = {}): Promise<Map<string, Readonly<Record<string, number>>>> {
  const featurizers = policyFeaturizers(runtime);
  const tags = featurizers.map((f) => `${f.id}@${f.version}`);
  const recorded = recordedCorpusFeatures(options.corpusDir ?? bundledCorpusDir());
  const cacheDir = options.cacheDir ?? join('.metatune', 'features');
  const out = new Map<string, Readonly<Record<string, number>>>();
  for (const id of taskIds) {
    const have = recorded.get(id);
    if (have && featurizers.every((f) => f.featureNames.every((n) => `${f.id}.${n}` in have))) {
      out.set(id, have);
      continue;
    }
    const file = join(cacheDir, `${id.replace(/[^A-Za-z0-9_.~-]/g, '_')}.json`);
    if (existsSync(file)) {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as CachedFeatures;
      if (JSON.stringify(cached.featurizers) === JSON.stringify(tags)) {
        out.set(id, cached.features);
        continue;
      }
    }
    const started = Date.now();
    const task = await loadTask(id);
    const result = await featurizeTask(task, featurizers, { seed: FEATURE_SEED });
    options.log?.(`features of ${id}: ${Object.keys(result.features).length} values in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify({ featurizers: tags, features: result.features } satisfies CachedFeatures));
    renameSync(`${file}.tmp`, file);
    out.set(id, result.features);
  }
  return out;
}
