import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { ImportContext, ImportEvent, ImportInput, Importer } from '../../src/traces/importer.js';
import { taskFor, taskIdForFile, u8 } from '../../src/traces/import-support.js';
import { maskedCrc32c } from './crc32c.js';
import { addFileSeries, buildRun, type Split } from './run-builder.js';
import { readScalarFile, type Series } from './scalars.js';

export const TFEVENTS_ID = 'tfevents';

const TRAIN_DIRS = new Set(['train', 'training']);
const VAL_DIRS = new Set(['validation', 'val', 'valid', 'test', 'eval', 'evaluation']);

export function splitOf(path: string): Split | undefined {
  const dir = basename(dirname(path)).toLowerCase();
  return TRAIN_DIRS.has(dir) ? 'train' : VAL_DIRS.has(dir) ? 'val' : undefined;
}

const isProfileMarker = (p: string) => p.endsWith('.profile-empty');

/** The train file a validation folder's files merge into: first event file (by name) of a sibling `train/` folder. */
function anchorFor(group: string, peers: readonly string[]): string | undefined {
  return peers
    .filter((p) => !isProfileMarker(p) && dirname(dirname(p)) === group && splitOf(p) === 'train')
    .sort()[0];
}

/**
 * TensorBoard event files (TFRecord framing, masked CRC-32C on length and data, `tensorflow.Event`
 * protobufs). Scalars as `simple_value` and as TF2 tensor summaries; graphs, histograms, strings,
 * images and `*.profile-empty` markers are skipped. Files in `validation/` (`val/`, `test/`, `eval/`)
 * merge into the sibling `train/` run as `val_` metrics when both are imported together.
 */
export const tfeventsImporter: Importer = {
  id: TFEVENTS_ID,
  description: 'TensorBoard event files (tf.summary, Keras TensorBoard callback, PyTorch/Lightning SummaryWriter, tensorboardX)',

  sniff({ path, head }: ImportInput): boolean {
    if (head.length >= 12 && maskedCrc32c(u8(head), 0, 8) === head.readUInt32LE(8)) return true;
    return /(^|\.)tfevents\./.test(basename(path));
  },

  async *import(input: ImportInput, ctx: ImportContext): AsyncGenerator<ImportEvent> {
    const file = input.path;
    const split = splitOf(file);
    const group = dirname(dirname(file));
    let members: Array<{ path: string; split: Split | undefined }> = [{ path: file, split }];
    if (split === 'val') {
      // Imported with its train folder: the train file's import reads this one.
      if (anchorFor(group, ctx.peers)) return;
    } else if (split === 'train' && anchorFor(group, ctx.peers) === file) {
      const vals = ctx.peers.filter((p) => p !== file && dirname(dirname(p)) === group && splitOf(p) === 'val').sort();
      members = members.concat(vals.map((p) => ({ path: p, split: 'val' as const })));
    }

    const hash = createHash('sha256');
    const series = new Map<string, Series>();
    const batchTags = new Set<string>();
    let badEventCount = 0;
    let skipped = 0;
    const cut: string[] = [];
    const cutProblems: ImportEvent[] = [];
    for (const m of members) {
      const read = await readScalarFile(m.path, (chunk) => {
        hash.update(u8(chunk));
        ctx.onBytes?.(chunk.length);
      });
      for (const bad of read.badEvents) {
        badEventCount++;
        yield { kind: 'rejection', file: m.path, byteOffset: bad.byteOffset, field: 'event', expected: 'a tensorflow.Event protobuf', found: bad.message, code: 'BAD_EVENT' };
      }
      // A file that ends inside a record is a log still being written (or cut short): the records
      // before it are kept and the run is stored `incomplete`, to be replaced by a later import of the grown file.
      if (read.problem?.code === 'TRUNCATED_RECORD') cutProblems.push({ kind: 'rejection', file: m.path, ...read.problem });
      if (read.problem?.code === 'TRUNCATED_RECORD') cut.push(`${m.path} ends inside a record at byte ${read.problem.byteOffset} (${read.problem.found}): still being written, or cut short`);
      else if (read.problem) yield { kind: 'rejection', file: m.path, ...read.problem };
      skipped += read.skippedValues;
      addFileSeries(series, batchTags, read.series, m.split);
    }
    // Cut before any scalar: nothing to store, so the cut is reported as the file's problem.
    if (series.size === 0) return yield* cutProblems; // graph-only files, profiler markers, empty files: nothing to import

    const built = buildRun(series, batchTags);
    if (built.epochs.length === 0 && built.batches.length === 0) return yield* cutProblems;
    const notes = [...built.notes];
    if (members.length > 1) notes.push(`validation metrics (val_*) merged from ${members.slice(1).map((m) => m.path).join(', ')}`);
    else if (split === 'val') notes.push('validation folder imported on its own: its metrics are named val_*');
    if (skipped) notes.push(`${skipped} non-scalar summary value(s) skipped (histograms, strings, layouts, …)`);
    if (badEventCount) notes.push(`${badEventCount} undecodable event(s) skipped`);
    if (cut.length) notes.push(...cut.map((c) => `${c}; the records before it were kept and the run is stored as incomplete (importing the grown file replaces it)`));
    const sourceKey = members.length > 1 ? 'train+validation' : split === 'val' ? 'validation' : split === 'train' ? 'train' : 'events';
    // Two folder levels (`projA/logs`), like taskIdForFile's `folder/stem`: TensorBoard runs usually
    // live in a folder named `logs`, and one level made every project the same task.
    const taskId = split ? `${basename(dirname(group))}/${basename(group)}` : taskIdForFile(file);
    yield {
      kind: 'run',
      run: {
        task: taskFor(ctx, taskId),
        epochs: built.epochs,
        ...(built.batches.length ? { batches: built.batches } : {}),
        status: built.divergedAt !== undefined ? 'diverged' : cut.length ? 'incomplete' : 'completed',
        ...(built.divergedAt !== undefined
          ? { outcome: { epochsRun: built.epochs.length, reason: `non-finite loss at epoch ${built.divergedAt}` } }
          : cut.length
            ? { outcome: { epochsRun: built.epochs.length, reason: 'the event file ends inside a record (still being written, or cut short)' } }
            : {}),
        environment: { framework: 'tensorboard' },
        provenance: { importer: TFEVENTS_ID, file, byteOffset: 0, contentHash: hash.digest('hex'), sourceKey, ...(notes.length ? { notes } : {}) },
      },
    };
  },
};
