/**
 * The bundled corpus (or any corpus folder) as training examples: every run of `readCorpus()` with
 * its task's meta-features (recorded with the corpus, else computed once and cached).
 */
import type { MetatuneRuntime } from '../runtime.js';
import { bundledCorpusDir, corpusManifest, readCorpus } from '../corpus/read.js';
import { examplesFromTraces, type ExamplesResult } from './examples.js';
import { suiteTaskFeatures } from './features.js';

export interface CorpusExamplesOptions {
  readonly dir?: string;
  readonly tasks?: readonly string[];
  /** Attach task meta-features (computed and cached when the corpus did not record them). Defaults to true. */
  readonly withFeatures?: boolean;
  readonly log?: (line: string) => void;
}

export interface CorpusExamples extends ExamplesResult {
  /** `corpus:<gridHash>`. */
  readonly source: string;
}

export async function corpusExamples(runtime: MetatuneRuntime, options: CorpusExamplesOptions = {}): Promise<CorpusExamples> {
  const dir = options.dir ?? bundledCorpusDir();
  const manifest = corpusManifest(dir);
  const tasks = options.tasks ?? Object.keys(manifest.tasks);
  const features = options.withFeatures === false ? new Map<string, Readonly<Record<string, number>>>() : await suiteTaskFeatures(tasks, runtime, { corpusDir: dir, log: options.log });
  const result = await examplesFromTraces(readCorpus(dir, { tasks, validate: false }), { features });
  return { ...result, source: `corpus:${manifest.gridHash}` };
}
