/**
 * scikit-learn's iris: 150 flowers, 4 features (sepal length/width, petal length/width, cm), 3 classes.
 * File format (sklearn's): the header is "n_samples,n_features,class names…", then rows of
 * 4 features and an integer label.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { datasetPath } from './dataset-path.js';

export interface IrisRaw {
  /** n × 4 features, row-major. */
  readonly features: Float32Array;
  /** n labels 0..2. */
  readonly labels: Int32Array;
  readonly classNames: readonly string[];
  readonly n: number;
}

let cache: IrisRaw | undefined;

export function readIris(): IrisRaw {
  if (cache) return cache;
  const lines = readFileSync(datasetPath('iris.csv'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const [nText, fText, ...classNames] = lines[0]!.split(',');
  const n = Number(nText);
  const f = Number(fText);
  if (lines.length - 1 !== n || f !== 4) throw new Error(`iris.csv header says ${nText} rows × ${fText} features; found ${lines.length - 1} rows`);
  const features = new Float32Array(n * f);
  const labels = new Int32Array(n);
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(',').map(Number);
    features.set(cells.slice(0, f), i * f);
    labels[i] = cells[f]!;
  });
  cache = { features, labels, classNames, n };
  return cache;
}

export interface IrisTensors {
  /** Features standardised per column (zero mean, unit variance), [150, 4]. */
  x: tf.Tensor2D;
  /** One-hot labels [150, 3], float32. */
  y: tf.Tensor2D;
  /** Integer labels [150], int32. */
  labels: tf.Tensor1D;
}

/** Iris as tensors (rows in file order: sorted by class, so shuffle when fitting). The caller disposes them. */
export function irisTensors(): IrisTensors {
  const raw = readIris();
  return tf.tidy(() => {
    const x = tf.tensor2d(raw.features, [raw.n, 4]);
    const { mean, variance } = tf.moments(x, 0);
    const labels = tf.tensor1d(raw.labels, 'int32');
    return { x: x.sub(mean).div(variance.sqrt()) as tf.Tensor2D, y: tf.oneHot(labels, 3).toFloat() as tf.Tensor2D, labels };
  });
}
