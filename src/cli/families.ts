import { Command, Option } from 'commander';
import Table from 'cli-table3';
import type { MetatuneRuntime } from '../container.js';
import type { CliContext } from './context.js';
import type { CliIO } from './io.js';

/** Prints the registered schedule families (and spec formats) with the plugin each came from. */
export function printFamilies(runtime: MetatuneRuntime, io: CliIO, format: 'json' | 'table'): void {
  const families = runtime.schedules.families().map((f) => ({
    id: f.id,
    plugin: runtime.schedules.pluginOf(f.id) ?? '',
    description: f.description,
    equivalents: { ...(f.equivalents ?? {}) },
  }));
  const formats = runtime.contributions<{ id: string }>('scheduleSpecFormats').map((c) => ({ id: c.value.id, plugin: c.plugin }));
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ families, formats }, null, 2)}\n`);
    return;
  }
  // Equivalent names can be long ("CosineAnnealingWarmRestarts (integer T_mult)"): wrap them so the table stays ~150 columns wide.
  const table = new Table({
    head: ['family', 'plugin', 'Keras', 'PyTorch', 'optax', 'fastai'],
    colWidths: [23, 20, 30, 30, 34, 16],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const f of families) {
    const e = f.equivalents as Record<string, string | undefined>;
    table.push([f.id, f.plugin, e.keras ?? '', e.pytorch ?? '', e.optax ?? '', e.fastai ?? '']);
  }
  io.stdout(`${table.toString()}\n`);
  io.stdout(`spec formats: ${formats.map((f) => `${f.id} (${f.plugin})`).join(', ') || '(none)'}\n`);
}

export function registerFamiliesCommand(program: Command, ctx: CliContext): void {
  program
    .command('families')
    .description('list the registered schedule families with their plugin and Keras / PyTorch / optax / fastai equivalents')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { format: 'table' | 'json' }) => printFamilies(await ctx.runtime(), ctx.io, opts.format));
}
