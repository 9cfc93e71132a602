/**
 * `compileFor`: the loss that matches a zoo model's output layer, so sweeps never pair a softmax
 * with MSE by accident. Zoo classifiers always end in a softmax over `units` classes.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelOutputSpec } from './model-zoo.js';
import { requireInteger, requireOneOf } from '../core/validation.js';

/** Validates an output spec before any layer is made: a known kind, and enough units for it. */
export function checkOutput(output: ModelOutputSpec, where: string): void {
  requireOneOf('output.kind', output?.kind, ['classification', 'regression'], where);
  requireInteger('output.units', output.units, output.kind === 'classification' ? 2 : 1, where);
}

export interface CompileForArgs {
  /**
   * Classification labels: 'one-hot' rows of `units` (categoricalCrossentropy) or 'sparse' class
   * indices shaped [n] or [n, 1] (sparseCategoricalCrossentropy). Defaults to 'one-hot'.
   */
  labels?: 'one-hot' | 'sparse';
  /** Metrics; 'accuracy' for classification maps to the matching accuracy. Defaults to ['accuracy'] for classification, [] for regression. */
  metrics?: string[];
}

/** Compiles `model` in place with the loss its output needs and returns it. */
export function compileFor<M extends tf.LayersModel>(model: M, output: ModelOutputSpec, optimizer: tf.Optimizer | string, args: CompileForArgs = {}): M {
  checkOutput(output, 'compileFor');
  const labels = requireOneOf('labels', args.labels ?? 'one-hot', ['one-hot', 'sparse'], 'compileFor');
  const classification = output.kind === 'classification';
  const loss = classification ? (labels === 'sparse' ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy') : 'meanSquaredError';
  model.compile({ optimizer, loss, metrics: args.metrics ?? (classification ? ['accuracy'] : []) });
  return model;
}
