/**
 * Helpers the importer plugins share: streaming line reader, epoch accumulation with the metric
 * naming rules of trace.ts, default task ids and hashing. Kept out of the contract file so that
 * importer.ts stays a contract.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { TaskRef, TraceBatch, TraceEpoch } from './trace.js';
import type { ImportContext } from './importer.js';

export const HEAD_BYTES = 64 * 1024;

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(typeof data === 'string' ? data : u8(data)).digest('hex');
}

/** The task a run belongs to: `--task` when given, else one derived from the source. */
export function taskFor(ctx: ImportContext, id: string, name?: string): TaskRef {
  if (ctx.task) return ctx.task;
  return { id, name: name ?? id, kind: 'unknown' };
}

/** File stem without the `.csv`/`.log`/`.jsonl`/`.json` extension. */
export function fileStem(path: string): string {
  return basename(path).replace(/\.(csv|log|jsonl|ndjson|json|txt)$/i, '');
}

/** The folder a file sits in (for task ids of files named like `log.csv`). */
export function parentName(path: string): string {
  return basename(dirname(path));
}

export interface LineBatch {
  readonly lines: string[];
  /** 1-based line number of `lines[0]`. */
  readonly firstLine: number;
  /** Set on the last batch when the file does not end with a line break: its last line may be a record cut short (a log still being written). */
  readonly unterminated?: boolean;
}

/**
 * Streams a text file as batches of lines (without `\n`/`\r\n`; a UTF-8 BOM dropped). Batches,
 * not single lines, so the per-line cost is one `indexOf` and one `toString`, not an await.
 * Memory: one chunk plus one partial line.
 */
export async function* readLineBatches(path: string, onBytes?: (n: number) => void, chunkSize = 1 << 20): AsyncGenerator<LineBatch> {
  let carry: Buffer | undefined;
  let lineNo = 1;
  let first = true;
  for await (const raw of createReadStream(path, { highWaterMark: chunkSize })) {
    let chunk = raw as Buffer;
    onBytes?.(chunk.length);
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (carry) {
      chunk = Buffer.concat([u8(carry), u8(chunk)]);
      carry = undefined;
    }
    const lines: string[] = [];
    let start = 0;
    let nl = chunk.indexOf(10, start);
    while (nl !== -1) {
      const end = nl > start && chunk[nl - 1] === 13 ? nl - 1 : nl;
      lines.push(chunk.toString('utf8', start, end));
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) carry = Buffer.from(u8(chunk.subarray(start)));
    if (lines.length) {
      yield { lines, firstLine: lineNo };
      lineNo += lines.length;
    }
  }
  if (carry && carry.length) {
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    yield { lines: [carry.toString('utf8', 0, end)], firstLine: lineNo, unterminated: true };
  }
}

/** Where a metric goes on an epoch record: `lr` whatever the source called it, loss / val_loss slots, else metrics. */
export type MetricSlot = 'lr' | 'loss' | 'val_loss' | 'metric';

const LR_NAMES = new Set(['lr', 'learning_rate', 'learningrate', 'learning-rate']);

export function metricSlot(name: string): MetricSlot {
  const lower = name.toLowerCase();
  if (LR_NAMES.has(lower)) return 'lr';
  if (lower === 'loss') return 'loss';
  if (lower === 'val_loss') return 'val_loss';
  return 'metric';
}

interface EpochDraft {
  step?: number;
  lr?: number;
  loss?: number;
  val_loss?: number;
  wallTimeMs?: number;
  metrics: Record<string, number>;
}

/**
 * Collects metric values per epoch (last write wins, overwrites counted), then emits sorted
 * `TraceEpoch`s. Non-finite values are not stored (JSON cannot hold them) but counted: a NaN loss
 * marks the run diverged.
 */
export class EpochTable {
  readonly #epochs = new Map<number, EpochDraft>();
  overwrites = 0;
  nonFinite = 0;
  divergedAt: number | undefined;

