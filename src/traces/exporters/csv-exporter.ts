import Papa from 'papaparse';
import type { TraceRecord } from '../trace.js';

const FIXED = ['run', 'task', 'epoch', 'step', 'lr', 'loss', 'val_loss', 'wall_time_ms'];

/** RFC 4180 rows through papaparse, the project's one CSV library: missing values are empty cells. */
const csvRows = (rows: unknown[][]): string => Papa.unparse(rows, { newline: '\n' });

/**
 * One CSV row per epoch: `run,task,epoch,step,lr,loss,val_loss,wall_time_ms,<metrics…>` (the union
 * of every run's metric names, sorted). Two streaming passes over `records()` (one to learn the
 * columns, one to write), so a large store never sits in memory.
 */
export async function exportCsv(records: () => AsyncIterable<TraceRecord>, write: (chunk: string) => void | Promise<void>): Promise<{ runs: number; rows: number; columns: string[] }> {
  const names = new Set<string>();
  for await (const r of records()) for (const e of r.epochs) for (const k of Object.keys(e.metrics)) names.add(k);
  const metrics = [...names].filter((n) => !FIXED.includes(n)).sort();
  const columns = [...FIXED, ...metrics];
  await write(`${csvRows([columns])}\n`);
  let runs = 0;
  let rows = 0;
  for await (const r of records()) {
    runs++;
    const out: unknown[][] = [];
    for (const e of r.epochs) {
      const fixed = [r.id, r.task.id, e.epoch, e.step, e.lr, e.loss, e.val_loss, e.wallTimeMs];
      out.push([...fixed, ...metrics.map((m) => e.metrics[m])]);
    }
    rows += out.length;
    if (out.length) await write(`${csvRows(out)}\n`);
  }
  return { runs, rows, columns };
}
