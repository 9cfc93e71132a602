/**
 * CSV (and TSV, gzip-compressed or not) → RawTable, streamed through csv-parse so a large file is
 * never held as text. Header detection, a delimiter option, a target column by name or index, text
 * columns either rejected (default) or kept as text for one-hot encoding in prepare.ts.
 */
import { closeSync, createReadStream, existsSync, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse, CsvError } from 'csv-parse';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { ColumnBuilder, DEFAULT_NA_VALUES, parseCell, type RawColumn, type RawTable } from './raw-table.js';
import { notADataset, nonNumericColumn, resolveTargetIndex, type CategoricalPolicy, allowsText } from './load-common.js';

export interface CsvLoadArgs {
  /** Column separator (one character, or "\t"). Defaults to "," (tab for `.tsv` files). */
  readonly delimiter?: string;
  /** Whether the first (non-skipped) line holds column names; "auto" guesses from the first two lines. Defaults to "auto". */
  readonly header?: boolean | 'auto';
  /** Lines to skip before the header or the first row (e.g. scikit-learn's "150,4,setosa,…" line). Defaults to 0. */
  readonly skipRows?: number;
  /** Column names, overriding (or standing in for a missing) header. Defaults to the header, else `x0, x1, …`. */
  readonly columns?: readonly string[];
  /** Target column: a name, or a 0-based index (negative counts from the end). Defaults to -1 (the last column). */
  readonly target?: string | number;
  /** A second file holding the target, one value per line (scikit-learn's diabetes). Defaults to none. */
  readonly targetPath?: string;
  /** What to do with a text cell in a feature column. Defaults to "error". */
  readonly categorical?: CategoricalPolicy;
  /** Cells read as missing. Defaults to DEFAULT_NA_VALUES ("", "NA", "NaN", "?", …). */
  readonly naValues?: readonly string[];
  /** Name for messages. Defaults to `path`. */
  readonly label?: string;
}

interface Rec {
  readonly cells: string[];
  readonly line: number;
}

/** Streams records with their line numbers; parse errors become MALFORMED_CSV / NOT_A_DATASET naming the line. */
async function* records(path: string, label: string, delimiter: string, skipLines = 0): AsyncGenerator<Rec> {
  if (!existsSync(path)) {
    throw new NotFoundError('FILE_NOT_FOUND', `${label}: no such file. Check the path (relative paths start from ${process.cwd()}).`, { file: path });
  }
  sniffBinary(path, label);
  const input = createReadStream(path);
  const parser = parse({ delimiter, info: true, skip_empty_lines: true, bom: true, from_line: skipLines + 1 });
  const source = path.endsWith('.gz') ? input.pipe(createGunzip()) : input;
  // .pipe() does not forward errors: a read or gunzip failure must end the parser with that error.
  input.on('error', (e: Error) => parser.destroy(e));
  if (source !== input) source.on('error', (e: Error) => parser.destroy(e));
  source.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const cells = item.record;
      if (cells.some((c) => c.includes('\u0000'))) {
        throw notADataset(label, `line ${item.info.lines}`, 'a text table (CSV)', 'binary data (NUL bytes)');
      }
      yield { cells, line: item.info.lines };
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new ValidationError(
        'MALFORMED_CSV',
        `${label}:${line ?? '?'}: ${err.message.replace(/^Invalid Record Length: /, 'inconsistent number of columns: ')}. Fix: check the delimiter ("delimiter" in the task file's data; now ${JSON.stringify(delimiter)}) and the quoting on that line.`,
        { file: label, line, csvCode: err.code },
        { cause: err },
      );
    }
    if ((err as NodeJS.ErrnoException).code === 'Z_DATA_ERROR') {
      throw notADataset(label, 'byte 0', 'gzip-compressed CSV (the name ends in .gz)', 'data that is not gzip');
    }
    throw err;
  } finally {
    input.destroy();
  }
}

/** A NUL byte in the first 4 KiB means binary (an image, a model, a zip): not a table. */
function sniffBinary(path: string, label: string): void {
  if (path.endsWith('.gz')) return; // checked per record after decompression
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const nul = head.subarray(0, readSync(fd, head, 0, head.length, 0)).indexOf(0);
    if (nul >= 0) throw notADataset(label, `byte ${nul}`, 'a text table (CSV)', 'binary data (NUL bytes)');
  } finally {
    closeSync(fd);
  }
}

const isNumberLike = (cell: string, na: ReadonlySet<string>) => typeof parseCell(cell, na) !== 'string';

/** The first record is a header when it has a text cell above a number, or when every cell is distinct text. */
export function looksLikeHeader(first: readonly string[], second: readonly string[] | undefined, na: ReadonlySet<string>): boolean {
  const text = first.map((c) => !isNumberLike(c, na));
  if (second && text.some((t, j) => t && second[j] !== undefined && isNumberLike(second[j]!, na) && !na.has(second[j]!.trim()))) return true;
  return text.every(Boolean) && new Set(first.map((c) => c.trim())).size === first.length;
}

