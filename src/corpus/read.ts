/**
 * Reading the bundled corpus back: `readCorpus()` streams every run as a `TraceRecord` (gunzip →
 * lines → JSON → schemas/trace.schema.json), one chunk at a time, so learners never hold the whole
 * corpus in memory. Errors name the chunk and line (`data/corpus/iris.jsonl.gz:12`).
 */
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { displayPath, parseJson, schemaProblems, formatProblem } from '../core/json-validation.js';
import type { TraceRecord } from '../traces/trace.js';
import { readManifest, type CorpusManifest } from './manifest.js';

/** data/corpus at the package root: two levels up from src/corpus, three from dist/src/corpus. */
export function bundledCorpusDir(): string {
  for (const up of ['../../', '../../../']) {
    const root = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(root, 'data', 'tasks'))) return join(root, 'data', 'corpus');
  }
  throw new NotFoundError('CORPUS_NOT_FOUND', 'The bundled data folder (data/) is missing. Fix: reinstall metatune (the package ships data/).');
}

/** The corpus manifest (data/corpus/manifest.json by default). */
export function corpusManifest(dir: string = bundledCorpusDir()): CorpusManifest {
  const manifest = readManifest(dir);
  if (!manifest) {
    throw new NotFoundError('CORPUS_NOT_FOUND', `No corpus manifest in ${displayPath(resolve(dir))}. Build the corpus with \`npm run corpus\`.`, { dir });
  }
  return manifest;
}

export interface ReadCorpusOptions {
  /** Only these task ids. Defaults to every chunk. */
  readonly tasks?: readonly string[];
  /** Check every record against schemas/trace.schema.json. Defaults to true. */
  readonly validate?: boolean;
  /**
   * Also yield the replicate runs (the same candidate at seeds 2 and 3 on a few tasks; run ids end
   * in `#seed<n>`, `model.params.seed` says the seed). Defaults to false: one run per (task, candidate),
   * the base seed's, so counting or averaging over the corpus never double-counts a candidate.
   */
  readonly replicates?: boolean;
}

/** True for a replicate run of the corpus (an id ending in `#seed<n>`; base-seed runs have no suffix). */
export function isReplicateRunId(id: string): boolean {
  return /#seed\d+$/.test(id);
}

/** Chunk files in task order: the manifest's tasks when there is a manifest, else every *.jsonl.gz. */
function chunkFiles(dir: string, tasks?: readonly string[]): string[] {
  const manifest = readManifest(dir);
  let files = manifest ? Object.values(manifest.tasks).map((e) => e.file) : readdirSync(dir).filter((f) => f.endsWith('.jsonl.gz'));
  if (tasks) {
    const wanted = new Set(tasks.map((t) => `${t}.jsonl.gz`));
    const missing = [...wanted].filter((f) => !files.includes(f));
    if (missing.length > 0) {
      throw new NotFoundError('CORPUS_TASK_NOT_FOUND', `The corpus in ${displayPath(resolve(dir))} has no chunk for ${missing.map((f) => f.replace(/\.jsonl\.gz$/, '')).join(', ')}.`, { missing });
    }
    files = files.filter((f) => wanted.has(f));
  }
  return files.sort();
}

/** Streams the corpus' runs, chunk by chunk, in run-id order within a chunk. */
export async function* readCorpus(dir: string = bundledCorpusDir(), options: ReadCorpusOptions = {}): AsyncIterable<TraceRecord> {
  if (!existsSync(dir)) throw new NotFoundError('CORPUS_NOT_FOUND', `No corpus folder ${displayPath(resolve(dir))}. Build the corpus with \`npm run corpus\`.`, { dir });
  const validate = options.validate ?? true;
  const replicates = options.replicates ?? false;
  for (const name of chunkFiles(dir, options.tasks)) {
    const file = join(dir, name);
    const label = displayPath(resolve(file));
    const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
    let line = 0;
    const iterator = lines[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = await iterator.next();
      } catch (err) {
        // A truncated or corrupted gzip stream: say which chunk, and how to get a good one back.
        throw new ValidationError('INVALID_CORPUS_CHUNK', `${label}:${line + 1}: cannot read the chunk (${(err as Error).message}). Restore it from git or rebuild it with \`npm run corpus\`.`, { file: label, line: line + 1 });
      }
      if (next.done) break;
      const text = next.value;
      line++;
      if (text.trim() === '') continue;
      const where = `${label}:${line}`;
      const record = parseJson(text, where);
      const id = (record as { id?: unknown } | null)?.id;
      if (!replicates && typeof id === 'string' && isReplicateRunId(id)) continue;
      if (validate) {
        const problems = schemaProblems('trace', record, { file: where });
        if (problems.length > 0) {
          throw new ValidationError('INVALID_CORPUS_RECORD', problems.map(formatProblem).join('\n'), { file: label, line, errors: problems });
        }
      }
      yield record as TraceRecord;
    }
  }
}
