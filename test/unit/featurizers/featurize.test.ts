/**
 * featurizeTask: prefixing, output validation, model-aware featurizers, and the plugin manifests.
 */
import { fileURLToPath } from 'node:url';
import type { ContainerModule } from 'inversify';
import basicPlugin, { defaultBasicFeaturizer } from '../../../plugins/featurizer-basic/index.js';
import landmarkPlugin, { defaultLandmarkFeaturizer } from '../../../plugins/featurizer-landmark/index.js';
import modelPlugin, { modelFeaturizer } from '../../../plugins/featurizer-model/index.js';
import probePlugin from '../../../plugins/featurizer-probe/index.js';
import { BASIC_ZOO } from '../../../plugins/zoo-basic/index.js';
import { loadPlugin, readManifest } from '../../../src/core/plugins.js';
import type { Featurizer } from '../../../src/tasks/featurizer.js';
import { featurizeTask, featurizerOutputSchema, sampleIndices } from '../../../src/tasks/featurize.js';
import { irisTask, makeTask } from './make-task.js';

const task = makeTask({ kind: 'classification', train: [[0, 1], [1, 0], [2, 2]], trainY: [0, 1, 1], validation: [[1, 1]], validationY: [0] });

function fake(out: Record<string, number>, names = ['a', 'b']): Featurizer {
  return { id: 'fake', version: 3, description: 'test double', featureNames: names, featurize: async () => out };
}

describe('featurizeTask', () => {
  it('prefixes bare names, keeps prefixed ones, orders by featureNames and lists id@version', async () => {
    const r = await featurizeTask(task, [fake({ 'fake.b': 2, a: 1 })], { seed: 0 });
    expect(Object.entries(r.features)).toEqual([['fake.a', 1], ['fake.b', 2]]);
    expect(r.featurizers).toEqual(['fake@3']);
  });

  it('a missing or unknown feature fails the output schema, naming the featurizer', async () => {
    await expect(featurizeTask(task, [fake({ a: 1 })], { seed: 0 })).rejects.toMatchObject({
      code: 'SCHEMA_VALIDATION_FAILED',
      message: expect.stringMatching(/featurizer "fake"@3 output: .*fake\.b/),
    });
    await expect(featurizeTask(task, [fake({ a: 1, b: 2, c: 3 })], { seed: 0 })).rejects.toMatchObject({ code: 'SCHEMA_VALIDATION_FAILED' });
  });

  it('NaN and Infinity are errors, not features', async () => {
    await expect(featurizeTask(task, [fake({ a: Number.NaN, b: 1 })], { seed: 0 })).rejects.toMatchObject({
      code: 'FEATURE_NOT_FINITE',
      message: expect.stringMatching(/Featurizer "fake"@3 returned fake\.a=NaN/),
    });
  });

  it('rejects a featurizer listed twice and a non-integer seed', async () => {
    await expect(featurizeTask(task, [defaultBasicFeaturizer, defaultBasicFeaturizer], { seed: 0 })).rejects.toMatchObject({ code: 'DUPLICATE_FEATURIZER' });
    await expect(featurizeTask(task, [defaultBasicFeaturizer], { seed: 0.5 })).rejects.toMatchObject({ code: 'INVALID_PARAMETER' });
  });

  it('skips model-aware featurizers without a model and runs them with one', async () => {
    const without = await featurizeTask(irisTask(), [defaultBasicFeaturizer, defaultLandmarkFeaturizer, modelFeaturizer], { seed: 0 });
    expect(without.skipped).toEqual(['model']);
    expect(without.featurizers).toEqual(['basic@2', 'landmark@1']);
    const mlp = BASIC_ZOO.find((e) => e.id === 'mlp-medium')!;
    const withModel = await featurizeTask(irisTask(), [defaultBasicFeaturizer, modelFeaturizer], { seed: 0, model: mlp });
    expect(withModel.skipped).toEqual([]);
    // 4·64+64 + 64·64+64 + 64·3+3 = 4675
    expect(withModel.features['model.log10_params']).toBeCloseTo(Math.log10(4675), 12);
    expect(withModel.features['basic.rows']).toBe(150);
  });

  it('the output schema lists exactly the prefixed names', () => {
    expect(featurizerOutputSchema(fake({}))).toMatchObject({ required: ['fake.a', 'fake.b'], additionalProperties: false });
  });

  it('sampleIndices: k distinct sorted rows, deterministic per seed, all rows when k >= n', () => {
    const a = sampleIndices(100, 10, 42);
    expect(a).toEqual(sampleIndices(100, 10, 42));
    expect(new Set(a).size).toBe(10);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(sampleIndices(5, 9, 1)).toEqual([0, 1, 2, 3, 4]);
    expect(sampleIndices(100, 10, 43)).not.toEqual(a);
  });
});

describe('featurizer plugin manifests match their modules', () => {
  it.each([
    ['featurizer-basic', basicPlugin, ['basic']],
    ['featurizer-landmark', landmarkPlugin, ['landmark']],
    ['featurizer-probe', probePlugin, ['probe']],
    ['featurizer-model', modelPlugin, ['model']],
  ] as Array<[string, ContainerModule, string[]]>)('%s', (dir, module, ids) => {
    const manifestFile = fileURLToPath(new URL(`../../../plugins/${dir}/plugin.json`, import.meta.url));
    const loaded = loadPlugin({ manifest: readManifest(manifestFile), module, origin: 'test', manifestFile });
    expect((loaded.contributions.featurizers as Featurizer[]).map((f) => f.id)).toEqual(ids);
  });
});
