import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import Table from 'cli-table3';
import { exportCsv, exportJsonl, exportOptunaJournal, exportTraces, EXPORT_FORMATS, type ExportFormat } from '../../traces/exporters/index.js';
import { DEFAULT_STORE_URL } from '../../traces/store-factory.js';
import type { TraceQuery, TraceStore } from '../../traces/store.js';
import type { RunStatus, TraceRecord } from '../../traces/trace.js';
import type { CliContext } from '../context.js';

interface QueryOpts {
  store?: string;
  task?: string;
  status?: string;
  importer?: string;
  model?: string;
  limit?: string;
}

function toQuery(o: QueryOpts): TraceQuery {
  return {
    ...(o.task ? { taskId: o.task } : {}),
    ...(o.status ? { status: o.status.split(',') as RunStatus[] } : {}),
    ...(o.importer ? { importer: o.importer } : {}),
    ...(o.model ? { modelId: o.model } : {}),
    ...(o.limit !== undefined ? { limit: Number(o.limit) } : {}),
  };
}

const withQueryOptions = (c: Command) =>
  c
    .option('--store <url>', `trace store URL (default: $METATUNE_STORE, the config's "store", or ${DEFAULT_STORE_URL})`)
    .option('--task <id>', 'only runs of this task')
    .option('--status <list>', 'only runs with these statuses (comma-separated: running,completed,diverged,pruned,failed,incomplete)')
    .option('--importer <id>', 'only runs imported by this importer')
    .option('--model <id>', 'only runs of this model')
    .option('--limit <n>', 'at most this many runs');

async function* policiesOf(store: TraceStore): AsyncGenerator<{ name: string; artifact: unknown }> {
  for (const name of await store.listPolicies()) yield { name, artifact: await store.getPolicy(name) };
}

function fmt(v: number | undefined): string {
  return v === undefined ? '' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4);
}

/** `metatune runs list|show <id>|export --format jsonl|csv|optuna-journal [--out file]`. */
export function registerRunsCommand(program: Command, ctx: CliContext): Command {
  const io = ctx.io;
  const open = (url?: string) => ctx.openStore(url);
  const runs = program.command('runs').description('list, show and export the runs in the trace store');

  withQueryOptions(runs.command('list').description('one line per run: id, task, status, epochs, best metric, source'))
    .option('--json', 'one JSON object per line instead of a table')
    .action(async (o: QueryOpts & { json?: boolean }) => {
      const store = await open(o.store);
      try {
        const table = new Table({ head: ['id', 'task', 'status', 'epochs', 'best', 'source'], style: { head: [], border: [] } });
        let n = 0;
        for await (const r of store.query(toQuery(o))) {
          n++;
          if (o.json) {
            io.stdout(`${JSON.stringify({ id: r.id, task: r.task.id, status: r.status, epochs: r.epochs.length, best: r.outcome?.best, importer: r.provenance?.importer, file: r.provenance?.file })}\n`);
            continue;
          }
          const best = r.outcome?.best ? `${r.outcome.best.name} ${fmt(r.outcome.best.value)} @${r.outcome.best.epoch}` : '';
          const source = r.provenance ? `${r.provenance.importer}${r.provenance.sourceKey ? ` ${r.provenance.sourceKey}` : ''}` : '';
          table.push([r.id, r.task.id, r.status, String(r.epochs.length), best, source]);
        }
        if (!o.json) io.stdout(`${table.toString()}\n${n} run(s)\n`);
      } finally {
        await store.close();
      }
    });

  runs
    .command('show')
    .description('the whole record of one run, as JSON')
    .argument('<id>', 'run id')
    .option('--store <url>', `trace store URL (default: $METATUNE_STORE, the config's "store", or ${DEFAULT_STORE_URL})`)
    .action(async (id: string, o: { store?: string }) => {
      const store = await open(o.store);
      try {
        io.stdout(`${JSON.stringify(await store.getRun(id), null, 2)}\n`);
      } finally {
        await store.close();
      }
    });

  withQueryOptions(runs.command('export').description('write runs as lossless JSONL (every field; `metatune import` restores it exactly), JSONL with one epoch per line, CSV, or an Optuna journal'))
    .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .option('--out <file>', 'write to this file (default: stdout)')
    .action(async (o: QueryOpts & { format: ExportFormat; out?: string }) => {
      const store = await open(o.store);
      const out = o.out ? createWriteStream(resolve(io.cwd, o.out)) : undefined;
      const write = async (chunk: string) => {
        if (!out) return io.stdout(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
      };
      try {
        const query = () => store.query(toQuery(o)) as AsyncIterable<TraceRecord>;
        let summary: string;
        if (o.format === 'jsonl') {
          // Policies belong to the store, not to a filtered subset of its runs.
          const filtered = Object.keys(toQuery(o)).length > 0;
          const r = await exportTraces(query(), write, { source: store.url, ...(filtered ? {} : { policies: policiesOf(store) }) });
          summary = `${r.runs} run(s) (${r.epochs} epoch record(s))${filtered ? '' : `, ${r.policies} polic${r.policies === 1 ? 'y' : 'ies'}`}, format ${'metatune-traces'} v1`;
        } else if (o.format === 'jsonl-epochs') {
          const r = await exportJsonl(query(), write);
          summary = `${r.runs} run(s), ${r.lines} line(s)`;
        } else if (o.format === 'csv') {
          const r = await exportCsv(query, write);
          summary = `${r.runs} run(s), ${r.rows} row(s), ${r.columns.length} column(s)`;
        } else {
          const r = await exportOptunaJournal(query(), write);
          summary = `${r.trials} trial(s) in ${r.studies} stud${r.studies === 1 ? 'y' : 'ies'}`;
        }
        if (out) {
          out.end();
          await once(out, 'finish');
          io.stderr(`exported ${summary} to ${o.out}\n`);
        }
      } finally {
        if (out && !out.writableFinished) out.destroy();
        await store.close();
      }
    });
  return runs;
}

export type { TraceStore };
