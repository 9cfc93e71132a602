/**
 * One candidate, one id: a run of a grid candidate recorded outside the corpus build — by `metatune
 * fit` (run id `fit:<fit id>:<candidate id>`) or by the callback in someone's own loop (any run id)
 * — must map to the grid's candidate / config key, or the learners count it as a second candidate
 * and the loop "suggest → train → trace → learn" does not close. Real training on iris.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { defaultRuntime, getStore } from '../../../src/container.js';
import { corpusGrid } from '../../../src/corpus/grid.js';
import { candidateOfTrace, configKeyOf, scheduleTagOf, withPeakLearningRate } from '../../../src/meta/candidate-identity.js';
import { loadTask } from '../../../src/tasks/suite.js';
import { resolveBackend } from '../../../src/tfjs/backend.js';
import { trainCandidate } from '../../../src/train/train-candidate.js';
import { StoreRecorder } from '../../../src/traces/store-recorder.js';
import type { Candidate } from '../../../src/meta/candidate.js';

beforeAll(async () => {
  await resolveBackend({ preferred: 'wasm', quiet: true });
});

async function recorded(candidate: Candidate, runId?: string) {
  const store = await getStore('memory:');
  const task = await loadTask('iris', { seed: 1 });
  const recorder = new StoreRecorder({ store, ...(runId && { runId }), task: task.ref, model: { zooId: candidate.model } });
  await trainCandidate({ task, candidate, epochs: 1, batchSize: 32, seed: 1, runtime: defaultRuntime(), recorder });
  return store.getRun(recorder.runId!);
}

describe('candidateOfTrace gives runs recorded outside the corpus the grid ids', () => {
  const grid = corpusGrid();
  const warmupCosine = grid.find((c) => /\/adam\/warmup_cosine@/.test(c.id))!;

  it('the schedule tag of the warm-up + cosine template is the grid name; other wrappers say their inner family', () => {
    expect(scheduleTagOf(warmupCosine.schedule)).toBe('warmup_cosine');
    expect(scheduleTagOf({ family: 'warmup', params: { warmupSteps: 5, after: { family: 'exponential_decay', params: { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 } } } })).toBe('warmup_exponential_decay');
    expect(scheduleTagOf({ family: 'cosine_decay', params: { initialLearningRate: 0.1, decaySteps: 10 } })).toBe('cosine_decay');
  });

  it('a run trained by the callback (no corpus id) of a grid warm-up + cosine candidate gets its grid id', async () => {
    const run = await recorded(warmupCosine);
    expect(candidateOfTrace(run)!.id).toBe(warmupCosine.id);
  });

  it('an off-grid rate of that config keeps the config key (learners pick rates between grid points)', async () => {
    const offGrid = withPeakLearningRate(warmupCosine, warmupCosine.optimizer.learningRate * 2.5);
    const run = await recorded(offGrid);
    const candidate = candidateOfTrace(run)!;
    expect(configKeyOf(candidate.id)).toBe(configKeyOf(warmupCosine.id));
    expect(candidate.id).toBe(offGrid.id);
  });

  it('a `fit:` run of a grid candidate maps back to the grid candidate itself (its placeholder spec)', async () => {
    const run = await recorded(warmupCosine, `fit:0b7e6f0c-1a2b-4c3d-8e9f-001122334455:${warmupCosine.id}`);
    expect(candidateOfTrace(run)).toEqual(warmupCosine); // placeholders ($totalSteps) kept: it fits any task size
  });
});
