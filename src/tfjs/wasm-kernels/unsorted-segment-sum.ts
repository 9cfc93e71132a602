/**
 * `UnsortedSegmentSum` for the wasm backend: the gradient of `Gather`, so without it every
 * embedding layer failed to train on wasm. ScatterNd (which wasm has) adds duplicate indices, which
 * is exactly a segment sum. Ids outside [0, numSegments) are dropped, as TensorFlow and tfjs' cpu
 * backend do: they are routed to one extra scratch segment that is sliced off, so ScatterNd never
 * sees an out-of-range index.
 */
import * as tf from '@tensorflow/tfjs';
import { asTensor } from './util.js';

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    return tf.tidy(() => {
      const x = asTensor(inputs.x, backend);
      const ids = asTensor(inputs.segmentIds, backend);
      // segmentIds may cover the leading axes of x (TensorFlow semantics); flatten them to one.
      const rest = x.shape.slice(ids.rank);
      const k = ids.size;
      if (k === 0) return tf.zeros([numSegments, ...rest], x.dtype);
      const flatIds = tf.reshape(ids, [k]);
      const valid = tf.logicalAnd(tf.greaterEqual(flatIds, 0), tf.less(flatIds, numSegments));
      const safeIds = tf.where(valid, flatIds, tf.fill([k], numSegments, 'int32'));
      const summed = tf.scatterND(tf.reshape(safeIds, [k, 1]), tf.reshape(x, [k, ...rest]), [numSegments + 1, ...rest]);
      return tf.slice(summed, 0, numSegments);
    });
  },
};
