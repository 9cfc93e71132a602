/**
 * CSV parsers side by side: csv-parse against papaparse, both streaming from a file (neither ever
 * holds the file as one string), on generated numeric tables (10k and 100k rows), a quoted text
 * table (commas, doubled quotes and line breaks inside quotes, CRLF), real datasets, and the real
 * Keras CSVLogger logs. Picks the one CSV library of metatune ([4/9]): the loader (`load-csv.ts`)
 * and the Keras importer read through it, the CSV writers write through it.
 *
 * Readers, each timed per file (median of the repeats; the variants alternate within a repeat, so
 * drift on a shared machine hits all of them):
 * - csv-parse, `for await` over the parser with `info` (how load-csv.ts used it until 2026-12-06);
 * - csv-parse, 'data' events, no `info` (csv-parse's fastest streaming use);
 * - papaparse, `step` callback over a utf8-decoded read stream (how both readers use it now).
 * Each variant's rows and cells are counted: a row where they disagree is marked.
 * Peak heap growth while each reader goes once through a 1M-row file (~75 MB) shows that each streams.
 * Writers: 100k rows × 10 numbers through Papa.unparse and through the hand-written quoting the
 * exporters used before (papaparse is the only one of the two with a writer; csv-parse's sibling
 * csv-stringify would be a third package).
 *
 * csv-parse left package.json when papaparse won: to rerun the comparison, install it without
 * saving first (`npm install --no-save csv-parse@7.0.3`); without it only papaparse is timed.
 *
 * Run: `npm run build && nice -n 5 node dist/bench/csv-parse.js [--repeats 5]`
 */
