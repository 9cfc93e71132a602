/**
 * Every registered featurizer — built-in and third-party (test/fixtures/plugins/featurizer-fixture)
 * — through the same assertions on real tasks: the names it declares are the names it returns
 * (`<id>.<name>`), every value is a finite number, and the same task and seed give the same values.
 * `model` is left out: it describes a model, not a task, and needs one (MODEL_REQUIRED).
 */
import { createContainer } from '../../src/container.js';
import { resolveBackend } from '../../src/tfjs/backend.js';
import { loadTask } from '../../src/tasks/suite.js';
import type { Featurizer } from '../../src/tasks/featurizer.js';

const runtime = await createContainer({ plugins: ['./test/fixtures/plugins/featurizer-fixture'], configFile: false });
const NEEDS_A_MODEL = new Set(['model']);
const featurizers = runtime.featurizers.values().filter((f) => !NEEDS_A_MODEL.has(f.id));

beforeAll(async () => {
  await resolveBackend({ preferred: 'cpu', quiet: true });
});

test('the built-in featurizers and the fixture plugin\'s are registered', () => {
  expect(runtime.featurizers.ids()).toEqual(expect.arrayContaining(['basic', 'landmark', 'probe', 'size']));
});

describe.each(featurizers.map((f) => [f.id, f] as const))('featurizer %s', (_id, featurizer: Featurizer) => {
  it.each(['iris', 'diabetes'])('on %s: declared names, finite values, deterministic', async (taskId) => {
    const task = await loadTask(taskId, { seed: 1 });
    const a = await featurizer.featurize(task, { seed: 7 });
    const b = await featurizer.featurize(task, { seed: 7 });
    expect(Object.keys(a).sort()).toEqual(featurizer.featureNames.map((n) => `${featurizer.id}.${n}`).sort());
    for (const [name, v] of Object.entries(a)) expect([name, Number.isFinite(v)]).toEqual([name, true]);
    expect(b).toEqual(a);
    expect(Number.isInteger(featurizer.version) && featurizer.version >= 1).toBe(true);
  });
});
