/**
 * The layout's import rules (.dependency-cruiser.cjs), checked on the real tree with
 * dependency-cruiser: no import cycle; nothing in src/ names a plugin except the composition roots
 * and the public barrels; nothing below the roots imports them; src/core imports nothing else of
 * ours; the trace model, store contracts and Candidate depend on no training code. A second test
 * shows on a small tree of its own that the rules fail where they should.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
  readonly cycle?: ReadonlyArray<{ readonly name: string }>;
}

function cruise(cwd: string, paths: string[]): Violation[] {
  const out = execFileSync(process.execPath, [BIN, ...paths, '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // depcruise exits non-zero when it finds violations; the JSON on stdout is what we read.
  });
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

function cruiseAllowingFailure(cwd: string, paths: string[]): Violation[] {
  try {
    return cruise(cwd, paths);
  } catch (err) {
    const stdout = (err as { stdout?: string }).stdout;
    if (!stdout) throw err;
    return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
  }
}

const describeViolation = (v: Violation) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`;

describe('dependency rules', () => {
  it('the tree has no import cycle and keeps every layer rule', () => {
    const violations = cruiseAllowingFailure(ROOT, ['src', 'plugins']);
    expect(violations.map(describeViolation)).toEqual([]);
  }, 60_000);

  it("the rules fail on a cycle, on library code naming a plugin, on core importing upward and on a plugin reaching into another's internals", () => {
    const dir = mkdtempSync(join(tmpdir(), 'metatune-depcruise-'));
    try {
      copyFileSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
      const write = (file: string, text: string) => {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), text);
      };
      write('plugins/p/index.ts', 'export const p = 1;\n');
      write('plugins/p/api.ts', "export { p } from './index.js';\n");
      write('plugins/p/common.ts', 'export const helper = 2;\n');
      write('plugins/q/index.ts', "import { p } from '../p/api.js';\nimport { helper } from '../p/common.js';\nexport const q = p + helper;\n");
      write('src/traces/a.ts', "import { b } from './b.js';\nexport const a = () => b;\n");
      write('src/traces/b.ts', "import { a } from './a.js';\nexport const b = () => a;\n");
      write('src/tfjs/uses-plugin.ts', "import { p } from '../../plugins/p/index.js';\nexport const q = p;\n");
      write('src/core/upward.ts', "import { q } from '../tfjs/uses-plugin.js';\nexport const r = q;\n");
      write('src/container.ts', "import { p } from '../plugins/p/index.js';\nexport const root = p;\n");
      const found = cruiseAllowingFailure(dir, ['src', 'plugins']).map(describeViolation).sort();
      expect(found).toEqual(
        [
          'core-is-the-ground-floor: src/core/upward.ts -> src/tfjs/uses-plugin.ts',
          'no-circular: src/traces/a.ts -> src/traces/b.ts (cycle: src/traces/b.ts -> src/traces/a.ts)',
          'plugins-meet-through-api: plugins/q/index.ts -> plugins/p/common.ts',
          'src-not-to-plugins: src/tfjs/uses-plugin.ts -> plugins/p/index.ts',
        ].sort(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
