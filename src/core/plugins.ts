import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Container, ContainerModule } from 'inversify';
import { MetatuneError, PluginError, describeValue } from './errors.js';
import { displayPath, readJsonFile, validateDocument } from './json-validation.js';
import { TOKENS } from './tokens.js';

/**
 * Plugin loading. A plugin is `plugin.json` (validated against schemas/plugin-manifest.schema.json)
 * plus a module whose default export is an inversify `ContainerModule`.
 *
 * Each plugin's module is loaded into its own scratch container so that every contribution can be
 * attributed to the plugin that made it (duplicate-id errors name both plugins) and so that the
 * manifest's `contributes` lists can be checked against what the module really binds: a manifest
 * that lies would make `metatune plugins` and error hints wrong.
 */

/** Plugin API versions this core can load. Bumped when a contract changes incompatibly. */
export const SUPPORTED_API_VERSIONS: readonly number[] = [1];

/** Extension points a manifest may list under `contributes`, with the token the module binds. */
export const CONTRIBUTION_KINDS = {
  scheduleFamilies: { token: TOKENS.ScheduleFamily, label: 'schedule family' },
  scheduleSpecFormats: { token: TOKENS.ScheduleSpecFormat, label: 'schedule spec format' },
  optimizerAdapters: { token: TOKENS.OptimizerAdapter, label: 'optimizer adapter' },
  importers: { token: TOKENS.Importer, label: 'importer' },
  stores: { token: TOKENS.TraceStoreFactory, label: 'trace store' },
  // Reserved for later issues; Symbol.for keeps the token identical to the one TOKENS will declare.
  featurizers: { token: Symbol.for('metatune.Featurizer'), label: 'featurizer' },
  learners: { token: Symbol.for('metatune.Learner'), label: 'learner' },
  models: { token: Symbol.for('metatune.ModelZooEntry'), label: 'model' },
} as const;

export type ContributionKind = keyof typeof CONTRIBUTION_KINDS;

export const CONTRIBUTION_KIND_NAMES = Object.keys(CONTRIBUTION_KINDS) as ContributionKind[];

export interface PluginManifest {
  readonly $schema?: string;
  /** kebab-case, unique among loaded plugins. */
  readonly id: string;
  readonly apiVersion: number;
  readonly description: string;
  /** Entry point relative to plugin.json. */
  readonly main: string;
  readonly contributes: Readonly<Partial<Record<ContributionKind, readonly string[]>>>;
}

/** A plugin before loading: its manifest, its module and where it came from. */
export interface PluginSource {
  readonly manifest: PluginManifest;
  readonly module: ContainerModule;
  /** "built-in" or how it was asked for ("./my-plugin", "metatune-plugin-foo"). */
  readonly origin: string;
  /** The plugin.json it was read from (for messages). */
  readonly manifestFile: string;
}

/** A loaded plugin: what it contributed, per kind, in binding order. */
export interface LoadedPlugin {
  readonly manifest: PluginManifest;
  readonly origin: string;
  readonly manifestFile: string;
  readonly contributions: Readonly<Partial<Record<ContributionKind, readonly unknown[]>>>;
}

/** Reads and validates a plugin.json; bad JSON or schema problems are `SchemaValidationError`s naming the file. */
export function readManifest(file: string): PluginManifest {
  const label = displayPath(file);
  const manifest = validateDocument<PluginManifest>('plugin-manifest', readJsonFile(file, label), { file: label });
  if (!SUPPORTED_API_VERSIONS.includes(manifest.apiVersion)) {
    throw new PluginError(
      'PLUGIN_API_VERSION',
      `Plugin "${manifest.id}" (${label}) is written for plugin apiVersion ${manifest.apiVersion}, but this metatune supports ` +
        `apiVersion ${SUPPORTED_API_VERSIONS.join(', ')}. Upgrade metatune, or install a version of the plugin built for apiVersion ${SUPPORTED_API_VERSIONS.at(-1)}.`,
      { plugin: manifest.id, file: label, apiVersion: manifest.apiVersion, supported: SUPPORTED_API_VERSIONS },
    );
  }
  return manifest;
}

