/**
 * Gradient kernels the wasm backend of tfjs 4.22 lacks, built from kernels it has (see each file).
 * With them conv, depthwise-conv and embedding models train with `model.fit` on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-conv2d-backprop-input.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

export { conv2dFilterGrad } from './conv2d-backprop-filter.js';

/** The kernels metatune supplies for 'wasm', in registration order. */
export const WASM_GRADIENT_KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/**
 * Registers each kernel of {@link WASM_GRADIENT_KERNELS} that 'wasm' does not already have (a later
 * tfjs may ship its own; that one wins). Idempotent. Returns the names registered by this call.
 * Works before or after the wasm backend is initialised: tfjs looks kernels up per op.
 */
export function registerWasmGradientKernels(): string[] {
  const added: string[] = [];
  for (const config of WASM_GRADIENT_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') != null) continue;
    tf.registerKernel(config);
    added.push(config.kernelName);
  }
  return added;
}
