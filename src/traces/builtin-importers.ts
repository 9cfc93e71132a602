import { defaultRuntime } from '../core/container.js';
import type { Importer } from './importer.js';

/**
 * The importers shipped with metatune, in sniffing order (the order of plugins/builtin.ts: the
 * strictest sniffers first — TFRecord CRC check, MLflow folder layout, Optuna op codes — the
 * loosest, a CSV header, last). Taken from the process container so there is one list of built-ins.
 */
export async function builtinImporters(): Promise<Importer[]> {
  return defaultRuntime()
    .contributions<Importer>('importers')
    .map((c) => c.value);
}
