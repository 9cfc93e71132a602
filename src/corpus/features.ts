/**
 * The corpus' task meta-features, next to its runs: `data/corpus/features.json` holds, per corpus
 * task, the output of the `basic`, `landmark` and `probe` featurizers (with their versions) on the
 * task exactly as its base-seed runs saw it (split seed CORPUS_SEED). Learners read it with
 * `corpusFeatures()` instead of loading 60 tasks and re-running the probe.
 *
 * Built by `node dist/src/corpus/features.js [--out dir]` (part of `npm run corpus`), on the cpu
 * backend: the probe's numbers are bit-identical there for a seed (on wasm they differ by ~1e-7).
 * The build is deterministic: the same code and data give the same bytes.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { displayPath, parseJson } from '../core/json-validation.js';
import { featurizeTask } from '../tasks/featurize.js';
import type { Featurizer } from '../tasks/featurizer.js';
import { loadTask, suiteTaskInfo } from '../tasks/suite.js';
import { resolveBackend } from '../tfjs/backend.js';
import { CORPUS_SEED, CORPUS_TASKS, GENERATOR_VERSION } from './grid.js';
import { bundledCorpusDir } from './read.js';

export const FEATURES_FORMAT = 'metatune-corpus-features';
export const FEATURES_FILE = 'features.json';

export interface CorpusTaskFeatures {
  readonly parentDataset: string;
  readonly kind: string;
  /** `<id>@<version>` of each featurizer, in order. */
  readonly featurizers: readonly string[];
  /** `<featurizer>.<name>` → value, every one finite. */
  readonly features: Readonly<Record<string, number>>;
}

export interface CorpusFeatures {
  readonly format: typeof FEATURES_FORMAT;
  /** The corpus grid version the task list belongs to. */
  readonly generatorVersion: string;
  /** Split seed of the featurized tasks (= the base seed of the runs) and the featurizers' seed. */
  readonly seed: number;
  readonly backend: string;
  readonly featurizers: readonly string[];
  readonly tasks: Readonly<Record<string, CorpusTaskFeatures>>;
}

/** Ids of the featurizers recorded for the corpus (taken from the runtime's registry, default arguments). */
export const CORPUS_FEATURIZER_IDS: readonly string[] = ['basic', 'landmark', 'probe'];

/** Featurizes every corpus task and writes `<outDir>/features.json` atomically. */
export async function buildCorpusFeatures(featurizers: readonly Featurizer[], options: { tasks?: readonly string[]; outDir?: string; log?: (line: string) => void } = {}): Promise<CorpusFeatures> {
  const log = options.log ?? ((l: string) => console.log(l));
  const tasks = options.tasks ?? CORPUS_TASKS;
  const outDir = resolve(options.outDir ?? bundledCorpusDir());
  const backend = await resolveBackend({ preferred: 'cpu', quiet: true });
  const out: Record<string, CorpusTaskFeatures> = {};
  let ids: readonly string[] = [];
  for (const id of [...tasks].sort()) {
    const started = performance.now();
    const task = await loadTask(id, { seed: CORPUS_SEED });
    const result = await featurizeTask(task, featurizers, { seed: CORPUS_SEED });
    ids = result.featurizers;
    out[id] = { parentDataset: task.ref.parentDataset ?? suiteTaskInfo(id)?.parentDataset ?? id, kind: task.ref.kind, featurizers: result.featurizers, features: result.features };
    log(`  ${id}: ${Object.keys(result.features).length} features (${Math.round(performance.now() - started)} ms)`);
  }
  const doc: CorpusFeatures = { format: FEATURES_FORMAT, generatorVersion: GENERATOR_VERSION, seed: CORPUS_SEED, backend: backend.name, featurizers: ids, tasks: out };
  const file = join(outDir, FEATURES_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(tmp, file);
  log(`wrote ${displayPath(file)}: ${Object.keys(out).length} tasks × ${Object.keys(Object.values(out)[0]?.features ?? {}).length} features (${ids.join(', ')})`);
  return doc;
}

/**
 * The corpus' task features (data/corpus/features.json by default): `tasks[id].features` holds
 * `basic.*`, `landmark.*` and `probe.*` values, `tasks[id].featurizers` their versions.
 */
export function corpusFeatures(dir: string = bundledCorpusDir()): CorpusFeatures {
  const file = join(dir, FEATURES_FILE);
  const label = displayPath(resolve(file));
  if (!existsSync(file)) {
    throw new NotFoundError('CORPUS_FEATURES_NOT_FOUND', `No corpus features file ${label}. Build it with \`npm run corpus\` (or node dist/src/corpus/features.js).`, { file: label });
  }
  const doc = parseJson(readFileSync(file, 'utf8'), label) as CorpusFeatures;
  if (doc === null || typeof doc !== 'object' || doc.format !== FEATURES_FORMAT || typeof doc.tasks !== 'object' || doc.tasks === null) {
    throw new ValidationError('INVALID_CORPUS_FEATURES', `${label}: not a metatune corpus features file (expected "format": "${FEATURES_FORMAT}"). Restore it from git or rebuild it with \`npm run corpus\`.`, { file: label });
  }
  for (const [task, entry] of Object.entries(doc.tasks)) {
    for (const [name, value] of Object.entries(entry?.features ?? {})) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ValidationError('INVALID_CORPUS_FEATURES', `${label}: task "${task}" feature "${name}" is ${JSON.stringify(value)}, not a finite number. Restore the file from git or rebuild it with \`npm run corpus\`.`, { file: label, task, feature: name });
      }
    }
  }
  return doc;
}
