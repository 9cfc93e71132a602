/**
 * Training throughput (samples/s of `model.fit`) of every zoo entry on a digits-sized task
 * (1797 rows; MLPs see 64 features, cnn-small sees 8×8×1 images), per backend (cpu, wasm; node
 * when installed), as one table with the wasm/cpu ratio. Fresh model per backend, Adam 1e-3,
 * one warm-up epoch, then the median of `repeats` timed epochs.
 *
 * Run: `npm run build && node dist/bench/zoo-throughput.js [--batch 32] [--repeats 3]
 *       [--backends cpu,wasm] [--models linear,mlp-small,...]`
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { BASIC_ZOO } from '../plugins/zoo-basic/index.js';
import { compileFor } from '../src/models/compile.js';
import type { ModelZooEntry } from '../src/models/model-zoo.js';
import { resolveBackend, type BackendName } from '../src/tfjs/backend.js';
import { loadDigits, type DigitsArrays } from './lib/digits.js';
import { describeMachine, machineLine } from './lib/machine.js';
import { formatNumber, formatRatio, formatSpread, printTable } from './lib/table.js';
import { measure, perSecond } from './lib/timing.js';

export interface ZooThroughputArgs {
  /** Backends to time; unavailable ones are reported, not fatal. Defaults to cpu, wasm. */
  backends?: BackendName[];
  /** Zoo entry ids. Defaults to every built-in entry. */
  models?: string[];
  /** Batch size. Defaults to 32. */
  batchSize?: number;
  /** Timed epochs per cell (median reported). Defaults to 3. */
  repeats?: number;
  /** Output sink. Defaults to console.log. */
  write?: (text: string) => void;
}

export interface ZooThroughputRow {
  readonly model: string;
  readonly backend: BackendName;
  readonly params: number;
  readonly samplesPerSec: number;
  readonly relSpread: number;
}

async function timeEntry(entry: ModelZooEntry, data: DigitsArrays, batchSize: number, repeats: number) {
  const image = entry.accepts({ shape: [8, 8, 1] }) && !entry.accepts({ shape: [64] });
  const shape = image ? [8, 8, 1] : [64];
  const x = tf.tensor(data.x, [data.n, ...shape]);
  const y = tf.tensor2d(data.y, [data.n, 10]);
  const model = entry.build({ shape }, { kind: 'classification', units: 10 }, { seed: 0 });
  compileFor(model, { kind: 'classification', units: 10 }, tf.train.adam(1e-3));
  try {
    const m = await measure(() => model.fit(x, y, { epochs: 1, batchSize, verbose: 0 }), { warmup: 1, repeats });
    return { params: model.countParams(), samplesPerSec: perSecond(data.n, m.medianMs), relSpread: m.relSpread };
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
}

export async function runZooThroughput(args: ZooThroughputArgs = {}): Promise<ZooThroughputRow[]> {
  const write = args.write ?? console.log;
  const batchSize = args.batchSize ?? 32;
  const repeats = args.repeats ?? 3;
  const backends = args.backends ?? ['cpu', 'wasm'];
  const entries = (args.models ?? BASIC_ZOO.map((e) => e.id)).map((id) => {
    const e = BASIC_ZOO.find((z) => z.id === id);
    if (!e) throw new Error(`unknown zoo entry ${id}; choices: ${BASIC_ZOO.map((z) => z.id).join(", ")}`);
    return e;
  });
  const data = loadDigits();
  const rows: ZooThroughputRow[] = [];
  const unavailable: string[] = [];
  for (const backend of backends) {
    try {
      await resolveBackend({ preferred: backend, quiet: true });
    } catch (err) {
      unavailable.push(`${backend} (${(err as Error).message.split('. ')[0]})`);
      continue;
    }
    for (const entry of entries) rows.push({ model: entry.id, backend, ...(await timeEntry(entry, data, batchSize, repeats)) });
  }
  write(`Zoo throughput: model.fit samples/s on digits (n=${data.n}, 10 classes), batch ${batchSize}, Adam, median of ${repeats} epochs`);
  write(`${machineLine(describeMachine())} · tfjs ${tf.version_core}`);
  const ids = [...new Set(rows.map((r) => r.model))];
  const cell = (id: string, b: BackendName) => rows.find((r) => r.model === id && r.backend === b);
  const shown = backends.filter((b) => rows.some((r) => r.backend === b));
  printTable({
    head: ['model', 'params', ...shown.flatMap((b) => [`${b} samples/s`, 'spread']), ...(shown.includes('cpu') && shown.includes('wasm') ? ['wasm vs cpu'] : [])],
    rows: ids.map((id) => {
      const any = rows.find((r) => r.model === id)!;
      const cpu = cell(id, 'cpu');
      const wasm = cell(id, 'wasm');
      return [
        id,
        formatNumber(any.params),
        ...shown.flatMap((b) => {
          const c = cell(id, b);
          return c ? [formatNumber(c.samplesPerSec), formatSpread(c.relSpread)] : ['–', ''];
        }),
        ...(shown.includes('cpu') && shown.includes('wasm') ? [cpu && wasm ? formatRatio(wasm.samplesPerSec, cpu.samplesPerSec) : '–'] : []),
      ];
    }),
    write,
  });
  if (unavailable.length) write(`not available: ${unavailable.join('; ')}`);
  return rows;
}

function parseArgs(argv: string[]): ZooThroughputArgs {
  const out: ZooThroughputArgs = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--batch') out.batchSize = Number(value);
    else if (flag === '--repeats') out.repeats = Number(value);
    else if (flag === '--backends') out.backends = value.split(',') as BackendName[];
    else if (flag === '--models') out.models = value.split(',');
    else throw new Error(`unknown option ${flag}; options: --batch N --repeats N --backends cpu,wasm --models linear,mlp-small`);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runZooThroughput(parseArgs(process.argv.slice(2)));
}
