/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships the forward `Conv2D` (XNNPACK) and
 * `Conv2DBackpropInput` but not this kernel, so every conv layer failed to train on wasm.
 *
 * With stride s, dilation d and the input padded as the forward pass saw it (xp):
 *   dW[a,b,ci,co] = Σ_{n,i,j} xp[n, i·s_h + a·d_h, j·s_w + b·d_w, ci] · dy[n,i,j,co]
 * which is itself a convolution: batch = ci, channels = n, filter = dy laid out [Ho,Wo,n,co],
 * stride d and dilation s (the roles swap). tfjs convolutions need stride or dilation to be 1; so
 * does the forward conv, so the swapped pair always satisfies it.
 */
import * as tf from '@tensorflow/tfjs';
import { asTensor, padToReceptiveField, pair } from './util.js';

type Padding = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

export interface ConvFilterGradArgs {
  /** Input of the forward conv, NHWC. */
  x: tf.Tensor4D;
  /** Gradient of the forward conv's output, NHWC. */
  dy: tf.Tensor4D;
  filterShape: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: Padding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** dW of a (non-depthwise) NHWC conv2d, computed with one forward conv2d. */
export function conv2dFilterGrad(args: ConvFilterGradArgs): tf.Tensor4D {
  const { x, dy, filterShape, strides, dilations, pad, dimRoundingMode } = args;
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, dilations, pad, dimRoundingMode);
  const outSize: [number, number] = [dy.shape[1], dy.shape[2]];
  const xp = padToReceptiveField(x, info.padInfo, outSize, strides, [info.effectiveFilterHeight, info.effectiveFilterWidth]);
  const xT = tf.transpose(xp, [3, 1, 2, 0]); // [ci, Hp, Wp, n]
  const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, n, co]
  const g = tf.conv2d(xT, dyT, dilations, 'valid', 'NHWC', strides); // [ci, fh, fw, co]
  return tf.transpose(g, [1, 2, 0, 3]);
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] };
    return tf.tidy(() => {
      let x = asTensor<tf.Tensor4D>(inputs.x, backend);
      let dy = asTensor<tf.Tensor4D>(inputs.dy, backend);
      if (a.dataFormat === 'NCHW') {
        x = tf.transpose(x, [0, 2, 3, 1]);
        dy = tf.transpose(dy, [0, 2, 3, 1]);
      }
      // tfjs' Conv2D gradient refuses dilations > 1 today; honour the attribute if a caller passes it.
      return conv2dFilterGrad({
        x,
        dy,
        filterShape: a.filterShape,
        strides: pair(a.strides),
        dilations: pair(a.dilations),
        pad: a.pad,
        dimRoundingMode: a.dimRoundingMode,
      });
    });
  },
};
