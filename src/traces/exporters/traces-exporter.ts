import type { TraceRecord } from '../trace.js';

/** The interchange format: `metatune runs export --format jsonl`, read back by the `metatune-traces` importer. */
export const TRACES_FORMAT = 'metatune-traces';
export const TRACES_FORMAT_VERSION = 1;

/** The first line of an interchange file. */
export interface TracesHeader {
  readonly format: typeof TRACES_FORMAT;
  readonly version: number;
  readonly exportedAt: string;
  /** The store it came from (credentials redacted). */
  readonly source?: string;
}

/**
 * Lossless export: a header line `{"format": "metatune-traces", "version": 1, …}`, then one line
 * `{"trace": <TraceRecord>}` per run — every field the store holds (id, status, outcome with its
 * reason, provenance, task, model, optimizer, schedule, epochs, batches, timestamps), runs without
 * epochs included — then one line `{"policy": name, "artifact": …}` per policy. Importing the file
 * (`metatune import`) reproduces the store exactly. Streams: one run in memory at a time.
 */
export async function exportTraces(
  records: AsyncIterable<TraceRecord>,
  write: (chunk: string) => void | Promise<void>,
  options: { source?: string; policies?: AsyncIterable<{ name: string; artifact: unknown }> } = {},
): Promise<{ runs: number; epochs: number; policies: number; lines: number }> {
  const header: TracesHeader = { format: TRACES_FORMAT, version: TRACES_FORMAT_VERSION, exportedAt: new Date().toISOString(), ...(options.source ? { source: options.source } : {}) };
  await write(`${JSON.stringify(header)}\n`);
  let runs = 0;
  let epochs = 0;
  let policies = 0;
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pending.length) await write(`${pending.join('\n')}\n`);
    pending = [];
    pendingBytes = 0;
  };
  for await (const r of records) {
    runs++;
    epochs += r.epochs.length;
    const line = JSON.stringify({ trace: r });
    pending.push(line);
    pendingBytes += line.length;
    if (pendingBytes > 1 << 20) await flush();
  }
  if (options.policies) {
    for await (const p of options.policies) {
      policies++;
      pending.push(JSON.stringify({ policy: p.name, artifact: p.artifact }));
    }
  }
  await flush();
  return { runs, epochs, policies, lines: 1 + runs + policies };
}
