/**
 * Structural facts about a tfjs layers model, read from its layers (not from a zoo id), so the
 * same numbers come out for a user's own model and for third-party zoo entries.
 */
import type * as tf from '@tensorflow/tfjs';

export interface ModelDescription {
  /** Total weights, trainable or not (`model.countParams()`). */
  readonly params: number;
  /** Layers with a kernel or embedding matrix (dense, conv, recurrent, embedding); batch norm, pooling, dropout do not count. */
  readonly depth: number;
  readonly hasDropout: boolean;
  readonly hasBatchNorm: boolean;
  /** Any convolution layer (Conv1D/2D/3D, depthwise, separable, transposed). */
  readonly isConvolutional: boolean;
}

type AnyLayer = { getClassName(): string; weights: Array<{ originalName?: string; name: string }>; layers?: AnyLayer[] };

/** Flattens nested models (a Sequential inside a functional model) into their leaf layers. */
function leafLayers(layers: readonly AnyLayer[]): AnyLayer[] {
  return layers.flatMap((l) => (Array.isArray(l.layers) ? leafLayers(l.layers) : [l]));
}

export function describeModel(model: tf.LayersModel): ModelDescription {
  const layers = leafLayers(model.layers as unknown as AnyLayer[]);
  const cls = layers.map((l) => l.getClassName());
  return {
    params: model.countParams(),
    depth: layers.filter((l) => l.weights.some((w) => /(^|\/)(kernel|embeddings|depthwise_kernel)/.test(w.originalName ?? w.name))).length,
    hasDropout: cls.some((c) => /Dropout/.test(c)),
    hasBatchNorm: cls.some((c) => /BatchNormalization/.test(c)),
    isConvolutional: cls.some((c) => /Conv/.test(c)),
  };
}
