/**
 * `getStore(url)`: the one way to open a trace store (Optuna's `get_storage`). The URL scheme picks
 * a `TraceStoreFactory` contribution (extension point `metatune.TraceStoreFactory`):
 *   memory:                          in-process, for tests and dry runs
 *   file:<path>                      lowdb JSON file, relative to the working directory (the default)
 *   postgres://user@host:5432/db     PostgreSQL (also postgresql://), for many machines
 * Drivers are imported only when their scheme is opened, so `memory:` never loads `pg`.
 */
import { ValidationError } from '../core/errors.js';
import { Registry } from '../core/registry.js';
import { memoryStoreFactory } from '../../plugins/store-memory/factory.js';
import { lowdbStoreFactory } from '../../plugins/store-lowdb/factory.js';
import { postgresStoreFactories } from '../../plugins/store-postgres/factory.js';
import { redactUrl } from './record-utils.js';
import type { TraceStore } from './store.js';

/** What `metatune store migrate` reports. */
export interface MigrationReport {
  /** Versions applied by this call, in order (empty when the schema was current). */
  readonly applied: readonly { readonly version: number; readonly name: string }[];
  /** Schema version after the call. */
  readonly version: number;
}

/** Extension point `TraceStoreFactory`: opens the stores of one URL scheme. */
export interface TraceStoreFactory {
  /** The URL scheme without the colon: "memory", "file", "postgres". */
  readonly id: string;
  /** One line for `metatune plugins` and error messages. */
  readonly description?: string;
  /** An example URL, shown when a URL is not understood. */
  readonly example?: string;
  open(url: string): Promise<TraceStore>;
  /** Brings the store's schema up to date (stores without a schema leave it out). */
  migrate?(url: string): Promise<MigrationReport>;
}

export const DEFAULT_STORE_URL = 'file:./.metatune/store.json';

/** The factories shipped with metatune (store-memory, store-lowdb, store-postgres). */
export function builtinStoreFactories(): Registry<TraceStoreFactory> {
  return new Registry<TraceStoreFactory>({ kind: 'trace store scheme', notFoundCode: 'UNKNOWN_STORE_URL' }, [
    { plugin: 'store-memory', value: memoryStoreFactory },
    { plugin: 'store-lowdb', value: lowdbStoreFactory },
    ...postgresStoreFactories.map((value) => ({ plugin: 'store-postgres', value })),
  ]);
}

/** The store factories a runtime's plugins contribute (built-ins and third-party schemes). */
export function storeFactoriesOf(runtime: { contributions<T>(kind: 'stores'): Array<{ plugin: string; value: T }> }): Registry<TraceStoreFactory> {
  return new Registry<TraceStoreFactory>({ kind: 'trace store scheme', notFoundCode: 'UNKNOWN_STORE_URL' }, runtime.contributions<TraceStoreFactory>('stores'));
}

/** Levenshtein distance (scheme names are short; a plain DP table is enough). */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

function schemeOf(url: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  // "C:\..." is a Windows drive, not a scheme.
  return m && m[1].length > 1 ? m[1].toLowerCase() : undefined;
}

/** Picks the factory for `url` or throws `UNKNOWN_STORE_URL` listing the schemes and the nearest one. */
export function resolveStoreFactory(url: string, factories: Registry<TraceStoreFactory> = builtinStoreFactories()): TraceStoreFactory {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new ValidationError('UNKNOWN_STORE_URL', `The store URL must be a non-empty string. Received: ${JSON.stringify(url)}. Example: ${DEFAULT_STORE_URL}.`, {
      url,
      schemes: factories.ids(),
    });
  }
  const scheme = schemeOf(url);
  if (scheme && factories.has(scheme)) return factories.get(scheme);
  const schemes = factories.ids();
  const listed = factories
    .values()
    .map((f) => `${f.id}: (${f.example ?? `${f.id}:…`})`)
    .join(', ');
  let hint: string;
  if (!scheme) {
    hint = `It has no scheme; for a file write "file:${url}".`;
  } else {
    const ranked = schemes.map((s) => ({ s, d: editDistance(scheme, s) })).sort((a, b) => a.d - b.d || a.s.length - b.s.length);
    const best = ranked[0];
    hint =
      best && best.d <= Math.max(2, Math.floor(scheme.length / 3))
        ? `Did you mean "${best.s}:"? (${redactUrl(url.replace(/^[^:]*:/, `${best.s}:`))})`
        : `Use one of the schemes above.`;
  }
  throw new ValidationError(
    'UNKNOWN_STORE_URL',
    `Unknown store URL "${redactUrl(url)}": the scheme ${scheme ? `"${scheme}:"` : '(none)'} is not one of ${listed}. ${hint}`,
    { url: redactUrl(url), scheme, schemes },
  );
}

/**
 * Opens the store at `url` (defaults to `$METATUNE_STORE`, else `file:./.metatune/store.json`).
 * `factories` defaults to the built-in schemes; a container passes the registry of its plugins.
 */
export async function getStore(
  url: string = process.env.METATUNE_STORE ?? DEFAULT_STORE_URL,
  factories: Registry<TraceStoreFactory> = builtinStoreFactories(),
): Promise<TraceStore> {
  return resolveStoreFactory(url, factories).open(url);
}

/** Applies pending schema migrations of the store at `url` (a no-op report for schemes without a schema). */
export async function migrateStore(
  url: string = process.env.METATUNE_STORE ?? DEFAULT_STORE_URL,
  factories: Registry<TraceStoreFactory> = builtinStoreFactories(),
): Promise<MigrationReport | undefined> {
  const factory = resolveStoreFactory(url, factories);
  return factory.migrate ? factory.migrate(url) : undefined;
}
