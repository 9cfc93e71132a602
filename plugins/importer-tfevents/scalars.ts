import protobuf from 'protobufjs';
import { u8 } from '../../src/traces/import-support.js';
import { EventType, tensorScalar, toNumber, type DecodedEvent } from './event-proto.js';
import { scanTfRecords, type TfRecordProblem } from './tfrecord.js';

/** Points kept per tag before decimation starts: bounds memory on a 1 GB per-step log. */
export const MAX_POINTS_PER_TAG = 1 << 17;

/** One scalar time series (a tag). Past MAX_POINTS_PER_TAG points, every other point is dropped and the stride doubles. */
export class Series {
  steps: number[] = [];
  values: number[] = [];
  walls: number[] = [];
  stride = 1;
  seen = 0;

  push(step: number, value: number, wall: number): void {
    if (this.seen++ % this.stride !== 0) return;
    this.steps.push(step);
    this.values.push(value);
    this.walls.push(wall);
    if (this.steps.length >= MAX_POINTS_PER_TAG) {
      const keep = (a: number[]) => a.filter((_, i) => i % 2 === 0);
      this.steps = keep(this.steps);
      this.values = keep(this.values);
      this.walls = keep(this.walls);
      this.stride *= 2;
    }
  }

  append(other: Series): void {
    for (let i = 0; i < other.steps.length; i++) this.push(other.steps[i]!, other.values[i]!, other.walls[i]!);
  }
}

/** Plugins whose tensors are scalars; any other plugin (graph_keras_model, custom_scalars, text, histograms, …) is skipped. */
const SCALAR_PLUGINS = new Set(['scalars', '']);

export interface BadEvent {
  readonly byteOffset: number;
  readonly message: string;
}

export interface ScalarFile {
  readonly series: Map<string, Series>;
  readonly records: number;
  readonly bytes: number;
  readonly skippedValues: number;
  readonly badEvents: BadEvent[];
  readonly problem?: TfRecordProblem;
}

/**
 * Reads every scalar of one event file: `simple_value` (TF1 Keras, PyTorch, tensorboardX) and
 * rank-0 numeric tensors of the `scalars` plugin (TF2 `tf.summary.scalar`). TF2 writes a tag's
 * metadata only with its first value, so the plugin is remembered per tag.
 */
export async function readScalarFile(path: string, onChunk?: (bytes: Buffer) => void): Promise<ScalarFile> {
  const series = new Map<string, Series>();
  const pluginOf = new Map<string, string>();
  const badEvents: BadEvent[] = [];
  let skippedValues = 0;
  let reader: protobuf.Reader | undefined;
  let readerBuf: Buffer | undefined;

  const scan = await scanTfRecords(
    path,
    (buf, start, length, byteOffset) => {
      // One Reader per chunk buffer, repositioned per record: decoding reads the record in place.
      if (readerBuf !== buf) {
        reader = protobuf.Reader.create(u8(buf));
        readerBuf = buf;
      }
      reader!.pos = start;
      reader!.len = start + length;
      let ev: DecodedEvent;
      try {
        ev = EventType.decode(reader!, length) as unknown as DecodedEvent;
      } catch (err) {
        badEvents.push({ byteOffset, message: (err as Error).message });
        return;
      }
      if (ev.what !== 'summary' || !ev.summary) return;
      const step = toNumber(ev.step);
      const wall = ev.wall_time;
      for (const v of ev.summary.value) {
        const tag = v.tag || v.node_name;
        const plugin = v.metadata?.plugin_data?.plugin_name;
        if (plugin !== undefined && !pluginOf.has(tag)) pluginOf.set(tag, plugin);
        let value: number | undefined;
        if (v.value === 'simple_value') value = v.simple_value;
        else if (v.value === 'tensor' && v.tensor && SCALAR_PLUGINS.has(pluginOf.get(tag) ?? '')) value = tensorScalar(v.tensor);
        if (value === undefined || !tag) {
          skippedValues++;
          continue;
        }
        let s = series.get(tag);
        if (!s) series.set(tag, (s = new Series()));
        s.push(step, value, wall);
      }
    },
    onChunk,
  );
  return { series, records: scan.records, bytes: scan.bytes, skippedValues, badEvents, ...(scan.problem ? { problem: scan.problem } : {}) };
}
