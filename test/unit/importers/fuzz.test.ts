/**
 * Fuzz: truncated and bit-flipped copies of every real log (seeded, 300 cases). Importers may reject
 * records, but never throw anything but a MetatuneError, never emit non-JSON numbers, never hang.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fg from 'fast-glob';
import { MetatuneError } from '../../../src/core/errors.js';
import { builtinImporters } from '../../../src/container.js';
import { headOf, LOGS } from './helpers.js';
import { seededRandom as rng } from '../../../src/tasks/random.js';


const CASES_PER_FILE = 12;
const CASE_TIMEOUT_MS = 5000;

describe('fuzzed real logs', () => {
  it('truncated and bit-flipped copies only ever give rejections or MetatuneErrors', async () => {
    const importers = await builtinImporters();
    const root = await mkdtemp(join(tmpdir(), 'mt-fuzz-'));
    await cp(LOGS, root, { recursive: true });
    const files = (await fg('**/*', { cwd: root, onlyFiles: true })).filter((f) => f !== 'README.md').sort();
    const peersAll = files.map((f) => join(root, f));
    const random = rng(Number(process.env.METATUNE_FUZZ_SEED ?? 20240607));
    let cases = 0;
    let rejections = 0;
    let runs = 0;
    const started = Date.now();
    for (const rel of files) {
      const path = join(root, rel);
      const original = new Uint8Array(readFileSync(path));
      const format = importers.find((i) => i.sniff({ path, head: headOf(path) }))!;
      for (let c = 0; c < CASES_PER_FILE; c++) {
        let bytes = original.slice();
        const kind = c % 3; // 0 truncate, 1 flip bits, 2 both
        if (kind !== 1) bytes = bytes.subarray(0, Math.floor(random() * bytes.length));
        if (kind !== 0 && bytes.length) for (let k = 1 + Math.floor(random() * 8); k > 0; k--) bytes[Math.floor(random() * bytes.length)]! ^= 1 << Math.floor(random() * 8);
        await writeFile(path, bytes);
        const head = headOf(path);
        // The format's own importer (forced) and whichever importer auto-sniffing picks now.
        const candidates = new Set([format, importers.find((i) => i.sniff({ path, head }))].filter((i) => i !== undefined));
        for (const importer of candidates) {
          cases++;
          const work = (async () => {
            try {
              for await (const ev of importer!.import({ path, head }, { peers: peersAll })) {
                if (ev.kind === 'rejection') {
                  rejections++;
                  expect(ev.file).toBeTruthy();
                  expect(ev.code).toMatch(/^[A-Z_]+$/);
                } else if (ev.kind === 'run') {
                  runs++;
                  expect(JSON.parse(JSON.stringify(ev.run))).toEqual(ev.run);
                }
              }
            } catch (err) {
              if (!(err instanceof MetatuneError)) throw new Error(`${importer!.id} threw a ${(err as Error)?.name} on ${rel} (case ${c}): ${(err as Error)?.stack}`);
            }
          })();
          let timer: NodeJS.Timeout | undefined;
          const hang = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${importer!.id} hung on ${rel} (case ${c})`)), CASE_TIMEOUT_MS);
          });
          try {
            await Promise.race([work, hang]);
          } finally {
            clearTimeout(timer);
          }
        }
      }
      await writeFile(path, original);
    }
    expect(cases).toBeGreaterThanOrEqual(files.length * CASES_PER_FILE);
    expect(rejections).toBeGreaterThan(50); // the corruption was noticed…
    expect(runs).toBeGreaterThan(50); // …and the intact parts were still imported
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
