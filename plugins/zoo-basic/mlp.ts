/**
 * `mlpEntry(args)`: the factory behind every dense zoo entry (linear is an MLP with no hidden
 * layer). Inputs of any rank are accepted: images are flattened first, as a dense net sees them.
 * Kernels are glorot-uniform (tfjs' default) with per-layer seeds; biases, batch-norm γ/β start at
 * 1/0, so the whole initial state is a function of the seed.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelInputSpec, ModelOutputSpec, ModelZooEntry } from '../../src/models/model-zoo.js';
import { requireInRange, requireInteger } from '../../src/core/validation.js';
import { ValidationError } from '../../src/core/errors.js';
import { checkOutput } from '../../src/models/compile.js';
import { isShape, layerSeed, requireAccepted, requireSeed } from './specs.js';

export interface MlpEntryArgs {
  /** Entry id (kebab-case, unique in the zoo). */
  id: string;
  /** One line for `metatune models`. Defaults to a description built from the layers. */
  description?: string;
  /** Units of each hidden layer, in order; [] gives a linear / logistic model. Defaults to []. */
  hidden?: number[];
  /** Hidden activation. Defaults to 'relu'. */
  activation?: 'relu' | 'tanh' | 'elu' | 'sigmoid';
  /** Dropout rate after each hidden layer; 0 for none. Defaults to 0. */
  dropout?: number;
  /** Batch normalisation between each hidden dense layer and its activation. Defaults to false. */
  batchNorm?: boolean;
}

/** The dense output layer every zoo model ends with: softmax over classes, or linear outputs. */
export function outputLayer(output: ModelOutputSpec, seed: number, inputShape?: readonly number[]): tf.layers.Layer {
  return tf.layers.dense({
    ...(inputShape ? { inputShape: [...inputShape] } : {}),
    units: output.units,
    activation: output.kind === 'classification' ? 'softmax' : 'linear',
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: 'zeros',
  });
}

export function mlpEntry(args: MlpEntryArgs): ModelZooEntry {
  const where = `model "${args.id}"`;
  if (typeof args.id !== 'string' || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(args.id)) {
    throw new ValidationError('INVALID_PARAMETER', `\`id\` must be a kebab-case string. Received: id=${JSON.stringify(args.id)}.`, { argument: 'id' });
  }
  const hidden = (args.hidden ?? []).map((u, i) => requireInteger(`hidden[${i}]`, u, 1, where));
  const dropout = requireInRange('dropout', args.dropout ?? 0, 0, 1, where, { hi: true });
  const batchNorm = args.batchNorm ?? false;
  const activation = args.activation ?? 'relu';
  const description =
    args.description ??
    (hidden.length === 0
      ? 'linear model: one dense layer (logistic regression for classification)'
      : `MLP ${hidden.join('-')} ${activation}${batchNorm ? ' + batch norm' : ''}${dropout > 0 ? ` + dropout ${dropout}` : ''}`);

  const entry: ModelZooEntry = {
    id: args.id,
    description,
    accepts(input: ModelInputSpec): boolean {
      return isShape(input?.shape);
    },
    build(input: ModelInputSpec, output: ModelOutputSpec, options: { readonly seed?: number } = {}): tf.LayersModel {
      requireAccepted(entry, input, 'a shape of positive integers, e.g. [features] or [h, w, c]');
      checkOutput(output, where);
      const seed = requireSeed(options.seed ?? 0, where);
      const model = tf.sequential();
      const flat = input.shape.length > 1;
      if (flat) model.add(tf.layers.flatten({ inputShape: [...input.shape] }));
      hidden.forEach((units, i) => {
        model.add(
          tf.layers.dense({
            units,
            ...(i === 0 && !flat ? { inputShape: [...input.shape] } : {}),
            // Batch norm's β makes the dense bias redundant.
            useBias: !batchNorm,
            activation: batchNorm ? 'linear' : activation,
            kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(seed, i) }),
            biasInitializer: 'zeros',
          }),
        );
        if (batchNorm) {
          model.add(tf.layers.batchNormalization());
          model.add(tf.layers.activation({ activation }));
        }
        if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout, seed: layerSeed(seed, 1000 + i) }));
      });
      // The first layer carries the input shape; for the linear model that is the output layer.
      model.add(outputLayer(output, layerSeed(seed, hidden.length), hidden.length === 0 && !flat ? input.shape : undefined));
      return model;
    },
  };
  return Object.freeze(entry);
}
