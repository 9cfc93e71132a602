/**
 * The CSV dialect the loader accepts, pinned down case by case (quoting, BOM, CRLF, ragged rows,
 * empty lines, gzip, multi-byte text across read chunks) with the exact line each error names.
 * Written when the loader moved from csv-parse to papaparse ([4/9]: one CSV library); every
 * expectation below held for csv-parse too, except where a comment says otherwise.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadCsv } from '../../../src/tasks/load-csv.js';
import type { RawColumn } from '../../../src/tasks/raw-table.js';
import { expectError } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mt-csv-format-'));
function file(name: string, content: string | Buffer): string {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
}
const nums = (c: RawColumn) => (c.kind === 'numeric' ? Array.from(c.values) : c.levels);
const text = (c: RawColumn) => {
  if (c.kind !== 'text') throw new Error(`${c.name} is numeric`);
  return Array.from(c.codes, (k) => c.levels[k]);
};

describe('CSV dialect', () => {
  it('quotes: the delimiter, doubled quotes and line breaks inside a quoted cell', async () => {
    const f = file('quoted.csv', 'a,note,y\n1,"two\nlines",1\n3,"x, ""q""",0\n5,z,1\n');
    const t = await loadCsv(f, { categorical: 'onehot' });
    expect(t.n).toBe(3);
    expect(text(t.features[1]!)).toEqual(['two\nlines', 'x, "q"', 'z']);
    expect(nums(t.target)).toEqual([1, 0, 1]);
  });

  it('line numbers count the lines inside quoted cells (errors name the line where the record starts)', async () => {
    // csv-parse named a multi-line record by its last line; the rows after it were the same.
    await expectError(() => loadCsv(file('multi-ragged.csv', 'a,note,y\n1,"two\nlines",1\n3,"q",0\n4,5,6,7\n'), { categorical: 'onehot' }), 'MALFORMED_CSV', /multi-ragged\.csv:5: inconsistent number of columns: expect 3, got 4 on line 5\. Fix: check the delimiter/);
    const err = await expectError(() => loadCsv(file('multi-text.csv', 'a,b,y\n1,"2\n3",0\n4,5,1\n')), 'NON_NUMERIC_COLUMN', /multi-text\.csv:2: column 2 \("b"\): expected a number, found "2\\n3"/);
    expect(err.details).toMatchObject({ line: 2 });
  });

  it('a UTF-8 byte-order mark and CRLF line ends are invisible in names and values', async () => {
    const t = await loadCsv(file('bom-crlf.csv', '\ufeffa,b,y\r\n1,2,0\r\n3,4,1\r\n'));
    expect(t.features.map((c) => c.name)).toEqual(['a', 'b']);
    expect(t.target.name).toBe('y');
    expect(nums(t.target)).toEqual([0, 1]);
    // A quoted first header cell right after the mark.
    const q = await loadCsv(file('bom-quoted.csv', '\ufeff"a","b","y"\r\n1,2,0\r\n3,4,1\r\n'));
    expect(q.features.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('ragged rows → MALFORMED_CSV naming file, line, expected and found column counts', async () => {
    const err = await expectError(() => loadCsv(file('ragged.csv', 'a,b,y\n1,2,0\n3,4,1,9\n')), 'MALFORMED_CSV', /ragged\.csv:3: inconsistent number of columns: expect 3, got 4 on line 3\. Fix: check the delimiter \("delimiter" in the task file's data; now ","\) and the quoting on that line\./);
    expect(err.details).toMatchObject({ line: 3, csvCode: 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' });
    await expectError(() => loadCsv(file('short.csv', 'a,b\n1,2,3\n')), 'MALFORMED_CSV', /short\.csv:2: inconsistent number of columns: expect 2, got 3 on line 2/);
  });

  it('empty lines are skipped but counted; a line of spaces is a (ragged) row', async () => {
    const t = await loadCsv(file('empty-lines.csv', 'a,b,y\n\n1,2,0\n\n3,4,1\n\n'));
    expect(t.n).toBe(2);
    expect(nums(t.target)).toEqual([0, 1]);
    await expectError(() => loadCsv(file('empty-then-bad.csv', 'a,b,y\n\n1,2,0\n\n3,x,1\n')), 'NON_NUMERIC_COLUMN', /empty-then-bad\.csv:5: column 2 \("b"\)/);
    await expectError(() => loadCsv(file('spaces.csv', 'a,b,y\n1,2,0\n   \n3,4,1\n')), 'MALFORMED_CSV', /spaces\.csv:3: inconsistent number of columns: expect 3, got 1 on line 3/);
  });

  it('broken quoting → MALFORMED_CSV naming the line', async () => {
    const open = await expectError(() => loadCsv(file('unclosed.csv', 'a,b,y\n1,2,0\n3,"4\n\n')), 'MALFORMED_CSV', /unclosed\.csv:3: quote not closed/, /Fix: check the delimiter/);
    expect(open.details).toMatchObject({ line: 3, csvCode: 'CSV_QUOTE_NOT_CLOSED' });
    const close = await expectError(() => loadCsv(file('bad-close.csv', 'a,b,y\n1,"2"x,0\n3,4,1\n')), 'MALFORMED_CSV', /bad-close\.csv:2: invalid closing quote/, /Fix: check the delimiter/);
    expect(close.details).toMatchObject({ line: 2, csvCode: 'CSV_INVALID_CLOSING_QUOTE' });
    // A quote inside an unquoted cell is kept as text (csv-parse refused the line as
    // INVALID_OPENING_QUOTE); in a numeric column that is still an error naming line and cell.
    await expectError(() => loadCsv(file('stray.csv', 'a,b,y\n1,2"x,0\n3,4,1\n')), 'NON_NUMERIC_COLUMN', /stray\.csv:2: column 2 \("b"\): expected a number, found "2\\"x"/);
  });

  it('no line break after the last row, skipped lines of another width, TSV by extension', async () => {
    expect((await loadCsv(file('no-final-newline.csv', 'a,b,y\n1,2,0\n3,4,1'))).n).toBe(2);
    const skipped = await loadCsv(file('skip.csv', '150,4,setosa,versicolor\na,b,y\n1,2,0\n3,4,1\n'), { skipRows: 1 });
    expect(skipped.features.map((c) => c.name)).toEqual(['a', 'b']);
    expect(skipped.n).toBe(2);
    await expectError(() => loadCsv(file('skip-bad.csv', 'junk\na,b,y\n1,2,0\n3,x,1\n'), { skipRows: 1 }), 'NON_NUMERIC_COLUMN', /skip-bad\.csv:4:/);
    const tsv = await loadCsv(file('t.tsv', 'a\tb\ty\n1\t2\t0\n3\t4\t1\n'));
    expect(nums(tsv.features[1]!)).toEqual([2, 4]);
  });

  it('gzip-compressed, with a BOM; not-gzip data under a .gz name → NOT_A_DATASET', async () => {
    const t = await loadCsv(file('z.csv.gz', gzipSync(Buffer.from('\ufeffa,b,y\r\n1,2,0\r\n3,4,1\r\n'))));
    expect(t.features.map((c) => c.name)).toEqual(['a', 'b']);
    expect(nums(t.target)).toEqual([0, 1]);
    const quoted = await loadCsv(file('zq.csv.gz', gzipSync(Buffer.from('\ufeff"a ""x""","b","y"\n1,2,0\n3,4,1\n'))));
    expect(quoted.features.map((c) => c.name)).toEqual(['a "x"', 'b']);
    await expectError(() => loadCsv(file('plain.csv.gz', 'a,b,y\n1,2,0\n')), 'NOT_A_DATASET', /plain\.csv\.gz: byte 0: expected gzip-compressed CSV/);
  });

  it('multi-byte UTF-8 text survives the boundaries between read chunks', async () => {
    // ~200 KiB: several 64 KiB read chunks, each boundary likely to fall inside "ü" or "€".
    const rows = Array.from({ length: 8000 }, (_, i) => `${i},Zürich-€-${i % 3},${i % 2}`);
    const t = await loadCsv(file('utf8.csv', `a,city,y\n${rows.join('\n')}\n`), { categorical: 'onehot' });
    expect(t.n).toBe(8000);
    const c = t.features[1]!;
    if (c.kind !== 'text') throw new Error('city should be text');
    expect([...c.levels].sort()).toEqual(['Zürich-€-0', 'Zürich-€-1', 'Zürich-€-2']);
  });
});
