/**
 * CSV (and TSV, gzip-compressed or not) → RawTable, streamed through papaparse (the project's one
 * CSV library, chosen in bench/csv-parse.ts: 2.5-4x faster than csv-parse here) so a large file is
 * never held as text. Header detection, a delimiter option, a target column by name or index, text
 * columns either rejected (default) or kept as text for one-hot encoding in prepare.ts.
 */
import { closeSync, createReadStream, existsSync, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';
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
  /** The line the record starts on (1-based; a quoted cell may run over several lines). */
  readonly line: number;
}

/** papaparse's quote errors, under the codes csv-parse gave them (kept in `details.csvCode`). */
const QUOTE_ERRORS: Readonly<Record<string, { code: string; what: string }>> = {
  MissingQuotes: { code: 'CSV_QUOTE_NOT_CLOSED', what: 'quote not closed: the quoted cell that opens on this line is still open at the end of the file' },
  InvalidQuotes: { code: 'CSV_INVALID_CLOSING_QUOTE', what: 'invalid closing quote: a quoted cell is followed by text instead of the delimiter or a line break' },
};

function malformed(label: string, line: number, what: string, csvCode: string, delimiter: string): ValidationError {
  return new ValidationError(
    'MALFORMED_CSV',
    `${label}:${line}: ${what}. Fix: check the delimiter ("delimiter" in the task file's data; now ${JSON.stringify(delimiter)}) and the quoting on that line.`,
    { file: label, line, csvCode },
  );
}

/**
 * Streams the records of a CSV file to `onRecord` (synchronously, one call per record: a promise per
 * row would cost more than the parsing), with the line each starts on. Empty lines are skipped but
 * counted; the first record (after `skipLines`) fixes the number of columns; parse errors become
 * MALFORMED_CSV / NOT_A_DATASET naming the line. An exception from `onRecord` stops the parse and
 * rejects with it.
 */
async function readRecords(path: string, label: string, delimiter: string, skipLines: number, onRecord: (rec: Rec) => void): Promise<void> {
  if (!existsSync(path)) {
    throw new NotFoundError('FILE_NOT_FOUND', `${label}: no such file. Check the path (relative paths start from ${process.cwd()}).`, { file: path });
  }
  const bom = sniffBinary(path, label);
  const gz = path.endsWith('.gz');
  const input = createReadStream(path, { start: bom ? 3 : 0 });
  const source = gz ? input.pipe(createGunzip()) : input;
  // .pipe() does not forward errors: a read failure must end the gunzip stream with that error.
  if (gz) input.on('error', (e: Error) => source.destroy(e));
  // Decoded by the stream: papaparse would decode each chunk alone and break a UTF-8 character
  // that straddles two chunks.
  source.setEncoding('utf8');
  let line = 1;
  let width = -1;
  let failure: unknown;
  try {
    await new Promise<void>((resolve, reject) => {
      Papa.parse<string[]>(source as unknown as File, {
        delimiter,
        header: false,
        dynamicTyping: false,
        skipEmptyLines: false,
        step: (result, parser) => {
          if (failure !== undefined) return;
          const cells = result.data;
          const start = line;
          // papaparse reports records, not lines: count the line breaks inside quoted cells.
          for (const cell of cells) for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) line++;
          line++;
          // A BOM the stream could not skip (inside gzip) sits in front of the first cell, which
          // papaparse then did not see as quoted.
          if (start === 1 && cells[0]?.charCodeAt(0) === 0xfeff) {
            const first = cells[0].slice(1);
            cells[0] = /^"(.*)"$/s.test(first) ? first.slice(1, -1).replace(/""/g, '"') : first;
          }
          if (start <= skipLines) return;
          if (cells.length === 1 && cells[0] === '') return; // an empty line
          try {
            const quote = result.errors.find((e) => QUOTE_ERRORS[e.code]);
            if (quote) throw malformed(label, start, QUOTE_ERRORS[quote.code]!.what, QUOTE_ERRORS[quote.code]!.code, delimiter);
            if (width < 0) width = cells.length;
            else if (cells.length !== width) {
              throw malformed(label, start, `inconsistent number of columns: expect ${width}, got ${cells.length} on line ${start}`, 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH', delimiter);
            }
            if (cells.some((c) => c.includes('\u0000'))) {
              throw notADataset(label, `line ${start}`, 'a text table (CSV)', 'binary data (NUL bytes)');
            }
            onRecord({ cells, line: start });
          } catch (err) {
            failure = err;
            parser.abort();
          }
        },
        complete: () => (failure === undefined ? resolve() : reject(failure)),
        error: (err: Error) => reject(err),
      });
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'Z_DATA_ERROR') {
      throw notADataset(label, 'byte 0', 'gzip-compressed CSV (the name ends in .gz)', 'data that is not gzip');
    }
    throw err;
  } finally {
    source.destroy();
    input.destroy();
  }
}

/**
 * A NUL byte in the first 4 KiB means binary (an image, a model, a zip): not a table. Returns
 * whether the file starts with a UTF-8 byte-order mark (the read stream then starts after it).
 */
function sniffBinary(path: string, label: string): boolean {
  if (path.endsWith('.gz')) return false; // NUL bytes are checked per record (after decompression)
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const got = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    const nul = got.indexOf(0);
    if (nul >= 0) throw notADataset(label, `byte ${nul}`, 'a text table (CSV)', 'binary data (NUL bytes)');
    return got.length >= 3 && got[0] === 0xef && got[1] === 0xbb && got[2] === 0xbf;
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
  await readRecords(path, label, delimiter, skip, (rec) => {
    if (names) return add(rec);
    pending.push(rec);
    if (pending.length === 2) for (const r of start(pending[0]!, pending[1])) add(r);
  });
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
  await readRecords(path, label, args.delimiter ?? ',', 0, (rec) => {
    if (rec.cells.length !== 1) {
      throw notADataset(label, `line ${rec.line}`, 'one target value per line', `${rec.cells.length} cells`);
    }
    b.push(parseCell(rec.cells[0]!, na), () => `${label}:${rec.line}`);
    n++;
    lastLine = rec.line;
  });
  if (n !== expectedRows) {
    throw new ValidationError(
      'ROW_COUNT_MISMATCH',
      `${label}:${lastLine}: expected ${expectedRows} target values (one per row of the feature file), found ${n}. Fix: point "targetPath" at the target file that belongs to the features.`,
      { file: label, expected: expectedRows, found: n },
    );
  }
  return b.build();
}
