import { createHash, type Hash } from 'node:crypto';
import type { ImportContext, ImportEvent, ImportInput, Importer } from '../../src/traces/importer.js';
import type { ModelRef, OptimizerRef, TaskRef } from '../../src/traces/trace.js';
import { EpochTable, headLines, readLineBatches, shortText, taskFor, taskIdForFile } from '../../src/traces/import-support.js';

export const JSONL_ID = 'jsonl';

/** Keys with a meaning of their own; every other key is a metric and must be a number (or null). */
const STRING_KEYS = new Set(['run', 'run_id', 'task', 'model', 'optimizer']);
const WALL_KEYS = new Set(['wall_time_ms', 'wallTimeMs']);
/**
 * The run's configuration, as JSON objects (constant per run; the last record that carries one wins,
 * so writing them on the first record only is enough): `model_params` → `model.params`,
 * `optimizer_params` (numbers, strings, booleans) → `optimizer.hyperparameters`, `schedule` (a
 * schedule spec) → `schedule`. Learners rebuild a candidate from these.
 */
const OBJECT_KEYS = new Set(['model_params', 'optimizer_params', 'schedule']);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface OpenRun {
  readonly id: string;
  readonly table: EpochTable;
  readonly hash: Hash;
  readonly firstLine: number;
  lines: number;
  task?: string;
  model?: string;
  optimizer?: string;
  modelParams?: Record<string, unknown>;
  optimizerParams?: Record<string, number | string | boolean | null>;
  schedule?: Record<string, unknown>;
  /** Set when the file ends inside a record of this run: the run is stored `incomplete` with this note. */
  cut?: string;
}

/** The run id of a record cut short (`{"run": "a", "epoch": 3, "lo`), when the cut left it readable. */
function runIdOfCutRecord(text: string): string | undefined {
  const m = /"run(?:_id)?"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)\s*[,}])/.exec(text);
  if (!m) return undefined;
  if (m[2] !== undefined) return String(Number(m[2]));
  try {
    return JSON.parse(`"${m[1]}"`) as string;
  } catch {
    return undefined;
  }
}

export interface JsonlImporterArgs {
  /**
   * Runs kept open at once. Records of one run may be interleaved with other runs' records; a run
   * is finished (emitted) once more than this many other runs were seen after its last record.
   * Bounds memory on a file of a million runs. Defaults to 1000.
   */
  readonly maxOpenRuns?: number;
  /**
   * Epoch records kept in memory across all open runs. Runs are usually written one after another,
   * so when this many records are buffered the least recently written runs are finished first.
   * Bounds memory on a file of a few long runs. Defaults to 100,000 (about 50 MB).
   */
  readonly maxOpenRecords?: number;
}

const isRecordLine = (line: string) => {
  try {
    const o = JSON.parse(line) as unknown;
    return typeof o === 'object' && o !== null && !Array.isArray(o) && ('run' in o || 'run_id' in o) && 'epoch' in o;
  } catch {
    return false;
  }
};

/**
 * Generic JSONL: one epoch record per line, `{"run": "a", "epoch": 0, "loss": …, "lr": …, …}`
 * (`run_id` also accepted), grouped by run id. Numbers only besides `run`/`run_id`/`task`/`model`/
 * `optimizer` (strings) and `model_params`/`optimizer_params`/`schedule` (objects); a bad line is rejected with its line number and field, the other lines are kept.
 */
