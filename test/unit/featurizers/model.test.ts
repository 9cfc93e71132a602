/**
 * `model` features of zoo entries, with parameter counts worked out by hand.
 */
import { BASIC_ZOO } from '../../../plugins/zoo-basic/index.js';
import { modelFeaturizer } from '../../../plugins/featurizer-model/model-featurizer.js';
import { checkFeaturizerOutput } from '../../../src/tasks/featurize.js';
import { makeTask } from './make-task.js';

const zoo = (id: string) => BASIC_ZOO.find((e) => e.id === id)!;
const cls = (units: number) => ({ kind: 'classification', units }) as const;

describe('model featurizer (hand-counted parameters)', () => {
  it.each([
    // id, input, classes, params, depth, dropout, batch norm, conv
    ['linear', [4], 3, 4 * 3 + 3, 1, 0, 0, 0], // 15
    ['mlp-small', [4], 3, 4 * 32 + 32 + 32 * 3 + 3, 2, 0, 0, 0], // 259
    // dense 4·64 (no bias: batch norm's β replaces it) + BN 4·64 (γ, β, moving mean, moving variance), twice, + 64·3+3
    ['mlp-batchnorm', [4], 3, 256 + 256 + 4096 + 256 + 195, 3, 0, 1, 0], // 5059
    ['mlp-dropout', [64], 10, 64 * 128 + 128 + 128 * 128 + 128 + 128 * 10 + 10, 3, 1, 0, 0], // 26122
    ['mlp-deep', [4], 3, 4 * 64 + 64 + 3 * (64 * 64 + 64) + 64 * 3 + 3, 5, 0, 0, 0], // 12995
    // conv 3·3·1·16+16 = 160, conv 3·3·16·32+32 = 4640, pool 8→4: flatten 4·4·32 = 512 → 512·10+10 = 5130
    ['cnn-small', [8, 8, 1], 10, 160 + 4640 + 5130, 3, 0, 0, 1], // 9930
  ] as const)('%s on %j → %d classes', (id, shape, k, params, depth, dropout, bn, conv) => {
    const f = modelFeaturizer.featurizeModel(zoo(id), { shape }, cls(k));
    expect(checkFeaturizerOutput(modelFeaturizer, f)).toEqual(f);
    expect(f['model.log10_params']).toBeCloseTo(Math.log10(params), 12);
    expect(f['model.depth']).toBe(depth);
    expect(f['model.has_dropout']).toBe(dropout);
    expect(f['model.has_batch_norm']).toBe(bn);
    expect(f['model.is_convolutional']).toBe(conv);
  });

  it('featurize(task) describes ctx.model for the task; without a model it is MODEL_REQUIRED', async () => {
    const task = makeTask({ kind: 'regression', train: [[1, 2], [3, 4]], trainY: [0, 1] });
    const f = await modelFeaturizer.featurize(task, { seed: 0, model: zoo('mlp-small') } as never);
    expect(f['model.log10_params']).toBeCloseTo(Math.log10(2 * 32 + 32 + 32 + 1), 12); // 129
    await expect(modelFeaturizer.featurize(task, { seed: 0 })).rejects.toMatchObject({ code: 'MODEL_REQUIRED' });
  });
});
