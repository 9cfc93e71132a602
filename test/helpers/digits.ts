/**
 * scikit-learn's digits (UCI optdigits test set): 1797 8×8 grey images, pixel values 0..16, classes
 * 0..9. File: gzip CSV without header, 65 columns per row (64 pixels in row-major order, then label).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { datasetPath } from './dataset-path.js';

export interface DigitsRaw {
  /** n × 64 pixel values 0..16, row-major. */
  readonly pixels: Float32Array;
  /** n labels 0..9. */
  readonly labels: Int32Array;
  readonly n: number;
}

let cache: DigitsRaw | undefined;

/** Parses the CSV once per module registry (each jest test file has its own). */
export function readDigits(): DigitsRaw {
  if (cache) return cache;
  const text = gunzipSync(new Uint8Array(readFileSync(datasetPath('digits.csv.gz')))).toString('utf8');
  const rows = text.split('\n').filter((line) => line.trim() !== '');
  const pixels = new Float32Array(rows.length * 64);
  const labels = new Int32Array(rows.length);
  rows.forEach((line, i) => {
    const cells = line.split(',').map(Number);
    if (cells.length !== 65 || cells.some((v) => !Number.isFinite(v))) throw new Error(`digits.csv.gz row ${i + 1} is malformed`);
    pixels.set(cells.slice(0, 64), i * 64);
    labels[i] = cells[64]!;
  });
  cache = { pixels, labels, n: rows.length };
  return cache;
}

export interface DigitsTensorsArgs {
  /** Use only the first `limit` rows. Defaults to all 1797. */
  limit?: number;
  /** 'flat' gives x [n, 64]; 'image' gives x [n, 8, 8, 1] (NHWC). Defaults to 'flat'. */
  layout?: 'flat' | 'image';
}

export interface DigitsTensors {
  /** Pixels scaled to [0, 1]. */
  x: tf.Tensor;
  /** One-hot labels [n, 10], float32 (for categoricalCrossentropy). */
  y: tf.Tensor2D;
  /** Integer labels [n], int32. */
  labels: tf.Tensor1D;
}

/** Digits as tensors on the current backend. The caller disposes them. */
export function digitsTensors(args: DigitsTensorsArgs = {}): DigitsTensors {
  const raw = readDigits();
  const n = Math.min(args.limit ?? raw.n, raw.n);
  const pixels = raw.pixels.slice(0, n * 64).map((v) => v / 16);
  const labelArr = raw.labels.slice(0, n);
  const shape = args.layout === 'image' ? [n, 8, 8, 1] : [n, 64];
  const labels = tf.tensor1d(labelArr, 'int32');
  return { x: tf.tensor(pixels, shape, 'float32'), y: tf.oneHot(labels, 10).toFloat() as tf.Tensor2D, labels };
}
