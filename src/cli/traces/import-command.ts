import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { MetatuneError, NotFoundError, ValidationError } from '../../core/errors.js';
import { DEFAULT_STORE_URL } from '../../traces/store-factory.js';
import { formatRejection } from '../../traces/importer.js';
import { runImport, type ImportSummary } from '../../traces/import-runner.js';
import type { TraceStore } from '../../traces/store.js';
import type { TaskRef } from '../../traces/trace.js';
import type { CliContext } from '../context.js';

/** Inputs above this size get a progress bar (on a terminal). */
export const PROGRESS_THRESHOLD_BYTES = 5 * 1024 * 1024;


/** `--task id` or `--task task.json` (a TaskRef: {"id": …, "name"?, "kind"?, "parentDataset"?, …}). */
export function readTaskOption(value: string, cwd: string): TaskRef {
  const path = resolve(cwd, value);
  if (/\.json$/i.test(value) && !existsSync(path)) {
    throw new NotFoundError('TASK_FILE_NOT_FOUND', `--task ${value}: no such file (looked at ${path}). Give a task id (e.g. --task digits) or the path of an existing task JSON file.`, { file: path });
  }
  if (value.endsWith('.json') && existsSync(path)) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new ValidationError('INVALID_TASK_FILE', `--task ${value}: not valid JSON (${(err as Error).message}).`, { file: path });
    }
    if (typeof doc !== 'object' || doc === null || typeof (doc as TaskRef).id !== 'string' || (doc as TaskRef).id === '') {
      const found = typeof doc !== 'object' || doc === null ? (doc === null ? 'null' : typeof doc) : Array.isArray(doc) ? 'an array' : `an object with keys ${Object.keys(doc).slice(0, 8).join(', ') || '(none)'}`;
      throw new ValidationError('INVALID_TASK_FILE', `--task ${value}: a task file needs a non-empty string "id"; found ${found}. Add "id": "<task id>".`, { file: path });
    }
    return doc as TaskRef;
  }
  if (value.trim() === '') throw new ValidationError('INVALID_PARAMETER', '`--task` must be a task id or a task JSON file. Received: "".', { argument: 'task' });
  return { id: value };
}

export function formatSummary(summary: ImportSummary, cwd: string, dryRun: boolean): string {
  const rel = (p: string) => (p.startsWith(cwd) ? relative(cwd, p) || p : p);
  const lines: string[] = [];
  const formats = Object.entries(summary.byFormat)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  lines.push(`${dryRun ? 'would import' : 'imported'}: ${summary.imported} run(s), ${summary.epochs} epoch record(s) from ${summary.files} file(s)${formats ? ` (${formats})` : ''}`);
  if (summary.replaced) lines.push(`of which replaced an earlier import of the same source: ${summary.replaced}`);
  if (summary.removed) lines.push(`removed (the re-imported file no longer holds them): ${summary.removed}`);
  lines.push(`duplicates skipped: ${summary.duplicates}`);
  lines.push(`rejected: ${summary.rejectedCount}`);
  for (const r of summary.rejected.slice(0, 50)) lines.push(`  ${formatRejection({ ...r, file: rel(r.file) })}`);
  if (summary.rejectedCount > 50) lines.push(`  … and ${summary.rejectedCount - 50} more`);
  lines.push(`skipped (not a log of any known format): ${summary.skipped.length}`);
  for (const s of summary.skipped.slice(0, 50)) lines.push(`  ${rel(s)}`);
  if (summary.skipped.length > 50) lines.push(`  … and ${summary.skipped.length - 50} more`);
  return `${lines.join('\n')}\n`;
}

/**
 * `metatune import <paths or globs...> [--format auto|<id>] [--task id|file] [--store url] [--dry-run]`.
 * Exit code 1 (error IMPORT_REJECTED) when any record was rejected; the good ones are imported anyway.
 */
export function registerImportCommand(program: Command, ctx: CliContext): Command {
  const io = ctx.io;
  return program
    .command('import')
    .description('import training logs (TensorBoard, Keras CSVLogger, tfjs History, JSONL, Optuna journal, MLflow) into the trace store')
    .argument('<paths...>', 'files, directories (walked) or globs')
    .option('--format <id>', 'auto (sniff each file) or an importer id: metatune-traces, tfevents, keras-csv, tfjs-history, jsonl, optuna-journal, mlflow', 'auto')
    .option('--task <id|file>', 'task id, or a task JSON file, for every imported run (default: derived from each source)')
    .option('--store <url>', `trace store URL (default: $METATUNE_STORE, the config's "store", or ${DEFAULT_STORE_URL})`)
    .option('--dry-run', 'read and validate everything, write nothing')
    .option('--replace', 'a re-imported (fixed) log replaces the runs it produced before (same file and source key), and interchange records overwrite stored runs with the same id')
    .action(async (paths: string[], opts: { format: string; task?: string; store?: string; dryRun?: boolean; replace?: boolean }) => {
      const importers = (await ctx.runtime()).importers;
      const task = opts.task !== undefined ? readTaskOption(opts.task, io.cwd) : undefined;
      const dryRun = opts.dryRun ?? false;
      const store = dryRun ? undefined : await ctx.openStore(opts.store);
      let bar: cliProgress.SingleBar | undefined;
      try {
        const summary = await runImport({
          paths,
          importers: [...importers],
          format: opts.format,
          dryRun,
          cwd: io.cwd,
          ...(opts.replace ? { replace: true } : {}),
          ...(store ? { store } : {}),
          ...(task ? { task } : {}),
          onStart: ({ totalBytes }) => {
            if (totalBytes > PROGRESS_THRESHOLD_BYTES) {
              bar = new cliProgress.SingleBar(
                { format: 'import [{bar}] {percentage}% | {value}/{total} MB | eta {eta}s', stream: process.stderr, hideCursor: true },
                cliProgress.Presets.shades_classic,
              );
              bar.start(Math.ceil(totalBytes / 1e6), 0);
            }
          },
          onBytes: (() => {
            let bytes = 0;
            return (n: number) => {
              bytes += n;
              bar?.update(Math.floor(bytes / 1e6));
            };
          })(),
        });
        bar?.stop();
        bar = undefined;
        io.stdout(formatSummary(summary, io.cwd, dryRun));
        if (summary.rejectedCount > 0) {
          throw new MetatuneError(
            'IMPORT_REJECTED',
            `${summary.rejectedCount} record(s) rejected (listed above); the valid records were ${dryRun ? 'checked' : 'imported'}. ` +
              `Fix or remove the bad records and import again with --replace (the fixed file then replaces the runs it produced).`,
            { rejected: summary.rejectedCount },
          );
        }
        if (summary.imported === 0 && summary.duplicates === 0) {
          // Nothing came of what was given: say why instead of exiting 0.
          const why =
            summary.files === 0 && summary.skipped.length === 0
              ? `no files matched ${paths.map((p) => JSON.stringify(p)).join(', ')}`
              : summary.files === 0
                ? `none of the ${summary.skipped.length} file(s) is a log of a known format${opts.format !== 'auto' ? ` (--format ${opts.format} accepts files it recognises, or files named directly)` : ''}`
                : `the ${summary.files} recognised file(s) hold no runs (no epochs, or only graphs/profiles)`;
          throw new MetatuneError(
            'NOTHING_IMPORTED',
            `Nothing was imported: ${why}. Check the paths, or name the format with --format (${importers.map((i) => i.id).join(', ')}).`,
            { files: summary.files, skipped: summary.skipped.length },
          );
        }
      } finally {
        bar?.stop();
        await store?.close();
      }
    });
}
