/**
 * Extension point `TraceStoreFactory` (token `metatune.TraceStoreFactory`): opens the stores of one
 * URL scheme (`memory:`, `file:`, `postgres:`). Built-in and third-party schemes are contributed by
 * plugins alike (`"contributes": { "stores": ["<scheme>"] }`); `openStore(url, factories)` picks one.
 *
 * Invariants:
 * - `id` is the URL scheme without the colon, lower case; one factory per scheme.
 * - `open` returns a store that satisfies the `TraceStore` contract (test/conformance/trace-store.test.ts);
 *   drivers are imported inside `open`, so a scheme that is never opened costs nothing.
 * - `migrate`, when present, is idempotent: a second call applies nothing.
 */
import type { TraceStore } from './store.js';

/** What `metatune store migrate` reports. */
export interface MigrationReport {
  /** Versions applied by this call, in order (empty when the schema was current). */
  readonly applied: readonly { readonly version: number; readonly name: string }[];
  /** Schema version after the call. */
  readonly version: number;
}

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

/** Where the CLI and `runSweep` write when no URL is given (after `--store`, `$METATUNE_STORE` and the config's `store`). */
export const DEFAULT_STORE_URL = 'file:./.metatune/store.json';
