/**
 * `metatune store migrate --store URL` and `metatune store stats --store URL [--json]`.
 * migrate applies pending schema migrations (Postgres); schemes without a schema say so and
 * succeed, so scripts can run it for any store URL.
 */
import type { Command } from 'commander';
import Table from 'cli-table3';
import { migrateStore } from '../../traces/get-store.js';
import { DEFAULT_STORE_URL } from '../../traces/store-factory.js';
import { MetatuneError } from '../../core/errors.js';
import { redactUrl } from '../../traces/record-utils.js';
import { copyStore } from '../../traces/store-copy.js';
import type { CliContext } from '../context.js';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(1)} ${units[u]}`;
}

export function registerStoreCommand(program: Command, ctx: CliContext): Command {
  const io = ctx.io;
  const store = program.command('store').description('trace store maintenance: schema migrations, statistics, copying between stores');

  store
    .command('migrate')
    .description('apply pending schema migrations (PostgreSQL); a no-op for file: and memory: stores')
    .option('--store <url>', `trace store URL (default: $METATUNE_STORE, the config's "store", or ${DEFAULT_STORE_URL})`)
    .action(async (o: { store?: string }) => {
      const url = await ctx.storeUrl(o.store);
      const report = await migrateStore(url, await ctx.runtime());
      if (!report) {
        io.stdout(`${redactUrl(url)}: this kind of store has no schema to migrate.\n`);
        return;
      }
      if (report.applied.length === 0) {
        io.stdout(`${redactUrl(url)}: schema is up to date (version ${report.version}).\n`);
        return;
      }
      io.stdout(`${redactUrl(url)}: applied ${report.applied.length} migration(s), schema version ${report.version}:\n`);
      for (const m of report.applied) io.stdout(`  ${m.version}  ${m.name}\n`);
    });

  store
    .command('stats')
    .description('runs (by status), tasks, epochs and size of the trace store')
    .option('--store <url>', `trace store URL (default: $METATUNE_STORE, the config's "store", or ${DEFAULT_STORE_URL})`)
    .option('--json', 'print the statistics as one JSON object')
    .action(async (o: { store?: string; json?: boolean }) => {
      const s = await ctx.openStore(o.store);
      try {
        const stats = await s.stats();
        if (o.json) {
          io.stdout(`${JSON.stringify({ url: s.url, ...stats })}\n`);
          return;
        }
        const table = new Table({ style: { head: [], border: [] } });
        table.push(
          { store: s.url },
          { runs: String(stats.runs) },
          ...Object.entries(stats.byStatus).map(([status, n]) => ({ [`  ${status}`]: String(n) })),
          { tasks: String(stats.tasks) },
          { epochs: String(stats.epochs) },
          ...(stats.bytes === undefined ? [] : [{ size: formatBytes(stats.bytes) }]),
        );
        io.stdout(`${table.toString()}\n`);
      } finally {
        await s.close();
      }
    });
  store
    .command('copy')
    .description('copy every run and policy from one store to another, exactly (streamed, resumable, idempotent): the way to move to PostgreSQL')
    .requiredOption('--from <url>', 'source store URL')
    .requiredOption('--to <url>', 'target store URL (created / migrated on first open)')
    .option('--replace', 'overwrite target runs with the same id and other content (else they are reported as conflicts)')
    .action(async (o: { from: string; to: string; replace?: boolean }) => {
      const from = await ctx.openStore(o.from);
      try {
        const to = await ctx.openStore(o.to);
        try {
          const started = Date.now();
          const s = await copyStore(from, to, { ...(o.replace ? { replace: true } : {}) });
          const secs = (Date.now() - started) / 1000;
          io.stdout(
            `copied ${from.url} -> ${to.url} in ${secs.toFixed(1)} s: ${s.runs} run(s) read (${s.epochs} epoch record(s)); ` +
              `added ${s.added}, already there ${s.unchanged}, replaced ${s.replaced}, duplicate source ${s.duplicates}, conflicts ${s.conflictCount}; ` +
              `policies written ${s.policies}, unchanged ${s.policiesUnchanged}\n`,
          );
          if (s.conflictCount > 0) {
            throw new MetatuneError(
              'RUN_CONFLICT',
              `${s.conflictCount} run(s) exist in ${to.url} with the same id and other content and were not copied (first: ${s.conflicts.slice(0, 5).join(', ')}). ` +
                `Re-run with --replace to overwrite them.`,
              { conflicts: s.conflicts },
            );
          }
        } finally {
          await to.close();
        }
      } finally {
        await from.close();
      }
    });
  return store;
}
