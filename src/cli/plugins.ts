import { Command, Option } from 'commander';
import Table from 'cli-table3';
import type { CliContext } from './context.js';

export function registerPluginsCommand(program: Command, ctx: CliContext): void {
  program
    .command('plugins')
    .description('list the loaded plugins (built-in and from metatune.config.json / --plugin) and what each contributes')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { format: 'table' | 'json' }) => {
      const { plugins } = await ctx.runtime();
      if (opts.format === 'json') {
        ctx.io.stdout(`${JSON.stringify(plugins, null, 2)}\n`);
        return;
      }
      const table = new Table({ head: ['plugin', 'contributes', 'description'], style: { head: [], border: [] } });
      for (const p of plugins) {
        const contributes = Object.entries(p.contributes)
          .filter(([, ids]) => ids && ids.length)
          .map(([kind, ids]) => `${kind}: ${ids!.length}`)
          .join(', ');
        table.push([p.id, contributes, p.description]);
      }
      ctx.io.stdout(`${table.toString()}\n`);
    });
}
