/**
 * Helpers shared by the wasm gradient kernels. The kernels are written with ordinary tf ops: inside a
 * kernel the engine's tape is off (kernelDepth > 0), so the ops dispatch to the wasm backend's own
 * kernels (XNNPACK convolutions, ScatterNd, …) without being recorded, and `tf.tidy` frees every
 * intermediate. The returned Tensor is accepted by the engine as the kernel's TensorInfo.
 */
import * as tf from '@tensorflow/tfjs';

/** The part of a KernelBackend the wrappers need (wasm and cpu both have it). */
interface RefCounted {
  incRef(dataId: tf.DataId): void;
}

/**
 * A kernel input as a Tensor, for use inside `tf.tidy`. The engine does not count a second Tensor
 * on an existing dataId, so disposing a bare wrapper would free the caller's input (and tfjs then
 * recurses forever looking for it). Taking a backend reference first makes the tidy's dispose
 * release only that reference.
 */
export function asTensor<T extends tf.Tensor = tf.Tensor>(info: tf.TensorInfo | undefined, backend: unknown): T {
  // The engine always passes the inputs a kernel declares; a missing one is a tfjs contract change.
  if (info == null) throw new Error('metatune wasm kernel: a required input tensor is missing');
  (backend as RefCounted).incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info) as T;
}

/** Normalises a `number | [number, number]` attribute (strides, dilations) to a pair. */
export function pair(value: number | readonly number[] | undefined, fallback = 1): [number, number] {
  if (value == null) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  return [value[0], value[1]];
}

/**
 * Pads (positive amounts) or crops (negative amounts) `x` along one axis. The gradient formulas
 * need exact sizes, and an explicit padding larger than the filter reach gives negative amounts.
 */
export function padOrCrop<T extends tf.Tensor>(x: T, axis: number, before: number, after: number): T {
  let y: tf.Tensor = x;
  if (before < 0 || after < 0) {
    const begin = y.shape.map(() => 0);
    const size = y.shape.map(() => -1);
    begin[axis] = Math.max(0, -before);
    size[axis] = y.shape[axis] - Math.max(0, -before) - Math.max(0, -after);
    y = tf.slice(y, begin, size);
  }
  if (before > 0 || after > 0) {
    const paddings = y.shape.map((): [number, number] => [0, 0]);
    paddings[axis] = [Math.max(0, before), Math.max(0, after)];
    y = tf.pad(y, paddings);
  }
  return y as T;
}

/**
 * Inserts `stride - 1` zeros between the rows (axis 1) and columns (axis 2) of an NHWC tensor: the
 * "fractionally strided" view of an output gradient used by transposed convolutions.
 */
export function dilateSpatial(x: tf.Tensor4D, strides: [number, number]): tf.Tensor4D {
  const [sh, sw] = strides;
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  // [n, h, 1, w, 1, c] padded to [n, h, sh, w, sw, c]: each value followed by zeros.
  const spread = tf.pad(tf.reshape(x, [n, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  const flat = tf.reshape<tf.Rank.R4>(spread, [n, h * sh, w * sw, c]);
  return tf.slice(flat, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/**
 * Pads or crops the spatial axes of an NHWC input so that it holds exactly the rows and columns the
 * forward convolution read: `top` zeros first, then as many rows as `(outH-1)*strideH + effFilterH`.
 * With `dimRoundingMode: 'ceil'` the forward pass may read past the padded input (zeros), so the
 * trailing amount is computed from the output size rather than taken from `padInfo.bottom`.
 */
export function padToReceptiveField(
  x: tf.Tensor4D,
  padInfo: { top: number; left: number },
  outSize: [number, number],
  strides: [number, number],
  effFilter: [number, number],
): tf.Tensor4D {
  const [, h, w] = x.shape;
  const needH = (outSize[0] - 1) * strides[0] + effFilter[0];
  const needW = (outSize[1] - 1) * strides[1] + effFilter[1];
  const rows = padOrCrop(x, 1, padInfo.top, needH - h - padInfo.top);
  return padOrCrop(rows, 2, padInfo.left, needW - w - padInfo.left);
}
