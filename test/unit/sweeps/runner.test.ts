import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBackend } from '../../../src/tfjs/backend.js';
import { getStore } from '../../../src/container.js';
import type { TraceStore } from '../../../src/traces/store.js';
import type { TraceRecord } from '../../../src/traces/trace.js';
import { isPromotable } from '../../../src/sweeps/halving.js';
import { defaultSweepId, planTrials, type SweepEvent } from '../../../src/sweeps/runner.js';
import { runSweep } from '../../../src/container.js';
import type { SearchSpace } from '../../../src/sweeps/space.js';
import { registerSweepCommand } from '../../../src/cli/sweep-command.js';
import { createCliContext } from '../../../src/cli/context.js';

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
    expect(defaultSweepId({ ...o, seed: 1 })).not.toBe(defaultSweepId(o));
    // Random and grid: trial i does not depend on the budget, so a larger budget is the same sweep.
    expect(defaultSweepId({ ...o, budget: 6 })).toBe(defaultSweepId(o));
    expect(defaultSweepId({ ...o, strategy: 'grid', budget: 6 })).toBe(defaultSweepId({ ...o, strategy: 'grid' }));
    // Halving: the rungs depend on the number of trials.
    expect(defaultSweepId({ ...o, strategy: 'halving', budget: 6 })).not.toBe(defaultSweepId({ ...o, strategy: 'halving' }));
  });

  it('raising --budget extends a random sweep (default id): finished trials are kept, only the new ones train', async () => {
    const base = { task: 'iris', space: { ...SPACE, epochs: 1 }, strategy: 'random' as const, storeUrl: 'memory:', store, seed: 11 };
    const first = await runSweep({ ...base, budget: 2 });
    const second = await runSweep({ ...base, budget: 3 });
    expect(second.sweepId).toBe(first.sweepId);
    expect(second.resumed).toBe(2);
    expect(second.trials.map((t) => [t.trialId, t.previous])).toEqual([['t0', true], ['t1', true], ['t2', false]]);
  });
});

describe('runSweep with worker processes that die', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metatune-workers-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Writes a worker module into the test's folder and returns its path. */
  async function workerFile(name: string, source: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, source);
    return path;
  }

  /**
   * A stand-in worker that speaks the runner's protocol without training: every trial reports the
   * val_loss given for it at epoch 0 (rung 0 of a halving sweep), logs the decision it gets, then
   * fails with an error — except trial `crashId`, whose process SIGKILLs itself after the decision
   * (a worker killed mid-trial once the parent has counted its rung value).
   */
  const fakeWorker = (log: string, values: Record<string, number>, crashId: string) => `
import { appendFileSync } from 'node:fs';
const values = ${JSON.stringify(values)};
process.on('message', (m) => {
  if (m.type === 'init') process.send({ type: 'ready', backend: 'fake' });
  if (m.type === 'trial') process.send({ type: 'decide', trialId: m.config.trialId, epoch: 0, logs: { val_loss: values[m.config.trialId] } });
  if (m.type === 'decision') {
    appendFileSync(${JSON.stringify(log)}, m.trialId + ' ' + m.decision + '\\n');
    if (m.trialId === ${JSON.stringify(crashId)}) process.kill(process.pid, 'SIGKILL');
    else process.send({ type: 'error', trialId: m.trialId, error: { name: 'Error', message: 'fake trial' } });
  }
  if (m.type === 'exit') process.exit(0);
});
`;

  const base = (storeUrl: string) => ({ task: 'iris', space: { ...SPACE, epochs: 3 }, strategy: 'random' as const, budget: 2, workers: 2, storeUrl, seed: 1, sweepId: 'dead' });

  it.each([
    ['exits with code 1 on start', 'process.exit(1);\n', /exited \(code 1\) before it was ready, with \d+ trial\(s\) still to run/],
    ['throws on import', "throw new Error('cannot import');\n", /exited \(code 1\) before it was ready/],
    ['exits 0 without saying ready', '', /exited \(code 0\) before it was ready/],
  ])('a worker that %s fails the sweep with WORKER_FAILED (and the fix) instead of hanging', async (_label, source, message) => {
    const workerModule = await workerFile('worker.mjs', source);
    const started = Date.now();
    await expect(runSweep({ ...base(`file:${join(dir, 'store.json')}`), workerModule })).rejects.toMatchObject({
      code: 'WORKER_FAILED',
      message: expect.stringMatching(message),
    });
    await expect(runSweep({ ...base(`file:${join(dir, 'store.json')}`), workerModule })).rejects.toThrow(/Fix: rebuild metatune with `npm run build`/);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);

  it('a replacement worker that dies at start-up fails the sweep too', async () => {
    const log = join(dir, 'decisions.log');
    const marker = join(dir, 'started-once');
    // The first process works until it is killed mid-trial; every later one exits at once.
    const workerModule = await workerFile(
      'worker.mjs',
      `import { existsSync, writeFileSync } from 'node:fs';
if (existsSync(${JSON.stringify(marker)})) process.exit(3);
writeFileSync(${JSON.stringify(marker)}, '');
${fakeWorker(log, { t0: 1, t1: 2 }, 't0')}`,
    );
    await expect(runSweep({ ...base(`file:${join(dir, 'store.json')}`), strategy: 'halving', workers: 1, workerModule })).rejects.toMatchObject({
      code: 'WORKER_FAILED',
      message: expect.stringMatching(/exited \(code 3\) before it was ready, with 1 trial\(s\) still to run/),
    });
  }, 20_000);

  it('a worker killed mid-trial: stored as interrupted, its rung value dropped, and re-run by the next start', async () => {
    const log = join(dir, 'decisions.log');
    const storeUrl = `file:${join(dir, 'store.json')}`;
    const workerModule = await workerFile('worker.mjs', fakeWorker(log, { t0: 1, 't0.a2': 1, t1: 2 }, 't0'));
    const options = { ...base(storeUrl), strategy: 'halving' as const, workers: 1, workerModule };
    const first = await runSweep(options);
    expect(first.trials.map((t) => [t.trialId, t.status])).toEqual([['t0', 'failed'], ['t1', 'failed']]);
    const store = await getStore(storeUrl);
    try {
      const crashed = await store.getRun('dead:t0');
      expect([crashed.status, crashed.outcome?.reason]).toEqual(['failed', 'interrupted: worker process exited (SIGKILL) during the trial']);
    } finally {
      await store.close();
    }
    // t0 reported 1.0 at rung 0 and was killed: its value no longer counts, so t1's 2.0 is the best
    // so far and goes on (with it counted, 2.0 > 1.0 would have pruned t1).
    expect(readFileSync(log, 'utf8')).toBe('t0 continue\nt1 continue\n');
    // The next start re-runs the interrupted trial (and only it) as t0.a2.
    const second = await runSweep(options);
    expect([second.resumed, second.trials.map((t) => [t.trialId, t.previous])]).toEqual([1, [['t0.a2', false], ['t1', true]]]);
    expect(readFileSync(log, 'utf8')).toBe('t0 continue\nt1 continue\nt0.a2 continue\n');
  }, 30_000);
});

describe('metatune sweep (CLI)', () => {
  async function cli(args: string[]): Promise<{ out: string; err: string; error?: unknown }> {
    let out = '';
    let err = '';
    const program = new Command().exitOverride();
    registerSweepCommand(program, createCliContext(program, { stdout: (s) => void (out += s), stderr: (s) => void (err += s), cwd: process.cwd() }), { isTTY: false });
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
