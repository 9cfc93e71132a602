/**
 * A fitted model on disk: `model.json` (tfjs Layers format: topology + weights manifest),
 * `weights.bin`, `preprocess.json` (src/fit/preprocess.ts) and `fit.json` (what fit chose and
 * measured). Written through a tfjs IOHandler of our own, so no `file://` handler (tfjs-node) is
 * needed; `tf.loadLayersModel('file://…')` of tfjs-node reads the same files.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { parsePreprocessSpec, type PreprocessSpec } from './preprocess.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const PREPROCESS_FILE = 'preprocess.json';
export const SUMMARY_FILE = 'fit.json';

/** Saves `model` and its preprocessing into `dir` (created if needed). Returns the files written. */
export async function saveFitted(dir: string, model: tf.LayersModel, preprocess: PreprocessSpec): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      const bytes = weightData === undefined ? new Uint8Array(0) : new Uint8Array(Array.isArray(weightData) ? await new Blob(weightData).arrayBuffer() : weightData);
      writeFileSync(join(dir, WEIGHTS_FILE), bytes);
      const modelJson = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, MODEL_FILE), `${JSON.stringify(modelJson)}\n`);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.byteLength } };
    }),
  );
  writeFileSync(join(dir, PREPROCESS_FILE), `${JSON.stringify(preprocess, null, 2)}\n`);
  return [MODEL_FILE, WEIGHTS_FILE, PREPROCESS_FILE].map((f) => join(dir, f));
}

/** fit.json: what fit chose and measured, next to the model. */
export function writeSummary(dir: string, summary: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
}

export interface LoadedFitted {
  readonly model: tf.LayersModel;
  readonly preprocess: PreprocessSpec;
  readonly summary: Record<string, unknown> | undefined;
}

/** Loads a folder written by `saveFitted`; the preprocess version is checked before the weights are read. */
export async function loadFitted(dir: string): Promise<LoadedFitted> {
  const needed = [MODEL_FILE, WEIGHTS_FILE, PREPROCESS_FILE];
  const missing = needed.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new NotFoundError(
      'NOT_A_MODEL_DIR',
      `${dir}: missing ${missing.join(', ')}. Fix: point --model at a folder written by \`metatune fit --out <dir>\` (it holds ${needed.join(', ')}).`,
      { dir, missing },
    );
  }
  const preprocessFile = join(dir, PREPROCESS_FILE);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(preprocessFile, 'utf8'));
  } catch (err) {
    throw new ValidationError('NOT_A_MODEL_DIR', `${preprocessFile}: not valid JSON (${(err as Error).message}). Fix: retrain with \`metatune fit --out <dir>\`.`, { file: preprocessFile });
  }
  const preprocess = parsePreprocessSpec(doc, preprocessFile);
  const modelJson = JSON.parse(readFileSync(join(dir, MODEL_FILE), 'utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
  };
  const weights = readFileSync(join(dir, WEIGHTS_FILE));
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights), weightData }),
  );
  const summaryFile = join(dir, SUMMARY_FILE);
  const summary = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, 'utf8')) as Record<string, unknown>) : undefined;
  return { model, preprocess, summary };
}

/** Model outputs for encoded rows `x` (n × inputSize), reshaped to the model's input shape. */
export function predictRows(model: tf.LayersModel, x: Float32Array, n: number): Float32Array {
  const inputShape = (model.inputs[0]!.shape as Array<number | null>).slice(1) as number[];
  return tf.tidy(() => {
    const out = model.predict(tf.tensor(x, [n, ...inputShape])) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}
