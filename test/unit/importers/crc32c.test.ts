import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { crc32c, maskCrc, maskedCrc32c } from '../../../plugins/importer-tfevents/crc32c.js';
import { log } from './helpers.js';

const bytes = (a: number[] | string) => (typeof a === 'string' ? new TextEncoder().encode(a) : Uint8Array.from(a));

describe('crc32c', () => {
  // Check value of the Castagnoli CRC and the iSCSI test vectors of RFC 3720 §B.4.
  it.each([
    ['"123456789"', bytes('123456789'), 0xe3069283],
    ['empty', bytes(''), 0x00000000],
    ['32 bytes of 0x00', bytes(new Array(32).fill(0)), 0x8a9136aa],
    ['32 bytes of 0xff', bytes(new Array(32).fill(0xff)), 0x62a8ab43],
    ['32 ascending bytes', bytes(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
    ['32 descending bytes', bytes(Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c],
  ])('%s', (_name, data, expected) => {
    expect(crc32c(data)).toBe(expected);
  });

  it('the slicing-by-8 path agrees with the byte path on every length and offset', () => {
    const data = bytes(Array.from({ length: 100 }, (_, i) => (i * 37 + 11) & 0xff));
    const bytewise = (d: Uint8Array, s: number, e: number) => {
      let c = ~0;
      for (let i = s; i < e; i++) {
        c ^= d[i]!;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return ~c >>> 0;
    };
    for (let s = 0; s < 9; s++) for (let e = s; e <= 100; e += 7) expect(crc32c(data, s, e)).toBe(bytewise(data, s, e));
  });

  it('masks as TFRecord does: rotate right 15, add 0xa282ead8', () => {
    expect(maskCrc(0)).toBe(0xa282ead8);
    expect(maskCrc(0xe3069283)).toBe(0xc78ab0e5); // computed by hand: rotr15(0xe3069283) = 0x2507c60d, + 0xa282ead8 mod 2^32
  });

  it('matches the length CRC of the first record of a real event file', () => {
    const file = new Uint8Array(readFileSync(log('tfevents/katib__events.out.tfevents.1637681485.2d662933d616.19.0.v2')));
    const view = new DataView(file.buffer, file.byteOffset);
    expect(maskedCrc32c(file, 0, 8)).toBe(view.getUint32(8, true));
    const len = view.getUint32(0, true);
    expect(maskedCrc32c(file, 12, 12 + len)).toBe(view.getUint32(12 + len, true));
  });
});
