/**
 * `node dist/src/corpus/build-features.js [--out dir] [--tasks a,b]`: records the corpus tasks'
 * meta-features (features.json) with the featurizers of the process runtime. An entry point, so it
 * may build the runtime; src/corpus/features.ts itself stays free of plugins.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRuntime } from '../container.js';
import { ValidationError } from '../core/errors.js';
import { buildCorpusFeatures, CORPUS_FEATURIZER_IDS } from './features.js';

function parseArgs(argv: readonly string[]): { outDir?: string; tasks?: string[] } {
  const out: { outDir?: string; tasks?: string[] } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new ValidationError('MISSING_ARGUMENT', `${arg} needs a value.`, { argument: arg });
      return v;
    };
    if (arg === '--out') out.outDir = value();
    else if (arg === '--tasks') out.tasks = value().split(',').filter(Boolean);
    else throw new ValidationError('UNKNOWN_ARGUMENT', `Unknown argument ${JSON.stringify(arg)}. Usage: node dist/src/corpus/build-features.js [--out dir] [--tasks a,b]`, { argument: arg });
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildCorpusFeatures(
    CORPUS_FEATURIZER_IDS.map((id) => defaultRuntime().featurizers.get(id)),
    parseArgs(process.argv.slice(2)),
  ).catch((err: unknown) => {
    console.error(err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : err);
    process.exitCode = 1;
  });
}
