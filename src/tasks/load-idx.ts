/**
 * IDX (the MNIST format: http://yann.lecun.com/exdb/mnist/) → RawTable. Header: two zero bytes,
 * a type byte (0x08 ubyte, 0x09 byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), the
 * number of dimensions, then each dimension as a big-endian uint32; the data follow, big-endian.
 * Only the rows asked for are read from disk (3,000 MNIST images are 2.4 MB of a 47 MB file).
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { notADataset } from './load-common.js';
import type { RawTable } from './raw-table.js';

const TYPES: Record<number, { bytes: number; name: string; read: (v: DataView, o: number) => number }> = {
  0x08: { bytes: 1, name: 'ubyte', read: (v, o) => v.getUint8(o) },
  0x09: { bytes: 1, name: 'byte', read: (v, o) => v.getInt8(o) },
  0x0b: { bytes: 2, name: 'int16', read: (v, o) => v.getInt16(o, false) },
  0x0c: { bytes: 4, name: 'int32', read: (v, o) => v.getInt32(o, false) },
  0x0d: { bytes: 4, name: 'float32', read: (v, o) => v.getFloat32(o, false) },
  0x0e: { bytes: 8, name: 'float64', read: (v, o) => v.getFloat64(o, false) },
};

export interface IdxHeader {
  readonly type: string;
  /** All dimensions, the first being the number of rows. */
  readonly dims: readonly number[];
  readonly headerBytes: number;
  readonly elementBytes: number;
}

/** Random access to an IDX file: a file descriptor for plain files, a buffer for .gz. */
interface Source {
  readonly size: number;
  read(offset: number, length: number): Buffer;
  close(): void;
}

function open(path: string, label: string): Source {
  if (!existsSync(path)) throw new NotFoundError('FILE_NOT_FOUND', `${label}: no such file. Check the path (relative paths start from ${process.cwd()}).`, { file: path });
  if (path.endsWith('.gz')) {
    let buf: Buffer;
    try {
      buf = gunzipSync(readFileSync(path));
    } catch {
      throw notADataset(label, 'byte 0', 'gzip-compressed IDX (the name ends in .gz)', 'data that is not gzip');
    }
    return { size: buf.length, read: (o, l) => buf.subarray(o, o + l), close: () => undefined };
  }
  const fd = openSync(path, 'r');
  return {
    size: fstatSync(fd).size,
    read(offset, length) {
      const b = Buffer.alloc(length);
      readSync(fd, b, 0, length, offset);
      return b;
    },
    close: () => closeSync(fd),
  };
}

function header(src: Source, label: string): IdxHeader & { read: (v: DataView, o: number) => number } {
  const head = src.read(0, Math.min(4, src.size));
  const t = TYPES[head[2] ?? -1];
  if (src.size < 4 || head[0] !== 0 || head[1] !== 0 || !t || head[3] === 0) {
    throw notADataset(label, 'bytes 0-3', 'an IDX magic number (0x00 0x00 <type 08|09|0B|0C|0D|0E> <dims>)', `0x${head.toString('hex').padEnd(8, '?')}`);
  }
  const ndims = head[3]!;
  const dimBytes = src.read(4, 4 * ndims);
  if (dimBytes.length < 4 * ndims) throw notADataset(label, 'header', `${ndims} dimension sizes`, `a file of ${src.size} bytes`);
  const dims = Array.from({ length: ndims }, (_, k) => dimBytes.readUInt32BE(4 * k));
  const headerBytes = 4 + 4 * ndims;
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1) * t.bytes;
  if (src.size !== expected) {
    throw notADataset(label, 'file size', `${expected} bytes for ${t.name} data of shape [${dims.join(', ')}]`, `${src.size} bytes`);
  }
  return { type: t.name, dims, headerBytes, elementBytes: t.bytes, read: t.read };
}

/** The header of an IDX file (validates the magic number and that the size matches the dimensions). */
export function readIdxHeader(path: string, label = path): IdxHeader {
  const src = open(path, label);
  try {
    const { type, dims, headerBytes, elementBytes } = header(src, label);
    return { type, dims, headerBytes, elementBytes };
  } finally {
    src.close();
  }
}

