/**
 * Corrections and honest exits ([5/9]): `runs delete`, `runs tag`, ids by unique prefix,
 * `import` that imports nothing exits 1 saying why, a mistyped task file is an error (not a task
 * id), binary input is never printed, `--limit abc` and `--out /missing/dir` are typed errors.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Command } from 'commander';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerImportCommand } from '../../../src/cli/traces/import-command.js';
import { registerRunsCommand } from '../../../src/cli/traces/runs-command.js';
import { createCliContext } from '../../../src/cli/context.js';
import { getStore } from '../../../src/container.js';
import type { TraceRecord } from '../../../src/traces/trace.js';
import { LOGS } from '../importers/helpers.js';

let dir: string;
let url: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metatune-corrections-'));
  url = `file:${join(dir, 'store.json')}`;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ out: string; error?: { code: string; message: string } }> {
  let out = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t), cwd: dir };
  const program = new Command('metatune').exitOverride();
  const ctx = createCliContext(program, io);
  registerImportCommand(program, ctx);
  registerRunsCommand(program, ctx);
  try {
    await program.parseAsync(['node', 'metatune', ...args]);
    return { out };
  } catch (err) {
    return { out, error: err as { code: string; message: string } };
  }
}

async function runs(): Promise<TraceRecord[]> {
  const store = await getStore(url);
  const out: TraceRecord[] = [];
  for await (const r of store.query()) out.push(r);
  await store.close();
  return out;
}

describe('corrections: runs tag, runs delete, ids by prefix', () => {
  it('a mistyped task file is an error, not a task id; a wrong task id can be retagged; runs can be deleted and re-imported', async () => {
    const csv = join(dir, 'capsnet.csv');
    await copyFile(join(LOGS, 'keras-csv/capsuleNetworkCIFAR10__log.csv'), csv);
    const typo = await cli('import', csv, '--task', './nofile.json', '--store', url);
    expect(typo.error).toMatchObject({ code: 'TASK_FILE_NOT_FOUND', message: expect.stringMatching(/--task \.\/nofile\.json: no such file/) });
    expect(await runs()).toEqual([]);

    expect((await cli('import', csv, '--task', 'cifar', '--store', url)).error).toBeUndefined();
    const [run] = await runs();
    const list = await cli('runs', 'list', '--store', url);
    const short = run!.id.slice(0, 8);
    expect(list.out).toMatch(new RegExp(`${short}\\s.*cifar\\s.*completed\\s.*50\\s`));
    expect(list.out).not.toContain(run!.id); // the table abbreviates ids, git style
    expect(list.out.split('\n').every((l) => l.length <= 160)).toBe(true);

    const shown = await cli('runs', 'show', short, '--store', url);
    expect(JSON.parse(shown.out)).toMatchObject({ id: run!.id, task: { id: 'cifar' } });

    const tagged = await cli('runs', 'tag', short, '--set-task', 'cifar10', '--set-parent', 'cifar10', '--store', url);
    expect(tagged.out).toMatch(/retagged 1 run\(s\)/);
    expect((await runs())[0]!.task).toEqual({ id: 'cifar10', parentDataset: 'cifar10' });
    expect((await cli('runs', 'tag', short, '--store', url)).error).toMatchObject({ code: 'NO_CHANGE_GIVEN' });

    // Re-importing is a duplicate...
    expect((await cli('import', csv, '--store', url)).out).toMatch(/duplicates skipped: 1/);
    // ...until the run is deleted.
    expect((await cli('runs', 'delete', '--store', url)).error).toMatchObject({ code: 'NO_RUNS_SELECTED' });
    expect((await cli('runs', 'delete', '--task', 'cifar10', '--dry-run', '--store', url)).out).toMatch(new RegExp(`would delete 1 run\\(s\\):\\n  ${run!.id}`));
    expect((await cli('runs', 'delete', short, '--store', url)).out).toMatch(/deleted 1 run\(s\)/);
    expect(await runs()).toEqual([]);
    expect((await cli('import', csv, '--store', url)).out).toMatch(/imported: 1 run\(s\)/);
    expect((await cli('runs', 'show', 'zzzz', '--store', url)).error).toMatchObject({ code: 'RUN_NOT_FOUND' });
  });
});

describe('honest exits', () => {
  it('nothing imported → NOTHING_IMPORTED with why; binary input is never printed', async () => {
    const empty = await cli('import', join(dir, 'no-such-*.csv'), '--store', url);
    expect(empty.error).toMatchObject({ code: 'NOTHING_IMPORTED', message: expect.stringMatching(/no files matched/) });
    const bin = join(dir, 'blob.bin');
    await writeFile(bin, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)));
    const skipped = await cli('import', bin, '--store', url);
    expect(skipped.error).toMatchObject({ code: 'NOTHING_IMPORTED', message: expect.stringMatching(/none of the 1 file\(s\) is a log of a known format/) });
    const forced = await cli('import', bin, '--format', 'keras-csv', '--store', url);
    expect(forced.error?.code).toMatch(/IMPORT_REJECTED|NOTHING_IMPORTED/);
    // eslint-disable-next-line no-control-regex
    expect(forced.out).not.toMatch(/[\u0000-\u0008\u000e-\u001f\ufffd]/);
  });

  it('--limit abc and --out into a missing folder are typed errors', async () => {
    expect((await cli('runs', 'list', '--limit', 'abc', '--store', url)).error).toMatchObject({ code: 'INVALID_PARAMETER', message: expect.stringMatching(/--limit.*integer.*"abc"/) });
    const out = await cli('runs', 'export', '--format', 'csv', '--out', join(dir, 'missing', 'x.csv'), '--store', url);
    expect(out.error).toMatchObject({ code: 'EXPORT_UNWRITABLE', message: expect.stringMatching(/does not exist.*mkdir -p/) });
  });
});