/** True for an inversify ContainerModule, also one from another copy of inversify (duck-typed). */
export function isContainerModule(value: unknown): value is ContainerModule {
  if (value instanceof ContainerModule) return true;
  return (
    typeof value === 'object' && value !== null &&
    typeof (value as { load?: unknown }).load === 'function' &&
    typeof (value as { id?: unknown }).id === 'number'
  );
}

function contributionId(value: unknown): string | undefined {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Loads one plugin's module into a scratch container and collects its contributions. Throws
 * `PluginError` `PLUGIN_INVALID` when the module fails to load or binds a contribution without an
 * id, and `MANIFEST_MISMATCH` when plugin.json's `contributes` differs from what was bound.
 */
export function loadPlugin(source: PluginSource): LoadedPlugin {
  const { manifest, origin } = source;
  const where = `Plugin "${manifest.id}" (${displayPath(source.manifestFile)})`;
  const scratch = new Container();
  try {
    scratch.load(source.module);
  } catch (err) {
    throw new PluginError('PLUGIN_INVALID', `${where} failed to load its ContainerModule: ${(err as Error).message}. ` +
      'Its load function must bind synchronously (options.bind(TOKEN).toConstantValue(value)).', { plugin: manifest.id }, { cause: err });
  }
  const contributions: Partial<Record<ContributionKind, unknown[]>> = {};
  const problems: string[] = [];
  for (const kind of CONTRIBUTION_KIND_NAMES) {
    const { token, label } = CONTRIBUTION_KINDS[kind];
    let values: unknown[] = [];
    if (scratch.isBound(token)) {
      try {
        values = scratch.getAll(token);
      } catch (err) {
        throw new PluginError('PLUGIN_INVALID', `${where}: its ${label} bindings cannot be resolved: ${(err as Error).message}`, { plugin: manifest.id, kind }, { cause: err });
      }
    }
    const ids: string[] = [];
    for (const v of values) {
      const id = contributionId(v);
      if (id === undefined) {
        throw new PluginError('PLUGIN_INVALID', `${where} binds a ${label} without a string \`id\` (found ${describeValue(v)}).`, { plugin: manifest.id, kind });
      }
      ids.push(id);
    }
    const declared = manifest.contributes[kind] ?? [];
    const missing = declared.filter((id) => !ids.includes(id));
    const undeclared = ids.filter((id) => !declared.includes(id));
    if (missing.length || undeclared.length) {
      problems.push(
        `contributes.${kind} lists [${declared.join(', ')}] but the module binds [${ids.join(', ')}]` +
          `${missing.length ? `; not bound: ${missing.join(', ')}` : ''}${undeclared.length ? `; not listed: ${undeclared.join(', ')}` : ''}`,
      );
    }
    if (values.length) contributions[kind] = values;
  }
  if (problems.length) {
    throw new PluginError(
      'MANIFEST_MISMATCH',
      `${where}: plugin.json does not match its module: ${problems.join('; ')}. Make plugin.json's "contributes" list exactly the ids the module binds.`,
      { plugin: manifest.id, problems },
    );
  }
  return { manifest, origin, manifestFile: source.manifestFile, contributions };
}

/** Loads several plugins; two plugins with one id are a `PluginError` `DUPLICATE_PLUGIN` naming both. */
export function loadPlugins(sources: readonly PluginSource[]): LoadedPlugin[] {
  const byId = new Map<string, PluginSource>();
  for (const s of sources) {
    const first = byId.get(s.manifest.id);
    if (first) {
      throw new PluginError(
        'DUPLICATE_PLUGIN',
        `Two plugins have the id "${s.manifest.id}": ${describeSource(first)} and ${describeSource(s)}. ` +
          'Remove one of them from metatune.config.json (built-in plugins are always loaded) or rename the id.',
        { id: s.manifest.id, plugins: [describeSource(first), describeSource(s)] },
      );
    }
    byId.set(s.manifest.id, s);
  }
  return sources.map(loadPlugin);
}

function describeExport(value: unknown): string {
  if (value === undefined) return 'no default export';
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'object' && value !== null && value.constructor && value.constructor !== Object) return `a ${value.constructor.name}`;
  return describeValue(value);
}

