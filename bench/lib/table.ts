/**
 * Tables for benchmark output (cli-table3), plus the number formats every bench uses so that
 * results read the same across benches.
 */
import Table from 'cli-table3';

export type Cell = string | number;

export interface PrintTableArgs {
  /** Printed on the line above the table. Defaults to none. */
  title?: string;
  head: string[];
  rows: Cell[][];
  /** Column alignments; numbers are right-aligned by default, text left. */
  align?: Array<'left' | 'right' | 'center'>;
  /** Where the text goes. Defaults to `console.log`. */
  write?: (text: string) => void;
}

/** Renders a table as text (no colours, so it pastes into READMEs and CI logs). */
export function renderTable(args: Omit<PrintTableArgs, 'write'>): string {
  const colAligns =
    args.align ?? args.head.map((_, i) => (args.rows.length > 0 && args.rows.every((r) => typeof r[i] === 'number' || /^[\d.,+\-−%x× ±]+$/.test(String(r[i] ?? ''))) ? 'right' : 'left'));
  // No rule between body rows: compact enough to paste into a README.
  const chars = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
  const table = new Table({ head: args.head, colAligns, chars, style: { head: [], border: [] } });
  for (const row of args.rows) table.push(row.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  return (args.title ? `${args.title}\n` : '') + table.toString();
}

export function printTable(args: PrintTableArgs): void {
  (args.write ?? console.log)(renderTable(args));
}

/** Three significant digits, thousands separated: 14321 → "14,300", 0.01234 → "0.0123". */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(n))));
  const rounded = Number(n.toPrecision(3));
  return rounded.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** "5.07x" — a ratio against a baseline. */
export function formatRatio(value: number, baseline: number): string {
  if (!(baseline > 0) || !Number.isFinite(value)) return '–';
  return `${(value / baseline).toFixed(2)}x`;
}

/** "±3.1 %" from a relative spread. */
export function formatSpread(rel: number): string {
  return `±${(rel * 100).toFixed(1)} %`;
}

/** "+0.42 %" — a signed relative difference (overheads). */
export function formatPercent(rel: number, digits = 2): string {
  return `${rel >= 0 ? '+' : ''}${(rel * 100).toFixed(digits)} %`;
}
