/**
 * `model`: model-aware features of a zoo entry for a task's input and output (the number of
 * weights depends on both). Unlike the task featurizers, it needs a model: `featurizeModel(entry,
 * input, output)` is its real entry point; `featurize(task, ctx)` reads the entry from `ctx.model`
 * (see `FeaturizeTaskContext`) and throws `MODEL_REQUIRED` without one, because there is no
 * model-independent number it could honestly return. `featurizeTask` skips it when no model is given.
 */
import { ValidationError } from '../../src/core/errors.js';
import type { ModelInputSpec, ModelOutputSpec, ModelZooEntry } from '../../src/models/model-zoo.js';
import type { FeaturizeContext } from '../../src/tasks/featurizer.js';
import { outputSpecOf, type FeaturizeTaskContext, type ModelFeaturizer } from '../../src/tasks/featurize.js';
import type { LoadedTask } from '../../src/tasks/task.js';
import { describeModel } from './describe-model.js';

export const MODEL_FEATURES = {
  log10_params: 'log10 of the number of weights for this input/output',
  depth: 'layers with a kernel (dense, conv, recurrent, embedding)',
  has_dropout: '1 if any dropout layer',
  has_batch_norm: '1 if any batch-normalisation layer',
  is_convolutional: '1 if any convolution layer',
} as const;

function featurizeModel(entry: ModelZooEntry, input: ModelInputSpec, output: ModelOutputSpec): Record<string, number> {
  // Built only to be read: seed 0, disposed at once (a few ms for zoo-sized models).
  const model = entry.build(input, output, { seed: 0 });
  try {
    const d = describeModel(model);
    return {
      'model.log10_params': Math.log10(Math.max(1, d.params)),
      'model.depth': d.depth,
      'model.has_dropout': d.hasDropout ? 1 : 0,
      'model.has_batch_norm': d.hasBatchNorm ? 1 : 0,
      'model.is_convolutional': d.isConvolutional ? 1 : 0,
    };
  } finally {
    model.dispose();
  }
}

export const modelFeaturizer: ModelFeaturizer = Object.freeze({
  id: 'model',
  version: 1,
  modelAware: true as const,
  description: 'Model-aware features of a zoo entry for the task input: log10 parameters, depth, dropout, batch norm, convolution',
  featureNames: Object.freeze(Object.keys(MODEL_FEATURES)),
  featurizeModel,
  async featurize(task: LoadedTask, ctx: FeaturizeContext): Promise<Record<string, number>> {
    const entry = (ctx as FeaturizeTaskContext).model;
    if (!entry) {
      throw new ValidationError(
        'MODEL_REQUIRED',
        'The "model" featurizer describes a model, and none was given. Pass `model: <zoo entry>` in the featurize context, or call featurizeModel(entry, input, output).',
        { featurizer: 'model' },
      );
    }
    return featurizeModel(entry, { shape: task.inputShape }, outputSpecOf(task));
  },
});

