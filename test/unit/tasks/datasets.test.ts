/**
 * The datasets converted from Debian's R packages (scripts/datasets/convert-r.R): each CSV has the
 * shape its notes file documents, every preprocessing claim that can be checked is, and its suite
 * task loads with the documented rows, no NaN, and the documented class balance.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { listSuiteTasks, loadTask, suiteDir } from '../../../src/tasks/suite.js';
import { readTaskFile } from '../../../src/tasks/task-file.js';
import { allFinite } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DATASETS = path.join(ROOT, 'data', 'datasets');

interface Notes {
  id: string;
  rows: number;
  columns: number;
  target: string;
  missing: number;
  classes?: number;
  smallestPct?: number;
  pkg: string;
  version: string;
}

/** The converted datasets: every data/datasets/<id>.md written by convert-r.R. */
function converted(): Notes[] {
  return readdirSync(DATASETS)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((f) => {
      const text = readFileSync(path.join(DATASETS, f), 'utf8');
      const file = /\*\*File\*\*: `([^`]+)\.csv\.gz`, (\d+) rows x (\d+) columns \(header line; \d+ features \+ target `([^`]+)`\)/.exec(text);
      const source = /\*\*Source\*\*: R package `([^`]+)` ([0-9.]+)/.exec(text);
      const missing = /\*\*Missing cells\*\* \(empty in the CSV\): (\d+)/.exec(text);
      const classes = /\((\d+) classes; smallest ([0-9.]+) %\)/.exec(text);
      if (!file || !source || !missing) throw new Error(`${f}: notes lack the File / Source / Missing cells lines`);
      return {
        id: file[1]!,
        rows: Number(file[2]),
        columns: Number(file[3]),
        target: file[4]!,
        missing: Number(missing[1]),
        pkg: source[1]!,
        version: source[2]!,
        ...(classes && { classes: Number(classes[1]), smallestPct: Number(classes[2]) }),
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** A CSV line split on commas outside double quotes (R's write.csv quotes text). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const notes = converted();

describe('datasets converted from Debian R packages', () => {
  it('there are 18 of them, from mlbench, kernlab and modeldata, each with a suite task', () => {
    expect(notes.map((n) => n.id)).toEqual([
      'ames', 'concrete', 'dna', 'glass', 'house_votes_84', 'ionosphere', 'lending_club', 'letter', 'meats',
      'ozone', 'pima', 'satellite', 'servo', 'sonar', 'soybean', 'spam', 'vehicle', 'vowel',
    ]);
    expect(new Set(notes.map((n) => `${n.pkg}@${n.version}`))).toEqual(new Set(['mlbench@2.1.3', 'kernlab@0.9.32', 'modeldata@1.1.0']));
    const suite = new Set(listSuiteTasks({ variants: false }).map((t) => t.id));
    for (const n of notes) expect(suite.has(n.id)).toBe(true);
  });

  it.each(notes.map((n) => [n.id, n] as const))('%s: the CSV has the documented rows, columns, target and missing cells', (_id, n) => {
    const lines = gunzipSync(readFileSync(path.join(DATASETS, `${n.id}.csv.gz`))).toString('utf8').trimEnd().split('\n');
    const header = cells(lines[0]!);
    expect(header).toHaveLength(n.columns);
    expect(header[header.length - 1]).toBe(n.target);
    expect(lines.length - 1).toBe(n.rows);
    let empty = 0;
    for (const line of lines.slice(1)) {
      const c = cells(line);
      expect(c).toHaveLength(n.columns);
      empty += c.filter((v) => v === '').length;
    }
    expect(empty).toBe(n.missing);
    // The task file reads this file with this target.
    const file = readTaskFile(path.join(suiteDir(), `${n.id}.json`));
    expect(file.data.path).toBe(`../datasets/${n.id}.csv.gz`);
    expect(file.data.target).toBe(n.target);
  });

  it.each(notes.map((n) => [n.id, n] as const))('%s: loads with no NaN; classes and balance as documented (a subsample keeps them)', async (_id, n) => {
    const t = await loadTask(n.id);
    expect(allFinite(t)).toBe(true);
    const info = listSuiteTasks({ variants: false }).find((i) => i.id === n.id)!;
    expect(t.train.n + t.validation.n).toBe(info.rows);
    expect(info.rows).toBeLessThanOrEqual(n.rows);
    if (n.classes !== undefined) {
      expect(t.numClasses).toBe(n.classes);
      const counts = new Array<number>(n.classes).fill(0);
      for (const y of [...t.train.y, ...t.validation.y]) counts[y]!++;
      // Stratified subsampling keeps the smallest class's share within 1 percentage point.
      expect(Math.abs((100 * Math.min(...counts)) / info.rows - n.smallestPct!)).toBeLessThan(1);
    } else {
      expect(t.ref.kind).toBe('regression');
    }
  });

  it('the corpus needs: >= 2 parents with >= 10 classes, >= 2 with a class under 5 %, >= 3 with >= 50 features, >= 6 regressions', () => {
    const bases = listSuiteTasks({ variants: false });
    expect(bases.filter((b) => (b.numClasses ?? 0) >= 10).map((b) => b.id)).toEqual(expect.arrayContaining(['vowel', 'letter', 'soybean']));
    // Imbalanced: a class under 5 % that is also under a fifth of the largest class (letter's 3.7 % is 26 even classes).
    expect(notes.filter((n) => (n.smallestPct ?? 100) < 5).map((n) => n.id)).toEqual(['glass', 'letter', 'soybean']);
    expect(bases.find((b) => b.id === 'glass')!.numClasses).toBe(6);
    expect(bases.filter((b) => b.features >= 50).length).toBeGreaterThanOrEqual(3);
    expect(bases.filter((b) => b.kind === 'regression').length).toBeGreaterThanOrEqual(6);
    expect(Math.min(...bases.map((b) => b.rows))).toBeGreaterThanOrEqual(150);
  });
});
