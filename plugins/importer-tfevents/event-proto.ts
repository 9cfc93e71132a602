import protobuf from 'protobufjs';

/**
 * The subset of TensorFlow's `event.proto` / `summary.proto` / `tensor.proto` that scalar import
 * needs, as .proto text loaded by protobufjs. Fields left out (graph_def, meta_graph_def,
 * histograms, images, audio, run metadata) are skipped by the decoder without being copied.
 * Field numbers from tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto.
 */
const PROTO = `
syntax = "proto3";
package tensorflow;

message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    Summary summary = 5;
  }
}

message Summary {
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}

message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
  int32 data_class = 4;
}

message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated float float_val = 5;
  repeated double double_val = 6;
  repeated int32 int_val = 7;
  repeated int64 int64_val = 10;
}
`;

export const EVENT_ROOT = protobuf.parse(PROTO, { keepCase: true }).root;
export const EventType = EVENT_ROOT.lookupType('tensorflow.Event');
export const SummaryType = EVENT_ROOT.lookupType('tensorflow.Summary');
export const TensorProtoType = EVENT_ROOT.lookupType('tensorflow.TensorProto');

/** tensorflow DataType values used by scalar summaries. */
export const DT_FLOAT = 1;
export const DT_DOUBLE = 2;
export const DT_INT32 = 3;
export const DT_INT64 = 9;

type LongLike = number | { toNumber(): number };

export interface DecodedTensor {
  dtype: number;
  tensor_shape?: { dim?: Array<{ size: LongLike }> };
  tensor_content?: Uint8Array;
  float_val?: number[];
  double_val?: number[];
  int_val?: number[];
  int64_val?: LongLike[];
}

export interface DecodedValue {
  tag: string;
  node_name: string;
  metadata?: { plugin_data?: { plugin_name: string } };
  value?: 'simple_value' | 'tensor';
  simple_value?: number;
  tensor?: DecodedTensor;
}

export interface DecodedEvent {
  wall_time: number;
  step: LongLike;
  what?: 'file_version' | 'summary';
  file_version?: string;
  summary?: { value: DecodedValue[] };
}

export function toNumber(v: LongLike | undefined): number {
  if (v === undefined || v === null) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/**
 * The scalar a tensor summary holds, or undefined when it holds none (a string, a histogram, a
 * vector). Scalars written by TF2 `tf.summary.scalar` are rank-0 DT_FLOAT tensors, their value in
 * `tensor_content` (4 little-endian bytes) or in `float_val`.
 */
const SCRATCH = new DataView(new ArrayBuffer(8));
function le(c: Uint8Array, n: 4 | 8): DataView {
  for (let i = 0; i < n; i++) SCRATCH.setUint8(i, c[i]!);
  return SCRATCH;
}

export function tensorScalar(t: DecodedTensor): number | undefined {
  const dims = t.tensor_shape?.dim ?? [];
  for (const d of dims) if (toNumber(d.size) !== 1) return undefined;
  const c = t.tensor_content;
  switch (t.dtype) {
    case DT_FLOAT:
      if (c && c.length === 4) return le(c, 4).getFloat32(0, true);
      return t.float_val?.length === 1 ? t.float_val[0] : undefined;
    case DT_DOUBLE:
      if (c && c.length === 8) return le(c, 8).getFloat64(0, true);
      return t.double_val?.length === 1 ? t.double_val[0] : undefined;
    case DT_INT32:
      if (c && c.length === 4) return le(c, 4).getInt32(0, true);
      return t.int_val?.length === 1 ? t.int_val[0] : undefined;
    case DT_INT64:
      if (c && c.length === 8) return Number(le(c, 8).getBigInt64(0, true));
      return t.int64_val?.length === 1 ? toNumber(t.int64_val[0]) : undefined;
    default:
      return undefined;
  }
}
