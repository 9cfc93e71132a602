/**
 * The composition root: the one place in src/ that knows which plugins ship with metatune. The CLI
 * (src/cli/main.ts), sweep workers and the public barrel build their runtime here — built-ins, then
 * the config file's plugins, then `--plugin` / `options.plugins` — and pass it down.
 */
import { resolve } from 'node:path';
import { builtinPlugins } from '../plugins/builtin.js';
import { findConfigFile, loadConfig } from './core/config.js';
import { displayPath } from './core/json-validation.js';
import { importPlugin, type PluginSource } from './core/plugins.js';
import { buildRuntime, type MetatuneRuntime } from './runtime.js';
import { runSweep as runSweepWith, type SweepOptions, type SweepSummary } from './sweeps/runner.js';
import { runTrial as runTrialWith, type RunTrialDeps, type TrialConfig, type TrialResult } from './sweeps/trial.js';
import type { Importer } from './traces/importer.js';
import { migrateStore as migrateStoreWith, openStore, type StoreFactorySource } from './traces/get-store.js';
import { DEFAULT_STORE_URL, type MigrationReport } from './traces/store-factory.js';
import type { TraceStore } from './traces/store.js';
import { installDefaultTfjsRuntime } from './tfjs/runtime.js';

export { buildRuntime, type MetatuneRuntime } from './runtime.js';

export interface CreateContainerOptions {
  /** Extra third-party plugins (package names or paths, relative to `cwd`). Defaults to none. */
  readonly plugins?: readonly string[];
  /** Config file to read; `false` to read none. Defaults to metatune.config.json in `cwd` when it exists. */
  readonly configFile?: string | false;
  /** Folder to look for the config file and resolve `plugins` from. Defaults to `process.cwd()`. */
  readonly cwd?: string;
}

/**
 * Creates the runtime: built-ins, then the config file's plugins (resolved from its folder), then
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
  return buildRuntime(sources, config, { cwd, configFile: configFile ?? false, plugins: [...(options.plugins ?? [])] });
}

let defaultInstance: MetatuneRuntime | undefined;

/**
 * Built-in plugins only, created on first use and shared by the process. For callers that have no
 * runtime to pass (a script using the public API without `createContainer`). Synchronous on purpose.
 */
export function defaultRuntime(): MetatuneRuntime {
  defaultInstance ??= buildRuntime(builtinPlugins());
  return defaultInstance;
}

// `lrScheduler({ schedule })` with no runtime uses the full built-in runtime once this root is loaded
// (the public barrel loads it); 'metatune/callback' installs the lighter schedule-only one instead.
installDefaultTfjsRuntime(defaultRuntime, 'full');

/** The importers shipped with metatune, in sniffing order. */
export async function builtinImporters(): Promise<Importer[]> {
  return [...defaultRuntime().importers];
}

/**
 * Opens the store at `url` (defaults to `$METATUNE_STORE`, else `file:./.metatune/store.json`) with
 * the built-in schemes. Code that has a runtime calls `openStore(url, runtime)` instead, which also
 * knows its plugins' schemes.
 */
export async function getStore(url: string = process.env.METATUNE_STORE ?? DEFAULT_STORE_URL, runtime: StoreFactorySource = defaultRuntime()): Promise<TraceStore> {
  return openStore(url, runtime);
}

/** Applies pending schema migrations of the store at `url` (a no-op report for schemes without a schema). */
export async function migrateStore(
  url: string = process.env.METATUNE_STORE ?? DEFAULT_STORE_URL,
  runtime: StoreFactorySource = defaultRuntime(),
): Promise<MigrationReport | undefined> {
  return migrateStoreWith(url, runtime);
}

/** `runSweep` with the built-in runtime when `options.runtime` is left out (the public API's form). */
export async function runSweep(options: Omit<SweepOptions, 'runtime'> & { readonly runtime?: MetatuneRuntime }): Promise<SweepSummary> {
  return runSweepWith({ ...options, runtime: options.runtime ?? defaultRuntime() });
}

/** `runTrial` with the built-in runtime when `deps.runtime` is left out (the public API's form). */
export async function runTrial(config: TrialConfig, deps: Omit<RunTrialDeps, 'runtime'> & { readonly runtime?: MetatuneRuntime }): Promise<TrialResult> {
  return runTrialWith(config, { ...deps, runtime: deps.runtime ?? defaultRuntime() });
}
