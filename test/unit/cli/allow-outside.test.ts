/**
 * `--allow-outside` ([5/9] §6): a task file may not read data outside its folder unless the user
 * says they trust it on the command line. Checked for every command that loads a task file
 * (`tasks show`, `sweep`, `suggest`, `train --task`), and for sweep workers, which get the
 * permission in their init message (they load the task themselves).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { defaultRuntime } from '../../../src/container.js';
import { runSweep } from '../../../src/sweeps/runner.js';

const ROOT = resolve(process.cwd());
let dir: string;
let taskFile: string;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'metatune', ...args], { stdout: (s) => void (out += s), stderr: (s) => void (err += s), cwd: dir });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mt-allow-outside-'));
  await mkdir(join(dir, 'tasks'));
  // Real rows: the bundled iris data, copied next to (not inside) the task file's folder.
  await writeFile(join(dir, 'iris.csv'), await readFile(join(ROOT, 'data/datasets/iris.csv'), 'utf8'));
  taskFile = join(dir, 'tasks', 'iris-outside.json');
  const iris = JSON.parse(await readFile(join(ROOT, 'data/tasks/iris.json'), 'utf8')) as { id: string; data: { path: string } };
  await writeFile(taskFile, JSON.stringify({ ...iris, $schema: undefined, id: 'iris-outside', data: { ...iris.data, path: '../iris.csv' } }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('--allow-outside', () => {
  it.each([
    ['tasks show', ['tasks', 'show', '<task>', '--json']],
    ['sweep', ['sweep', '--task', '<task>', '--budget', '1', '--epochs', '1', '--workers', '0', '--store', 'memory:', '--json']],
    ['suggest', ['suggest', '--task', '<task>', '--json']],
  ])('%s: refused without it (exit 1, names the flag), runs with it', async (_name, template) => {
    const args = template.map((a) => (a === '<task>' ? taskFile : a));
    const refused = await run(args);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^error\[TASK_DATA_OUTSIDE\]: .*data\.path "\.\.\/iris\.csv" leads outside .*pass --allow-outside/);
    const allowed = await run(['--allow-outside', ...args]);
    expect(allowed.err).not.toMatch(/TASK_DATA_OUTSIDE/);
    expect(allowed.code).toBe(0);
    expect(allowed.out).toMatch(/iris-outside|"candidate"|"trials"/);
  }, 120_000);

  it('train --task (from an empty store): refused without it, reads the task with it', async () => {
    const args = ['train', '--learner', 'best-default', '--from', 'memory:', '--task', taskFile, '--out', join(dir, 'policy')];
    const refused = await run(args);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/error\[TASK_DATA_OUTSIDE\]/);
    const allowed = await run(['--allow-outside', ...args]);
    expect(allowed.err).not.toMatch(/TASK_DATA_OUTSIDE/);
    // The task was read; what stops it now is the empty store.
    expect(allowed.err).toMatch(/error\[NO_TRAINING_EXAMPLES\]/);
  }, 120_000);

  it('sweep workers are told: the init message carries allowOutside', async () => {
    // A stand-in worker that reports the init message it got as its fatal error.
    const workerModule = join(dir, 'echo-worker.mjs');
    await writeFile(
      workerModule,
      `process.on('message', (m) => { if (m.type === 'init') { process.send({ type: 'fatal', error: { name: 'Error', code: 'ECHO', message: JSON.stringify({ allowOutside: m.allowOutside ?? false }) } }); process.exit(1); } });\n`,
    );
    const options = { task: taskFile, strategy: 'random' as const, budget: 1, workers: 1, storeUrl: `file:${join(dir, 'store.json')}`, runtime: defaultRuntime(), workerModule };
    await expect(runSweep(options)).rejects.toMatchObject({ code: 'TASK_DATA_OUTSIDE' });
    await expect(runSweep({ ...options, allowOutside: true })).rejects.toThrow(/\{"allowOutside":true\}/);
  }, 60_000);
});