  #draft(epoch: number): EpochDraft {
    let d = this.#epochs.get(epoch);
    if (!d) {
      d = { metrics: {} };
      this.#epochs.set(epoch, d);
    }
    return d;
  }

  has(epoch: number): boolean {
    return this.#epochs.has(epoch);
  }

  get size(): number {
    return this.#epochs.size;
  }

  set(epoch: number, name: string, value: number): void {
    this.setIn(epoch, metricSlot(name), name, value);
  }

  /** `set` with the slot already known (hot loops compute `metricSlot(name)` once per column or tag). */
  setIn(epoch: number, slot: MetricSlot, name: string, value: number): void {
    const d = this.#draft(epoch);
    if (!Number.isFinite(value)) {
      this.nonFinite++;
      if ((slot === 'loss' || slot === 'val_loss') && (this.divergedAt === undefined || epoch < this.divergedAt)) this.divergedAt = epoch;
      return;
    }
    if (slot === 'metric') {
      if (name in d.metrics) this.overwrites++;
      d.metrics[name] = value;
    } else {
      if (d[slot] !== undefined) this.overwrites++;
      d[slot] = value;
    }
  }

  /** Makes sure an epoch exists even when it has no value (a record with only nulls). */
  touch(epoch: number): void {
    this.#draft(epoch);
  }

  setStep(epoch: number, step: number): void {
    if (Number.isInteger(step) && step >= 0) this.#draft(epoch).step = step;
  }

  setWallTime(epoch: number, ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.#draft(epoch).wallTimeMs = ms;
  }

  /** Removes epochs that ended up with no value at all (e.g. a row of NA cells). */
  toEpochs(): TraceEpoch[] {
    const out: TraceEpoch[] = [];
    for (const [epoch, d] of [...this.#epochs.entries()].sort((a, b) => a[0] - b[0])) {
      const e: { -readonly [K in keyof TraceEpoch]: TraceEpoch[K] } = { epoch, metrics: d.metrics };
      if (d.step !== undefined) e.step = d.step;
      if (d.lr !== undefined) e.lr = d.lr;
      if (d.loss !== undefined) e.loss = d.loss;
      if (d.val_loss !== undefined) e.val_loss = d.val_loss;
      if (d.wallTimeMs !== undefined) e.wallTimeMs = d.wallTimeMs;
      out.push(e);
    }
    return out;
  }

  /** Notes about what was interpreted, for provenance.notes. */
  notes(): string[] {
    const notes: string[] = [];
    if (this.overwrites) notes.push(`${this.overwrites} duplicate value(s) for an epoch and metric: the last write was kept`);
    if (this.nonFinite) notes.push(`${this.nonFinite} non-finite value(s) (NaN/Infinity) not stored`);
    return notes;
  }
}

/** Batch records (per-step losses / lrs), last write per step wins. */
export class BatchTable {
  readonly #steps = new Map<number, { lr?: number; loss?: number }>();

  set(step: number, field: 'lr' | 'loss', value: number): void {
    if (!Number.isFinite(value) || !Number.isInteger(step) || step < 0) return;
    let b = this.#steps.get(step);
    if (!b) this.#steps.set(step, (b = {}));
    b[field] = value;
  }

  get size(): number {
    return this.#steps.size;
  }

  toBatches(): TraceBatch[] {
    return [...this.#steps.entries()].sort((a, b) => a[0] - b[0]).map(([step, b]) => ({ step, ...b }));
  }
}

/** Parses a numeric cell the way Python wrote it: `nan`, `inf`, `-inf` included. Undefined when it is no number. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  if (!Number.isNaN(n)) return n;
  const lower = t.toLowerCase();
  if (lower === 'nan' || lower === '-nan') return Number.NaN;
  if (lower === 'inf' || lower === 'infinity' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

/** Short, printable form of a bad value for a rejection's `found`. */
export function shortText(value: unknown, max = 60): string {
  const s = typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** Task id for a run read from one file when `--task` is not given: `<folder>/<file stem>`. */
export function taskIdForFile(path: string): string {
  return `${parentName(path)}/${fileStem(path)}`;
}

/** First line of `head` (without its newline), or undefined when the head holds no complete line and is not the whole file. */
export function firstLine(head: Buffer): string {
  let start = 0;
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3;
  const nl = head.indexOf(10, start);
  const end = nl === -1 ? head.length : nl > start && head[nl - 1] === 13 ? nl - 1 : nl;
  return head.toString('utf8', start, end);
}

/** Lines of `head`, the last (possibly partial) one dropped when the head was cut. */
export function headLines(head: Buffer, max = 20): string[] {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  if (head.length >= HEAD_BYTES) lines.pop();
  return lines.slice(0, max);
}

/**
 * `Buffer` as the `Uint8Array` it is. TypeScript 5.9's generic typed arrays and @types/node 20.9
 * disagree about `Buffer.slice`, so a Buffer is not assignable to `Uint8Array` parameters at the
 * type level (it is one at run time). One cast, here, instead of many.
 */
export function u8(b: Buffer): Uint8Array {
  return b as unknown as Uint8Array;
}