import { createReadStream, existsSync, readdirSync, writeFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import Papa from 'papaparse';
import { machineLine, describeMachine } from './lib/machine.js';
import { formatNumber, printTable } from './lib/table.js';
import { median } from './lib/timing.js';

type CsvParser = NodeJS.ReadWriteStream & AsyncIterable<unknown>;
type CsvParse = (options: Record<string, unknown>) => CsvParser;

/** csv-parse when installed (`npm install --no-save csv-parse@7.0.3`), else undefined. */
async function loadCsvParse(): Promise<CsvParse | undefined> {
  const name = 'csv-parse'; // a variable, so that tsc does not need the package
  try {
    return ((await import(name)) as { parse: CsvParse }).parse;
  } catch {
    return undefined;
  }
}
const parse: CsvParse | undefined = await loadCsvParse();

interface Counted {
  rows: number;
  cells: number;
  peakHeapMb: number;
}

type Reader = (path: string) => Promise<Counted>;

function heapSampler(): { sample(): void; peak(): number } {
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  return {
    sample() {
      const d = process.memoryUsage().heapUsed - base;
      if (d > peak) peak = d;
    },
    peak: () => peak / 2 ** 20,
  };
}

const csvParseAsIterator: Reader = async (path) => {
  const heap = heapSampler();
  const parser = parse!({ info: true, skip_empty_lines: true, bom: true, relax_column_count: true });
  createReadStream(path).pipe(parser);
  let rows = 0;
  let cells = 0;
  for await (const item of parser as AsyncIterable<{ record: string[] }>) {
    rows++;
    cells += item.record.length;
    if ((rows & 4095) === 0) heap.sample();
  }
  return { rows, cells, peakHeapMb: heap.peak() };
};

const csvParseEvents: Reader = (path) =>
  new Promise((resolve, reject) => {
    const heap = heapSampler();
    const parser = parse!({ skip_empty_lines: true, bom: true, relax_column_count: true });
    let rows = 0;
    let cells = 0;
    parser.on('data', (record: string[]) => {
      rows++;
      cells += record.length;
      if ((rows & 4095) === 0) heap.sample();
    });
    parser.on('end', () => resolve({ rows, cells, peakHeapMb: heap.peak() }));
    parser.on('error', reject);
    const input = createReadStream(path);
    input.on('error', reject);
    input.pipe(parser);
  });

const papaStep: Reader = (path) =>
  new Promise((resolve, reject) => {
    const heap = heapSampler();
    const input = createReadStream(path, { highWaterMark: 1 << 16 });
    // Decoded by the stream: papaparse would otherwise decode each chunk alone and break a UTF-8
    // character split between two chunks.
    input.setEncoding('utf8');
    input.on('error', reject);
    let rows = 0;
    let cells = 0;
    Papa.parse<string[]>(input as unknown as File, {
      skipEmptyLines: true,
      step: (r) => {
        rows++;
        cells += r.data.length;
        if ((rows & 4095) === 0) heap.sample();
      },
      complete: () => resolve({ rows, cells, peakHeapMb: heap.peak() }),
      error: (e: Error) => reject(e),
    });
  });

const READERS: ReadonlyArray<[string, Reader]> = [
  ...(parse
    ? ([
        ['csv-parse (for await, info)', csvParseAsIterator],
        ['csv-parse (data events)', csvParseEvents],
      ] as Array<[string, Reader]>)
    : []),
  ['papaparse (step)', papaStep],
];

function numericTable(rows: number, cols: number, seed: number): string {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = [Array.from({ length: cols }, (_, j) => (j === cols - 1 ? 'y' : `x${j}`)).join(',')];
  for (let i = 0; i < rows; i++) lines.push(Array.from({ length: cols }, (_, j) => (j === cols - 1 ? String(i % 3) : (rnd() * 100 - 50).toPrecision(6))).join(','));
  return `${lines.join('\n')}\n`;
}

function quotedTable(rows: number): string {
  const lines = ['id,name,comment,score,label'];
  for (let i = 0; i < rows; i++) {
    const comment = i % 7 === 0 ? `"line one\r\nline two, ""quoted"""` : `"plain, with comma ${i}"`;
    lines.push(`${i},"Zürich ${i % 50}",${comment},${(i * 0.37).toFixed(3)},${i % 2}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The hand-written quoting the CSV exporter and `predict` used before switching to Papa.unparse. */
function handCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function firstExisting(...dirs: string[]): string | undefined {
  return dirs.find((d) => existsSync(d));
}

export async function runCsvBench(repeats = 5): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mt-csv-bench-'));
  try {
    const inputs: Array<{ name: string; files: string[] }> = [];
    const gen = (name: string, text: string) => {
      const f = join(dir, name);
      writeFileSync(f, text);
      inputs.push({ name, files: [f] });
    };
    gen('numeric 10k rows x 10', numericTable(10_000, 10, 1));
    gen('numeric 100k rows x 10', numericTable(100_000, 10, 2));
    gen('quoted text 20k rows, CRLF', quotedTable(20_000));
    const statsmodels = 'bench/data/statsmodels/randhie.csv';
    if (existsSync(statsmodels)) inputs.push({ name: 'randhie.csv (real, 20k rows)', files: [statsmodels] });
    const logs = firstExisting('/work/shared/data/logs', '../shared/data/logs', 'test/fixtures/logs');
    if (logs) {
      const files = ['keras-csv', 'keras-history-csv'].flatMap((sub) =>
        existsSync(join(logs, sub)) ? readdirSync(join(logs, sub)).filter((f) => /\.(csv|log)$/.test(f)).map((f) => join(logs, sub, f)) : [],
      );
      if (files.length) inputs.push({ name: `Keras logs (real, ${files.length} files)`, files });
    }

    console.log(machineLine(describeMachine()));
    if (!parse) console.log('csv-parse is not installed: timing papaparse alone (npm install --no-save csv-parse@7.0.3 to compare)');
    console.log(`CSV readers, streaming from disk; median of ${repeats} repeats (after 1 warm-up), the variants alternating`);
    const rows: Array<Array<string | number>> = [];
    for (const input of inputs) {
      const bytes = input.files.reduce((a, f) => a + statSync(f).size, 0);
      const times: number[][] = READERS.map(() => []);
      const counts: Counted[] = [];
      // Tiny files are parsed many times per repeat so a repeat lasts long enough to time.
      const inner = bytes < 1 << 20 ? Math.ceil((1 << 20) / Math.max(bytes, 1)) : 1;
      for (let rep = -1; rep < repeats; rep++) {
        for (let k = 0; k < READERS.length; k++) {
          const read = READERS[k]![1];
          const t0 = performance.now();
          let last: Counted = { rows: 0, cells: 0, peakHeapMb: 0 };
          for (let i = 0; i < inner; i++) {
            let r = 0;
            let c = 0;
            let p = 0;
            for (const f of input.files) {
              const got = await read(f);
              r += got.rows;
              c += got.cells;
              p = Math.max(p, got.peakHeapMb);
            }
            last = { rows: r, cells: c, peakHeapMb: p };
          }
          if (rep >= 0) times[k]!.push((performance.now() - t0) / inner);
          counts[k] = last;
        }
      }
      const med = times.map(median);
      const agree = counts.every((c) => c.rows === counts[0]!.rows && c.cells === counts[0]!.cells);
      const papa = READERS.length - 1;
      const best = parse ? Math.min(med[0]!, med[1]!) : Number.NaN;
      rows.push([
        input.name,
        counts[papa]!.rows,
        (bytes / 2 ** 20).toFixed(2),
        ...med.map((m) => formatNumber(m)),
        parse ? `${(best / med[papa]!).toFixed(1)}x` : '– (csv-parse not installed)',
        agree ? 'yes' : `NO (${counts.map((c) => `${c.rows}/${c.cells}`).join(' vs ')})`,
      ]);
    }
    printTable({
      head: ['input', 'rows', 'MB', ...READERS.map(([n]) => `${n} ms`), 'papaparse speed-up (vs faster csv-parse)', 'same rows+cells'],
      rows,
    });
    // Streaming: peak heap growth while each reader goes once through a 1M-row file (~75 MB).
    const big = join(dir, 'numeric-1m.csv');
    writeFileSync(big, numericTable(1_000_000, 10, 3));
    const bigMb = statSync(big).size / 2 ** 20;
    const peaks: string[] = [];
    for (const [name, read] of READERS) {
      (globalThis as { gc?: () => void }).gc?.();
      const t0 = performance.now();
      const got = await read(big);
      peaks.push(`${name}: ${got.peakHeapMb.toFixed(0)} MB heap growth (garbage included), ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    }
    rmSync(big);
    console.log(`\nstreaming check, 1,000,000 rows x 10 (${bigMb.toFixed(0)} MB) read once each:\n  ${peaks.join('\n  ')}`);

    // Writers.
    const n = 100_000;
    const data = Array.from({ length: n }, (_, i) => Array.from({ length: 10 }, (_, j) => (j === 0 ? `run-${i % 97}` : Math.sin(i + j) * 1e3)));
    const wt: number[][] = [[], []];
    let sizes = [0, 0];
    for (let rep = -1; rep < repeats; rep++) {
      let t0 = performance.now();
      const a = data.map((r) => r.map(handCell).join(',')).join('\n');
      const ta = performance.now() - t0;
      t0 = performance.now();
      const b = Papa.unparse(data, { newline: '\n' });
      const tb = performance.now() - t0;
      if (rep >= 0) {
        wt[0]!.push(ta);
        wt[1]!.push(tb);
      }
      sizes = [a.length, b.length];
    }
    printTable({
      title: `\nCSV writers: ${formatNumber(n)} rows x 10 cells (1 text, 9 numbers), to a string; median of ${repeats}`,
      head: ['writer', 'ms', 'rows/s', 'same output'],
      rows: [
        ['hand-written quoting (before)', formatNumber(median(wt[0]!)), formatNumber((n * 1000) / median(wt[0]!)), '–'],
        ['Papa.unparse', formatNumber(median(wt[1]!)), formatNumber((n * 1000) / median(wt[1]!)), sizes[0] === sizes[1] ? 'yes' : `NO (${sizes[0]} vs ${sizes[1]} chars)`],
      ],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--repeats');
  await runCsvBench(i > 0 ? Number(process.argv[i + 1]) : 5);
}
