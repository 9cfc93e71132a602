/**
 * LCBench learning curves as ordinary training logs: for one task, the surrogate's curves of a pool
 * of configurations become one JSONL file (one epoch record per line, the format of the `jsonl`
 * importer) plus a task file with the task's probe features, and `metatune import <file> --task
 * <task.json> --store file:…` brings them in — the path a user's logs take.
 *
 * Each run's first record carries its configuration (`model`, `optimizer`, `model_params`,
 * `optimizer_params`, `schedule`) so that a candidate can be rebuilt from the trace; every record
 * has `val_loss` (cross-entropy), `val_accuracy` and `val_balanced_accuracy` (fractions), the
 * cosine-annealed `lr` in effect at the end of the epoch and `wall_time_ms` (the surrogate's
 * predicted time of that epoch).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { TaskRef } from '../../src/traces/trace.js';
import { candidateOf, optimizerParamsOf } from './space.js';
import { FIRST_EPOCH, LAST_EPOCH, OUT, type LcbenchConfig, type LcbenchSurrogate } from './surrogate.js';

export const taskRefId = (task: string) => `lcbench-${task}`;

export interface WrittenLogs {
  readonly logFile: string;
  readonly taskFile: string;
  readonly runs: number;
  readonly records: number;
}

/** LCBench's CosineAnnealingLR over the run: the rate in effect after `epoch` (1-based) of `epochs`. */
export const cosineLr = (peak: number, epoch: number, epochs = LAST_EPOCH) => 0.5 * peak * (1 + Math.cos((Math.PI * epoch) / epochs));

/** Writes `<dir>/lcbench-<task>.jsonl` and `<dir>/lcbench-<task>.task.json`. `tag` keeps run ids of several pools apart. */
export async function writeTaskLogs(
  surrogate: LcbenchSurrogate,
  task: string,
  pool: readonly LcbenchConfig[],
  features: Readonly<Record<string, number>>,
  dir: string,
  tag = 'p0',
): Promise<WrittenLogs> {
  await mkdir(dir, { recursive: true });
  const id = taskRefId(task);
  const taskRef: TaskRef = { id, name: `LCBench, OpenML task ${task}`, kind: 'classification', parentDataset: id, metaFeatures: features };
  const taskFile = join(dir, `${id}.task.json`);
  await writeFile(taskFile, `${JSON.stringify(taskRef, null, 2)}\n`);

  const logFile = join(dir, `${id}.jsonl`);
  const out = createWriteStream(logFile);
  let records = 0;
  const CHUNK = 100; // configurations per surrogate call
  for (let start = 0; start < pool.length; start += CHUNK) {
    const part = pool.slice(start, start + CHUNK);
    const curves = await surrogate.curves(task, part, FIRST_EPOCH, LAST_EPOCH);
    const lines: string[] = [];
    part.forEach((config, j) => {
      const c = candidateOf(config);
      const o = optimizerParamsOf(config);
      const run = `${id}/${tag}/${String(start + j).padStart(4, '0')}`;
      let previousTime = 0;
      for (let e = FIRST_EPOCH; e <= LAST_EPOCH; e++) {
        const row = (e - FIRST_EPOCH) * 6;
        const v = curves[j]!;
        const time = v[row + OUT.time]!;
        const rec: Record<string, unknown> = {
          run,
          epoch: e - FIRST_EPOCH,
          lr: Number(cosineLr(o.learningRate!, e).toPrecision(6)),
          val_loss: Number(v[row + OUT.val_cross_entropy]!.toPrecision(6)),
          val_accuracy: Number((v[row + OUT.val_accuracy]! / 100).toPrecision(6)),
          val_balanced_accuracy: Number(v[row + OUT.val_balanced_accuracy]!.toPrecision(6)),
          wall_time_ms: Math.max(0, Math.round((time - previousTime) * 1000)),
        };
        previousTime = time;
        if (e === FIRST_EPOCH) {
          Object.assign(rec, {
            model: c.model,
            optimizer: 'momentum',
            model_params: { num_layers: config.numLayers, max_units: config.maxUnits, max_dropout: config.maxDropout },
            optimizer_params: o,
            schedule: c.schedule,
          });
        }
        lines.push(JSON.stringify(rec));
        records++;
      }
    });
    if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { logFile, taskFile, runs: pool.length, records };
}
