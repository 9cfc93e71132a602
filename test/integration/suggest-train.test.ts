/**
 * The loop a user runs: suggest(task) with the bundled default policy and with a feature-based
 * policy, then train the suggestion with the lrScheduler callback (through trainCandidate) on the
 * real task: the spec is accepted, the learning rate follows it, and the run leaves a trace.
 */
import * as tf from '@tensorflow/tfjs';
import { defaultRuntime } from '../../src/container.js';
import { corpusExamples } from '../../src/meta/corpus-examples.js';
import { suggest } from '../../src/meta/suggest.js';
import { loadTask } from '../../src/tasks/suite.js';
import { MemoryRecorder } from '../../src/tfjs/memory-recorder.js';
import { trainCandidate } from '../../src/train/train-candidate.js';
import { lrProbeLearner } from '../../plugins/learner-lr-probe/index.js';
import { buildSuggestedModel } from '../../src/meta/apply-suggestion.js';
import { lrScheduler } from '../../src/tfjs/callback.js';

const runtime = defaultRuntime();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test('the default policy\'s suggestion for iris trains with lrScheduler and is recorded', async () => {
  const task = await loadTask('iris');
  const decision = await suggest(task, { runtime, top: 3 });
  expect(decision.ranked.length).toBe(3);
  const recorder = new MemoryRecorder();
  const run = await trainCandidate({ task, candidate: decision.candidate, epochs: 3, batchSize: 32, runtime, recorder });
  expect(run.status).toBe('completed');
  expect(run.epochs).toHaveLength(3);
  // The recorded learning rate is the suggested schedule's (peak rate at most, never above).
  for (const e of run.epochs) expect(e.lr!).toBeLessThanOrEqual(decision.candidate.optimizer.learningRate * (1 + 1e-6));
  expect(recorder.epochs).toHaveLength(3);
  expect(recorder.outcome?.status).toBe('completed');
}, 60_000);

test('lr-probe trained on the corpus without iris suggests a rate for iris from its own probe, off the grid if need be', async () => {
  const src = await corpusExamples(runtime, { tasks: undefined });
  const artifact = await lrProbeLearner.fit(src.examples, src.candidates, { seed: 1, holdOut: ['iris'] });
  const policy = lrProbeLearner.load(artifact);
  const task = await loadTask('iris');
  const decision = await suggest(task, { runtime, policy, top: 1 });
  expect(decision.why[0]).toMatch(/learning rate set from the task's own probe/);
  const run = await trainCandidate({ task, candidate: decision.candidate, epochs: 2, batchSize: 32, runtime });
  expect(run.status).toBe('completed');
  expect(run.epochs[0]!.lr).toBeGreaterThan(0);
}, 120_000);

test('buildSuggestedModel + the user\'s own model.fit with lrScheduler: the logged rate is the suggested schedule\'s', async () => {
  const task = await loadTask('wine');
  const decision = await suggest(task, { runtime, top: 1 });
  const { model, schedule, optimizer } = buildSuggestedModel(task, decision, { epochs: 3, batchSize: 32, runtime });
  const d = task.featureNames.length;
  const x = tf.tensor2d(task.train.x as Float32Array, [task.train.n, d]);
  const y = tf.oneHot(tf.tensor1d(Array.from(task.train.y), 'int32'), task.numClasses!);
  const history = await model.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0, validationSplit: 0.2, callbacks: [lrScheduler({ schedule, runtime })] });
  const lrs = history.history.learning_rate as number[];
  expect(lrs).toHaveLength(3);
  for (const lr of lrs) expect(lr).toBeLessThanOrEqual(decision.candidate.optimizer.learningRate * (1 + 1e-6));
  expect(JSON.stringify(schedule)).not.toMatch(/\$totalSteps|\$stepsPerEpoch/);
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
}, 60_000);