export async function loadCsv(path: string, args: CsvLoadArgs = {}): Promise<RawTable> {
  const label = args.label ?? path;
  const delimiter = args.delimiter ?? (/\.tsv(\.gz)?$/i.test(path) ? '\t' : ',');
  const na = new Set(args.naValues ?? DEFAULT_NA_VALUES);
  const policy = args.categorical ?? 'error';
  const skip = args.skipRows ?? 0;
  const notes: string[] = [];

  const pending: Rec[] = [];
  let names: string[] | undefined;
  let targetIndex = -1;
  let builders: ColumnBuilder[] = [];
  let n = 0;

  const start = (first: Rec, second: Rec | undefined): Rec[] => {
    const width = first.cells.length;
    const header = args.header === 'auto' || args.header === undefined ? looksLikeHeader(first.cells, second?.cells, na) : args.header;
    if (args.header === undefined || args.header === 'auto') notes.push(`${label}: ${header ? 'first line read as column names' : 'no header line detected'}.`);
    names = args.columns ? [...args.columns] : header ? first.cells.map((c, j) => c.trim() || `x${j}`) : first.cells.map((_, j) => `x${j}`);
    if (names.length !== width) {
      throw new ValidationError(
        'COLUMN_COUNT_MISMATCH',
        `${label}:${first.line}: expected ${names.length} columns (the names given in "columns"), found ${width}. Fix: list one name per column.`,
        { file: label, line: first.line, expected: names.length, found: width },
      );
    }
    if (width < (args.targetPath ? 1 : 2)) {
      throw notADataset(label, `line ${first.line}`, 'at least two columns (features and a target)', `${width} column`);
    }
    targetIndex = args.targetPath ? -1 : resolveTargetIndex(args.target ?? -1, names, label);
    builders = names.map((name) => new ColumnBuilder(name));
    return header ? (second ? [second] : []) : second ? [first, second] : [first];
  };

  const add = (rec: Rec) => {
    n++;
    rec.cells.forEach((cell, j) => {
      const b = builders[j]!;
      const wasText = b.isText;
      b.push(parseCell(cell, na), () => `${label}:${rec.line}`);
      if (!wasText && b.isText && j !== targetIndex && !allowsText(policy, b.name)) {
        throw nonNumericColumn(label, rec.line, j, b.name, cell.trim());
      }
    });
  };

  // Skipped lines go to the parser: they may have another number of columns (scikit-learn's "150,4,setosa,…").
  for await (const rec of records(path, label, delimiter, skip)) {
    if (!names) {
      pending.push(rec);
      if (pending.length < 2) continue;
      for (const r of start(pending[0]!, pending[1])) add(r);
      continue;
    }
    add(rec);
  }
  if (!names) {
    if (pending.length === 0) throw notADataset(label, 'end of file', 'a header and at least one data row', skip > 0 ? `nothing after the ${skip} skipped line(s)` : 'an empty file');
    for (const r of start(pending[0]!, undefined)) add(r);
  }
  if (n === 0) throw notADataset(label, 'end of file', 'at least one data row', 'only a header line');

  const columns = builders.map((b) => b.build());
  let target: RawColumn;
  let features: RawColumn[];
  if (args.targetPath) {
    target = await loadTargetFile(args.targetPath, { ...args, label: args.targetPath }, n);
    features = columns;
  } else {
    target = columns[targetIndex]!;
    features = columns.filter((_, j) => j !== targetIndex);
  }
  return { source: label, n, features, target, notes };
}

/** One value per line; the number of values must equal the rows of the feature file. */
async function loadTargetFile(path: string, args: CsvLoadArgs, expectedRows: number): Promise<RawColumn> {
  const label = args.label ?? path;
  const na = new Set(args.naValues ?? DEFAULT_NA_VALUES);
  const b = new ColumnBuilder('target');
  let n = 0;
  let lastLine = 0;
  for await (const rec of records(path, label, args.delimiter ?? ',')) {
    if (rec.cells.length !== 1) {
      throw notADataset(label, `line ${rec.line}`, 'one target value per line', `${rec.cells.length} cells`);
    }
    b.push(parseCell(rec.cells[0]!, na), () => `${label}:${rec.line}`);
    n++;
    lastLine = rec.line;
  }
  if (n !== expectedRows) {
    throw new ValidationError(
      'ROW_COUNT_MISMATCH',
      `${label}:${lastLine}: expected ${expectedRows} target values (one per row of the feature file), found ${n}. Fix: point "targetPath" at the target file that belongs to the features.`,
      { file: label, expected: expectedRows, found: n },
    );
  }
  return b.build();
}
