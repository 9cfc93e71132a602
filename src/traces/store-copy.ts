/**
 * `copyStore(from, to)`: the documented way to move a corpus between stores (file → PostgreSQL).
 * Streams `from.query()` and writes batches with `to.restoreRuns`, so every record arrives exactly
 * (ids, statuses, timestamps, outcomes, provenance), memory stays bounded by one batch, and the
 * copy is idempotent and resumable: re-running it after an interruption skips the runs already
 * there (`unchanged`) and copies the rest.
 */
import { ValidationError } from '../core/errors.js';
import { sameJson } from './record-utils.js';
import type { RestoreResult, TraceQuery, TraceStore } from './store.js';
import type { TraceRecord } from './trace.js';

export interface CopyOptions {
  /** Only runs matching this query. Policies are copied only when there is no filter. */
  readonly filter?: TraceQuery;
  /** Overwrite target runs whose id matches but whose content differs (else they are conflicts). */
  readonly replace?: boolean;
  /** Runs per target write (one journal line / one transaction). Defaults to 500. */
  readonly batchRuns?: number;
  /** Called after each batch with the totals so far. */
  readonly onProgress?: (summary: CopySummary) => void;
}

export interface CopySummary {
  /** Runs read from the source. */
  runs: number;
  epochs: number;
  added: number;
  unchanged: number;
  replaced: number;
  /** Runs whose source another target run already holds (same importer, content hash, source key). */
  duplicates: number;
  /** Ids held by the target with different content (not copied unless `replace`); the first 100. */
  conflicts: string[];
  conflictCount: number;
  /** Policies written (new or changed) and policies already identical. */
  policies: number;
  policiesUnchanged: number;
}

export async function copyStore(from: TraceStore, to: TraceStore, options: CopyOptions = {}): Promise<CopySummary> {
  if (from.url === to.url && !from.url.startsWith('memory:')) {
    throw new ValidationError('STORE_COPY_SAME', `store copy: --from and --to are the same store (${from.url}). Name two different stores.`, { url: from.url });
  }
  const batchRuns = Math.max(1, options.batchRuns ?? 500);
  const summary: CopySummary = { runs: 0, epochs: 0, added: 0, unchanged: 0, replaced: 0, duplicates: 0, conflicts: [], conflictCount: 0, policies: 0, policiesUnchanged: 0 };
  const count = (r: RestoreResult) => {
    if (r.outcome === 'added') summary.added++;
    else if (r.outcome === 'unchanged') summary.unchanged++;
    else if (r.outcome === 'replaced') summary.replaced++;
    else if (r.outcome === 'duplicate') summary.duplicates++;
    else {
      summary.conflictCount++;
      if (summary.conflicts.length < 100) summary.conflicts.push(r.id);
    }
  };
  let batch: TraceRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const results = await to.restoreRuns(batch, options.replace ? { replace: true } : {});
    results.forEach(count);
    batch = [];
    options.onProgress?.(summary);
  };
  for await (const r of from.query(options.filter)) {
    summary.runs++;
    summary.epochs += r.epochs.length;
    batch.push(r);
    if (batch.length >= batchRuns) await flush();
  }
  await flush();
  if (!options.filter || Object.keys(options.filter).length === 0) {
    const existing = new Set(await to.listPolicies());
    for (const name of await from.listPolicies()) {
      const artifact = await from.getPolicy(name);
      if (existing.has(name) && sameJson(await to.getPolicy(name), artifact)) {
        summary.policiesUnchanged++;
        continue;
      }
      await to.putPolicy(name, artifact);
      summary.policies++;
    }
  }
  return summary;
}
