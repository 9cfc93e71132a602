import { fileURLToPath } from 'node:url';
import type { ContainerModule } from 'inversify';
import { readManifest, type PluginSource } from '../src/core/plugins.js';
import interopFastai from './interop-fastai/index.js';
import interopKeras from './interop-keras/index.js';
import interopOptax from './interop-optax/index.js';
import interopPytorch from './interop-pytorch/index.js';
import optimizersTfjs from './optimizers-tfjs/index.js';
import schedulesAdaptive from './schedules-adaptive/index.js';
import schedulesCore from './schedules-core/index.js';
import storeMemory from './store-memory/index.js';
import storeLowdb from './store-lowdb/index.js';
import storePostgres from './store-postgres/index.js';
import importerTfevents from './importer-tfevents/index.js';
import importerMlflow from './importer-mlflow/index.js';
import importerOptunaJournal from './importer-optuna-journal/index.js';
import importerJsonl from './importer-jsonl/index.js';
import importerTfjsHistory from './importer-tfjs-history/index.js';
import importerKerasCsv from './importer-keras-csv/index.js';
import featurizerBasic from './featurizer-basic/index.js';
import featurizerLandmark from './featurizer-landmark/index.js';
import featurizerProbe from './featurizer-probe/index.js';
import featurizerModel from './featurizer-model/index.js';
import zooBasic from './zoo-basic/index.js';
import learnerBestDefault from './learner-best-default/index.js';
import learnerPortfolio from './learner-portfolio/index.js';
import learnerKnn from './learner-knn/index.js';
import learnerLrProbe from './learner-lr-probe/index.js';
import learnerSurrogate from './learner-surrogate/index.js';

/**
 * The plugins that ship with metatune, always loaded. Modules are imported statically (so the
 * built-ins work without a config file and `defaultRuntime()` can stay synchronous); each manifest
 * is read from the plugin.json next to the module (the build copies plugin.json into dist/).
 */
const BUILTINS: ReadonlyArray<{ readonly module: ContainerModule; readonly manifest: URL }> = [
  { module: schedulesCore, manifest: new URL('./schedules-core/plugin.json', import.meta.url) },
  { module: schedulesAdaptive, manifest: new URL('./schedules-adaptive/plugin.json', import.meta.url) },
  { module: interopKeras, manifest: new URL('./interop-keras/plugin.json', import.meta.url) },
  { module: interopOptax, manifest: new URL('./interop-optax/plugin.json', import.meta.url) },
  { module: interopPytorch, manifest: new URL('./interop-pytorch/plugin.json', import.meta.url) },
  { module: interopFastai, manifest: new URL('./interop-fastai/plugin.json', import.meta.url) },
  { module: optimizersTfjs, manifest: new URL('./optimizers-tfjs/plugin.json', import.meta.url) },
  { module: storeMemory, manifest: new URL('./store-memory/plugin.json', import.meta.url) },
  { module: storeLowdb, manifest: new URL('./store-lowdb/plugin.json', import.meta.url) },
  { module: storePostgres, manifest: new URL('./store-postgres/plugin.json', import.meta.url) },
  // Importers in sniffing order: the strictest sniffers first (TFRecord CRC, MLflow layout, Optuna
  // op codes), the loosest (a CSV header) last. `metatune import --format auto` asks them in this order.
  { module: importerTfevents, manifest: new URL('./importer-tfevents/plugin.json', import.meta.url) },
  { module: importerMlflow, manifest: new URL('./importer-mlflow/plugin.json', import.meta.url) },
  { module: importerOptunaJournal, manifest: new URL('./importer-optuna-journal/plugin.json', import.meta.url) },
  { module: importerJsonl, manifest: new URL('./importer-jsonl/plugin.json', import.meta.url) },
  { module: importerTfjsHistory, manifest: new URL('./importer-tfjs-history/plugin.json', import.meta.url) },
  { module: importerKerasCsv, manifest: new URL('./importer-keras-csv/plugin.json', import.meta.url) },
  { module: featurizerBasic, manifest: new URL('./featurizer-basic/plugin.json', import.meta.url) },
  { module: featurizerLandmark, manifest: new URL('./featurizer-landmark/plugin.json', import.meta.url) },
  { module: featurizerProbe, manifest: new URL('./featurizer-probe/plugin.json', import.meta.url) },
  { module: featurizerModel, manifest: new URL('./featurizer-model/plugin.json', import.meta.url) },
  { module: zooBasic, manifest: new URL('./zoo-basic/plugin.json', import.meta.url) },
  { module: learnerBestDefault, manifest: new URL('./learner-best-default/plugin.json', import.meta.url) },
  { module: learnerPortfolio, manifest: new URL('./learner-portfolio/plugin.json', import.meta.url) },
  { module: learnerKnn, manifest: new URL('./learner-knn/plugin.json', import.meta.url) },
  { module: learnerLrProbe, manifest: new URL('./learner-lr-probe/plugin.json', import.meta.url) },
  { module: learnerSurrogate, manifest: new URL('./learner-surrogate/plugin.json', import.meta.url) },
];

let cached: PluginSource[] | undefined;

/** The built-in plugins with their validated manifests (read once per process). */
export function builtinPlugins(): PluginSource[] {
  cached ??= BUILTINS.map(({ module, manifest }) => {
    const manifestFile = fileURLToPath(manifest);
    return { manifest: readManifest(manifestFile), module, origin: 'built-in', manifestFile };
  });
  return cached;
}
