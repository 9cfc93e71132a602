import { MetatuneError } from '../core/errors.js';
import { exitStatusOf } from '../core/error-codes.js';

/**
 * Where the CLI writes, and from where it resolves relative paths. Injected so tests run `main()`
 * in-process and read what it printed (no child processes, no process.exit).
 */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Folder for relative paths and metatune.config.json. */
  readonly cwd: string;
}

export const processIO: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  get cwd() {
    return process.cwd();
  },
};

/** Exit codes: 0 ok, 1 the user's input was wrong (a `MetatuneError`), 2 a bug (metatune or a plugin threw something else). */
export const EXIT_OK = 0;
export const EXIT_USER_ERROR = 1;
export const EXIT_INTERNAL_ERROR = 2;

/** `error[CODE]: message`, continuation lines indented, so each error's first line is greppable. */
export function formatCliError(code: string, message: string): string {
  const [first, ...rest] = message.trimEnd().split('\n');
  return [`error[${code}]: ${first}`, ...rest.map((l) => `  ${l}`)].join('\n') + '\n';
}

/** Formats any thrown value for stderr and picks the exit code. */
export function describeFailure(err: unknown): { text: string; exitCode: number } {
  if (err instanceof MetatuneError) return { text: formatCliError(err.code, err.message), exitCode: exitStatusOf(err.code) };
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    text:
      formatCliError('INTERNAL', e.message) +
      `${e.stack ?? ''}\nThis is a bug in metatune or in one of its plugins, not in your input: please report it with the command you ran.\n`,
    exitCode: EXIT_INTERNAL_ERROR,
  };
}

/** Prefixes a MetatuneError's message with the file it concerns, keeping class, code and details. */
export function inFile(err: unknown, file: string): unknown {
  if (!(err instanceof MetatuneError) || err.message.startsWith(`${file}:`)) return err;
  const Ctor = err.constructor as new (code: string, message: string, details: Record<string, unknown>, options?: { cause?: unknown }) => MetatuneError;
  return new Ctor(err.code, `${file}: ${err.message}`, { ...err.details, file }, { cause: err });
}
