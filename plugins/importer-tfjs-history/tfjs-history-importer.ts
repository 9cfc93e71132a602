import { readFile, stat } from 'node:fs/promises';
import type { ImportContext, ImportEvent, ImportInput, Importer } from '../../src/traces/importer.js';
import type { ModelRef } from '../../src/traces/trace.js';
import { EpochTable, sha256Hex, shortText, taskFor, taskIdForFile } from '../../src/traces/import-support.js';

export const TFJS_HISTORY_ID = 'tfjs-history';

/**
 * A History JSON is one document: it is parsed whole, so its size is capped (a History of 100k
 * epochs with 20 metrics is ~40 MB). Larger inputs should be JSONL.
 */
export const MAX_HISTORY_BYTES = 256 * 1024 * 1024;

type Rejection = Extract<ImportEvent, { kind: 'rejection' }>;

const FIT_PARAMS = ['epochs', 'initialEpoch', 'samples', 'steps', 'batchSize'];

/**
 * tfjs `History` objects saved with `JSON.stringify(await model.fit(…))`:
 * `{"epoch": [0, 1, …], "history": {"loss": […], "val_loss": […], …}, "params": {…}}`, or an array
 * of them (one run each). Every history array must have one number (or null) per epoch.
 */
export const tfjsHistoryImporter: Importer = {
  id: TFJS_HISTORY_ID,
  description: 'tfjs History JSON ({epoch: [...], history: {loss: [...], ...}}), or an array of them',

  sniff({ head }: ImportInput): boolean {
    const text = head.toString('utf8', 0, Math.min(head.length, 4096)).replace(/^\uFEFF/, '').trimStart();
    if (!(text.startsWith('{') || text.startsWith('['))) return false;
    return /"history"\s*:\s*\{/.test(text) || /"epoch"\s*:\s*\[/.test(text);
  },

  async *import(input: ImportInput, ctx: ImportContext): AsyncGenerator<ImportEvent> {
    const file = input.path;
    const size = (await stat(file)).size;
    if (size > MAX_HISTORY_BYTES) {
      yield { kind: 'rejection', file, byteOffset: 0, expected: `a History JSON of at most ${MAX_HISTORY_BYTES} bytes (use JSONL for larger logs)`, found: `${size} bytes`, code: 'FILE_TOO_LARGE' };
      return;
    }
    const bytes = await readFile(file);
    ctx.onBytes?.(bytes.length);
    const contentHash = sha256Hex(bytes);
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
    } catch (err) {
      yield { kind: 'rejection', file, line: 1, expected: 'a JSON document', found: (err as Error).message, code: 'INVALID_JSON' };
      return;
    }
    const docs = Array.isArray(doc) ? doc : [doc];
    for (let i = 0; i < docs.length; i++) {
      const prefix = Array.isArray(doc) ? `[${i}].` : '';
      const result = readHistory(docs[i], prefix, file, i);
      if ('rejection' in result) {
        yield result.rejection;
        continue;
      }
      yield {
        kind: 'run',
        run: {
          task: taskFor(ctx, taskIdForFile(file)),
          ...(result.model ? { model: result.model } : {}),
          epochs: result.table.toEpochs(),
          status: result.table.divergedAt !== undefined ? 'diverged' : 'completed',
          environment: { framework: 'tfjs' },
          provenance: {
            importer: TFJS_HISTORY_ID,
            file,
            line: 1,
            contentHash,
            sourceKey: String(i),
            ...(result.table.notes().length ? { notes: result.table.notes() } : {}),
          },
        },
      };
    }
  },
};

function readHistory(
  h: unknown,
  prefix: string,
  file: string,
  record: number,
): { table: EpochTable; model?: ModelRef } | { rejection: Rejection } {
  const reject = (field: string, expected: string, found: unknown): { rejection: Rejection } => ({
    rejection: { kind: 'rejection', file, record, field: `${prefix}${field}`, expected, found: shortText(found), code: 'SCHEMA_MISMATCH' },
  });
  if (typeof h !== 'object' || h === null || Array.isArray(h)) return reject('(root)', 'a History object {epoch, history}', h);
  const o = h as Record<string, unknown>;
  const history = o.history;
  if (typeof history !== 'object' || history === null || Array.isArray(history)) return reject('history', 'an object of metric arrays', history);
  const metrics = Object.entries(history as Record<string, unknown>);
  let n: number | undefined;
  for (const [name, values] of metrics) {
    if (!Array.isArray(values)) return reject(`history.${name}`, 'an array of numbers', values);
    if (n !== undefined && values.length !== n) return reject(`history.${name}`, `${n} values (one per epoch)`, `${values.length} values`);
    n = values.length;
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (v !== null && typeof v !== 'number') return reject(`history.${name}[${k}]`, 'a number or null', v);
    }
  }
  let epochs: number[];
  if (o.epoch === undefined) epochs = Array.from({ length: n ?? 0 }, (_, k) => k);
  else {
    if (!Array.isArray(o.epoch)) return reject('epoch', 'an array of epoch numbers', o.epoch);
    epochs = o.epoch as number[];
    for (let k = 0; k < epochs.length; k++) {
      const e = epochs[k];
      if (typeof e !== 'number' || !Number.isInteger(e) || e < 0) return reject(`epoch[${k}]`, 'an integer >= 0', e);
    }
    if (n !== undefined && epochs.length !== n) return reject('epoch', `${n} epochs (the length of the history arrays)`, `${epochs.length} epochs`);
  }
  const table = new EpochTable();
  for (let k = 0; k < epochs.length; k++) {
    table.touch(epochs[k]!);
    for (const [name, values] of metrics) {
      const v = (values as Array<number | null>)[k];
      if (typeof v === 'number') table.set(epochs[k]!, name, v);
    }
  }
  let model: ModelRef | undefined;
  if (typeof o.params === 'object' && o.params !== null) {
    const params: Record<string, number> = {};
    for (const key of FIT_PARAMS) {
      const v = (o.params as Record<string, unknown>)[key];
      if (typeof v === 'number' && Number.isFinite(v)) params[key] = v;
    }
    if (Object.keys(params).length) model = { params: { fit: params } };
  }
  return { table, ...(model ? { model } : {}) };
}
