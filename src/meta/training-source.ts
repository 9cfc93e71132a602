/**
 * Where `metatune train` and `metatune eval` learn from: the bundled corpus, a trace store (URL),
 * or a folder / file of training logs imported on the fly through the registered importers (the
 * same path as `metatune import`, into a memory store). Runs are tied to task features by the task
 * recorded with them (`task.metaFeatures`, or a suite task id), or by `--task task.json`, whose
 * data is loaded and featurised once.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MetatuneRuntime } from '../runtime.js';
import { ValidationError } from '../core/errors.js';
import { suiteTaskInfo } from '../tasks/suite.js';
import { loadTaskFile } from '../tasks/task-file.js';
import type { Importer } from '../traces/importer.js';
import { runImport } from '../traces/import-runner.js';
import { MemoryTraceStore } from '../traces/memory-store.js';
import type { TraceStore } from '../traces/store.js';
import type { TraceRecord, TaskRef } from '../traces/trace.js';
import { corpusExamples } from './corpus-examples.js';
import { examplesFromTraces, type ExamplesResult } from './examples.js';
import { featurizeForPolicy, suiteTaskFeatures } from './features.js';

export interface TrainingSourceArgs {
  /** "corpus" (bundled), "corpus:<dir>", a store URL (`file:…`, `postgres://…`, `memory:`), or a logs file/folder. */
  readonly from: string;
  readonly runtime: MetatuneRuntime;
  /** Opens a store URL through the runtime's store factories. */
  readonly openStore: (url: string) => Promise<TraceStore>;
  /** A metatune task file (with data) every run belongs to; its features are computed. Defaults to the runs' own tasks. */
  readonly taskFile?: string;
  /** Let the task file read data outside its folder (`--allow-outside`). */
  readonly allowOutside?: boolean;
  readonly cwd?: string;
  /** Compute task features (for feature-based learners). Defaults to true. */
  readonly withFeatures?: boolean;
  readonly log?: (line: string) => void;
}

export interface TrainingSource extends ExamplesResult {
  readonly source: string;
  /** Tasks with meta-features / without. */
  readonly tasksWithFeatures: number;
  readonly tasksWithoutFeatures: number;
}

function isStoreUrl(s: string): boolean {
  return /^(file|memory|postgres|postgresql):/.test(s) || /^[a-z][a-z0-9+.-]*:\/\//.test(s);
}

function summarise(r: ExamplesResult, source: string): TrainingSource {
  const tasks = new Map<string, boolean>();
  for (const e of r.examples) tasks.set(e.taskId, Object.keys(e.features).length > 0);
  const withF = [...tasks.values()].filter(Boolean).length;
  return { ...r, source, tasksWithFeatures: withF, tasksWithoutFeatures: tasks.size - withF };
}

async function collect(store: TraceStore): Promise<TraceRecord[]> {
  const out: TraceRecord[] = [];
  for await (const t of store.query()) out.push(t);
  return out;
}

export async function trainingSource(args: TrainingSourceArgs): Promise<TrainingSource> {
  const cwd = args.cwd ?? process.cwd();
  if (args.from === 'corpus') return summarise(await corpusExamples(args.runtime, { log: args.log, withFeatures: args.withFeatures }), 'corpus');
  // `corpus:<dir>`: a corpus folder built by `npm run corpus -- --out <dir>` (chunks + manifest.json).
  if (args.from.startsWith('corpus:')) {
    const dir = resolve(cwd, args.from.slice('corpus:'.length));
    return summarise(await corpusExamples(args.runtime, { dir, log: args.log, withFeatures: args.withFeatures }), args.from);
  }
  let taskRef: TaskRef | undefined;
  const features = new Map<string, Readonly<Record<string, number>>>();
  if (args.taskFile) {
    const task = await loadTaskFile(resolve(cwd, args.taskFile), args.allowOutside ? { allowOutside: true } : {});
    taskRef = task.ref;
    features.set(task.ref.id, (await featurizeForPolicy(task, args.runtime)).features);
  }
  let traces: TraceRecord[];
  let source: string;
  if (isStoreUrl(args.from)) {
    const store = await args.openStore(args.from);
    try {
      traces = await collect(store);
    } finally {
      await store.close();
    }
    source = store.url;
  } else {
    const path = resolve(cwd, args.from);
    if (!existsSync(path)) {
      throw new ValidationError('TRAINING_SOURCE_NOT_FOUND', `--from ${args.from}: expected "corpus", a store URL (file:…, postgres://…) or a logs file/folder, found nothing at ${path}. Fix: check the path, or import the logs first with \`metatune import\`.`, { from: args.from });
    }
    const store = new MemoryTraceStore();
    const importers = args.runtime.contributions<Importer>('importers').map((c) => c.value);
    const summary = await runImport({ paths: [path], importers, store, cwd, ...(taskRef ? { task: taskRef } : {}) });
    args.log?.(`imported ${summary.imported} runs from ${summary.files} files (${summary.rejectedCount} records rejected, ${summary.skipped.length} files skipped)`);
    traces = await collect(store);
    source = `logs:${args.from}`;
  }
  if (taskRef) traces = traces.map((t) => ({ ...t, task: { ...t.task, ...taskRef, id: taskRef!.id } }));
  // Runs of a built-in suite task get that task's features (recorded corpus features or computed).
  const suiteIds = [...new Set(traces.map((t) => t.task.id))].filter((id) => !features.has(id) && suiteTaskInfo(id) !== undefined);
  if (suiteIds.length > 0 && args.withFeatures !== false) for (const [id, f] of await suiteTaskFeatures(suiteIds, args.runtime, { log: args.log })) features.set(id, f);
  return summarise(await examplesFromTraces(traces, { features }), source);
}
