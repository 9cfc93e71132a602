/**
 * The Importer contract: turns a training log written by another tool into trace runs.
 * One plugin per format (plugins/importer-*), contributed under `TOKENS.Importer`.
 *
 * Invariants (test/unit/importers checks every built-in importer):
 * - `sniff` is cheap and pure: it looks at the path and the first bytes (`head`, at most 64 KiB) and
 *   never throws. `--format auto` picks the first importer whose `sniff` says yes.
 * - `import` streams: a 1 GB log is read in chunks or lines, never whole; memory is bounded by the
 *   largest run, not by the file.
 * - Bad input never throws out of `import` except as a `MetatuneError`: each bad record becomes an
 *   `ImportRejection` naming file, line/record/byte offset and field, and the good records around it
 *   are kept. A truncated or corrupt binary file ends with one rejection; the runs read before it are kept.
 * - Every run carries provenance: importer id, file, line or byte offset, a SHA-256 `contentHash` of the
 *   bytes the run came from and a `sourceKey` telling several runs of one source apart. Re-importing the
 *   same bytes gives the same (importer, contentHash, sourceKey), which `TraceStore.importRun` dedupes on.
 */
import type { NewTrace, TaskRef, TraceEpoch, TraceProvenance, TraceRecord } from './trace.js';

export interface ImportInput {
  /** Absolute path of the file. */
  readonly path: string;
  /** The first bytes of the file (up to 64 KiB; fewer for small files). */
  readonly head: Buffer;
}

export interface ImportContext {
  /** The task the runs belong to (`--task`); when absent each importer derives one from the source. */
  readonly task?: TaskRef;
  /**
   * Every file assigned to the same importer in this import (absolute paths). Formats that span
   * several files (TensorBoard train/validation directories, an MLflow run folder) read their
   * siblings from here, so that each run is produced once.
   */
  readonly peers: readonly string[];
  /** Called with the number of bytes just consumed (progress bars). */
  readonly onBytes?: (bytes: number) => void;
}

/** A run with its epochs (possibly none) and its provenance filled in. */
export type ImportedTrace = NewTrace & {
  readonly epochs: readonly TraceEpoch[];
  readonly provenance: TraceProvenance & {
    readonly importer: string;
    readonly file: string;
    readonly contentHash: string;
    readonly sourceKey: string;
  };
};

export interface ImportedRun {
  readonly kind: 'run';
  readonly run: ImportedTrace;
}

/** A record that could not be read. Reported (file:line: reason), never fatal to the rest of the file. */
export interface ImportRejection {
  readonly kind: 'rejection';
  readonly file: string;
  /** 1-based line of text formats. */
  readonly line?: number;
  /** 0-based record index where lines do not apply. */
  readonly record?: number;
  /** Byte offset in binary formats (TFRecord). */
  readonly byteOffset?: number;
  /** Column, JSON field or protobuf field at fault. */
  readonly field?: string;
  readonly expected: string;
  readonly found: string;
  /** Stable code: RAGGED_ROW, NOT_A_NUMBER, BAD_CRC, TRUNCATED_RECORD, INVALID_JSON, SCHEMA_MISMATCH, … */
  readonly code: string;
}

/**
 * A complete stored record (a metatune interchange file): the runner stores it exactly as given
 * with `TraceStore.restoreRuns` (id, status, timestamps, outcome kept), not as a new import.
 */
export interface ImportedRecord {
  readonly kind: 'record';
  readonly record: TraceRecord;
  readonly file: string;
  readonly line: number;
}

/** A policy artifact of an interchange file (stored with `putPolicy`). */
export interface ImportedPolicy {
  readonly kind: 'policy';
  readonly name: string;
  readonly artifact: unknown;
  readonly file: string;
  readonly line: number;
}

export type ImportEvent = ImportedRun | ImportRejection | ImportedRecord | ImportedPolicy;

export interface Importer {
  /** Format id used by `--format` and in provenance ("keras-csv", "tfevents", …). */
  readonly id: string;
  /** One line for `metatune import --help`. */
  readonly description: string;
  sniff(input: ImportInput): boolean;
  import(input: ImportInput, ctx: ImportContext): AsyncIterable<ImportEvent>;
}

/**
 * What a rejection quotes of the input, made safe to print: a cell's text at most, never a binary
 * file's bytes (control characters and undecodable bytes make it "binary data").
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  const odd = text.match(/[\u0000-\u0008\u000e-\u001f\u007f\ufffd]/g)?.length ?? 0;
  if (odd > 2 || (odd > 0 && odd * 10 > text.length)) return `binary data (${text.length} characters, not text)`;
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `file:line: field: expected …, found … (CODE)`: the form the CLI summary prints. */
export function formatRejection(r: ImportRejection): string {
  const where =
    r.line !== undefined ? `:${r.line}` : r.byteOffset !== undefined ? `@byte ${r.byteOffset}` : r.record !== undefined ? `#${r.record}` : '';
  const field = r.field !== undefined ? `${r.field}: ` : '';
  return `${r.file}${where}: ${field}expected ${r.expected}, found ${printable(r.found)} (${r.code})`;
}
