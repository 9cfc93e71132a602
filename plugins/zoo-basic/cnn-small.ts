/**
 * `cnn-small`: conv 3×3×16 → max-pool 2 → conv 3×3×32 → flatten → dense, for image-shaped inputs
 * [h, w, c] (digits 8×8×1, MNIST 28×28×1). Tables are not accepted: a dense net suits them, and
 * guessing an image shape for 64 columns would be wrong for most tables. 'same' padding keeps the
 * spatial size until the single pool, so any h, w ≥ 2 works.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelInputSpec, ModelOutputSpec, ModelZooEntry } from '../../src/models/model-zoo.js';
import { checkOutput } from '../../src/models/compile.js';
import { isShape, layerSeed, requireAccepted, requireSeed } from './specs.js';
import { outputLayer } from './mlp.js';

const WHERE = 'model "cnn-small"';

export const cnnSmallEntry: ModelZooEntry = Object.freeze({
  id: 'cnn-small',
  description: 'small CNN: conv 3x3x16 relu, max-pool 2, conv 3x3x32 relu, flatten, dense; image inputs [h, w, c] only',
  accepts(input: ModelInputSpec): boolean {
    return isShape(input?.shape) && input.shape.length === 3 && input.shape[0]! >= 2 && input.shape[1]! >= 2;
  },
  build(input: ModelInputSpec, output: ModelOutputSpec, options: { readonly seed?: number } = {}): tf.LayersModel {
    requireAccepted(cnnSmallEntry, input, 'an image shape [h, w, c] with h, w >= 2');
    checkOutput(output, WHERE);
    const seed = requireSeed(options.seed ?? 0, WHERE);
    const conv = (filters: number, i: number, first: boolean) =>
      tf.layers.conv2d({
        ...(first ? { inputShape: [...input.shape] } : {}),
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(seed, i) }),
        biasInitializer: 'zeros',
      });
    return tf.sequential({
      layers: [conv(16, 0, true), tf.layers.maxPooling2d({ poolSize: 2 }), conv(32, 1, false), tf.layers.flatten(), outputLayer(output, layerSeed(seed, 2))],
    });
  },
});
