/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend (missing there).
 *
 * The transposed depthwise conv: spread dy by the stride (zeros between values), pad it by the
 * filter reach minus the forward padding, then a stride-1 depthwise conv (dilation d) with the
 * filter rotated 180°, one output channel per (c, m), and sum over m:
 *   dx[n,h,w,c] = Σ_{a,b,m} dyd[n, h - pb + a·d_h, w - pl + b·d_w, c·M+m] · W[fh-1-a, fw-1-b, c, m]
 */
import * as tf from '@tensorflow/tfjs';
import { asTensor, dilateSpatial, padOrCrop, pair } from './util.js';

export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
    return tf.tidy(() => {
      const dy = asTensor<tf.Tensor4D>(inputs.dy, backend);
      const filter = asTensor<tf.Tensor4D>(inputs.filter, backend);
      const strides = pair(a.strides);
      const dilations = pair(a.dilations);
      const [n, h, w, c] = a.inputShape;
      const [fh, fw, , m] = filter.shape;
      const info = tf.backend_util.computeConv2DInfo(
        a.inputShape, filter.shape, strides, dilations, a.pad, a.dimRoundingMode, true);
      const effH = info.effectiveFilterHeight;
      const effW = info.effectiveFilterWidth;
      const dyd = dilateSpatial(dy, strides);
      const [, hd, wd] = dyd.shape;
      // Before: filter reach minus forward padding; after: whatever makes the output exactly h × w.
      const pt = effH - 1 - info.padInfo.top;
      const pl = effW - 1 - info.padInfo.left;
      let padded = padOrCrop(dyd, 1, pt, h + effH - 1 - pt - hd);
      padded = padOrCrop(padded, 2, pl, w + effW - 1 - pl - wd);
      const rotated = tf.reverse(filter, [0, 1]);
      const perChannel = tf.reshape<tf.Rank.R4>(rotated, [fh, fw, c * m, 1]);
      const g = tf.depthwiseConv2d(padded, perChannel, 1, 'valid', 'NHWC', dilations); // [n,h,w,c·M]
      return tf.sum(tf.reshape(g, [n, h, w, c, m]), 4);
    });
  },
};
