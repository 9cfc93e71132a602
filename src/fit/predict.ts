/**
 * `predict`: a folder written by `fit --out` + a data file → predictions (and metrics when the file
 * has the target column). The rows go through the saved preprocess.json, so they are encoded
 * exactly as the training rows were.
 */
import { writeFileSync } from 'node:fs';
import Papa from 'papaparse';
import { resolve } from 'node:path';
import { resolveBackend, type BackendName } from '../tfjs/backend.js';
import { evaluateRows } from './fit.js';
import { argmaxRows, type FitMetrics } from './metrics.js';
import { loadFitted, predictRows } from './model-io.js';
import { applyPreprocess, readTable } from './preprocess.js';

export interface PredictArgs {
  /** Folder written by `metatune fit --out`. */
  readonly model: string;
  readonly data: string;
  /** CSV to write the predictions to. Defaults to none. */
  readonly out?: string;
  /** IDX only: the labels file, to report metrics. */
  readonly labels?: string;
  /** Backend preference. Defaults to the best available (node-gpu → node → wasm → cpu). */
  readonly backend?: BackendName | readonly BackendName[];
}

export interface PredictResult {
  readonly rows: number;
  readonly kind: 'classification' | 'regression';
  /** Classification: the class of each probability column. */
  readonly classes?: readonly string[];
  /** Class labels (classification) or values in the target's units (regression), one per row. */
  readonly predictions: ReadonlyArray<string | number>;
  /** Class probabilities, one row per input row (classification only). */
  readonly probabilities?: ReadonlyArray<readonly number[]>;
  /** When the file has the target column. */
  readonly metrics?: FitMetrics;
  readonly notes: readonly string[];
}

/** `prediction[,p_<class>…]` rows (probabilities to 6 significant digits), as `--out` and stdout print them. */
export function predictionsCsv(result: Pick<PredictResult, 'classes' | 'predictions' | 'probabilities'>): string {
  const header = result.classes ? ['prediction', ...result.classes.map((c) => `p_${c}`)] : ['prediction'];
  const rows = result.predictions.map((p, i) => [p, ...(result.probabilities?.[i]?.map((v) => Number(v.toPrecision(6))) ?? [])]);
  return `${Papa.unparse([header, ...rows], { newline: '\n' })}\n`;
}

export async function predictFile(args: PredictArgs): Promise<PredictResult> {
  await resolveBackend({ ...(args.backend !== undefined && { preferred: args.backend }), quiet: true });
  const { model, preprocess: spec } = await loadFitted(args.model);
  try {
    const raw = await readTable(resolve(args.data), { ...(spec.image ? { target: args.labels } : {}), label: args.data });
    const inputs = applyPreprocess(spec, raw);
    const out = predictRows(model, inputs.x, inputs.n);
    let predictions: Array<string | number>;
    let probabilities: number[][] | undefined;
    if (spec.kind === 'classification') {
      const k = spec.classNames!.length;
      predictions = Array.from(argmaxRows(out, k), (c) => spec.classNames![c]!);
      probabilities = Array.from({ length: inputs.n }, (_, i) => Array.from(out.subarray(i * k, i * k + k)));
    } else {
      const s = spec.targetScaling ?? { mean: 0, std: 1 };
      predictions = Array.from(out, (v) => v * s.std + s.mean);
    }
    const metrics = inputs.y ? evaluateRows(model, spec, inputs.x, inputs.y, inputs.n) : undefined;
    const result: PredictResult = { rows: inputs.n, kind: spec.kind, ...(spec.classNames && { classes: spec.classNames }), predictions, ...(probabilities && { probabilities }), ...(metrics && { metrics }), notes: inputs.notes };
    if (args.out) writeFileSync(args.out, predictionsCsv(result));
    return result;
  } finally {
    model.dispose();
  }
}
