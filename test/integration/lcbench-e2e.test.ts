/**
 * @jest-environment ./test/setup/onnx-environment.cjs
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { openStore } from '../../src/traces/get-store.js';
import { createContainer } from '../../src/container.js';
import { examplesFromTraces } from '../../src/meta/examples.js';
import { bestDefaultLearner } from '../../plugins/learner-best-default/index.js';
import { LcbenchSurrogate } from '../../bench/lcbench/surrogate.js';
import { candidateOf, configOf, sampleGridPool } from '../../bench/lcbench/space.js';
import { probeTask } from '../../bench/lcbench/probe.js';
import { taskRefId, writeTaskLogs } from '../../bench/lcbench/logs.js';
import { buildReference, runFold, scoreRegret, type SeedContext } from '../../bench/lcbench/protocol.js';

/**
 * The LCBench path end to end on 2 tasks × 12 configurations: surrogate curves → JSONL logs →
 * `metatune import` (the real CLI, a file store) → examples → best-default policy → a pick for the
 * held-out task, scored by the surrogate. The full benchmark runs in bench/ (npm run bench:lcbench).
 */
describe('LCBench end to end (2 tasks)', () => {
  const tasks = ['3945', '126026'];
  const pool = sampleGridPool(4, 3, 11); // 4 recipes × 3 rates
  let s: LcbenchSurrogate;
  let dir: string;
  beforeAll(async () => {
    s = await LcbenchSurrogate.load();
    dir = mkdtempSync(join(tmpdir(), 'mt-lcbench-e2e-'));
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports the logs with `metatune import`, trains best-default on one task and scores its pick on the other', async () => {
    const storeUrl = `file:${join(dir, 'store.json')}`;
    const features = new Map<string, Record<string, number>>();
    for (const task of tasks) {
      const probe = await probeTask(s, task);
      features.set(task, probe.features);
      const written = await writeTaskLogs(s, task, pool, probe.features, join(dir, 'logs'));
      expect(written.records).toBe(12 * 52);
      let out = '';
      const code = await main(['node', 'metatune', 'import', written.logFile, '--task', written.taskFile, '--store', storeUrl], { stdout: (x) => void (out += x), stderr: (x) => void (out += x), cwd: dir });
      expect(out).toMatch(/imported: 12 run\(s\), 624 epoch record\(s\)/);
      expect(code).toBe(0);
    }
    // Probe features are the task's own cheap signal, named like the probe featurizer's.
    expect(Object.keys(features.get('3945')!)).toEqual(expect.arrayContaining(['probe.initial_loss', 'probe.loss_ratio_1e-2', 'probe.log10_best_lr', 'probe.log10_seconds_per_epoch']));

    const store = await openStore(storeUrl, await createContainer({ configFile: false }));
    const ex = await examplesFromTraces(store.query());
    await store.close();
    expect(ex.examples).toHaveLength(24);
    expect(ex.skipped).toEqual({});
    // Every imported trace rebuilds the candidate the log was written from.
    expect(new Set(ex.candidates.map((c) => c.id))).toEqual(new Set(pool.map((c) => candidateOf(c).id)));
    for (const c of ex.candidates) expect(candidateOf(configOf(c)).id).toBe(c.id);
    expect(ex.examples.every((e) => e.features['probe.initial_loss'] === features.get(e.taskId.replace('lcbench-', ''))!['probe.initial_loss'])).toBe(true);

    // best-default trained on 3945 alone picks 3945's lowest-regret candidate; scored on 126026.
    const held = '126026';
    const artifact = await bestDefaultLearner.fit(ex.examples.filter((e) => e.parentDataset !== taskRefId(held)), ex.candidates, { seed: 0, holdOut: [taskRefId(held)] });
    const decision = bestDefaultLearner.load(artifact).suggest({ id: taskRefId(held), kind: 'classification', features: features.get(held)! }, { top: 3 });
    const on3945 = ex.examples.filter((e) => e.taskId === taskRefId('3945'));
    const bestRegret = Math.min(...on3945.map((e) => e.regret));
    expect(on3945.find((e) => e.candidate.id === decision.candidate.id)!.regret).toBe(bestRegret);

    const ref = await buildReference(s, held, 500);
    const [final] = await s.predict([{ task: held, epoch: 52, config: configOf(decision.candidate) }]).then((o) => [{ acc: o[1]!, ce: o[2]! }]);
    const score = scoreRegret(ref, final!.acc, final!.ce);
    expect(score.acc).toBeGreaterThanOrEqual(0);
    expect(score.acc).toBeLessThan(0.5); // a trained default beats a coin flip over LCBench's space by far
    expect(ref.accBest).toBeGreaterThan(90); // 126026: the best of 500 random configurations reaches > 90 % accuracy

    // The protocol's fold gives the same pick and regret.
    const ctx: SeedContext = { seed: 0, examples: ex.examples, candidates: ex.candidates, features, oracle: new Map(), importSummary: '', skipped: {}, atRegretOne: 0 };
    const fold = await runFold(s, { tasks, seeds: [0], configs: 4, rates: 3, learners: [], workDir: dir, trials: [1, 5] }, ctx, ref, { learner: bestDefaultLearner });
    expect(fold.pickId).toBe(decision.candidate.id);
    expect(fold.pick.acc).toBeCloseTo(score.acc, 6);
    expect(fold.topK[3]!.acc).toBeLessThanOrEqual(fold.pick.acc);
    expect(fold.trials[5]!.acc).toBeLessThanOrEqual(fold.trials[1]!.acc);
    expect(fold.halving.runsUsed).toBeLessThanOrEqual(2);
  });
});
