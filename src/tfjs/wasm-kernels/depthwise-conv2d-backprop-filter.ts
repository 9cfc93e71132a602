/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend (missing there; depthwise and
 * separable conv layers could not train on wasm).
 *
 *   dW[a,b,c,m] = Σ_{n,i,j} xp[n, i·s_h + a·d_h, j·s_w + b·d_w, c] · dy[n,i,j,c·M+m]
 *
 * One depthwise conv computes it: the input becomes a single image with n·c channels, the
 * filter is dy laid out [Ho,Wo,n·c,M], stride d and dilation s swap roles (as for conv2d), and the
 * n axis is summed at the end.
 */
import * as tf from '@tensorflow/tfjs';
import { asTensor, padToReceptiveField, pair } from './util.js';

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
    return tf.tidy(() => {
      const x = asTensor<tf.Tensor4D>(inputs.x, backend);
      const dy = asTensor<tf.Tensor4D>(inputs.dy, backend);
      const strides = pair(a.strides);
      const dilations = pair(a.dilations);
      const [fh, fw, c, m] = a.filterShape;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape, a.filterShape, strides, dilations, a.pad, a.dimRoundingMode, true);
      const [n] = x.shape;
      const [, ho, wo] = dy.shape;
      const xp = padToReceptiveField(x, info.padInfo, [ho, wo], strides, [info.effectiveFilterHeight, info.effectiveFilterWidth]);
      const [, hp, wp] = xp.shape;
      const xImage = tf.reshape<tf.Rank.R4>(tf.transpose(xp, [1, 2, 0, 3]), [1, hp, wp, n * c]); // channel k = n·C + c
      const dyFilter = tf.reshape<tf.Rank.R4>(tf.transpose(dy, [1, 2, 0, 3]), [ho, wo, n * c, m]); // [Ho,Wo,n·C+c,m]
      const g = tf.depthwiseConv2d(xImage, dyFilter, dilations, 'valid', 'NHWC', strides); // [1,fh,fw,n·C·M]
      return tf.sum(tf.reshape(g, [fh, fw, n, c, m]), 2);
    });
  },
};
