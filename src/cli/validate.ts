import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { createContainer } from '../container.js';
import { displayPath, readJsonFile, validateDocument } from '../core/json-validation.js';
import { importPlugin, loadPlugin, readManifest } from '../core/plugins.js';
import type { ScheduleSpec } from '../schedules/schedule.js';
import type { CliContext } from './context.js';
import { inFile } from './io.js';

export type DocumentKind = 'spec' | 'config' | 'manifest';

const KIND_NAMES: Record<DocumentKind, string> = { spec: 'schedule spec', config: 'metatune config file', manifest: 'plugin manifest' };

/** By file name first (plugin.json, *.config.json), then by content (manifests have apiVersion, configs plugins). */
export function inferKind(file: string, doc: unknown): DocumentKind {
  const name = basename(file);
  if (name === 'plugin.json') return 'manifest';
  if (name === 'metatune.config.json' || name.endsWith('.config.json')) return 'config';
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    if ('apiVersion' in doc || 'contributes' in doc) return 'manifest';
    if ('plugins' in doc) return 'config';
  }
  return 'spec';
}

/**
 * Beyond the schema: a spec is built (catches `decaySteps: 0`, unknown families, unknown Keras
 * classes), a config file loads its plugins, a manifest is checked against its module when the
 * module exists (an unbuilt TypeScript plugin has no main file yet; then only the schema is checked).
 */
export function registerValidateCommand(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check a schedule spec, metatune.config.json or plugin.json against its JSON Schema (and build / load it)')
    .argument('<file>', 'the JSON file to check')
    .addOption(new Option('--kind <kind>', 'what the file is (default: inferred from its name and content)').choices(['spec', 'config', 'manifest']))
    .action(async (file: string, opts: { kind?: DocumentKind }) => {
      const path = resolve(ctx.io.cwd, file);
      const label = displayPath(path);
      const doc = readJsonFile(path, label);
      const kind = opts.kind ?? inferKind(path, doc);
      if (kind === 'spec') {
        // The envelope, then the shape its format (a plugin's included) expects, then the values (by building it).
        const runtime = await ctx.runtime();
        try {
          runtime.schedules.build(runtime.schedules.validateSpec<ScheduleSpec>(doc, { file: label }));
        } catch (err) {
          throw inFile(err, label);
        }
      } else if (kind === 'config') {
        validateDocument('config', doc, { file: label });
        await createContainer({ cwd: dirname(path), configFile: path });
      } else {
        const manifest = readManifest(path);
        if (existsSync(resolve(dirname(path), manifest.main))) {
          loadPlugin(await importPlugin(dirname(path), ctx.io.cwd));
        } else {
          ctx.io.stderr(`note: ${label}: main file ${manifest.main} does not exist (plugin not built?); "contributes" was not checked against the module.\n`);
        }
      }
      ctx.io.stdout(`ok: ${label} is a valid ${KIND_NAMES[kind]}\n`);
    });
}
