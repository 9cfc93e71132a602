/**
 * The error-code catalogue is complete and the README lists it: every code the source throws
 * (`new XxxError('CODE', …)`, a registry's `notFoundCode`) is in src/core/error-codes.ts, every
 * catalogue entry is thrown somewhere (or is INTERNAL), and the README's table has each code with
 * the same exit status and meaning. The CLI's exit status comes from the catalogue.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ERROR_CODES, exitStatusOf } from '../../../src/core/error-codes.js';
import { MetatuneError, ValidationError } from '../../../src/core/errors.js';
import { describeFailure } from '../../../src/cli/io.js';

const ROOT = resolve(process.cwd());

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Codes thrown in src/ and plugins/: error constructors, registry not-found codes, runtime registries. */
function thrownCodes(): Map<string, string> {
  const found = new Map<string, string>();
  const patterns = [/new\s+\w*Error\s*\(\s*'([A-Z][A-Z0-9_]{2,})'/g, /notFoundCode:\s*'([A-Z][A-Z0-9_]{2,})'/g, /registry<\w+>\([^)]*'([A-Z][A-Z0-9_]{2,})'\)/g];
  for (const file of [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'plugins'))]) {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns) for (const m of text.matchAll(re)) if (!found.has(m[1])) found.set(m[1], file.slice(ROOT.length + 1));
  }
  return found;
}

describe('error-code catalogue', () => {
  const catalogue = ERROR_CODES as Readonly<Record<string, { exit: number; meaning: string }>>;

  it('has every code the source throws', () => {
    const missing = [...thrownCodes()].filter(([code]) => !(code in catalogue)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it('has no code that nothing throws', () => {
    const thrown = thrownCodes();
    expect(Object.keys(catalogue).filter((code) => code !== 'INTERNAL' && !thrown.has(code))).toEqual([]);
  });

  it('every entry is one line with exit 1, except INTERNAL (2)', () => {
    for (const [code, info] of Object.entries(catalogue)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(info.meaning).not.toMatch(/\n/);
      expect(info.exit).toBe(code === 'INTERNAL' ? 2 : 1);
    }
  });

  it('the README table lists every code with the same exit status and meaning', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = new Map([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| (\d) \| (.*) \|$/gm)].map((m) => [m[1], { exit: Number(m[2]), meaning: m[3].replace(/\\\|/g, '|') }]));
    expect([...rows.keys()].sort()).toEqual(Object.keys(catalogue).sort());
    for (const [code, info] of Object.entries(catalogue)) expect(rows.get(code)).toEqual({ exit: info.exit, meaning: info.meaning });
  });

  it('the CLI exits with the catalogue status: 1 for a metatune code (also a plugin\'s own), 2 for anything else', () => {
    expect(describeFailure(new ValidationError('UNKNOWN_MODEL', 'x')).exitCode).toBe(1);
    expect(describeFailure(new MetatuneError('SOME_PLUGIN_CODE', 'x')).exitCode).toBe(1);
    expect(exitStatusOf('INTERNAL')).toBe(2);
    const bug = describeFailure(new TypeError('boom'));
    expect(bug.exitCode).toBe(2);
    expect(bug.text).toMatch(/^error\[INTERNAL\]: boom/);
  });
});
