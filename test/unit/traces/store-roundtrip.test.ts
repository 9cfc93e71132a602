/**
 * The round-trip property: random traces (every field, every status, runs without epochs) →
 * `metatune runs export --format jsonl` → `metatune import` → the target store deep-equals the
 * source — for every pair of stores (memory, file, PostgreSQL), and the same through
 * `metatune store copy`. Seeded, so a failure names the seed that reproduces it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Command } from 'commander';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerImportCommand } from '../../../src/cli/traces/import-command.js';
import { registerRunsCommand } from '../../../src/cli/traces/runs-command.js';
import { registerStoreCommand } from '../../../src/cli/traces/store-command.js';
import { getStore } from '../../../src/container.js';
import type { TraceStore } from '../../../src/traces/store.js';
import type { TraceRecord } from '../../../src/traces/trace.js';
import { fillStore } from '../../helpers/random-traces.js';
import { createTempDatabase, itPostgres, type TempDatabase } from '../../helpers/temp-postgres.js';
import { createCliContext } from '../../../src/cli/context.js';

let dir: string;
const dbs: TempDatabase[] = [];

async function cli(...args: string[]): Promise<string> {
  let out = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t), cwd: dir };
  const program = new Command('metatune').exitOverride();
  const ctx = createCliContext(program, io);
  registerImportCommand(program, ctx);
  registerRunsCommand(program, ctx);
  registerStoreCommand(program, ctx);
  await program.parseAsync(['node', 'metatune', ...args]);
  return out;
}

async function contents(url: string): Promise<{ runs: TraceRecord[]; policies: Record<string, unknown> }> {
  const store = await getStore(url);
  try {
    const runs: TraceRecord[] = [];
    for await (const r of store.query()) runs.push(r);
    const policies: Record<string, unknown> = {};
    for (const name of await store.listPolicies()) policies[name] = await store.getPolicy(name);
    return { runs, policies };
  } finally {
    await store.close();
  }
}

let n = 0;
async function freshUrl(kind: 'file' | 'postgres'): Promise<string> {
  if (kind === 'file') return `file:${join(dir, `store-${n++}.json`)}`;
  const db = await createTempDatabase('metatune_rt');
  dbs.push(db);
  return db.url;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metatune-roundtrip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  for (const db of dbs) await db.drop();
});

describe('lossless interchange: export → import reproduces the store', () => {
  // The sources: a memory store can only be exported in-process, file and PostgreSQL by URL.
  const SEEDS = [1, 7];
  for (const seed of SEEDS) {
    itPostgres(`seed ${seed}: file, PostgreSQL and memory targets all deep-equal the source, from file and PostgreSQL sources`, async () => {
      const srcFile = await freshUrl('file');
      const src = await getStore(srcFile);
      const expected = await fillStore(src, seed, 40);
      await src.close();
      const srcPg = await freshUrl('postgres');
      // Copy file → PostgreSQL first: the PostgreSQL source must equal the file source exactly.
      expect(await cli('store', 'copy', '--from', srcFile, '--to', srcPg)).toMatch(new RegExp(`added ${expected.length}, already there 0`));
      const expectedPolicies = { 'meta/rank-v1': { kind: 'knn', k: 5, weights: [0.25, 0.5, 0.25], note: 'ünïcödé' }, 'z-last': [1, 2, 3] };
      expect(await contents(srcPg)).toEqual({ runs: expected, policies: expectedPolicies });
      // The generator covers what the issue lists: every status, runs without epochs, reasons, schedules.
      expect(new Set(expected.map((r) => r.status))).toEqual(new Set(['running', 'completed', 'diverged', 'pruned', 'failed', 'incomplete']));
      expect(expected.some((r) => r.epochs.length === 0 && r.status !== 'running')).toBe(true);
      expect(expected.some((r) => r.outcome?.reason)).toBe(true);

      for (const source of [srcFile, srcPg]) {
        const file = join(dir, `export-${seed}-${n++}.jsonl`);
        expect(await cli('runs', 'export', '--store', source, '--format', 'jsonl', '--out', file)).toMatch(new RegExp(`exported ${expected.length} run\\(s\\)`));
        const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
        expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'metatune-traces', version: 1 });
        expect(lines).toHaveLength(1 + expected.length + 2);
        for (const target of ['file', 'postgres'] as const) {
          const url = await freshUrl(target);
          const out = await cli('import', file, '--store', url);
          expect(out).toMatch(new RegExp(`imported: ${expected.length} run\\(s\\)`));
          expect(await contents(url)).toEqual({ runs: expected, policies: expectedPolicies });
          // Idempotent: importing the same file again adds nothing.
          expect(await cli('import', file, '--store', url)).toMatch(new RegExp(`imported: 0 run\\(s\\)[^]*duplicates skipped: ${expected.length}`));
          expect((await contents(url)).runs).toEqual(expected);
        }
        // memory target: through the same runner, in-process
        const mem = await getStore('memory:');
        const { runImport } = await import('../../../src/traces/import-runner.js');
        const { builtinImporters } = await import('../../../src/container.js');
        const summary = await runImport({ paths: [file], importers: await builtinImporters(), store: mem });
        expect(summary.imported).toBe(expected.length);
        const got: TraceRecord[] = [];
        for await (const r of mem.query()) got.push(r);
        expect(got).toEqual(expected);
        await mem.close();
      }
    });
  }

  itPostgres('store copy is idempotent and resumable: a second run copies nothing, an interrupted one completes', async () => {
    const from = await freshUrl('file');
    const src = await getStore(from);
    const expected = await fillStore(src, 3, 30);
    await src.close();
    const to = await freshUrl('postgres');
    // "Interrupted" copy: only the first 10 runs arrived.
    const partial = await getStore(to);
    await partial.restoreRuns(expected.slice(0, 10));
    await partial.close();
    expect(await cli('store', 'copy', '--from', from, '--to', to)).toMatch(new RegExp(`added ${expected.length - 10}, already there 10`));
    expect(await cli('store', 'copy', '--from', from, '--to', to)).toMatch(new RegExp(`added 0, already there ${expected.length}`));
    expect((await contents(to)).runs).toEqual(expected);
  });

  it('a stored run with the same id and other content is a RUN_CONFLICT unless --replace', async () => {
    const url = await freshUrl('file');
    const store: TraceStore = await getStore(url);
    const [first] = await fillStore(store, 5, 3);
    await store.close();
    const file = join(dir, 'conflict.jsonl');
    await cli('runs', 'export', '--store', url, '--format', 'jsonl', '--out', file);
    const text = await readFile(file, 'utf8');
    const changed = text.replace(`"id":${JSON.stringify(first!.task.id)}`, `"id":"retagged"`);
    expect(changed).not.toBe(text);
    await writeFile(file, changed);
    const err = await cli('import', file, '--store', url).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IMPORT_REJECTED' });
    expect((await contents(url)).runs[0]!.task.id).toBe(first!.task.id);
    expect(await cli('import', file, '--store', url, '--replace')).toMatch(/of which replaced an earlier import of the same source: 1/);
    expect((await contents(url)).runs[0]!.task.id).toBe('retagged');
  });

  it('a bad line is rejected with file:line and pointer; the other runs are restored', async () => {
    const url = await freshUrl('file');
    const store = await getStore(url);
    const expected = await fillStore(store, 11, 5);
    await store.close();
    const file = join(dir, 'bad.jsonl');
    await cli('runs', 'export', '--store', url, '--format', 'jsonl', '--out', file);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    const bad = JSON.parse(lines[2]!) as { trace: Record<string, unknown> };
    bad.trace.status = 'finished';
    lines[2] = JSON.stringify(bad);
    lines[3] = lines[3]!.slice(0, 50); // cut mid-record
    await writeFile(file, `${lines.join('\n')}\n`);
    const target = await freshUrl('file');
    let out = '';
    const err = await cli('import', file, '--store', target).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IMPORT_REJECTED' });
    out = String((err as Error).message);
    expect(out).toMatch(/2 record\(s\) rejected/);
    const got = (await contents(target)).runs;
    expect(got).toEqual([expected[0], ...expected.slice(3)]);
  });
});