/** Rows (all, or the given 0-based indices, in that order) of an IDX file as float32, with the header. */
export function readIdx(path: string, options: { rows?: readonly number[]; label?: string } = {}): { header: IdxHeader; data: Float32Array } {
  const label = options.label ?? path;
  const src = open(path, label);
  try {
    const h = header(src, label);
    const n = h.dims[0]!;
    const width = h.dims.slice(1).reduce((a, b) => a * b, 1);
    const rowBytes = width * h.elementBytes;
    const rows = options.rows ?? Array.from({ length: n }, (_, i) => i);
    const data = new Float32Array(rows.length * width);
    rows.forEach((r, i) => {
      if (!Number.isInteger(r) || r < 0 || r >= n) throw new ValidationError('ROW_OUT_OF_RANGE', `${label}: row ${r} asked for; the file has rows 0..${n - 1}.`, { file: label, row: r });
      const buf = src.read(h.headerBytes + r * rowBytes, rowBytes);
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      for (let k = 0; k < width; k++) data[i * width + k] = h.read(view, k * h.elementBytes);
    });
    return { header: { type: h.type, dims: h.dims, headerBytes: h.headerBytes, elementBytes: h.elementBytes }, data };
  } finally {
    src.close();
  }
}

export interface IdxLoadArgs {
  /** IDX file of labels, one per row of the images file. Required. */
  readonly labelsPath: string;
  /** Picks the rows to read from the labels (e.g. a stratified subsample). Defaults to every row. */
  readonly selectRows?: (labels: Float64Array) => readonly number[];
  /** Pixel value that maps to 1. Defaults to 255 for ubyte images, else the largest value read. */
  readonly maxValue?: number;
  /** Names for messages. Default to the paths. */
  readonly label?: string;
  readonly labelsLabel?: string;
}

/**
 * Images [n, h, w] (→ input shape [h, w, 1]) or [n, h, w, c], or a table [n, d], with a labels file [n].
 */
export function loadIdx(imagesPath: string, args: IdxLoadArgs): RawTable {
  const label = args.label ?? imagesPath;
  const labelsLabel = args.labelsLabel ?? args.labelsPath;
  const labelsHead = readIdxHeader(args.labelsPath, labelsLabel);
  if (labelsHead.dims.length !== 1) throw notADataset(labelsLabel, 'header', 'a 1-dimensional IDX file of labels', `shape [${labelsHead.dims.join(', ')}]`);
  const imagesHead = readIdxHeader(imagesPath, label);
  if (imagesHead.dims.length < 2) throw notADataset(label, 'header', 'an IDX file with rows of at least one value', `shape [${imagesHead.dims.join(', ')}]`);
  if (imagesHead.dims[0] !== labelsHead.dims[0]) {
    throw new ValidationError(
      'ROW_COUNT_MISMATCH',
      `${labelsLabel}: expected ${imagesHead.dims[0]} labels (one per row of ${label}), found ${labelsHead.dims[0]}. Fix: pair the images file with its own labels file (train-* with train-*, t10k-* with t10k-*).`,
      { file: labelsLabel, expected: imagesHead.dims[0], found: labelsHead.dims[0] },
    );
  }
  const labels = Float64Array.from(readIdx(args.labelsPath, { label: labelsLabel }).data);
  const rows = args.selectRows?.(labels);
  const { data } = readIdx(imagesPath, { rows, label });
  const n = rows?.length ?? labels.length;
  const y = rows ? Float64Array.from(rows, (r) => labels[r]!) : labels;
  const target = { kind: 'numeric' as const, name: 'label', values: y };
  const notes = rows ? [`${label}: read ${n} of ${labels.length} rows.`] : [];
  if (imagesHead.dims.length === 2) {
    const d = imagesHead.dims[1]!;
    const features = Array.from({ length: d }, (_, j) => ({ kind: 'numeric' as const, name: `x${j}`, values: Float64Array.from({ length: n }, (_, i) => data[i * d + j]!) }));
    return { source: label, n, features, target, notes };
  }
  const shape = imagesHead.dims.length === 3 ? [...imagesHead.dims.slice(1), 1] : imagesHead.dims.slice(1);
  let maxValue = args.maxValue ?? (imagesHead.type === 'ubyte' ? 255 : 0);
  if (!maxValue) for (const v of data) if (v > maxValue) maxValue = v;
  return { source: label, n, features: [], images: { shape, data, maxValue: maxValue || 1 }, target, notes };
}