function describeSource(s: PluginSource): string {
  return s.origin === 'built-in' ? `the built-in plugin (${displayPath(s.manifestFile)})` : `"${s.origin}" (${displayPath(s.manifestFile)})`;
}

// ---------------------------------------------------------------------------------------------
// Third-party plugins

/** Paths start with ".", "/", a drive letter or "file:"; anything else is an npm package name. */
export function isPathSpecifier(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('file:') || isAbsolute(spec) || /^[A-Za-z]:[\\/]/.test(spec);
}

/** Finds node_modules/<name> walking up from `baseDir`, as Node's resolver does for bare specifiers. */
function findPackageDir(name: string, baseDir: string): string | undefined {
  let dir = resolve(baseDir);
  for (;;) {
    const candidate = join(dir, 'node_modules', ...name.split('/'));
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Resolves a third-party plugin by path (a folder holding plugin.json, relative to `baseDir`) or by
 * npm package name (resolved from `baseDir`), validates its manifest and imports its `main`.
 * `baseDir` is the config file's folder (or the cwd for `--plugin`); `from` names it in messages.
 */
export async function importPlugin(spec: string, baseDir: string, from = displayPath(baseDir)): Promise<PluginSource> {
  let dir: string;
  if (isPathSpecifier(spec)) {
    const target = spec.startsWith('file:') ? fileURLToPath(spec) : resolve(baseDir, spec);
    dir = existsSync(target) && statSync(target).isFile() ? dirname(target) : target;
    if (!existsSync(join(dir, 'plugin.json'))) {
      throw new PluginError(
        'PLUGIN_NOT_FOUND',
        `Plugin "${spec}" not found: ${displayPath(join(dir, 'plugin.json'))} does not exist. A plugin is a folder with plugin.json next to its entry point; ` +
          `paths are relative to ${from}. Fix the path, or run \`metatune validate <folder>/plugin.json\` once it exists.`,
        { plugin: spec, path: dir },
      );
    }
  } else {
    const pkgDir = findPackageDir(spec, baseDir);
    if (!pkgDir) {
      throw new PluginError(
        'PLUGIN_NOT_FOUND',
        `Plugin package "${spec}" not found from ${from}. Install it there (\`npm install ${spec}\`), or list the plugin by path (e.g. "./plugins/${spec.split('/').at(-1)}").`,
        { plugin: spec, from: baseDir },
      );
    }
    dir = pkgDir;
    readJsonFile(join(dir, 'package.json'), displayPath(join(dir, 'package.json')));
    if (!existsSync(join(dir, 'plugin.json'))) {
      throw new PluginError(
        'PLUGIN_INVALID',
        `Package "${spec}" (${displayPath(dir)}) is not a metatune plugin: it has no plugin.json next to its package.json.`,
        { plugin: spec, path: dir },
      );
    }
  }
  const manifestFile = join(dir, 'plugin.json');
  const manifest = readManifest(manifestFile);
  const mainFile = resolve(dir, manifest.main);
  if (!existsSync(mainFile)) {
    throw new PluginError(
      'PLUGIN_INVALID',
      `Plugin "${manifest.id}" (${displayPath(manifestFile)}): its main file ${displayPath(mainFile)} does not exist. Build the plugin, or fix "main" in plugin.json.`,
      { plugin: manifest.id, main: mainFile },
    );
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(mainFile).href)) as { default?: unknown };
  } catch (err) {
    if (err instanceof MetatuneError) throw err;
    throw new PluginError('PLUGIN_INVALID', `Plugin "${manifest.id}": importing ${displayPath(mainFile)} failed: ${(err as Error).message}`, { plugin: manifest.id }, { cause: err });
  }
  if (!isContainerModule(mod.default)) {
    throw new PluginError(
      'PLUGIN_INVALID',
      `Plugin "${manifest.id}": the default export of ${displayPath(mainFile)} is not an inversify ContainerModule (found ${describeExport(mod.default)}). ` +
        "Export one: `export default new ContainerModule((options) => { options.bind(TOKENS.ScheduleFamily).toConstantValue(family); })`.",
      { plugin: manifest.id, main: mainFile },
    );
  }
  return { manifest, module: mod.default, origin: spec, manifestFile };
}
