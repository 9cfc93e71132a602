/**
 * Import throughput: epoch records/s for JSONL and Keras CSV, MB/s for TensorBoard event files.
 * Generates large synthetic inputs in a temp folder (1M epoch records; a ~100 MB event file written
 * with protobufjs + TFRecord framing), runs each importer over them (no store: the importer alone)
 * and prints a table. Usage: `node dist/bench/import-throughput.js [--records 1000000] [--event-mb 100]`.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Table from 'cli-table3';
import { jsonlImporter } from '../plugins/importer-jsonl/jsonl-importer.js';
import { kerasCsvImporter } from '../plugins/importer-keras-csv/keras-csv-importer.js';
import { tfeventsImporter } from '../plugins/importer-tfevents/tfevents-importer.js';
import { EventType, DT_FLOAT } from '../plugins/importer-tfevents/event-proto.js';
import { maskedCrc32c } from '../plugins/importer-tfevents/crc32c.js';
import { HEAD_BYTES } from '../src/traces/import-support.js';
import type { Importer } from '../src/traces/importer.js';
import { openSync, readSync, closeSync } from 'node:fs';

async function writeLines(path: string, gen: () => Generator<string>): Promise<void> {
  const out = createWriteStream(path);
  let buf = '';
  for (const line of gen()) {
    buf += line;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

function head(path: string): Buffer {
  const fd = openSync(path, 'r');
  const b = Buffer.alloc(HEAD_BYTES);
  const n = readSync(fd, b as unknown as Uint8Array, 0, HEAD_BYTES, 0);
  closeSync(fd);
  return b.subarray(0, n);
}

async function time(importer: Importer, path: string): Promise<{ seconds: number; epochs: number; runs: number; rejected: number }> {
  const t0 = process.hrtime.bigint();
  let epochs = 0;
  let runs = 0;
  let rejected = 0;
  for await (const ev of importer.import({ path, head: head(path) }, { peers: [path] })) {
    if (ev.kind === 'run') {
      runs++;
      epochs += ev.run.epochs?.length ?? 0;
    } else rejected++;
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, epochs, runs, rejected };
}

/** `n` Keras-style events (one scalar per event), half simple_value, half TF2 tensor summaries. */
async function writeEventFile(path: string, targetBytes: number): Promise<{ records: number; epochs: number }> {
  const out = createWriteStream(path);
  const tags = ['epoch_loss', 'epoch_accuracy', 'epoch_val_loss', 'epoch_val_accuracy', 'epoch_lr', 'epoch_auc', 'epoch_precision', 'epoch_recall'];
  const frame = (payload: Uint8Array) => {
    const rec = Buffer.alloc(16 + payload.length);
    rec.writeUInt32LE(payload.length, 0);
    rec.writeUInt32LE(0, 4);
    rec.writeUInt32LE(maskedCrc32c(rec as unknown as Uint8Array, 0, 8), 8);
    rec.set(payload, 12);
    rec.writeUInt32LE(maskedCrc32c(payload), 12 + payload.length);
    return rec;
  };
  let written = 0;
  let records = 0;
  const chunks: Buffer[] = [frame(EventType.encode(EventType.create({ wall_time: 1.7e9, file_version: 'brain.Event:2' })).finish())];
  let step = 0;
  const tensor = Buffer.alloc(4);
  for (; written < targetBytes; step++) {
    for (let t = 0; t < tags.length; t++) {
      const value = Math.exp(-step / 1e5) * (t + 1);
      const v =
        t % 2 === 0
          ? { tag: tags[t], simple_value: value }
          : (tensor.writeFloatLE(value, 0), { tag: tags[t], tensor: { dtype: DT_FLOAT, tensor_content: Buffer.from(tensor as unknown as Uint8Array) }, ...(step === 0 ? { metadata: { plugin_data: { plugin_name: 'scalars' } } } : {}) });
      const rec = frame(EventType.encode(EventType.create({ wall_time: 1.7e9 + step, step, summary: { value: [v] } })).finish());
      chunks.push(rec);
      written += rec.length;
      records++;
    }
    if (chunks.length > 4096) {
      if (!out.write(Buffer.concat(chunks as unknown as Uint8Array[]))) await once(out, 'drain');
      chunks.length = 0;
    }
  }
  out.end(Buffer.concat(chunks as unknown as Uint8Array[]));
  await once(out, 'finish');
  return { records, epochs: step };
}

export async function runImportThroughput(args: { records?: number; eventMb?: number } = {}): Promise<void> {
  const records = args.records ?? 1_000_000;
  const eventBytes = (args.eventMb ?? 100) * 1e6;
  const dir = await mkdtemp(join(tmpdir(), 'metatune-bench-import-'));
  try {
    const jsonl = join(dir, 'runs.jsonl');
    const runs = 1000;
    const perRun = Math.ceil(records / runs);
    await writeLines(jsonl, function* () {
      for (let r = 0; r < runs; r++)
        for (let e = 0; e < perRun; e++) {
          const loss = 2 * Math.exp(-e / 200) + 0.01 * ((r * 7 + e) % 13);
          yield `{"run":"run-${r}","epoch":${e},"step":${(e + 1) * 100},"lr":${0.001 * 0.99 ** e},"loss":${loss},"val_loss":${loss * 1.1},"acc":${1 - loss / 3},"val_acc":${1 - loss / 2.8}}\n`;
        }
    });
    const csv = join(dir, 'training.log');
    await writeLines(csv, function* () {
      yield 'epoch,acc,loss,lr,val_acc,val_loss\n';
      for (let e = 0; e < records; e++) {
        const loss = 2 * Math.exp(-e / 1e5) + 0.001 * (e % 17);
        yield `${e},${1 - loss / 3},${loss},${0.001 * Math.exp(-e / 1e6)},${1 - loss / 2.8},${loss * 1.1}\n`;
      }
    });
    const events = join(dir, 'events.out.tfevents.bench');
    const ev = await writeEventFile(events, eventBytes);

    const table = new Table({ head: ['format', 'input', 'MB', 'epoch records', 'seconds', 'epoch records/s', 'MB/s', 'target'], style: { head: [], border: [] } });
    const row = async (name: string, importer: Importer, path: string, target: string, perEpochRecords = 1) => {
      const size = (await stat(path)).size / 1e6;
      const r = await time(importer, path);
      if (r.rejected) throw new Error(`${name}: ${r.rejected} rejection(s) on generated input`);
      const n = r.epochs * perEpochRecords;
      table.push([name, path.split('/').pop()!, size.toFixed(1), n.toLocaleString('en-US'), r.seconds.toFixed(2), Math.round(n / r.seconds).toLocaleString('en-US'), (size / r.seconds).toFixed(1), target]);
    };
    await row('jsonl', jsonlImporter(), jsonl, '>= 200,000 records/s');
    await row('keras-csv', kerasCsvImporter, csv, '>= 200,000 records/s');
    await row('tfevents', tfeventsImporter, events, '>= 50 MB/s');
    process.stdout.write(`import throughput, node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}\n`);
    process.stdout.write(`(tfevents: ${ev.records.toLocaleString('en-US')} events = ${ev.epochs.toLocaleString('en-US')} epochs x 8 scalar tags, half simple_value, half TF2 tensor; a run is capped at ${(1 << 17).toLocaleString('en-US')} points per tag, so long tags are down-sampled)\n`);
    process.stdout.write(`${table.toString()}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const records = arg('--records');
  const eventMb = arg('--event-mb');
  await runImportThroughput({ ...(records ? { records } : {}), ...(eventMb ? { eventMb } : {}) });
}
