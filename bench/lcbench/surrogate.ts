/**
 * The LCBench surrogate of YAHPO Gym (data/lcbench/model.onnx, Apache-2.0) run in Node with
 * onnxruntime-node: given an OpenML task and an MLP configuration (SGD with momentum and cosine
 * annealing, as LCBench trained them), it predicts that configuration's validation accuracy and
 * cross-entropy after any epoch 1…52, and the run time so far.
 *
 * Inputs (from the fixture's notes): `x_cat` int32 [n, 1] = encoding.json's code of the task id;
 * `x_cont` float32 [n, 8] = raw epoch, batch_size, learning_rate, momentum, weight_decay,
 * num_layers, max_units, max_dropout. Output float32 [n, 6] in the order of `SURROGATE_OUTPUTS`.
 *
 * onnxruntime-node is a dev dependency (the benchmark is not part of the published library): it is
 * imported lazily, so a missing install is an EnvironmentError that says how to get it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError, ValidationError } from '../../src/core/errors.js';

/** One LCBench configuration (the 7 hyperparameters of its search space). */
export interface LcbenchConfig {
  readonly batchSize: number;
  readonly learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly numLayers: number;
  readonly maxUnits: number;
  readonly maxDropout: number;
}

export const SURROGATE_OUTPUTS = ['time', 'val_accuracy', 'val_cross_entropy', 'val_balanced_accuracy', 'test_cross_entropy', 'test_balanced_accuracy'] as const;
export type SurrogateOutput = (typeof SURROGATE_OUTPUTS)[number];
export const OUT = Object.fromEntries(SURROGATE_OUTPUTS.map((k, i) => [k, i])) as Record<SurrogateOutput, number>;

/** LCBench's epochs run 1…52 in the surrogate's space; 52 is the "full run". */
export const FIRST_EPOCH = 1;
export const LAST_EPOCH = 52;

/** Rows per onnxruntime call: bounds memory (a row is 8 floats in, 6 out). */
const CHUNK = 32_768;

/** The repository's data/lcbench folder (works from bench/lcbench and from dist/bench/lcbench). */
export function defaultSurrogateDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'data', 'lcbench');
    try {
      readFileSync(join(candidate, 'encoding.json'));
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  return resolve('data', 'lcbench');
}

export interface SurrogateRow {
  readonly task: string;
  readonly epoch: number;
  readonly config: LcbenchConfig;
}

interface OrtLike {
  InferenceSession: { create(path: string, opts: object): Promise<OrtSession> };
  Tensor: new (type: string, data: Int32Array | Float32Array, dims: number[]) => unknown;
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>>;
  release(): Promise<void>;
}

export class LcbenchSurrogate {
  private constructor(
    private readonly ort: OrtLike,
    private readonly session: OrtSession,
    private readonly codes: ReadonlyMap<string, number>,
    /** The 34 OpenML task ids of LCBench, in config_space.json's order. */
    readonly tasks: readonly string[],
    readonly dir: string,
  ) {}

  /** Loads model.onnx, encoding.json and config_space.json from `dir` (default data/lcbench). One thread: CPU is shared. */
  static async load(dir: string = defaultSurrogateDir(), threads = 1): Promise<LcbenchSurrogate> {
    let ort: OrtLike;
    try {
      ort = (await import('onnxruntime-node')) as unknown as OrtLike;
    } catch (err) {
      throw new EnvironmentError(
        'ONNXRUNTIME_MISSING',
        `onnxruntime-node could not be loaded (${(err as Error).message}). Install the dev dependencies: run \`npm ci\` in the repository (the .npmrc skips its CUDA download).`,
        {},
        { cause: err },
      );
    }
    const read = (name: string) => {
      try {
        return readFileSync(join(dir, name), 'utf8');
      } catch (err) {
        throw new EnvironmentError('SURROGATE_MISSING', `${join(dir, name)} could not be read (${(err as Error).message}). The LCBench surrogate ships in data/lcbench/ of the repository: run from a checkout, or pass its folder.`, { dir });
      }
    };
    const encoding = JSON.parse(read('encoding.json')) as { OpenML_task_id: Record<string, number> };
    const space = JSON.parse(read('config_space.json')) as { hyperparameters: Array<{ name: string; choices?: string[] }> };
    const tasks = space.hyperparameters.find((h) => h.name === 'OpenML_task_id')?.choices ?? [];
    const codes = new Map<string, number>();
    for (const t of tasks) {
      const code = encoding.OpenML_task_id[t];
      if (code === undefined) throw new EnvironmentError('SURROGATE_CORRUPT', `Task ${t} of config_space.json has no code in encoding.json. Restore data/lcbench/ from the repository.`, { task: t });
      codes.set(t, code);
    }
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    return new LcbenchSurrogate(ort, session, codes, tasks, dir);
  }

  private code(task: string): number {
    const c = this.codes.get(task);
    if (c === undefined) throw new ValidationError('UNKNOWN_TASK', `LCBench has no task "${task}". Valid choices: ${this.tasks.join(', ')}.`, { task });
    return c;
  }

  /** Raw model call: `x_cat` codes and `x_cont` rows (8 floats each) → n × 6 outputs. */
  async runRaw(xCat: Int32Array, xCont: Float32Array): Promise<Float32Array> {
    const n = xCat.length;
    if (xCont.length !== n * 8) throw new ValidationError('INVALID_PARAMETER', `\`xCont\` must hold 8 values per row. Received: ${xCont.length} values for ${n} rows.`, {});
    const out = new Float32Array(n * 6);
    for (let start = 0; start < n; start += CHUNK) {
      const m = Math.min(CHUNK, n - start);
      const res = await this.session.run({
        x_cat: new this.ort.Tensor('int32', xCat.slice(start, start + m), [m, 1]),
        x_cont: new this.ort.Tensor('float32', xCont.slice(start * 8, (start + m) * 8), [m, 8]),
      });
      const o = Object.values(res)[0]!;
      out.set(o.data, start * 6);
    }
    return out;
  }

  /** Predicts every row; returns n × 6 floats (SURROGATE_OUTPUTS order per row). */
  async predict(rows: readonly SurrogateRow[]): Promise<Float32Array> {
    const xCat = new Int32Array(rows.length);
    const xCont = new Float32Array(rows.length * 8);
    rows.forEach((r, i) => {
      xCat[i] = this.code(r.task);
      const c = r.config;
      xCont.set([r.epoch, c.batchSize, c.learningRate, c.momentum, c.weightDecay, c.numLayers, c.maxUnits, c.maxDropout], i * 8);
    });
    return this.runRaw(xCat, xCont);
  }

  /**
   * Learning curves: for each config, epochs `from`…`to` (inclusive). Returns one Float32Array per
   * config of (to − from + 1) × 6 values.
   */
  async curves(task: string, configs: readonly LcbenchConfig[], from = FIRST_EPOCH, to = LAST_EPOCH): Promise<Float32Array[]> {
    const len = to - from + 1;
    const rows: SurrogateRow[] = [];
    for (const config of configs) for (let e = from; e <= to; e++) rows.push({ task, epoch: e, config });
    const out = await this.predict(rows);
    return configs.map((_, i) => out.slice(i * len * 6, (i + 1) * len * 6));
  }

  /** One output at one epoch (default: the last) for each config. */
  async at(task: string, configs: readonly LcbenchConfig[], output: SurrogateOutput, epoch = LAST_EPOCH): Promise<Float64Array> {
    const out = await this.predict(configs.map((config) => ({ task, epoch, config })));
    const k = OUT[output];
    return Float64Array.from(configs, (_, i) => out[i * 6 + k]!);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
