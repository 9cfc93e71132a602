/**
 * Training throughput (samples/s of `model.fit`) of an MLP 64-128-128-10 and a small CNN on 8×8×1
 * digits, on every backend that resolves here (cpu, wasm; node and node-gpu when installed), as one
 * table with ratios against cpu. The CNN on wasm relies on metatune's wasm gradient kernels.
 *
 * Run: `npm run build && node dist/bench/backend-throughput.js [--batch 32] [--epochs 1]
 *       [--repeats 3] [--backends cpu,wasm,node]`
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { resolveBackend, type BackendInfo, type BackendName } from '../src/tfjs/backend.js';
import { loadDigits, type DigitsArrays } from './lib/digits.js';
import { describeMachine, machineLine } from './lib/machine.js';
import { measure, perSecond } from './lib/timing.js';
import { formatNumber, formatRatio, formatSpread, printTable } from './lib/table.js';

export type BenchModel = 'mlp' | 'cnn';

export interface BackendThroughputArgs {
  /** Backends to try, in order; unavailable ones are listed with the reason. Defaults to cpu, wasm, node, node-gpu. */
  backends?: BackendName[];
  /** Models to time. Defaults to both. */
  models?: BenchModel[];
  /** Batch size. Defaults to 32. */
  batchSize?: number;
  /** Epochs (over all 1797 digits) per timed run. Defaults to 1. */
  epochs?: number;
  /** Timed runs per cell (median reported). Defaults to 3. */
  repeats?: number;
  /** Output sink. Defaults to console.log. */
  write?: (text: string) => void;
}

export interface ThroughputRow {
  readonly model: BenchModel;
  readonly backend: BackendName;
  readonly samplesPerSec: number;
  readonly msPerEpoch: number;
  readonly relSpread: number;
}

function buildModel(kind: BenchModel): tf.Sequential {
  if (kind === 'mlp') {
    return tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [64], units: 128, activation: 'relu' }),
        tf.layers.dense({ units: 128, activation: 'relu' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
  }
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

async function timeFit(kind: BenchModel, data: DigitsArrays, args: Required<Omit<BackendThroughputArgs, 'write' | 'backends' | 'models'>>) {
  const x = tf.tensor(data.x, kind === 'mlp' ? [data.n, 64] : [data.n, 8, 8, 1]);
  const y = tf.tensor2d(data.y, [data.n, 10]);
  const model = buildModel(kind);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  try {
    const m = await measure(() => model.fit(x, y, { epochs: args.epochs, batchSize: args.batchSize, verbose: 0 }), {
      warmup: 1,
      repeats: args.repeats,
    });
    return { samplesPerSec: perSecond(data.n * args.epochs, m.medianMs), msPerEpoch: m.medianMs / args.epochs, relSpread: m.relSpread };
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
}

export async function runBackendThroughput(args: BackendThroughputArgs = {}): Promise<ThroughputRow[]> {
  const write = args.write ?? console.log;
  const opts = { batchSize: args.batchSize ?? 32, epochs: args.epochs ?? 1, repeats: args.repeats ?? 3 };
  const backends = args.backends ?? ['cpu', 'wasm', 'node', 'node-gpu'];
  const models = args.models ?? ['mlp', 'cnn'];
  const data = loadDigits();

  const infos = new Map<BackendName, BackendInfo>();
  const unavailable: string[] = [];
  const rows: ThroughputRow[] = [];
  for (const backend of backends) {
    try {
      infos.set(backend, await resolveBackend({ preferred: backend, quiet: true }));
    } catch (err) {
      const tried = (err as { details?: { tried?: Array<{ name: string; reason?: string }> } }).details?.tried;
      unavailable.push(tried ? tried.map((t) => `${t.name} (${t.reason})`).join(', ') : `${backend} (${(err as Error).message})`);
      continue;
    }
    for (const model of models) {
      rows.push({ model, backend, ...(await timeFit(model, data, opts)) });
    }
  }

  const wasm = infos.get('wasm');
  write(`Backend throughput: model.fit samples/s on digits (n=${data.n}), batch ${opts.batchSize}, median of ${opts.repeats} runs of ${opts.epochs} epoch(s)`);
  write(`${machineLine(describeMachine())} · tfjs ${tf.version_core}${wasm ? ` · wasm ${wasm.simd ? 'SIMD' : 'no SIMD'}, ${wasm.threads} thread(s)` : ''}`);
  printTable({
    head: ['model', 'backend', 'samples/s', 'spread', 'ms/epoch', 'vs cpu'],
    // Grouped by model so each ratio sits under its cpu baseline.
    rows: [...rows].sort((a, b) => models.indexOf(a.model) - models.indexOf(b.model)).map((r) => {
      const cpu = rows.find((c) => c.model === r.model && c.backend === 'cpu');
      return [r.model === 'mlp' ? 'MLP 64-128-128-10' : 'CNN 8x8x1 (2 conv)', r.backend, formatNumber(r.samplesPerSec), formatSpread(r.relSpread), formatNumber(r.msPerEpoch), cpu ? formatRatio(r.samplesPerSec, cpu.samplesPerSec) : '–'];
    }),
    align: ['left', 'left', 'right', 'right', 'right', 'right'],
    write,
  });
  if (unavailable.length) write(`not available: ${unavailable.join('; ')}`);
  return rows;
}

function parseArgs(argv: string[]): BackendThroughputArgs {
  const out: BackendThroughputArgs = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--batch') out.batchSize = Number(value);
    else if (flag === '--epochs') out.epochs = Number(value);
    else if (flag === '--repeats') out.repeats = Number(value);
    else if (flag === '--backends') out.backends = value.split(',') as BackendName[];
    else if (flag === '--models') out.models = value.split(',') as BenchModel[];
    else throw new Error(`unknown option ${flag}; options: --batch N --epochs N --repeats N --backends cpu,wasm,node --models mlp,cnn`);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runBackendThroughput(parseArgs(process.argv.slice(2)));
}
