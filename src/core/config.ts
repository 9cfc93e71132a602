import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { displayPath, readJsonFile, validateDocument } from './json-validation.js';

/**
 * metatune.config.json: the project's third-party plugins and defaults. Read from the current
 * directory only (not its parents) so that what runs is predictable from where the command starts.
 * Validated against schemas/config.schema.json; plugin paths are relative to the file's folder.
 */

export const CONFIG_FILE_NAME = 'metatune.config.json';

export type BackendName = 'node-gpu' | 'node' | 'wasm' | 'cpu';

export interface MetatuneConfig {
  readonly $schema?: string;
  /** npm package names (resolved from the config file's folder) or paths to plugin folders. */
  readonly plugins: readonly string[];
  /** Trace store URL for every command that opens a store, after `--store` and `$METATUNE_STORE`. */
  readonly store?: string;
  /** tfjs backend for the commands that train (demo, sweep), after `--backend`. */
  readonly backend?: BackendName;
}

export interface LoadedConfig {
  /** Absolute path of the file. */
  readonly file: string;
  /** Its folder: plugin paths and package names resolve from here. */
  readonly dir: string;
  readonly config: MetatuneConfig;
}

/** The config file in `cwd`, or undefined when there is none. */
export function findConfigFile(cwd: string = process.cwd()): string | undefined {
  const file = join(resolve(cwd), CONFIG_FILE_NAME);
  return existsSync(file) ? file : undefined;
}

/**
 * Reads and validates a config file. Throws `NotFoundError` `FILE_NOT_FOUND`, `SchemaValidationError`
 * `INVALID_JSON` (with line and column) or `SCHEMA_VALIDATION_FAILED` (with JSON pointers).
 */
export function loadConfig(file: string): LoadedConfig {
  const abs = resolve(file);
  const label = displayPath(abs);
  const config = validateDocument<MetatuneConfig>('config', readJsonFile(abs, label), { file: label });
  return { file: abs, dir: dirname(abs), config };
}
