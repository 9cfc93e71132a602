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
import { EnvironmentError, ValidationError } from '../../core/errors.js';
import { scheduleFamilyOf } from '../../traces/record-utils.js';
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

interface QueryOpts {
  store?: string;
  task?: string;
  status?: string;
  importer?: string;
  model?: string;
  limit?: string;
}

function parseLimit(raw: string): number {
  if (!/^\d+$/.test(raw.trim())) {
    throw new ValidationError('INVALID_PARAMETER', `\`--limit\` must be an integer >= 0. Received: --limit ${JSON.stringify(raw)}.`, { argument: 'limit', received: raw });
  }
  return Number(raw);
}

function toQuery(o: QueryOpts): TraceQuery {
  return {
    ...(o.task ? { taskId: o.task } : {}),
    ...(o.status ? { status: o.status.split(',').map((s) => s.trim()) as RunStatus[] } : {}),
    ...(o.importer ? { importer: o.importer } : {}),
    ...(o.model ? { modelId: o.model } : {}),
    ...(o.limit !== undefined ? { limit: parseLimit(o.limit) } : {}),
  };
}

/** Shortest prefixes (at least 8 characters) that tell the listed ids apart, as git abbreviates commits. */
export function shortIds(ids: readonly string[], min = 8): string[] {
  const sorted = [...ids].sort();
  const need = new Map<string, number>();
  for (let i = 0; i < sorted.length; i++) {
    let n = min;
    for (const other of [sorted[i - 1], sorted[i + 1]]) {
      if (other === undefined || other === sorted[i]) continue;
      let common = 0;
      while (common < other.length && other[common] === sorted[i]![common]) common++;
      n = Math.max(n, common + 1);
    }
    need.set(sorted[i]!, n);
  }
  return ids.map((id) => (id.length <= need.get(id)! ? id : id.slice(0, need.get(id))));
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function scheduleLabel(schedule: unknown): string {
  return scheduleFamilyOf(schedule) ?? (schedule === undefined ? '' : 'custom');
}

/** The runs named by ids (unique prefixes allowed) and/or matched by the query filters. */
async function selectRuns(store: TraceStore, ids: readonly string[], o: QueryOpts, action: string): Promise<string[]> {
  const query = toQuery(o);
  const filtered = Object.keys(query).some((k) => k !== 'limit');
  if (ids.length === 0 && !filtered) {
    throw new ValidationError('NO_RUNS_SELECTED', `runs ${action}: name run ids (or unique prefixes), or select runs with --task, --status, --importer or --model.`, { action });
  }
  const out: string[] = [];
  for (const id of ids) out.push(await store.resolveRunId(id));
  if (filtered) for await (const r of store.query(query)) out.push(r.id);
  return [...new Set(out)];
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
  const runs = program.command('runs').description('list, show, export, delete and retag the runs in the trace store');

  withQueryOptions(runs.command('list').description('one line per run: id (shortest unique prefix), task, status, epochs, best metric, model, schedule, source'))
    .option('--json', 'one JSON object per line (full ids) instead of a table')
    .action(async (o: QueryOpts & { json?: boolean }) => {
      const store = await open(o.store);
      try {
        const rows: TraceRecord[] = [];
        for await (const r of store.query(toQuery(o))) {
          if (o.json) {
            io.stdout(
              `${JSON.stringify({ id: r.id, task: r.task.id, status: r.status, epochs: r.epochs.length, best: r.outcome?.best, model: r.model?.zooId ?? r.model?.name, schedule: scheduleFamilyOf(r.schedule), importer: r.provenance?.importer, file: r.provenance?.file })}\n`,
            );
            continue;
          }
          rows.push(r);
        }
        if (o.json) return;
        const table = new Table({ head: ['id', 'task', 'status', 'epochs', 'best', 'model', 'schedule', 'source'], style: { head: [], border: [] } });
        const short = shortIds(rows.map((r) => r.id));
        rows.forEach((r, i) => {
          const best = r.outcome?.best ? `${r.outcome.best.name} ${fmt(r.outcome.best.value)} @${r.outcome.best.epoch}` : '';
          const source = r.provenance ? `${r.provenance.importer}${r.provenance.sourceKey ? ` ${r.provenance.sourceKey}` : ''}` : '';
          table.push([short[i]!, clip(r.task.id, 24), r.status, String(r.epochs.length), best, clip(r.model?.zooId ?? r.model?.name ?? '', 16), clip(scheduleLabel(r.schedule), 18), clip(source, 20)]);
        });
        io.stdout(`${table.toString()}\n${rows.length} run(s)\n`);
      } finally {
        await store.close();
      }
    });

  runs
    .command('show')
    .description('the whole record of one run, as JSON')
    .argument('<id>', 'run id, or a unique prefix of it (as `runs list` shows)')
    .option('--store <url>', `trace store URL (default: $METATUNE_STORE, the config's "store", or ${DEFAULT_STORE_URL})`)
    .action(async (id: string, o: { store?: string }) => {
      const store = await open(o.store);
      try {
        io.stdout(`${JSON.stringify(await store.getRun(await store.resolveRunId(id)), null, 2)}\n`);
      } finally {
        await store.close();
      }
    });

  withQueryOptions(runs.command('export').description('write runs as lossless JSONL (every field; `metatune import` restores it exactly), JSONL with one epoch per line, CSV, or an Optuna journal'))
    .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .option('--out <file>', 'write to this file (default: stdout)')
    .action(async (o: QueryOpts & { format: ExportFormat; out?: string }) => {
      const target = o.out ? resolve(io.cwd, o.out) : undefined;
      if (target) {
        const dir = dirname(target);
        if (!existsSync(dir) || !statSync(dir).isDirectory()) {
          throw new EnvironmentError('EXPORT_UNWRITABLE', `--out ${o.out}: the folder ${dir} does not exist. Create it first (mkdir -p ${dir}) or choose another path.`, { file: target });
        }
      }
      const store = await open(o.store);
      const out = target ? createWriteStream(target) : undefined;
      let failed: Error | undefined;
      out?.on('error', (err) => {
        failed = err;
      });
      const write = async (chunk: string) => {
        if (!out) return io.stdout(chunk);
        if (failed) throw new EnvironmentError('EXPORT_UNWRITABLE', `--out ${o.out}: cannot write (${failed.message}). Check the path and its permissions.`, { file: target });
        if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'error')]).catch(() => undefined);
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
          await Promise.race([once(out, 'finish'), once(out, 'error')]).catch(() => undefined);
          if (failed) throw new EnvironmentError('EXPORT_UNWRITABLE', `--out ${o.out}: cannot write (${failed.message}). Check the path and its permissions.`, { file: target });
          io.stderr(`exported ${summary} to ${o.out}\n`);
        }
      } finally {
        if (out && !out.writableFinished) out.destroy();
        await store.close();
      }
    });
  withQueryOptions(
    runs
      .command('delete')
      .description('delete runs by id (unique prefixes allowed) or by filter; their logs can then be imported again')
      .argument('[ids...]', 'run ids or unique prefixes'),
  )
    .option('--dry-run', 'list what would be deleted, delete nothing')
    .action(async (ids: string[], o: QueryOpts & { dryRun?: boolean }) => {
      const store = await open(o.store);
      try {
        const selected = await selectRuns(store, ids, o, 'delete');
        if (o.dryRun) {
          io.stdout(`would delete ${selected.length} run(s):\n${selected.map((id) => `  ${id}\n`).join('')}`);
          return;
        }
        const n = await store.deleteRuns(selected);
        io.stdout(`deleted ${n} run(s) from ${store.url}\n`);
      } finally {
        await store.close();
      }
    });

  withQueryOptions(
    runs
      .command('tag')
      .description("correct the task of runs: its id, name, kind or parent dataset (e.g. after a mistyped --task)")
      .argument('[ids...]', 'run ids or unique prefixes'),
  )
    .option('--set-task <id>', 'new task id')
    .option('--set-name <name>', 'new task name ("none" removes it)')
    .option('--set-kind <kind>', 'classification, regression or unknown ("none" removes it)')
    .option('--set-parent <id>', 'parent dataset the task derives from ("none" removes it)')
    .action(async (ids: string[], o: QueryOpts & { setTask?: string; setName?: string; setKind?: string; setParent?: string }) => {
      const orNull = (v: string) => (v === 'none' ? null : v);
      const patch = {
        ...(o.setTask !== undefined ? { id: o.setTask } : {}),
        ...(o.setName !== undefined ? { name: orNull(o.setName) } : {}),
        ...(o.setKind !== undefined ? { kind: orNull(o.setKind) as 'classification' } : {}),
        ...(o.setParent !== undefined ? { parentDataset: orNull(o.setParent) } : {}),
      };
      if (Object.keys(patch).length === 0) {
        throw new ValidationError('NO_CHANGE_GIVEN', 'runs tag: say what to change with --set-task, --set-name, --set-kind or --set-parent.', {});
      }
      const store = await open(o.store);
      try {
        const selected = await selectRuns(store, ids, o, 'tag');
        const updated = await store.retagRuns(selected, patch);
        io.stdout(`retagged ${updated.length} run(s): ${[...new Set(updated.map((r) => JSON.stringify(r.task)))].join(', ')}\n`);
      } finally {
        await store.close();
      }
    });
  return runs;
}

export type { TraceStore };
