import { resolve } from 'node:path';
import { Container } from 'inversify';
import { builtinPlugins } from '../../plugins/builtin.js';
import { ScheduleRegistry } from '../schedules/registry.js';
import type { ScheduleFamily, ScheduleSpecFormat } from '../schedules/schedule.js';
import type { OptimizerAdapter } from '../tfjs/optimizer-adapter.js';
import { findConfigFile, loadConfig, type LoadedConfig } from './config.js';
import { displayPath } from './json-validation.js';
import {
  CONTRIBUTION_KINDS,
  CONTRIBUTION_KIND_NAMES,
  importPlugin,
  loadPlugins,
  type ContributionKind,
  type LoadedPlugin,
  type PluginManifest,
  type PluginSource,
} from './plugins.js';
import { Registry, type Contribution } from './registry.js';
import { TOKENS } from './tokens.js';

/**
 * The one container per process. Built-in plugins are always loaded; third-party plugins come from
 * `options.plugins` and from metatune.config.json. Registries are built once at start (a duplicate
 * id throws there, naming both plugins) and bound as constants, as is every contribution under its
 * extension-point token, so `container.getAll(TOKENS.ScheduleFamily)` sees everything.
 */

export interface CreateContainerOptions {
  /** Extra third-party plugins (package names or paths, relative to `cwd`). Defaults to none. */
  readonly plugins?: readonly string[];
  /** Config file to read; `false` to read none. Defaults to metatune.config.json in `cwd` when it exists. */
  readonly configFile?: string | false;
  /** Folder to look for the config file and resolve `plugins` from. Defaults to `process.cwd()`. */
  readonly cwd?: string;
}

export interface MetatuneRuntime {
  readonly container: Container;
  readonly schedules: ScheduleRegistry;
  readonly optimizers: Registry<OptimizerAdapter>;
  /** Manifests of every loaded plugin, built-ins first. */
  readonly plugins: readonly PluginManifest[];
  /** The config file that was read, if any. */
  readonly config?: LoadedConfig;
  /** Every contribution of one kind with the plugin that made it (for registries of later issues). */
  contributions<T = unknown>(kind: ContributionKind): Array<Contribution<T>>;
}

/** Builds a runtime from plugin sources (synchronous: modules are already imported). */
export function buildRuntime(sources: readonly PluginSource[], config?: LoadedConfig): MetatuneRuntime {
  const loaded = loadPlugins(sources);
  const byKind = new Map<ContributionKind, Array<Contribution<unknown>>>();
  for (const kind of CONTRIBUTION_KIND_NAMES) {
    byKind.set(kind, loaded.flatMap((p: LoadedPlugin) => (p.contributions[kind] ?? []).map((value) => ({ plugin: p.manifest.id, value }))));
  }
  const contributions = <T>(kind: ContributionKind) => [...(byKind.get(kind) ?? [])] as Array<Contribution<T>>;

  const schedules = new ScheduleRegistry(contributions<ScheduleFamily>('scheduleFamilies'), contributions<ScheduleSpecFormat>('scheduleSpecFormats'));
  const optimizers = new Registry<OptimizerAdapter>(
    { kind: 'optimizer adapter', notFoundCode: 'NO_OPTIMIZER_ADAPTER' },
    contributions<OptimizerAdapter>('optimizerAdapters'),
  );
  const plugins = Object.freeze(loaded.map((p) => p.manifest));

  const container = new Container();
  for (const kind of CONTRIBUTION_KIND_NAMES) {
    for (const c of byKind.get(kind) ?? []) container.bind(CONTRIBUTION_KINDS[kind].token).toConstantValue(c.value);
  }
  container.bind(TOKENS.ScheduleRegistry).toConstantValue(schedules);
  container.bind(TOKENS.OptimizerAdapterRegistry).toConstantValue(optimizers);
  container.bind(TOKENS.PluginManifests).toConstantValue(plugins);

  return { container, schedules, optimizers, plugins, config, contributions };
}

/**
 * Creates the container: built-ins, then the config file's plugins (resolved from its folder), then
 * `options.plugins` (resolved from `cwd`). Throws `PluginError` (`PLUGIN_NOT_FOUND`,
 * `PLUGIN_API_VERSION`, `PLUGIN_INVALID`, `MANIFEST_MISMATCH`, `DUPLICATE_PLUGIN`,
 * `DUPLICATE_CONTRIBUTION`) or `SchemaValidationError` for a bad config file or manifest.
 */
export async function createContainer(options: CreateContainerOptions = {}): Promise<MetatuneRuntime> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const configFile = options.configFile === false ? undefined : options.configFile !== undefined ? resolve(cwd, options.configFile) : findConfigFile(cwd);
  const config = configFile ? loadConfig(configFile) : undefined;
  const sources: PluginSource[] = [...builtinPlugins()];
  for (const spec of config?.config.plugins ?? []) sources.push(await importPlugin(spec, config!.dir, displayPath(config!.file)));
  for (const spec of options.plugins ?? []) sources.push(await importPlugin(spec, cwd, `${displayPath(cwd) || '.'} (--plugin)`));
  return buildRuntime(sources, config);
}

let defaultInstance: MetatuneRuntime | undefined;

/**
 * Built-in plugins only, created on first use and shared by the process (the callback and the
 * optimizer wrapper use it when given a spec and no runtime). Synchronous on purpose.
 */
export function defaultRuntime(): MetatuneRuntime {
  defaultInstance ??= buildRuntime(builtinPlugins());
  return defaultInstance;
}
