/**
 * Every registered importer — built-in and third-party (test/fixtures/plugins/importer-fixture) —
 * through the same assertions: `sniff` never throws and claims no sample of another format; on its
 * own sample it says yes, and `import` yields at least one run with epochs, every run carrying the
 * importer's id, the file and a SHA-256 content hash, rejections (if any) naming file, line and code.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createContainer } from '../../src/container.js';
import type { ImportEvent, Importer } from '../../src/traces/importer.js';

const ROOT = resolve(process.cwd());
const LOGS = join(ROOT, 'test/fixtures/logs');
const runtime = await createContainer({ plugins: ['./test/fixtures/plugins/importer-fixture'], configFile: false });

/** One sample file per importer id (MLflow reads a run folder: its metrics file stands for it). */
const SAMPLES: Readonly<Record<string, string>> = {
  tfevents: join(LOGS, 'tfevents/katib__events.out.tfevents.1637681485.2d662933d616.19.0.v2'),
  'keras-csv': join(LOGS, 'keras-csv/DCBLSTM_PSP__training.log'),
  'optuna-journal': join(LOGS, 'optuna-journal/optuna__4.0.0.dev.log'),
  'whitespace-log': join(ROOT, 'test/fixtures/plugins/importer-fixture/sample.log'),
};

function firstFile(dir: string): string {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      const found = firstFile(path);
      if (found) return found;
    } else return path;
  }
  return '';
}

const input = (path: string) => ({ path, head: readFileSync(path).subarray(0, 64 * 1024) });
const importers = runtime.importers.filter((i) => SAMPLES[i.id] !== undefined);

test('every importer has a sample here, the fixture plugin\'s included', () => {
  const known = new Set([...Object.keys(SAMPLES), 'mlflow', 'jsonl', 'tfjs-history', 'metatune-traces']);
  expect(runtime.importers.map((i) => i.id).filter((id) => !known.has(id))).toEqual([]);
  expect(runtime.importers.map((i) => i.id)).toContain('whitespace-log');
});

describe.each(importers.map((i) => [i.id, i] as const))('importer %s', (id, importer: Importer) => {
  it('sniff never throws and claims no other format\'s sample', () => {
    const others = [...Object.entries(SAMPLES).filter(([k]) => k !== id).map(([, p]) => p), firstFile(join(LOGS, 'mlflow'))];
    for (const path of others) expect([path, importer.sniff(input(path))]).toEqual([path, false]);
    expect(importer.sniff({ path: '/nonexistent.bin', head: Buffer.alloc(0) })).toBe(false);
  });

  it('reads its own sample: runs with epochs and provenance, rejections with file, line and code', async () => {
    const sample = SAMPLES[id]!;
    expect(importer.sniff(input(sample))).toBe(true);
    const events: ImportEvent[] = [];
    for await (const e of importer.import(input(sample), { peers: [sample] })) events.push(e);
    const runs = events.flatMap((e) => (e.kind === 'run' ? [e.run] : []));
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.some((r) => r.epochs.length > 0)).toBe(true);
    for (const r of runs) {
      expect(r.provenance.importer).toBe(id);
      expect(r.provenance.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.provenance.file).toBe(sample);
    }
    for (const e of events) if (e.kind === 'rejection') expect(e).toMatchObject({ file: sample, code: expect.stringMatching(/^[A-Z_]+$/) });
  });
});

test('the fixture importer keeps the good rows around a bad one', async () => {
  const sample = SAMPLES['whitespace-log']!;
  const importer = runtime.importers.find((i) => i.id === 'whitespace-log')!;
  const events: ImportEvent[] = [];
  for await (const e of importer.import(input(sample), { peers: [sample] })) events.push(e);
  const run = events.find((e) => e.kind === 'run');
  expect(run?.kind === 'run' && run.run.epochs.map((e) => e.val_loss)).toEqual([1.31, 1.02, 0.88, 0.79]);
  expect(events.filter((e) => e.kind === 'rejection')).toEqual([expect.objectContaining({ line: 6, code: 'NOT_A_NUMBER' })]);
});
