/**
 * Issue [3/5]: a sweep of a few trials runs in worker processes, is killed (parent and workers,
 * SIGKILL) right after its first trial is stored, is started again with the same command, and ends
 * with exactly `budget` finished trials and no duplicates. The workers run compiled JS: the sweep's
 * import graph is transpiled into node_modules/.cache (no build step under jest).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getStore } from '../../src/container.js';
import type { TraceRecord } from '../../src/traces/trace.js';
import { buildStoreModules, type BuiltModules } from './workers/build-store-modules.js';

const DRIVER = join(dirname(fileURLToPath(import.meta.url)), 'workers', 'sweep-driver.mjs');

let built: BuiltModules;
let dir: string;
beforeAll(async () => {
  built = buildStoreModules(['src/container.ts', 'src/sweeps/worker.ts'], { assets: true });
  dir = await mkdtemp(join(tmpdir(), 'metatune-sweep-'));
});
afterAll(async () => {
  built?.remove();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface DriverRun {
  readonly lines: string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Runs the driver in its own process group. With `killAfterFirstTrial`, SIGKILLs the whole group
 * (the parent and its forked workers) as soon as the first `trial-end` line arrives.
 */
function drive(options: object, killAfterFirstTrial: boolean): Promise<DriverRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DRIVER, join(built.dir, 'src/container.js'), join(built.dir, 'src/sweeps/worker.js'), JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, METATUNE_BACKEND: 'wasm', NODE_OPTIONS: '' },
    });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        if (killAfterFirstTrial && !killed && line.startsWith('trial-end ')) {
          killed = true;
          process.kill(-child.pid!, 'SIGKILL'); // the group this test started: driver + its workers
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ lines, code, signal, stderr }));
  });
}

async function sweepRuns(url: string, sweepId: string): Promise<TraceRecord[]> {
  const store = await getStore(url);
  try {
    const out: TraceRecord[] = [];
    for await (const r of store.query({ importer: 'sweep' })) if (r.provenance?.sourceKey === sweepId) out.push(r);
    return out;
  } finally {
    await store.close();
  }
}

describe('sweep with worker processes: kill and resume', () => {
  it('2 workers, SIGKILL after the first stored trial, restart: exactly `budget` finished trials, no duplicates', async () => {
    const url = `file:${join(dir, 'store.json')}`;
    const budget = 5;
    const options = {
      task: 'iris',
      space: {
        models: ['mlp-small'],
        optimizers: [{ name: 'adam', learningRate: { min: 0.003, max: 0.03, log: true } }],
        schedules: [{ family: 'cosine_decay', params: { initialLearningRate: '$learningRate', decaySteps: '$totalSteps' } }],
        epochs: 12,
        batchSize: 16,
      },
      strategy: 'random',
      budget,
      workers: 2,
      storeUrl: url,
      seed: 2,
      sweepId: 'kill-test',
    };
    const first = await drive(options, true);
    expect(first.signal).toBe('SIGKILL');
    expect(first.lines.filter((l) => l.startsWith('trial-end '))).toHaveLength(1);
    const afterKill = await sweepRuns(url, 'kill-test');
    const finishedBefore = afterKill.filter((r) => r.status !== 'running');
    expect(finishedBefore.length).toBeGreaterThanOrEqual(1);
    expect(finishedBefore.length).toBeLessThan(budget);
    const leftRunning = afterKill.filter((r) => r.status === 'running').map((r) => r.id);
    process.stdout.write(`killed with ${finishedBefore.length} finished, left running: ${leftRunning.join(', ') || 'none'}\n`);

    const second = await drive(options, false);
    expect([second.code, second.stderr]).toEqual([0, expect.any(String)]);
    const start = second.lines.find((l) => l.startsWith('start '))!;
    expect(start).toBe(`start kill-test done=${finishedBefore.length} interrupted=${leftRunning.length} workers=2`);
    const summary = JSON.parse(second.lines.find((l) => l.startsWith('summary '))!.slice('summary '.length));
    expect(summary.counts.completed + summary.counts.pruned).toBe(budget);

    const runs = await sweepRuns(url, 'kill-test');
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
    const finished = runs.filter((r) => r.status === 'completed' || r.status === 'pruned');
    expect(finished).toHaveLength(budget);
    // one finished attempt per trial index, every index 0..budget-1
    const indices = finished.map((r) => Number(/:t(\d+)/.exec(r.id)![1])).sort((a, b) => a - b);
    expect(indices).toEqual([0, 1, 2, 3, 4]);
    // what the kill left running is kept as failed/interrupted, and re-ran as .a2
    for (const id of leftRunning) {
      const old = runs.find((r) => r.id === id)!;
      expect([old.status, old.outcome?.reason]).toEqual(['failed', 'interrupted']);
      expect(finished.map((r) => r.id)).toContain(`${id}.a2`);
    }
    expect(runs).toHaveLength(budget + leftRunning.length);
    expect(finished.every((r) => r.epochs.length === 12)).toBe(true);
  }, 60_000);

  it('halving in 2 workers: the parent decides, pruned trials stop at a rung and are stored as pruned', async () => {
    const url = `file:${join(dir, 'halving.json')}`;
    const options = {
      task: 'iris',
      space: {
        models: ['linear', 'mlp-small'],
        optimizers: [{ name: 'adam', learningRate: { min: 1e-4, max: 0.05, log: true } }],
        schedules: [{ family: 'constant', params: { learningRate: '$learningRate' } }],
        epochs: 4,
        batchSize: 32,
      },
      strategy: 'halving',
      budget: 6,
      workers: 2,
      storeUrl: url,
      seed: 9,
      sweepId: 'halving-workers',
    };
    const run = await drive(options, false);
    expect([run.code, run.stderr]).toEqual([0, expect.any(String)]);
    const runs = await sweepRuns(url, 'halving-workers');
    expect(runs).toHaveLength(6);
    for (const r of runs) {
      if (r.status === 'pruned') expect([1, 3]).toContain(r.epochs.length); // rungs at 1 and 3 epochs (r=1, η=3)
      else expect([r.id, r.status, r.epochs.length]).toEqual([r.id, 'completed', 4]);
    }
    // Rates spread over 2.7 decades: some trial is beaten at a rung by one that reported before it.
    expect(runs.filter((r) => r.status === 'pruned').length).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
