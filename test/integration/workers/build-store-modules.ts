/**
 * Child processes in the reliability tests must run the real store code, but `npm test` has no
 * build step. This transpiles (no type-check: `tsc --noEmit` already ran) the import graph of
 * src/container.ts (the composition root: `getStore` with the built-in store plugins) into plain ES modules under node_modules/.cache/, where bare imports
 * (lowdb, pg, proper-lockfile) still resolve to the project's node_modules. Takes about a second.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Relative module specifiers of a TS file (static imports/exports and dynamic import()). */
function relativeImports(source: string): string[] {
  const out: string[] = [];
  const re = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const m of source.matchAll(re)) out.push(m[1]);
  return out;
}

export interface BuiltModules {
  readonly dir: string;
  /** Absolute path of the compiled src/container.js (exports `getStore`). */
  readonly getStore: string;
  /** Absolute path of the compiled lowdb store module. */
  readonly lowdbStore: string;
  remove(): void;
}

export interface BuildOptions {
  /**
   * Also make the runtime's non-code files reachable: every plugins/<name>/plugin.json (the built-in
   * plugins read their manifests at start) and a symlink to data/ (the task suite). Needed for
   * modules that create the metatune runtime or load tasks (the sweep worker). Defaults to false.
   */
  readonly assets?: boolean;
}

/** Transpiles the import graph of `entries` (paths relative to the repository root); see the module comment. */
export function buildStoreModules(
  entries = ['src/container.ts', 'plugins/store-lowdb/lowdb-store.ts', 'plugins/store-postgres/postgres-store.ts'],
  // The composition root reads every built-in plugin's manifest at start.
  options: BuildOptions = { assets: true },
): BuiltModules {
  const dir = join(ROOT, 'node_modules', '.cache', 'metatune-test-workers', `${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  cpSync(join(ROOT, 'schemas'), join(dir, 'schemas'), { recursive: true });
  if (options.assets) {
    for (const name of readdirSync(join(ROOT, 'plugins'))) {
      const manifest = join(ROOT, 'plugins', name, 'plugin.json');
      if (!existsSync(manifest)) continue;
      mkdirSync(join(dir, 'plugins', name), { recursive: true });
      cpSync(manifest, join(dir, 'plugins', name, 'plugin.json'));
    }
    symlinkSync(join(ROOT, 'data'), join(dir, 'data'), 'dir');
  }
  const seen = new Set<string>();
  const queue = entries.map((e) => join(ROOT, e));
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ES2022,
        target: ts.ScriptTarget.ES2022,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        esModuleInterop: true,
      },
    });
    const out = join(dir, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
    for (const spec of relativeImports(source)) {
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      if (existsSync(target)) queue.push(target);
    }
  }
  return {
    dir,
    getStore: join(dir, 'src/container.js'),
    lowdbStore: join(dir, 'plugins/store-lowdb/lowdb-store.js'),
    // rmSync removes a symlink without following it: data/ itself is never touched.
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
