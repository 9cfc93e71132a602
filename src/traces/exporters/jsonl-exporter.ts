import type { TraceRecord } from '../trace.js';

/** Keys the JSONL record format gives a meaning of its own; metrics with these names get a `metrics.` prefix. */
const RESERVED = new Set(['run', 'run_id', 'task', 'model', 'optimizer', 'epoch', 'step', 'lr', 'learning_rate', 'loss', 'val_loss', 'wall_time_ms', 'wallTimeMs']);

/**
 * One JSON line per epoch, the format the JSONL importer reads:
 * `{"run": id, "task": taskId, "epoch": 0, "step": …, "lr": …, "loss": …, "val_loss": …, "wall_time_ms": …, …metrics}`.
 * The first line of a run also carries `model` and `optimizer` names when known. Streams: one run in memory at a time.
 */
export async function exportJsonl(records: AsyncIterable<TraceRecord>, write: (chunk: string) => void | Promise<void>): Promise<{ runs: number; lines: number }> {
  let runs = 0;
  let lines = 0;
  for await (const r of records) {
    runs++;
    let first = true;
    const out: string[] = [];
    for (const e of r.epochs) {
      const o: Record<string, unknown> = { run: r.id, task: r.task.id };
      if (first) {
        const model = r.model?.zooId ?? r.model?.name;
        if (model) o.model = model;
        if (r.optimizer?.className) o.optimizer = r.optimizer.className;
        first = false;
      }
      o.epoch = e.epoch;
      if (e.step !== undefined) o.step = e.step;
      if (e.lr !== undefined) o.lr = e.lr;
      if (e.loss !== undefined) o.loss = e.loss;
      if (e.val_loss !== undefined) o.val_loss = e.val_loss;
      if (e.wallTimeMs !== undefined) o.wall_time_ms = e.wallTimeMs;
      for (const [k, v] of Object.entries(e.metrics)) o[RESERVED.has(k) ? `metrics.${k}` : k] = v;
      out.push(JSON.stringify(o));
    }
    lines += out.length;
    if (out.length) await write(`${out.join('\n')}\n`);
  }
  return { runs, lines };
}
