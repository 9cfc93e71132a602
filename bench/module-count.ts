/**
 * How many modules `import` loads for each entry point: what a user pays at start-up for importing
 * the callback alone, the public barrel, or the CLI. Counted by a module-resolution hook in a fresh
 * Node process per entry (ESM modules as resolved URLs, plus CommonJS files required under them), so
 * nothing cached by an earlier import is hidden. Run after `npm run build`:
 *   node dist/bench/module-count.js
 * A count, not a time: it does not depend on how busy the machine is.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machineLine } from './lib/machine.js';
import { printTable } from './lib/table.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..');

const ENTRIES: ReadonlyArray<{ readonly label: string; readonly file: string; readonly what: string }> = [
  { label: "'metatune/callback'", file: 'src/callback.js', what: 'lrScheduler + scheduledOptimizer + built-in schedules' },
  { label: "'metatune' (barrel)", file: 'src/index.js', what: 'the public API' },
  { label: 'CLI', file: 'src/cli/main.js', what: 'every command' },
];

/** ESM modules through a resolve hook (it runs on the loader thread, so it appends to a file); CommonJS through require.cache. */
function count(file: string): { modules: number; packages: number } {
  const dir = mkdtempSync(join(tmpdir(), 'metatune-modcount-'));
  const log = join(dir, 'seen.txt');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const script = `
const before = new Set(Object.keys((await import('node:module')).createRequire(import.meta.url).cache));
await import(${JSON.stringify(pathToFileURL(join(DIST, file)).href)});
const { createRequire } = await import('node:module');
const cache = createRequire(import.meta.url).cache;
const cjs = Object.keys(cache).filter((k) => !before.has(k));
const { readFileSync } = await import('node:fs');
const esm = new Set(readFileSync(${JSON.stringify(log)}, 'utf8').split('\\n').filter(Boolean));
const all = new Set([...esm].map((u) => decodeURIComponent(new URL(u).pathname)).concat(cjs));
const pkgs = new Set([...all].map((p) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(p)?.[1]).filter(Boolean));
console.log(JSON.stringify({ esm: esm.size, cjs: cjs.length, all: all.size, packages: pkgs.size }));
process.exit(0);
`;
  writeFileSync(log, '');
  const out = execFileSync(process.execPath, ['--import', pathToFileURL(register).href, '--input-type=module', '-e', script], { cwd: DIST, encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { all: number; packages: number };
  return { modules: r.all, packages: r.packages };
}

console.log(machineLine());
const rows = ENTRIES.map((e) => {
  const c = count(e.file);
  return [e.label, e.what, c.modules, c.packages];
});
printTable({ title: 'Modules loaded by one import (fresh process each)', head: ['import', 'what', 'modules', 'npm packages'], rows });