export function jsonlImporter(args: JsonlImporterArgs = {}): Importer {
  const maxOpenRuns = args.maxOpenRuns ?? 1000;
  const maxOpenRecords = args.maxOpenRecords ?? 100_000;
  return {
    id: JSONL_ID,
    description: 'JSONL epoch records, one per line, grouped by "run" / "run_id"',

    sniff({ head }: ImportInput): boolean {
      const lines = headLines(head, 5).filter((l) => l.trim() !== '');
      return lines.length > 0 && isRecordLine(lines[0]!);
    },

    async *import(input: ImportInput, ctx: ImportContext): AsyncGenerator<ImportEvent> {
      const file = input.path;
      const open = new Map<string, OpenRun>();
      const flushed = new Set<string>();
      let current: OpenRun | undefined;
      let openRecords = 0;

      const finish = (run: OpenRun): ImportEvent | undefined => {
        open.delete(run.id);
        openRecords -= run.lines;
        flushed.add(run.id);
        const epochs = run.table.toEpochs();
        if (!epochs.length) return undefined;
        const notes = run.table.notes();
        const task: TaskRef = ctx.task ?? (run.task ? { id: run.task, name: run.task, kind: 'unknown' } : taskFor(ctx, taskIdForFile(file)));
        const model: ModelRef | undefined =
          run.model || run.modelParams ? { ...(run.model ? { name: run.model } : {}), ...(run.modelParams ? { params: run.modelParams } : {}) } : undefined;
        const optimizer: OptimizerRef | undefined =
          run.optimizer || run.optimizerParams ? { className: run.optimizer ?? 'unknown', ...(run.optimizerParams ? { hyperparameters: run.optimizerParams } : {}) } : undefined;
        return {
          kind: 'run',
          run: {
            task,
            ...(model ? { model } : {}),
            ...(optimizer ? { optimizer } : {}),
            ...(run.schedule ? { schedule: run.schedule } : {}),
            epochs,
            status: run.table.divergedAt !== undefined ? 'diverged' : run.cut ? 'incomplete' : 'completed',
            ...(run.table.divergedAt !== undefined
              ? { outcome: { epochsRun: epochs.length, reason: `non-finite loss at epoch ${run.table.divergedAt}` } }
              : run.cut
                ? { outcome: { epochsRun: epochs.length, reason: 'the log ends inside its last record (still being written, or cut short)' } }
                : {}),
            provenance: { importer: JSONL_ID, file, line: run.firstLine, contentHash: run.hash.digest('hex'), sourceKey: run.id, ...(notes.length || run.cut ? { notes: [...(run.cut ? [run.cut] : []), ...notes] } : {}) },
          },
        };
      };

      for await (const { lines, firstLine, unterminated } of readLineBatches(file, ctx.onBytes)) {
        const out: ImportEvent[] = [];
        for (let i = 0; i < lines.length; i++) {
          const text = lines[i]!;
          const line = firstLine + i;
          if (text.length === 0 || text.trim() === '') continue;
          const reject = (field: string | undefined, expected: string, found: string, code: string) =>
            out.push({ kind: 'rejection', file, line, ...(field !== undefined ? { field } : {}), expected, found, code });
          let rec: Record<string, unknown>;
          try {
            rec = JSON.parse(text) as Record<string, unknown>;
          } catch (err) {
            if (unterminated && i === lines.length - 1) {
              // The file ends inside this line (no line break, and not a whole JSON object): a log still
              // being written, or cut short. Not a bad record: its run is stored `incomplete`, and
              // importing the grown file replaces that run.
              const cutId = runIdOfCutRecord(text);
              const owner = cutId !== undefined ? (current?.id === cutId ? current : open.get(cutId)) : current;
              const note = `the file ends inside line ${line} (no line break: still being written, or cut short); that record was dropped and the run is stored as incomplete (importing the grown file replaces it)`;
              if (owner) owner.cut = note;
              else reject('run', 'a whole record', `the file ends inside line ${line}, the first record of a run${cutId !== undefined ? ` (${JSON.stringify(cutId)})` : ''} (still being written, or cut short)`, 'TRUNCATED_RECORD');
              continue;
            }
            reject(undefined, 'one JSON object per line', `${shortText(text, 40)} (${(err as Error).message})`, 'INVALID_JSON');
            continue;
          }
          if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
            reject(undefined, 'a JSON object', shortText(rec), 'SCHEMA_MISMATCH');
            continue;
          }
          const rawId = rec.run ?? rec.run_id;
          if (typeof rawId !== 'string' && typeof rawId !== 'number') {
            reject('run', 'a run id (string or number) in "run" or "run_id"', shortText(rawId), 'SCHEMA_MISMATCH');
            continue;
          }
          const epoch = rec.epoch;
          if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) {
            reject('epoch', 'an integer >= 0', shortText(epoch), 'SCHEMA_MISMATCH');
            continue;
          }
          let badField: string | undefined;
          let badExpected: string | undefined;
          for (const key in rec) {
            const v = rec[key];
            if (OBJECT_KEYS.has(key)) {
              const flat = key === 'optimizer_params';
              if (!isPlainObject(v) || (flat && Object.values(v).some((x) => x !== null && !['number', 'string', 'boolean'].includes(typeof x)))) {
                badField = key;
                badExpected = flat ? 'an object of numbers, strings or booleans' : 'a JSON object';
                break;
              }
              continue;
            }
            if (STRING_KEYS.has(key) ? typeof v !== 'string' && !(key.startsWith('run') && typeof v === 'number') : v !== null && typeof v !== 'number') {
              badField = key;
              break;
            }
          }
          if (badField !== undefined) {
            reject(badField, badExpected ?? (STRING_KEYS.has(badField) ? 'a string' : 'a number or null'), shortText(rec[badField]), 'SCHEMA_MISMATCH');
            continue;
          }
          const id = String(rawId);
          let run = current !== undefined && current.id === id ? current : open.get(id);
          if (!run) {
            if (flushed.has(id)) {
              reject('run', `records of run ${JSON.stringify(id)} within ${maxOpenRuns} runs of each other`, `a record after the run was finished`, 'RUN_SPLIT');
              continue;
            }
            run = { id, table: new EpochTable(), hash: createHash('sha256'), firstLine: line, lines: 0 };
            open.set(id, run);
            if (open.size > maxOpenRuns) {
              const oldest = open.values().next().value as OpenRun;
              const ev = finish(oldest);
              if (ev) out.push(ev);
            }
          } else if (run !== current) {
            // Most recently used last: the Map's first entry is the one to finish when too many are open.
            open.delete(id);
            open.set(id, run);
          }
          current = run;
          run.lines++;
          openRecords++;
          run.hash.update(text);
          run.hash.update('\n');
          for (const key in rec) {
            const v = rec[key];
            if (v === null || key === 'epoch' || STRING_KEYS.has(key) || OBJECT_KEYS.has(key)) continue;
            if (key === 'step') run.table.setStep(epoch, v as number);
            else if (WALL_KEYS.has(key)) run.table.setWallTime(epoch, v as number);
            else run.table.set(epoch, key, v as number);
          }
          run.table.touch(epoch); // an epoch record with only nulls still counts
          if (typeof rec.task === 'string') run.task = rec.task;
          if (typeof rec.model === 'string') run.model = rec.model;
          if (typeof rec.optimizer === 'string') run.optimizer = rec.optimizer;
          if (isPlainObject(rec.model_params)) run.modelParams = rec.model_params;
          if (isPlainObject(rec.optimizer_params)) run.optimizerParams = rec.optimizer_params as Record<string, number | string | boolean | null>;
          if (isPlainObject(rec.schedule)) run.schedule = rec.schedule;
          // Too much buffered: finish the least recently written runs (never the one being written).
          while (openRecords > maxOpenRecords && open.size > 1) {
            const oldest = open.values().next().value as OpenRun;
            const ev = finish(oldest === current ? [...open.values()][1]! : oldest);
            if (ev) out.push(ev);
          }
        }
        yield* out;
      }
      for (const run of [...open.values()]) {
        const ev = finish(run);
        if (ev) yield ev;
      }
    },
  };
}

export const defaultJsonlImporter = jsonlImporter();
