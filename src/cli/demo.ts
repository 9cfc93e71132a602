import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { NotFoundError } from '../core/errors.js';
import { requireInteger } from '../core/validation.js';
import { requireBudget } from '../fit/budget.js';
import { fit } from '../fit/fit.js';
import { resolvePolicy } from '../fit/policy-source.js';
import { openStore } from '../traces/get-store.js';
import type { CliContext } from './context.js';
import { formatFitReport } from './fit-command.js';

/** The bundled example table (data/examples/anes96.csv) at the package root, from src/cli or dist/src/cli. */
export function bundledExample(): string {
  for (const up of ['../../data/examples/anes96.csv', '../../../data/examples/anes96.csv']) {
    const file = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new NotFoundError('EXAMPLE_NOT_FOUND', 'The bundled example data (data/examples/anes96.csv) is missing. Fix: reinstall metatune (the package ships data/).');
}

/**
 * `metatune demo`: `metatune fit --compare` on the bundled example (the 1996 US election survey,
 * data the policy never trained on) with the bundled default policy. Nothing is written: the
 * model is not saved and the runs go to an in-memory store.
 */
export function registerDemoCommand(program: Command, ctx: CliContext): void {
  const io = ctx.io;
  program
    .command('demo')
    .description('metatune fit --compare on the bundled example data (anes96: predict the 1996 vote) with the default policy, against tfjs defaults')
    .option('--epochs <n>', 'epochs of a full run', '20')
    .option('--budget <runs>', 'full runs worth of epochs for the suggestions', '1')
    .option('--seed <n>', 'seed of the split, the initial weights and the batch order', '0')
    .option('--backend <name>', 'node-gpu | node | wasm | cpu (default: best available)')
    .option('--json', 'print the fit summary as JSON')
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const epochs = requireInteger('--epochs', Number(opts.epochs), 1);
      const budget = requireBudget(Number(opts.budget));
      const seed = requireInteger('--seed', Number(opts.seed), 0);
      const runtime = await ctx.runtime();
      const backend = await ctx.backend(opts.backend as string | undefined);
      const store = await openStore('memory:', runtime);
      const data = bundledExample();
      io.stderr(`demo: metatune fit --data ${data} --target vote --compare (the 1996 US election survey; not in the corpus)\n`);
      try {
        const { summary } = await fit({
          data,
          target: 'vote',
          policy: await resolvePolicy('default', runtime, io.cwd),
          budget,
          epochs,
          seed,
          compare: true,
          store,
          runtime,
          ...(backend && { backend }),
        });
        const shown = { ...summary, data: 'data/examples/anes96.csv' };
        io.stdout(opts.json ? `${JSON.stringify(shown, null, 2)}\n` : formatFitReport(shown));
      } finally {
        await store.close();
      }
    });
}
