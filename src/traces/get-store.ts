/**
 * `openStore(url, runtime)`: the one way to open a trace store (Optuna's `get_storage`). The URL
 * scheme picks a `TraceStoreFactory` (src/traces/store-factory.ts) among those the runtime's plugins
 * contribute, built-in or third-party alike:
 *   memory:                          in-process, for tests and dry runs
 *   file:<path>                      JSON snapshot + journal, relative to the working directory (the default)
 *   postgres://user@host:5432/db     PostgreSQL (also postgresql://), for many machines
 * Drivers are imported only when their scheme is opened, so `memory:` never loads `pg`.
 */
import { ValidationError } from '../core/errors.js';
import type { Registry } from '../core/registry.js';
import { redactUrl } from './record-utils.js';
import type { TraceStore } from './store.js';
import { DEFAULT_STORE_URL, type MigrationReport, type TraceStoreFactory } from './store-factory.js';


/** The factories by scheme: a runtime's `stores` registry. */
export type StoreFactories = Pick<Registry<TraceStoreFactory>, 'has' | 'get' | 'ids' | 'values'>;

/** A runtime (anything with `stores`), or the registry itself. */
export type StoreFactorySource = { readonly stores: StoreFactories } | StoreFactories;

function factoriesOf(source: StoreFactorySource): StoreFactories {
  return 'stores' in source ? source.stores : source;
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
export function resolveStoreFactory(url: string, source: StoreFactorySource): TraceStoreFactory {
  const factories = factoriesOf(source);
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

/** Opens the store at `url` with the factory its scheme names. */
export async function openStore(url: string, runtime: StoreFactorySource): Promise<TraceStore> {
  return resolveStoreFactory(url, runtime).open(url);
}

/** Applies pending schema migrations of the store at `url` (undefined for schemes without a schema). */
export async function migrateStore(url: string, runtime: StoreFactorySource): Promise<MigrationReport | undefined> {
  const factory = resolveStoreFactory(url, runtime);
  return factory.migrate ? factory.migrate(url) : undefined;
}

/** The store URL a command uses: its `--store`, else `$METATUNE_STORE`, else the config file's `store`, else the default. */
export function storeUrlOf(flag: string | undefined, config?: { readonly config: { readonly store?: string } }): string {
  return flag ?? process.env.METATUNE_STORE ?? config?.config.store ?? DEFAULT_STORE_URL;
}
