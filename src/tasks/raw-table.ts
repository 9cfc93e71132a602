/**
 * What every loader produces before the shared preparation step (prepare.ts): named columns as
 * read, missing cells kept as missing, text kept as text. Loaders only parse; every decision about
 * the data (kind, imputation, encoding, scaling) is made once, in prepare.ts, the same for every format.
 */

/** A numeric column; NaN marks a missing cell. */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
}

/** A text column: each row's level index (-1 = missing) and where its first text cell was (for messages). */
export interface TextColumn {
  readonly kind: 'text';
  readonly name: string;
  readonly levels: readonly string[];
  readonly codes: Int32Array;
  /** First cell that was not a number: "file:line" (or JSON pointer) and the value. */
  readonly firstText: { readonly where: string; readonly value: string };
}

export type RawColumn = NumericColumn | TextColumn;

/** Image rows: `n × prod(shape)` raw pixel values, row-major, and the value that maps to 1. */
export interface RawImages {
  readonly shape: readonly number[];
  readonly data: Float32Array;
  readonly maxValue: number;
}

export interface RawTable {
  /** File path (as messages show it) or a label such as "<arrays>". */
  readonly source: string;
  readonly n: number;
  /** Feature columns of a table; empty when `images` is set. */
  readonly features: readonly RawColumn[];
  readonly images?: RawImages;
  readonly target: RawColumn;
  /** What the loader had to interpret. */
  readonly notes: readonly string[];
}

/** Cells read as missing unless the task says otherwise (compared after trimming, case-sensitive). */
export const DEFAULT_NA_VALUES: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?'];

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A cell as a number, `null` when missing, or the trimmed text when it is not a number. */
export function parseCell(cell: string, naValues: ReadonlySet<string>): number | null | string {
  const t = cell.trim();
  if (naValues.has(t)) return null;
  if (NUMBER.test(t)) return Number(t);
  if (t === 'Infinity' || t === '+Infinity' || t === '-Infinity') return Number(t);
  return t;
}

/**
 * Builds one column from cells pushed row by row: numeric until the first text cell, then text
 * (numbers seen so far become levels too, e.g. a "zip code" column with one "n/a" cell).
 */
export class ColumnBuilder {
  private numbers: number[] = [];
  private texts: Array<string | null> | undefined;
  private firstText: { where: string; value: string } | undefined;

  constructor(readonly name: string) {}

  push(value: number | null | string, where: () => string): void {
    if (typeof value === 'string' && !this.texts) {
      this.texts = this.numbers.map((v) => (Number.isNaN(v) ? null : String(v)));
      this.firstText = { where: where(), value };
    }
    if (this.texts) this.texts.push(value === null ? null : String(value));
    else this.numbers.push(value === null ? Number.NaN : (value as number));
  }

  get isText(): boolean {
    return this.texts !== undefined;
  }

  build(): RawColumn {
    if (!this.texts) return { kind: 'numeric', name: this.name, values: Float64Array.from(this.numbers) };
    return textColumn(this.name, this.texts, this.firstText!);
  }
}

/** Levels sorted (numerically when they all are numbers, else as text) so codes do not depend on row order. */
export function textColumn(name: string, cells: ReadonlyArray<string | null>, firstText: { where: string; value: string }): TextColumn {
  const distinct = [...new Set(cells.filter((c): c is string => c !== null))];
  const allNumeric = distinct.every((d) => NUMBER.test(d));
  distinct.sort(allNumeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(distinct.map((d, i) => [d, i]));
  const codes = Int32Array.from(cells, (c) => (c === null ? -1 : index.get(c)!));
  return { kind: 'text', name, levels: distinct, codes, firstText };
}
