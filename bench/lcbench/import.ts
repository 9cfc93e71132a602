/**
 * `metatune import <log> --task <task.json>` into a store the benchmark keeps open: the CLI's own
 * import command (argument parsing, task file, importers, summary, rejections as errors), given the
 * open store instead of a URL. A `memory:` URL opens a fresh store each time, and a lowdb file store
 * rewrites its whole file per run (35 s for 400 runs), so the benchmark hands the command one
 * in-memory store; the end-to-end test runs the real `main()` with a `file:` store.
 */
import { Command } from 'commander';
import { MetatuneError } from '../../src/core/errors.js';
import { createCliContext, type CliContext } from '../../src/cli/context.js';
import { registerImportCommand } from '../../src/cli/traces/import-command.js';
import type { MetatuneRuntime } from '../../src/runtime.js';
import type { TraceStore } from '../../src/traces/store.js';

/** One runtime (plugins, importers) for every import of a benchmark run. */
let runtime: Promise<MetatuneRuntime> | undefined;

/** The store, except that `close()` leaves it open (the command closes what it opened). */
function keepOpen(store: TraceStore): TraceStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'close') return async () => {};
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Runs `metatune import <logFile> --task <taskFile>` into `store`; returns the command's summary text. */
export async function importLog(store: TraceStore, logFile: string, taskFile: string): Promise<string> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s), cwd: process.cwd() };
  const program = new Command('metatune').exitOverride();
  const base = createCliContext(program, io);
  const ctx: CliContext = { ...base, runtime: () => (runtime ??= base.runtime()), openStore: async () => keepOpen(store) };
  registerImportCommand(program, ctx);
  try {
    await program.parseAsync(['node', 'metatune', 'import', logFile, '--task', taskFile, '--store', 'memory:', '--format', 'jsonl']);
  } catch (err) {
    if (err instanceof MetatuneError) throw new MetatuneError(err.code, `${err.message}\n${stdout}${stderr}`, { ...err.details });
    throw err;
  }
  return stdout;
}
