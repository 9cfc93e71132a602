import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildCorpus, isReplicateRunId, runIdOf, type BuildCorpusOptions } from '../../../src/corpus/build.js';
import { corpusGrid } from '../../../src/corpus/grid.js';
import { corpusManifest, readCorpus } from '../../../src/corpus/read.js';
import { getStore } from '../../../src/container.js';
import type { TraceRecord } from '../../../src/traces/trace.js';

/** Wall-clock fields: the only values allowed to differ between two builds. */
function withoutWallTime(r: TraceRecord): unknown {
  const { createdAt: _c, updatedAt: _u, finishedAt: _f, ...rest } = r;
  const { wallTimeMs: _w, ...outcome } = r.outcome ?? { epochsRun: 0 };
  return { ...rest, outcome, epochs: r.epochs.map(({ wallTimeMs: _e, ...e }) => e) };
}

async function all(dir: string): Promise<TraceRecord[]> {
  const out: TraceRecord[] = [];
  for await (const r of readCorpus(dir)) out.push(r);
  return out;
}

describe('buildCorpus on a tiny configuration (iris, 3 candidates, 2 epochs)', () => {
  const grid = corpusGrid();
  // A default baseline, a stateful schedule (reduce-on-plateau) and one-cycle (Adam's beta1 cycled).
  const candidates = [
    grid.find((c) => c.id === 'mlp-wide/adam/constant@1e-3')!,
    grid.find((c) => c.id === 'mlp-dropout/adam/reduce_on_plateau@1e-3')!,
    grid.find((c) => c.id === 'mlp-wide/adam/one_cycle@1e-1')!,
  ];
  const dirs: string[] = [];
  const temp = () => {
    const d = mkdtempSync(join(tmpdir(), 'metatune-corpus-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tiny = (outDir: string, workDir: string, extra: Partial<BuildCorpusOptions> = {}): BuildCorpusOptions => ({
    tasks: ['iris'],
    candidates,
    epochs: 2,
    outDir,
    workDir,
    replicateTasks: [],
    log: () => {},
    ...extra,
  });

  let outA: string;
  let workA: string;

  it('writes a sorted, gzipped JSONL chunk and a manifest; a second run skips the chunk', async () => {
    outA = temp();
    workA = temp();
    const first = await buildCorpus(tiny(outA, workA));
    expect(first).toMatchObject({ tasksBuilt: ['iris'], tasksSkipped: [], tasksPending: [], trialsTrained: 3, trialsReused: 0 });
    const lines = gunzipSync(readFileSync(join(outA, 'iris.jsonl.gz'))).toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    const ids = lines.map((l) => (JSON.parse(l) as TraceRecord).id);
    expect(ids).toEqual([...candidates.map((c) => runIdOf('iris', c.id))].sort());
    // Canonical key order: top-level keys sorted.
    expect(Object.keys(JSON.parse(lines[0]))).toEqual([...Object.keys(JSON.parse(lines[0]))].sort());

    const manifest = corpusManifest(outA);
    expect(manifest).toMatchObject({
      format: 'metatune-corpus',
      generatorVersion: 'corpus-grid/2',
      config: { epochs: 2, batchSize: 32, seed: 1, candidates: 3, fullGrid: false },
      expectedTasks: ['iris'],
      machine: { backend: 'wasm', tfjs: '4.22.0', node: process.version },
      totals: { tasks: 1, runs: 3, parentDatasets: ['iris'], complete: true },
    });
    const entry = manifest.tasks.iris;
    expect(entry).toMatchObject({ task: 'iris', parentDataset: 'iris', kind: 'classification', rows: 150, features: 4, runs: 3, seeds: [1], file: 'iris.jsonl.gz' });
    expect(entry.replicates).toBeUndefined();
    expect(entry.bytes).toBe(readFileSync(join(outA, 'iris.jsonl.gz')).length);
    expect(entry.trainWallTimeMs).toBeGreaterThan(0);
    expect(candidates.map((c) => c.id)).toContain(entry.best!.candidateId);
    // The baseline is reported for the best run's model, when that model has one among the candidates.
    const runs = lines.map((l) => JSON.parse(l) as TraceRecord);
    const bestRun = runs.reduce((a, b) => (b.outcome!.best!.value < a.outcome!.best!.value ? b : a));
    expect(entry.best).toEqual({ candidateId: bestRun.id.slice('corpus:iris:'.length), metric: 'val_loss', value: bestRun.outcome!.best!.value });
    if (entry.best!.candidateId.startsWith('mlp-wide/')) expect(entry.bestDefault?.candidateId).toBe('mlp-wide/adam/constant@1e-3');
    else expect(entry.bestDefault).toBeUndefined();

    const again = await buildCorpus(tiny(outA, workA));
    expect(again).toMatchObject({ tasksBuilt: [], tasksSkipped: ['iris'], trialsTrained: 0 });
  });

  it('records what ran: placeholders filled in, run ids deterministic, provenance hashed per candidate', async () => {
    const runs = await all(outA);
    const rop = runs.find((r) => r.id === 'corpus:iris:mlp-dropout/adam/reduce_on_plateau@1e-3')!;
    expect(rop.schedule).toEqual({ family: 'reduce_on_plateau', params: { learningRate: 0.001, monitor: 'val_loss', semantics: 'keras', factor: 0.5, patience: 2, minLr: 0.00001 } });
    const oc = runs.find((r) => r.id === 'corpus:iris:mlp-wide/adam/one_cycle@1e-1')!;
    // iris: 120 training rows / 32 = 4 steps per epoch, 2 epochs.
    expect(oc.schedule).toEqual({ family: 'one_cycle', params: { maxLearningRate: 0.1, totalSteps: 8, annealStrategy: 'cos' } });
    expect(oc.optimizer).toMatchObject({ className: 'Adam', hyperparameters: { learningRate: 0.1 } });
    // The seed that drew the split and the initial weights is recorded with the model.
    expect(oc.model).toEqual({ zooId: 'mlp-wide', params: { seed: 1 } });
    expect(oc.epochs.map((e) => e.step)).toEqual([4, 8]);
    expect(oc.task).toMatchObject({ id: 'iris', parentDataset: 'iris', dataRef: 'data/datasets/iris.csv' });
    for (const r of runs) {
      expect(r.provenance).toMatchObject({ importer: 'sweep', sourceKey: 'corpus:iris', contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(r.epochs).toHaveLength(2);
    }
    expect(new Set(runs.map((r) => r.provenance!.contentHash)).size).toBe(3);
  });

  it('stopped mid-task (as if killed), a resumed build trains only what is missing and ends with the exact count', async () => {
    const out = temp();
    const work = temp();
    const stopped = await buildCorpus(tiny(out, work, { maxTrials: 1 }));
    expect(stopped).toMatchObject({ tasksBuilt: [], tasksPending: ['iris'], trialsTrained: 1 });
    expect(existsSync(join(out, 'iris.jsonl.gz'))).toBe(false);
    const resumed = await buildCorpus(tiny(out, work));
    expect(resumed).toMatchObject({ tasksBuilt: ['iris'], trialsTrained: 2, trialsReused: 1 });
    const runs = await all(out);
    expect(runs).toHaveLength(3);
    expect(new Set(runs.map((r) => r.id)).size).toBe(3);
    // Reproducible: the same numbers as the uninterrupted build; only wall-clock fields differ.
    expect(runs.map(withoutWallTime)).toEqual((await all(outA)).map(withoutWallTime));
  });

  it('re-runs a trial left `running` in the work store', async () => {
    const out = temp();
    const work = temp();
    const store = await getStore(`file:${join(work, 'iris.json')}`);
    await store.createRun({ id: runIdOf('iris', candidates[1].id), task: { id: 'iris' }, provenance: { importer: 'sweep', sourceKey: 'corpus:iris' } });
    await store.close();
    const report = await buildCorpus(tiny(out, work));
    expect(report).toMatchObject({ tasksBuilt: ['iris'], trialsTrained: 3, trialsReused: 0 });
    const runs = await all(out);
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
  });

  it('drops a trial of another grid from the work store and keeps the others (the store is a snapshot plus a journal)', async () => {
    const out = temp();
    const work = temp();
    await buildCorpus(tiny(out, work));
    // One trial's candidate hash no longer matches: as if the grid changed for that candidate.
    const file = join(work, 'iris.json');
    const store = await getStore(`file:${file}`);
    const stale = await store.getRun(runIdOf('iris', candidates[2].id));
    expect(await store.restoreRuns([{ ...stale, provenance: { ...stale.provenance!, contentHash: 'sha256:old-grid' } }], { replace: true })).toEqual([{ id: stale.id, outcome: 'replaced' }]);
    await store.close();
    rmSync(join(out, 'iris.jsonl.gz'));
    const report = await buildCorpus(tiny(out, work));
    expect(report).toMatchObject({ tasksBuilt: ['iris'], trialsTrained: 1, trialsReused: 2 });
    const runs = await all(out);
    expect(runs.map((r) => r.id).sort()).toEqual(candidates.map((c) => runIdOf('iris', c.id)).sort());
    expect(runs.find((r) => r.id === stale.id)!.provenance!.contentHash).toBe(stale.provenance!.contentHash);
    // The work store agrees: three trials, none of the old grid.
    const again = await getStore(`file:${file}`);
    const hashes: string[] = [];
    for await (const r of again.query()) hashes.push(r.provenance!.contentHash!);
    await again.close();
    expect(hashes).toHaveLength(3);
    expect(hashes).not.toContain('sha256:old-grid');
  });

  it('rebuilds a chunk whose bytes no longer match the manifest', async () => {
    const out = temp();
    const work = temp();
    await buildCorpus(tiny(out, work));
    writeFileSync(join(out, 'iris.jsonl.gz'), gzipSync('{}\n'));
    const report = await buildCorpus(tiny(out, work));
    // The work store still holds every trial: the chunk is rewritten without training.
    expect(report).toMatchObject({ tasksBuilt: ['iris'], trialsTrained: 0, trialsReused: 3 });
    expect(await all(out)).toHaveLength(3);
  });

  it('readCorpus names the chunk and line of a bad record', async () => {
    const out = temp();
    const good = gunzipSync(readFileSync(join(outA, 'iris.jsonl.gz'))).toString('utf8').trim().split('\n');
    writeFileSync(join(out, 'iris.jsonl.gz'), gzipSync(`${good[0]}\n{"id": "x", "task": {"id": "iris"}}\n`));
    await expect(all(out)).rejects.toMatchObject({ code: 'INVALID_CORPUS_RECORD', message: expect.stringMatching(/iris\.jsonl\.gz:2: \/epochs: expected required property "epochs"/) });
    writeFileSync(join(out, 'iris.jsonl.gz'), gzipSync(`${good[0]}\n{not json\n`));
    await expect(all(out)).rejects.toThrow(/iris\.jsonl\.gz:2/);
    writeFileSync(join(out, 'iris.jsonl.gz'), gzipSync(good.join('\n')).subarray(0, 200));
    await expect(all(out)).rejects.toMatchObject({ code: 'INVALID_CORPUS_CHUNK' });
  });

  it('replicates: a replicate task trains every candidate at seeds 1, 2, 3; readCorpus yields the base seed unless asked', async () => {
    const out = temp();
    const work = temp();
    const two = candidates.slice(0, 2);
    const report = await buildCorpus(tiny(out, work, { candidates: two, replicateTasks: ['iris'] }));
    expect(report).toMatchObject({ tasksBuilt: ['iris'], trialsTrained: 6 });
    const base = await all(out);
    expect(base.map((r) => r.id)).toEqual(two.map((c) => runIdOf('iris', c.id)).sort());
    const every: TraceRecord[] = [];
    for await (const r of readCorpus(out, { replicates: true })) every.push(r);
    expect(every).toHaveLength(6);
    const ids = every.map((r) => r.id);
    expect(ids).toContain(`corpus:iris:${two[0].id}#seed2`);
    expect(ids).toContain(`corpus:iris:${two[1].id}#seed3`);
    expect(runIdOf('iris', two[0].id, 3)).toBe(`corpus:iris:${two[0].id}#seed3`);
    expect(runIdOf('iris', two[0].id, 1)).toBe(`corpus:iris:${two[0].id}`);
    for (const r of every) {
      const seed = /#seed(\d+)$/.exec(r.id)?.[1];
      expect(r.model?.params).toEqual({ seed: seed ? Number(seed) : 1 });
      expect(isReplicateRunId(r.id)).toBe(seed !== undefined);
    }
    // A replicate is a different split, init and batch order: its curve differs from the base seed's.
    const s1 = every.find((r) => r.id === runIdOf('iris', two[0].id))!;
    const s2 = every.find((r) => r.id === runIdOf('iris', two[0].id, 2))!;
    expect(s2.epochs.map((e) => e.val_loss)).not.toEqual(s1.epochs.map((e) => e.val_loss));
    const entry = corpusManifest(out).tasks.iris;
    expect(entry).toMatchObject({ runs: 6, seeds: [1, 2, 3] });
    expect(entry.replicates!.seeds.map((s) => s.seed)).toEqual([1, 2, 3]);
    expect(entry.replicates!.otherSeeds).toBe(2);
    expect(entry.best!.candidateId).not.toMatch(/#seed/);
    expect(two.map((c) => c.id)).toContain(entry.replicates!.seeds[1]!.candidateId);
  });
});
