import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import type { MetatuneRuntime } from '../runtime.js';
import { createCliContext } from './context.js';
import { registerDemoCommand } from './demo.js';
import { registerFamiliesCommand } from './families.js';
import { EXIT_OK, EXIT_USER_ERROR, describeFailure, formatCliError, processIO, type CliIO } from './io.js';
import { registerPluginsCommand } from './plugins.js';
import { registerScheduleCommand } from './schedule.js';
import { registerValidateCommand } from './validate.js';
import { registerImportCommand } from './traces/import-command.js';
import { registerRunsCommand } from './traces/runs-command.js';
import { registerStoreCommand } from './traces/store-command.js';
import { registerTasksCommand } from './tasks-command.js';
import { registerSweepCommand } from './sweep-command.js';
import { registerFitCommand } from './fit-command.js';
import { registerPredictCommand } from './predict-command.js';
import { registerEvalCommand } from './eval-command.js';
import { registerSuggestCommand } from './suggest-command.js';
import { registerTrainCommand } from './train-command.js';

const EXAMPLES = `
Examples:
  # learning rate of each of 10 steps of a Keras-style cosine decay, as a JSON array
  $ metatune schedule --spec '{"family": "cosine_decay", "params": {"initialLearningRate": 0.1, "decaySteps": 10}}' --steps 10

  # a PyTorch scheduler, stepped once per epoch of 5 optimizer steps
  $ metatune schedule --spec '{"torch": "StepLR", "kwargs": {"step_size": 2, "gamma": 0.5}, "base_lr": 0.1}' --steps 20 --steps-per-epoch 5 --format table

  # reduce-on-plateau fed with real per-epoch validation losses
  $ metatune schedule --spec plateau.json --steps 300 --steps-per-epoch 30 --metrics history.json

  # check a spec, a config file or a plugin manifest
  $ metatune validate spec.json
  $ metatune validate metatune.config.json

  # a table in, a trained model out: the learned policy's suggestion, beside tfjs defaults
  $ metatune fit --data data/examples/anes96.csv --target vote --compare
  $ metatune fit --data train.csv --target price --test test.csv --budget 2 --out model/
  $ metatune predict --model model/ --data new.csv --out predictions.csv

  # the same fit on the bundled example data, nothing written
  $ metatune demo

  # import old training logs into the trace store (default file:.metatune/store.json)
  $ metatune import ./logs --dry-run
  $ metatune import ./logs --store postgres://localhost/metatune
  $ metatune runs list

  # the built-in suite of real tasks (and their variants)
  $ metatune tasks list
  $ metatune tasks show wine~sub50~s1

  # a sweep over models x optimizers x schedules on a suite task, 2 worker processes, resumable
  $ metatune sweep --task wine --budget 24 --strategy halving --workers 2 --store file:.metatune/sweeps.json

  # what is registered, and from which plugin
  $ metatune families
  $ metatune plugins --plugin ./my-plugin

Errors are printed as "error[CODE]: message" on stderr; exit code 1 means the input was wrong, 2 a bug in metatune or a plugin.
Third-party plugins are listed in metatune.config.json ({"plugins": ["metatune-plugin-x", "./plugins/mine"]}).
`;

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'metatune') return pkg.version ?? '0.0.0';
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

const HELP_CODES = new Set(['commander.help', 'commander.helpDisplayed', 'commander.version']);

