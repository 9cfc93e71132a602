/**
 * The runtime: every registry of one process, built once from the loaded plugins (built-ins and
 * third-party alike) and handed down to whatever needs it. Library code receives a runtime; only the
 * composition roots (src/container.ts, src/schedule-runtime.ts) know which plugins exist.
 *
 * Invariants:
 * - One registry per extension point; a duplicate id throws at build time (`DUPLICATE_CONTRIBUTION`),
 *   naming both plugins.
 * - Every contribution is also bound in the inversify container under its extension-point token,
 *   so `container.getAll(TOKENS.ScheduleFamily)` sees everything.
 */
import { Container } from 'inversify';
import type { LoadedConfig } from './core/config.js';
import {
  CONTRIBUTION_KINDS,
  CONTRIBUTION_KIND_NAMES,
  loadPlugins,
  type ContributionKind,
  type LoadedPlugin,
  type PluginManifest,
  type PluginSource,
} from './core/plugins.js';
import { Registry, type Contribution } from './core/registry.js';
import { TOKENS } from './core/tokens.js';
import type { Learner } from './meta/learner.js';
import type { ModelZooEntry } from './models/model-zoo.js';
import { ScheduleRegistry } from './schedules/registry.js';
import type { ScheduleFamily, ScheduleSpecFormat } from './schedules/schedule.js';
import type { Featurizer } from './tasks/featurizer.js';
import type { OptimizerAdapter } from './tfjs/optimizer-adapter.js';
import type { Importer } from './traces/importer.js';
import type { TraceStoreFactory } from './traces/store-factory.js';

/** How a runtime was built, so another process (a sweep worker) can build the same one. */
export interface RuntimeOrigin {
  readonly cwd: string;
  /** The config file read (absolute), or false for none. */
  readonly configFile: string | false;
  /** `--plugin` / `options.plugins`, as given (resolved from `cwd`). */
  readonly plugins: readonly string[];
}

export interface MetatuneRuntime {
  readonly container: Container;
  readonly schedules: ScheduleRegistry;
  readonly optimizers: Registry<OptimizerAdapter>;
  /** Trace-store factories by URL scheme (`openStore(url, runtime)`). */
  readonly stores: Registry<TraceStoreFactory>;
  /** Importers in sniffing order (plugin load order: the strictest sniffers first). */
  readonly importers: readonly Importer[];
  readonly featurizers: Registry<Featurizer>;
  readonly learners: Registry<Learner>;
  /** The model zoo. */
  readonly models: Registry<ModelZooEntry>;
  /** Manifests of every loaded plugin, built-ins first. */
  readonly plugins: readonly PluginManifest[];
  /** Where each loaded plugin came from ("built-in", a config file's entry, `--plugin`), in load order (`--verbose`). */
  readonly pluginOrigins: ReadonlyArray<{ readonly id: string; readonly origin: string; readonly manifestFile: string }>;
  /** The config file that was read, if any. */
  readonly config?: LoadedConfig;
  /** How `createContainer` built it (absent for runtimes built from sources directly). */
  readonly origin?: RuntimeOrigin;
  /** Every contribution of one kind with the plugin that made it. */
  contributions<T = unknown>(kind: ContributionKind): Array<Contribution<T>>;
}

/** Builds a runtime from plugin sources (synchronous: modules are already imported). */
export function buildRuntime(sources: readonly PluginSource[], config?: LoadedConfig, origin?: RuntimeOrigin): MetatuneRuntime {
  const loaded = loadPlugins(sources);
  const byKind = new Map<ContributionKind, Array<Contribution<unknown>>>();
  for (const kind of CONTRIBUTION_KIND_NAMES) {
    byKind.set(kind, loaded.flatMap((p: LoadedPlugin) => (p.contributions[kind] ?? []).map((value) => ({ plugin: p.manifest.id, value }))));
  }
  const contributions = <T>(kind: ContributionKind) => [...(byKind.get(kind) ?? [])] as Array<Contribution<T>>;
  const registry = <T extends { readonly id: string }>(kind: ContributionKind, label: string, notFoundCode: string) =>
    new Registry<T>({ kind: label, notFoundCode }, contributions<T>(kind));

  const schedules = new ScheduleRegistry(contributions<ScheduleFamily>('scheduleFamilies'), contributions<ScheduleSpecFormat>('scheduleSpecFormats'));
  const optimizers = registry<OptimizerAdapter>('optimizerAdapters', 'optimizer adapter', 'NO_OPTIMIZER_ADAPTER');
  const stores = registry<TraceStoreFactory>('stores', 'trace store scheme', 'UNKNOWN_STORE_URL');
  // Importers keep load order (sniffing order) but ids must still be unique.
  const importerIds = registry<Importer>('importers', 'importer', 'UNKNOWN_IMPORTER');
  const importers = Object.freeze(contributions<Importer>('importers').map((c) => c.value));
  void importerIds;
  const featurizers = registry<Featurizer>('featurizers', 'featurizer', 'UNKNOWN_FEATURIZER');
  const learners = registry<Learner>('learners', 'learner', 'UNKNOWN_LEARNER');
  const models = registry<ModelZooEntry>('models', 'model', 'UNKNOWN_MODEL');
  const plugins = Object.freeze(loaded.map((p) => p.manifest));
  const pluginOrigins = Object.freeze(sources.map((s) => Object.freeze({ id: s.manifest.id, origin: s.origin, manifestFile: s.manifestFile })));

  const container = new Container();
  for (const kind of CONTRIBUTION_KIND_NAMES) {
    for (const c of byKind.get(kind) ?? []) container.bind(CONTRIBUTION_KINDS[kind].token).toConstantValue(c.value);
  }
  container.bind(TOKENS.ScheduleRegistry).toConstantValue(schedules);
  container.bind(TOKENS.OptimizerAdapterRegistry).toConstantValue(optimizers);
  container.bind(TOKENS.PluginManifests).toConstantValue(plugins);

  return { container, schedules, optimizers, stores, importers, featurizers, learners, models, plugins, pluginOrigins, config, ...(origin && { origin }), contributions };
}
