import { createContainer } from '../../../src/container.js';
import { CandidateSession, TensorCache } from '../../../src/fit/session.js';
import { loadTask } from '../../../src/tasks/suite.js';
import { resolveBackend } from '../../../src/tfjs/backend.js';
import { MemoryRecorder } from '../../../src/tfjs/memory-recorder.js';

describe('CandidateSession', () => {
  it('a run paused at epochs 2 and 4 and resumed keeps its weights, optimizer state and schedule position, and leaves one trace', async () => {
    await resolveBackend({ preferred: 'wasm', quiet: true });
    const runtime = await createContainer({ cwd: process.cwd() });
    const task = await loadTask('wine', { seed: 1 });
    const tensors = new TensorCache(task);
    const candidate = {
      id: 'mlp-medium/adam/cosine_decay@3e-3',
      model: 'mlp-medium',
      optimizer: { name: 'adam' as const, learningRate: 3e-3 },
      schedule: { family: 'cosine_decay', params: { initialLearningRate: 3e-3, decaySteps: '$totalSteps' } },
    };
    const straight = new CandidateSession({ task, candidate, epochs: 6, batchSize: 32, seed: 1, runtime, tensors });
    await straight.advance(6);
    const recorder = new MemoryRecorder();
    const staged = new CandidateSession({ task, candidate, epochs: 6, batchSize: 32, seed: 1, runtime, tensors, recorder });
    expect(await staged.advance(2)).toBe(staged.valLosses[1]);
    await staged.advance(4);
    await staged.advance(6);
    // Same weights, same optimizer state, same schedule position, same batch order and dropout masks.
    // Up to the first pause the two runs are the same run, bit for bit.
    expect(staged.valLosses.slice(0, 2)).toEqual(straight.valLosses.slice(0, 2));
    // After it, only the batch order differs (tfjs reshuffles the previous epoch's order in place,
    // and a new model.fit starts that order afresh): the schedule is the same step for step and the
    // curve goes on from where it was (a restart would jump back up towards epoch 0's 0.59).
    expect(staged.history.learning_rate).toEqual(straight.history.learning_rate);
    for (let e = 2; e < 6; e++) expect(Math.abs(staged.valLosses[e]! - straight.valLosses[e]!)).toBeLessThan(0.02 * straight.valLosses[e]!);
    // The cosine decays over the full 6 epochs (5 steps per epoch on 142 rows), not per stage.
    expect(staged.history.learning_rate![5]).toBeLessThan(staged.history.learning_rate![0]! / 10);
    const outcome = await staged.close('completed');
    expect(outcome).toMatchObject({ status: 'completed', epochsRun: 6, steps: 30 });
    expect(recorder.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(recorder.outcome?.status).toBe('completed');
    straight.dispose();
    staged.dispose();
    tensors.dispose();
  });

  it('a reduce-on-plateau run keeps its reduced rate across a pause, and the trace names its spec', async () => {
    await resolveBackend({ preferred: 'wasm', quiet: true });
    const runtime = await createContainer({ cwd: process.cwd() });
    const task = await loadTask('iris', { seed: 1 });
    const tensors = new TensorCache(task);
    // An improvement no epoch can make (minDelta 10) makes every epoch after the first a plateau: patience 0 halves the rate each time.
    const schedule = { family: 'reduce_on_plateau', params: { learningRate: 0.01, monitor: 'val_loss', semantics: 'keras', factor: 0.5, patience: 0, minDelta: 10, minLr: 1e-6 } };
    const recorder = new MemoryRecorder();
    const s = new CandidateSession({ task, candidate: { id: 'p', model: 'linear', optimizer: { name: 'adam', learningRate: 0.01 }, schedule }, epochs: 4, batchSize: 32, seed: 1, runtime, tensors, recorder });
    await s.advance(2);
    await s.advance(4);
    const lrs = s.history.learning_rate!;
    // Epoch 1's plateau halves the rate from epoch 2 on — after the pause — and epoch 2's halves it
    // again: [0.01, 0.01, 0.005, 0.0025]. A schedule restarted at the pause would show 0.01 at epoch 2.
    expect(lrs.map((v) => Number(v.toPrecision(6)))).toEqual([0.01, 0.01, 0.005, 0.0025]);
    await s.close();
    expect(recorder.info?.schedule).toEqual(schedule);
    s.dispose();
    tensors.dispose();
  });
});
