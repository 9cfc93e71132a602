import { Container } from 'inversify';
import { TOKENS } from '../core/tokens.js';
import type { Importer } from './importer.js';
import tfevents from '../../plugins/importer-tfevents/index.js';
import mlflow from '../../plugins/importer-mlflow/index.js';
import optuna from '../../plugins/importer-optuna-journal/index.js';
import jsonl from '../../plugins/importer-jsonl/index.js';
import tfjsHistory from '../../plugins/importer-tfjs-history/index.js';
import kerasCsv from '../../plugins/importer-keras-csv/index.js';

/**
 * The importer plugins shipped with metatune, in sniffing order: the strictest sniffers first
 * (TFRecord CRC check, MLflow folder layout, Optuna op codes), the loosest (CSV header) last.
 * Loaded through their ContainerModules, as the CLI's container does.
 */
export const BUILTIN_IMPORTER_MODULES = [tfevents, mlflow, optuna, jsonl, tfjsHistory, kerasCsv];

export async function builtinImporters(): Promise<Importer[]> {
  const container = new Container();
  await container.load(...BUILTIN_IMPORTER_MODULES);
  return container.getAll<Importer>(TOKENS.Importer);
}
