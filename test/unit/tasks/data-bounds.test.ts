/**
 * A task file may not make metatune read files outside its folder ([5/9]): `data.path:
 * "../../../../etc/passwd"` used to be read, and the error quoted its contents.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTaskFile } from '../../../src/tasks/task-file.js';
import { loadTask } from '../../../src/tasks/suite.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mt-bounds-'));
  await mkdir(join(dir, 'task'));
  await writeFile(join(dir, 'outside.csv'), 'x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n7,0\n8,1\n9,0\n10,1\n');
  await writeFile(join(dir, 'task', 'inside.csv'), 'x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n7,0\n8,1\n9,0\n10,1\n');
  await symlink(join(dir, 'outside.csv'), join(dir, 'task', 'link.csv'));
  const task = (name: string, path: string) => writeFile(join(dir, 'task', `${name}.json`), JSON.stringify({ id: name, data: { format: 'csv', path, target: 'y' } }));
  await task('passwd', '../../../../../../../../etc/passwd');
  await task('sibling', '../outside.csv');
  await task('absolute', join(dir, 'outside.csv'));
  await task('link', 'link.csv');
  await task('ok', 'inside.csv');
});

describe('task data paths stay in the task file folder', () => {
  for (const name of ['passwd', 'sibling', 'absolute', 'link']) {
    it(`${name}: TASK_DATA_OUTSIDE, nothing read, nothing quoted`, async () => {
      const err = await loadTaskFile(join(dir, 'task', `${name}.json`)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'TASK_DATA_OUTSIDE', message: expect.stringMatching(/leads outside the task file's folder.*METATUNE_ALLOW_OUTSIDE=1/) });
      expect((err as Error).message).not.toMatch(/root:|x,y/);
    });
  }

  it('inside the folder loads; allowOutside (or METATUNE_ALLOW_OUTSIDE=1) lets a trusted file reach out; the bundled suite is trusted', async () => {
    expect((await loadTaskFile(join(dir, 'task', 'ok.json'))).ref.id).toBe('ok');
    expect((await loadTaskFile(join(dir, 'task', 'sibling.json'), { allowOutside: true })).ref.id).toBe('sibling');
    process.env.METATUNE_ALLOW_OUTSIDE = '1';
    try {
      expect((await loadTaskFile(join(dir, 'task', 'link.json'))).ref.id).toBe('link');
    } finally {
      delete process.env.METATUNE_ALLOW_OUTSIDE;
    }
    expect((await loadTask('iris')).ref.id).toBe('iris'); // data/tasks/iris.json reads ../datasets/…
  });
});
