import { Command } from 'commander';
import { resolveBackend } from '../../../src/tfjs/backend.js';
import { getStore } from '../../../src/traces/get-store.js';
import type { TraceStore } from '../../../src/traces/store.js';
import type { TraceRecord } from '../../../src/traces/trace.js';
import { isPromotable } from '../../../src/sweeps/halving.js';
import { defaultSweepId, planTrials, runSweep, type SweepEvent } from '../../../src/sweeps/runner.js';
import type { SearchSpace } from '../../../src/sweeps/space.js';
import { registerSweepCommand } from '../../../src/cli/sweep-command.js';

const SPACE: SearchSpace = {
  models: ['linear', 'mlp-small'],
  optimizers: [{ name: 'adam', learningRate: { min: 1e-3, max: 3e-2, log: true } }, { name: 'sgd', learningRate: { min: 1e-3, max: 1e-1, log: true } }],
  schedules: [{ family: 'constant', params: { learningRate: '$learningRate' } }, { family: 'cosine_decay', params: { initialLearningRate: '$learningRate', decaySteps: '$totalSteps' } }],
  epochs: 4,
  batchSize: 32,
};

async function sweepRuns(store: TraceStore, sweepId: string): Promise<TraceRecord[]> {
  const out: TraceRecord[] = [];
  for await (const r of store.query({ importer: 'sweep' })) if (r.provenance?.sourceKey === sweepId) out.push(r);
  return out.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

beforeAll(async () => {
  await resolveBackend({ preferred: 'wasm', quiet: true });
});

describe('runSweep in-process', () => {
  let store: TraceStore;
  beforeEach(async () => {
    store = await getStore('memory:');
  });
  afterEach(() => store.close());

  it('random: runs the budget, stores each trial under <sweepId>:t<i>, reports best and counts', async () => {
    const events: SweepEvent[] = [];
    const summary = await runSweep({ task: 'iris', space: SPACE, strategy: 'random', budget: 3, storeUrl: 'memory:', store, seed: 5, sweepId: 'rs', onEvent: (e) => events.push(e) });
    expect(summary.trials.map((t) => t.runId)).toEqual(['rs:t0', 'rs:t1', 'rs:t2']);
    expect(summary.counts).toEqual({ completed: 3, pruned: 0, diverged: 0, failed: 0 });
    const runs = await sweepRuns(store, 'rs');
    expect(runs).toHaveLength(3);
    // the stored trial is the planned one, with $learningRate tied to the optimizer's rate
    const plan = planTrials({ task: 'iris', space: SPACE, strategy: 'random', budget: 3, storeUrl: 'memory:', seed: 5 });
    for (const [i, run] of runs.entries()) {
      expect(run.model?.zooId).toBe(plan[i].model);
      expect(run.optimizer?.hyperparameters?.learningRate).toBeCloseTo(plan[i].optimizer.learningRate, 9);
      const params = (run.schedule as { params: Record<string, number> }).params;
      expect(params.learningRate ?? params.initialLearningRate).toBe(plan[i].optimizer.learningRate);
      expect(run.epochs).toHaveLength(4);
    }
    const best = Math.min(...runs.map((r) => r.outcome!.best!.value));
    expect(summary.best?.bestValLoss).toBe(best);
    expect(summary.trialsPerHour).toBeGreaterThan(0);
    expect(events.map((e) => e.type)).toEqual(['start', 'trial-start', 'trial-end', 'trial-start', 'trial-end', 'trial-start', 'trial-end']);
  });

  it('halving: prunes exactly the trials the rule says, at the rung they failed, and keeps them as pruned', async () => {
    const summary = await runSweep({
      task: 'iris', space: { ...SPACE, epochs: 9 }, strategy: 'halving', budget: 8, storeUrl: 'memory:', store, seed: 3, sweepId: 'sh', minResource: 1, reductionFactor: 3,
    });
    const runs = await sweepRuns(store, 'sh');
    expect(runs).toHaveLength(8);
    // Replay the rule on the stored val_losses, in trial order (one process: arrival order = index order).
    const rungs = new Map<number, number[]>([[1, []], [3, []]]);
    for (const run of runs) {
      const losses = run.epochs.map((e) => e.val_loss!);
      let expectedEpochs = 9;
      for (const r of [1, 3]) {
        const v = losses[r - 1];
        rungs.get(r)!.push(v);
        if (!isPromotable(v, rungs.get(r)!, 3)) {
          expectedEpochs = r;
          break;
        }
      }
      expect([run.id, run.status, run.epochs.length]).toEqual([run.id, expectedEpochs < 9 ? 'pruned' : 'completed', expectedEpochs]);
    }
    expect(summary.counts.pruned).toBeGreaterThanOrEqual(3);
    expect(summary.counts.completed).toBeGreaterThanOrEqual(1);
    expect(summary.counts.pruned + summary.counts.completed).toBe(8);
  });

  it('resume: skips finished trials, marks a running leftover as interrupted and re-runs it as t<i>.a2', async () => {
    const base = { task: 'iris', space: { ...SPACE, epochs: 2 }, strategy: 'random' as const, storeUrl: 'memory:', store, seed: 1, sweepId: 'rr' };
    await runSweep({ ...base, budget: 2 });
    // a killed sweep left trial 2 running after one epoch
    await store.createRun({ id: 'rr:t2', task: { id: 'iris' }, epochs: [{ epoch: 0, loss: 1, metrics: {} }], provenance: { importer: 'sweep', sourceKey: 'rr' } });
    const summary = await runSweep({ ...base, budget: 4 });
    expect(summary.resumed).toBe(2);
    expect(summary.interrupted).toBe(1);
    expect(summary.trials.map((t) => [t.trialId, t.status, t.previous])).toEqual([
      ['t0', 'completed', true],
      ['t1', 'completed', true],
      ['t2.a2', 'completed', false],
      ['t3', 'completed', false],
    ]);
    const old = await store.getRun('rr:t2');
    expect([old.status, old.outcome?.reason, old.epochs.length]).toEqual(['failed', 'interrupted', 1]);
    expect((await sweepRuns(store, 'rr')).map((r) => r.id)).toEqual(['rr:t0', 'rr:t1', 'rr:t2', 'rr:t2.a2', 'rr:t3']);
    // a third start has nothing left to do
    const again = await runSweep({ ...base, budget: 4 });
    expect([again.resumed, again.interrupted, again.trials.length]).toEqual([4, 0, 4]);
  });

  it('records a trial that throws as failed (with the reason) and goes on', async () => {
    // The space check builds the first point (momentum 0.9); the grid's second point has momentum 1.5.
    const space: SearchSpace = { ...SPACE, models: ['linear'], optimizers: [{ name: 'momentum', learningRate: 0.01, momentum: [0.9, 1.5] }], schedules: [SPACE.schedules[0]], epochs: 2 };
    const summary = await runSweep({ task: 'iris', space, strategy: 'grid', storeUrl: 'memory:', store, sweepId: 'ff' });
    expect(summary.trials.map((t) => t.status)).toEqual(['completed', 'failed']);
    const run = await store.getRun('ff:t1');
    expect(run.status).toBe('failed');
    expect(run.outcome?.reason).toMatch(/momentum.*1\.5/);
    // a failed trial is finished: a second start does not retry it
    const again = await runSweep({ task: 'iris', space, strategy: 'grid', storeUrl: 'memory:', store, sweepId: 'ff' });
    expect([again.resumed, again.counts.failed]).toEqual([2, 1]);
  });

  it('rejects a task that does not load before training anything', async () => {
    await expect(runSweep({ task: 'no_such_task', space: SPACE, strategy: 'random', budget: 1, storeUrl: 'memory:', store, sweepId: 'nt' })).rejects.toMatchObject({ code: expect.any(String) });
    expect(await store.count()).toBe(0);
  });

  it('the default sweep id is a stable hash of the plan', () => {
    const o = { task: 'iris', strategy: 'random' as const, budget: 5, seed: 0 };
    expect(defaultSweepId(o)).toBe(defaultSweepId({ ...o }));
    expect(defaultSweepId(o)).toMatch(/^sweep-[0-9a-f]{12}$/);
    expect(defaultSweepId({ ...o, budget: 6 })).not.toBe(defaultSweepId(o));
    expect(defaultSweepId({ ...o, seed: 1 })).not.toBe(defaultSweepId(o));
  });
});

describe('metatune sweep (CLI)', () => {
  async function cli(args: string[]): Promise<{ out: string; err: string; error?: unknown }> {
    let out = '';
    let err = '';
    const program = new Command().exitOverride();
    registerSweepCommand(program, { io: { stdout: (s) => void (out += s), stderr: (s) => void (err += s), cwd: process.cwd() }, isTTY: false });
    try {
      await program.parseAsync(['node', 'metatune', 'sweep', ...args]);
      return { out, err };
    } catch (error) {
      return { out, err, error };
    }
  }

  it('runs a sweep and prints the summary table', async () => {
    const { out, err, error } = await cli(['--task', 'iris', '--budget', '2', '--epochs', '2', '--store', 'memory:', '--seed', '4']);
    expect(error).toBeUndefined();
    expect(err).toMatch(/sweep sweep-[0-9a-f]{12}: 2 trial\(s\), 0 already finished; in-process/);
    expect(out).toMatch(/random on iris, 2\/2 trials in memory:/);
    expect(out).toMatch(/status: completed 2, pruned 0, diverged 0, failed 0/);
    expect(out).toMatch(/throughput: 2 trial\(s\) in [\d.]+ s = \d+ trials\/hour/);
    expect(out).toMatch(/best: t[01] val_loss \d/);
  });

  it.each([
    [['--task', 'iris', '--budget', '2', '--workers', '2', '--store', 'memory:'], 'STORE_NOT_SHARED', /memory: lives inside one process, so 2 worker processes cannot write to it\. Fix: use a shared store/],
    [['--task', 'iris', '--strategy', 'grid', '--store', 'memory:'], 'GRID_NEEDS_LISTS', /<default space>: \/optimizers\/0\/learningRate: grid search needs a list/],
    [['--task', 'iris', '--strategy', 'halving', '--store', 'memory:'], 'MISSING_OPTION', /`--budget` is required/],
    [['--task', 'iris', '--budget', '2', '--strategy', 'bayes'], 'INVALID_OPTION', /`--strategy` must be one of random, grid, halving/],
    [['--task', 'iris', '--budget', '0'], 'INVALID_OPTION', /`--budget` must be an integer >= 1/],
    [['--task', 'iris', '--budget', '1', '--space', 'no-such-space.json'], 'FILE_NOT_FOUND', /no-such-space\.json: no such file/],
  ])('%j → %s', async (args, code, message) => {
    const { error } = await cli(args);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
  });
});