/** commander.unknownOption → UNKNOWN_OPTION: commander's own errors get the same `error[CODE]` shape as ours. */
function commanderCode(code: string): string {
  return code.replace(/^commander\./, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** `metatune families | head`: the reader leaving early is not an error worth a stack trace. */
function ignoreClosedStdout(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

/**
 * `--verbose`: plugins and config files run code (README, Security), so say exactly which config
 * file was read and which third-party plugins were imported, from where.
 */
function describeLoaded(runtime: MetatuneRuntime): string {
  const lines = [runtime.config ? `config: ${runtime.config.file}` : 'config: none (no metatune.config.json in this folder, no --config)'];
  const builtin = runtime.pluginOrigins.filter((p) => p.origin === 'built-in').length;
  const thirdParty = runtime.pluginOrigins.filter((p) => p.origin !== 'built-in');
  lines.push(`plugins: ${builtin} built-in${thirdParty.length ? `, ${thirdParty.length} third-party:` : ', no third-party plugin'}`);
  for (const p of thirdParty) lines.push(`  ${p.id} from ${p.origin} (${p.manifestFile})`);
  return `${lines.join('\n')}\n`;
}

/** Builds the commander program. Exported for tests and for embedding. */
export function buildProgram(io: CliIO): Command {
  const program = new Command();
  let lastCommanderError = '';
  program
    .name('metatune')
    .description('Learning-rate schedules for TensorFlow.js, and a memory of training runs to learn them from.')
    .version(packageVersion(), '-V, --version')
    .option('--config <file>', 'config file to read (default: metatune.config.json in the current folder, if any)')
    .option('--plugin <name|path>', 'load a third-party plugin (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--verbose', 'say which config file was read and which plugins were loaded from where (on stderr)')
    .option('--allow-outside', "let task files read data outside their own folder (only for task files you trust; see README's Security)")
    // Inherited by the subcommands added below: never process.exit, write through `io`.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s) => {
        lastCommanderError = s;
      },
    })
    .addHelpText('after', EXAMPLES);
  (program as Command & { lastCommanderError?: () => string }).lastCommanderError = () => lastCommanderError;
  const ctx = createCliContext(program, io);
  // Every command starts from the same runtime: a bad --plugin or config file fails all of them alike,
  // and none can silently ignore them.
  program.hook('preAction', async () => {
    const runtime = await ctx.runtime();
    if (program.opts<{ verbose?: boolean }>().verbose) io.stderr(describeLoaded(runtime));
  });
  registerScheduleCommand(program, ctx);
  registerValidateCommand(program, ctx);
  registerFamiliesCommand(program, ctx);
  registerPluginsCommand(program, ctx);
  registerDemoCommand(program, ctx);
  // Importers, store schemes, families and models all come from the one runtime, so third-party
  // plugins and the config file count for every command.
  registerImportCommand(program, ctx);
  registerRunsCommand(program, ctx);
  registerStoreCommand(program, ctx);
  registerTasksCommand(program, ctx);
  registerSweepCommand(program, ctx);
  registerFitCommand(program, { io, runtime: () => ctx.runtime() });
  registerPredictCommand(program, io);
  const learnDeps = { io, runtime: () => ctx.runtime(), openStore: (url: string) => ctx.openStore(url), allowOutside: () => ctx.allowOutside() };
  registerTrainCommand(program, learnDeps);
  registerSuggestCommand(program, learnDeps);
  registerEvalCommand(program, learnDeps);
  return program;
}

/**
 * Runs the CLI. `argv` is process.argv-shaped (node, script, ...args). Returns the exit code and,
 * when writing to the real process, sets `process.exitCode` (never calls process.exit, so pending
 * output is flushed). Errors: `error[CODE]: message` on stderr; exit 1 for user errors, 2 for bugs.
 */
export async function main(argv: readonly string[] = process.argv, io?: Partial<CliIO>): Promise<number> {
  if (io === undefined) ignoreClosedStdout();
  const streams: CliIO = { stdout: io?.stdout ?? processIO.stdout, stderr: io?.stderr ?? processIO.stderr, cwd: io?.cwd ?? processIO.cwd };
  const program = buildProgram(streams);
  let code = EXIT_OK;
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help / --version (exit 0) and a bare `metatune` (help on stderr, exit 1) have printed all they need.
      code = err.exitCode === EXIT_OK ? EXIT_OK : EXIT_USER_ERROR;
      if (!HELP_CODES.has(err.code)) {
        const raw = (program as Command & { lastCommanderError: () => string }).lastCommanderError() || err.message;
        streams.stderr(formatCliError(commanderCode(err.code), raw.replace(/^error: /, '')));
        streams.stderr('(run `metatune --help` for usage and examples)\n');
      }
    } else {
      const failure = describeFailure(err);
      streams.stderr(failure.text);
      code = failure.exitCode;
    }
  }
  if (io === undefined) process.exitCode = code;
  return code;
}
