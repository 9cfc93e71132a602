/**
 * How the learning half scales ([7/9]): `suggest` latency with a policy loaded (p50 / p99 over
 * many calls, every built-in learner), policy load time, and `train` time (traces → examples →
 * fit) against store size: 1k, 10k and 100k runs, made by repeating the bundled corpus' runs under
 * new task ids (each copy a new task of the same parent, so tasks and candidates both grow as a
 * store of real imports would).
 *
 * Run: `npm run build && node dist/bench/learn-scaling.js [--sizes 1000,10000,100000] [--calls 2000]`
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { defaultRuntime } from '../src/container.js';
import { readCorpus } from '../src/corpus/read.js';
import { examplesFromTraces } from '../src/meta/examples.js';
import { suiteTaskFeatures } from '../src/meta/features.js';
import type { Learner } from '../src/meta/learner.js';
import { readPolicy, writePolicy } from '../src/meta/policy-file.js';
import { resolveBackend } from '../src/tfjs/backend.js';
import type { TraceRecord } from '../src/traces/trace.js';
import { describeMachine, machineLine } from './lib/machine.js';
import { printTable } from './lib/table.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export async function main(): Promise<void> {
  const sizes = arg('sizes', '1000,10000,100000').split(',').map(Number);
  const calls = Number(arg('calls', '2000'));
  const backend = await resolveBackend();
  const runtime = defaultRuntime();
  const learners = runtime.learners.values() as Learner[];
  const base: TraceRecord[] = [];
  for await (const r of readCorpus(undefined, { validate: false })) base.push(r);
  const taskIds = [...new Set(base.map((r) => r.task.id))];
  const features = await suiteTaskFeatures(taskIds, runtime);
  console.log(`${machineLine(describeMachine())}; tfjs backend ${backend.name}; corpus ${base.length} runs of ${taskIds.length} tasks`);

  // suggest latency + policy load time, policies trained on the whole corpus.
  const baseExamples = await examplesFromTraces(base, { features });
  const latencyRows: Array<Array<string | number>> = [];
  for (const learner of learners) {
    const artifact = await learner.fit(baseExamples.examples, baseExamples.candidates, { seed: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'metatune-bench-policy-'));
    writePolicy(dir, artifact);
    const t0 = performance.now();
    const policy = learner.load(readPolicy(dir));
    const loadMs = performance.now() - t0;
    const tasks = taskIds.map((id) => ({ id, features: features.get(id)! }));
    for (let i = 0; i < 50; i++) policy.suggest(tasks[i % tasks.length]!, { top: 3 });
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const s = performance.now();
      policy.suggest(tasks[i % tasks.length]!, { top: 3 });
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    latencyRows.push([learner.id, loadMs.toFixed(1), percentile(times, 0.5).toFixed(3), percentile(times, 0.99).toFixed(3)]);
  }
  printTable({ title: `suggest latency (top 3, ${calls} calls, policy trained on the whole corpus)`, head: ['learner', 'policy load ms', 'suggest p50 ms', 'suggest p99 ms'], rows: latencyRows });

  // train time vs store size.
  const trainRows: Array<Array<string | number>> = [];
  for (const size of sizes) {
    const traces: TraceRecord[] = [];
    const feats = new Map(features);
    for (let copy = 0; traces.length < size; copy++) {
      for (const r of base) {
        if (traces.length >= size) break;
        const id = copy === 0 ? r.task.id : `${r.task.id}#${copy}`;
        if (copy > 0) feats.set(id, features.get(r.task.id)!);
        traces.push(copy === 0 ? r : { ...r, id: `${r.id}#${copy}`, task: { ...r.task, id } });
      }
    }
    const t0 = performance.now();
    const ex = await examplesFromTraces(traces, { features: feats });
    const examplesMs = performance.now() - t0;
    const cells: Array<string | number> = [size, new Set(ex.examples.map((e) => e.taskId)).size, (examplesMs / 1000).toFixed(2)];
    for (const learner of learners) {
      const s = performance.now();
      await learner.fit(ex.examples, ex.candidates, { seed: 1 });
      cells.push(((performance.now() - s) / 1000).toFixed(2));
    }
    trainRows.push(cells);
  }
  printTable({ title: 'train time (s) vs store size: traces → examples, then fit per learner', head: ['runs', 'tasks', 'examples s', ...learners.map((l) => `${l.id} s`)], rows: trainRows });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
