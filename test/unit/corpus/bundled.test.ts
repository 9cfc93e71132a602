/**
 * The bundled corpus (data/corpus) agrees with its manifest, with the code that builds it and with
 * its features file: counts, sizes, hashes, task list, grid, and one run per (task, candidate) on
 * the default read path.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CORPUS_EPOCHS, CORPUS_TASKS, GENERATOR_VERSION, corpusGrid, replicateTasks } from '../../../src/corpus/grid.js';
import { corpusFeatures } from '../../../src/corpus/features.js';
import { sha256 } from '../../../src/corpus/manifest.js';
import { bundledCorpusDir, corpusManifest, isReplicateRunId, readCorpus } from '../../../src/corpus/read.js';
import { suiteTaskInfo } from '../../../src/tasks/suite.js';

const dir = bundledCorpusDir();
const manifest = corpusManifest(dir);
const entries = Object.values(manifest.tasks);

describe('the bundled corpus', () => {
  it('was built by this code: generator version, grid size, epochs and task list', () => {
    expect(manifest.generatorVersion).toBe(GENERATOR_VERSION);
    expect(manifest.config).toMatchObject({ candidates: corpusGrid().length, epochs: CORPUS_EPOCHS, fullGrid: true });
    expect([...manifest.expectedTasks].sort()).toEqual([...CORPUS_TASKS].sort());
    expect(Object.keys(manifest.tasks).sort()).toEqual([...CORPUS_TASKS].sort());
    expect(manifest.totals.complete).toBe(true);
    expect(manifest.notes?.length).toBeGreaterThan(3);
    expect(entries.length).toBeGreaterThanOrEqual(60);
    expect(manifest.totals.parentDatasets.length).toBeGreaterThanOrEqual(20);
  });

  it('every chunk: the bytes, sha256 and line count its entry records; no stray chunk files', () => {
    const chunks = readdirSync(dir).filter((f) => f.endsWith('.jsonl.gz')).sort();
    expect(chunks).toEqual(entries.map((e) => e.file).sort());
    const replicated = replicateTasks(CORPUS_TASKS, (t) => suiteTaskInfo(t)!.rows);
    for (const e of entries) {
      const bytes = readFileSync(join(dir, e.file));
      expect({ task: e.task, bytes: bytes.length, sha256: sha256(bytes) }).toEqual({ task: e.task, bytes: e.bytes, sha256: e.sha256 });
      const lines = gunzipSync(bytes).toString('utf8').trim().split('\n');
      const seeds = replicated.includes(e.task) ? 3 : 1;
      expect({ task: e.task, lines: lines.length }).toEqual({ task: e.task, lines: e.runs });
      expect(e.runs).toBe(corpusGrid().length * seeds);
      expect(Object.values(e.byStatus).reduce((a, b) => a + b, 0)).toBe(e.runs);
      expect(e.parentDataset).toBe(suiteTaskInfo(e.task)!.parentDataset);
    }
    expect(manifest.totals.runs).toBe(entries.reduce((s, e) => s + e.runs, 0));
    expect(manifest.totals.bytes).toBe(entries.reduce((s, e) => s + e.bytes, 0));
    expect(manifest.totals.tasks).toBe(entries.length);
  });

  it('readCorpus yields one run per (task, candidate) by default, and the replicates on request', async () => {
    let base = 0;
    let all = 0;
    const seen = new Set<string>();
    for await (const r of readCorpus(dir, { validate: false })) {
      base++;
      expect(isReplicateRunId(r.id)).toBe(false);
      seen.add(r.id);
    }
    for await (const r of readCorpus(dir, { validate: false, replicates: true })) {
      all++;
      if (isReplicateRunId(r.id)) expect(r.model?.params?.seed).toBeGreaterThan(1);
    }
    expect(seen.size).toBe(base);
    expect(base).toBe(entries.length * corpusGrid().length);
    expect(all).toBe(manifest.totals.runs);
  });

  it('features.json: basic, landmark and probe features, finite, for exactly the corpus tasks', () => {
    const f = corpusFeatures(dir);
    expect(f.featurizers).toEqual(['basic@2', 'landmark@1', 'probe@1']);
    expect(f.generatorVersion).toBe(GENERATOR_VERSION);
    expect(Object.keys(f.tasks).sort()).toEqual(Object.keys(manifest.tasks).sort());
    for (const [task, t] of Object.entries(f.tasks)) {
      expect(t.parentDataset).toBe(manifest.tasks[task]!.parentDataset);
      expect(t.features['basic.rows']).toBe(manifest.tasks[task]!.rows);
      expect(t.features['basic.features']).toBe(manifest.tasks[task]!.features);
      expect(Object.keys(t.features).filter((k) => k.startsWith('probe.')).length).toBeGreaterThan(0);
      expect(Object.keys(t.features).filter((k) => k.startsWith('landmark.')).length).toBeGreaterThan(0);
    }
    // The input-scale statistics tell an unscaled variant from its base.
    expect(f.tasks['ames~unscaled']!.features['basic.log10_feature_abs_max']).toBeGreaterThan(4);
    expect(f.tasks.ames!.features['basic.feature_std_mean']).toBeLessThan(1.01);
  });
});
