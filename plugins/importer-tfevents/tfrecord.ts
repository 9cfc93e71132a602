import { open } from 'node:fs/promises';
import { u8 } from '../../src/traces/import-support.js';
import { maskedCrc32c } from './crc32c.js';

/**
 * TFRecord framing: `uint64 length | uint32 masked_crc32c(length) | data[length] | uint32 masked_crc32c(data)`,
 * little-endian. The file is read in chunks into one reusable buffer and each record is handed to
 * `onRecord` as a view (`buf`, `start`, `length`): no per-record allocation or copy.
 */
export interface TfRecordProblem {
  readonly byteOffset: number;
  readonly code: 'TRUNCATED_RECORD' | 'BAD_LENGTH_CRC' | 'BAD_DATA_CRC' | 'RECORD_TOO_LARGE';
  readonly field: string;
  readonly expected: string;
  readonly found: string;
}

export interface TfRecordScan {
  readonly records: number;
  readonly bytes: number;
  /** Set when the scan stopped early; records before it were delivered. */
  readonly problem?: TfRecordProblem;
}

/** A single event larger than this is not a scalar log; refusing it keeps memory bounded on corrupt lengths. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

export async function scanTfRecords(
  path: string,
  onRecord: (buf: Buffer, start: number, length: number, byteOffset: number) => void,
  onChunk?: (bytes: Buffer) => void,
  chunkSize = 4 << 20,
): Promise<TfRecordScan> {
  const fh = await open(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(chunkSize);
    let filled = 0; // valid bytes in buf
    let pos = 0; // parse position in buf
    let base = 0; // file offset of buf[0]
    let eof = false;
    let records = 0;

    // Ensures buf[pos, pos+need) is loaded; false at end of file.
    const ensure = async (need: number): Promise<boolean> => {
      if (filled - pos >= need) return true;
      if (eof) return false;
      if (pos > 0) {
        buf.copy(u8(buf), 0, pos, filled);
        base += pos;
        filled -= pos;
        pos = 0;
      }
      if (need > buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
        buf.copy(u8(bigger), 0, 0, filled);
        buf = bigger;
      }
      while (filled < need && !eof) {
        const { bytesRead } = await fh.read(u8(buf), filled, buf.length - filled, base + filled);
        if (bytesRead === 0) eof = true;
        if (bytesRead > 0) onChunk?.(buf.subarray(filled, filled + bytesRead));
        filled += bytesRead;
      }
      return filled - pos >= need;
    };

    for (;;) {
      // Fast path first: awaiting per record would cost a promise per record.
      if (filled - pos < 12 && !(await ensure(12))) {
        const left = filled - pos;
        if (left === 0) return { records, bytes: base + pos };
        return {
          records,
          bytes: base + filled,
          problem: { byteOffset: base + pos, code: 'TRUNCATED_RECORD', field: 'length', expected: '12 header bytes', found: `${left} byte(s) before end of file` },
        };
      }
      const offset = base + pos;
      const lenCrc = buf.readUInt32LE(pos + 8);
      const crc = maskedCrc32c(u8(buf), pos, pos + 8);
      if (crc !== lenCrc) {
        return { records, bytes: offset, problem: { byteOffset: offset, code: 'BAD_LENGTH_CRC', field: 'length_crc', expected: hex(crc), found: hex(lenCrc) } };
      }
      const lo = buf.readUInt32LE(pos);
      const hi = buf.readUInt32LE(pos + 4);
      const length = hi * 2 ** 32 + lo;
      if (length > MAX_RECORD_BYTES) {
        return { records, bytes: offset, problem: { byteOffset: offset, code: 'RECORD_TOO_LARGE', field: 'length', expected: `<= ${MAX_RECORD_BYTES} bytes`, found: `${length} bytes` } };
      }
      if (filled - pos < 16 + length && !(await ensure(16 + length))) {
        return {
          records,
          bytes: base + filled,
          problem: { byteOffset: base + pos, code: 'TRUNCATED_RECORD', field: 'data', expected: `${length + 16} bytes of record`, found: `${filled - pos} byte(s) before end of file` },
        };
      }
      const dataStart = pos + 12;
      const dataCrc = buf.readUInt32LE(dataStart + length);
      const actual = maskedCrc32c(u8(buf), dataStart, dataStart + length);
      if (actual !== dataCrc) {
        return { records, bytes: base + pos, problem: { byteOffset: base + pos, code: 'BAD_DATA_CRC', field: 'data_crc', expected: hex(actual), found: hex(dataCrc) } };
      }
      onRecord(buf, dataStart, length, base + pos);
      records++;
      pos = dataStart + length + 4;
    }
  } finally {
    await fh.close();
  }
}
