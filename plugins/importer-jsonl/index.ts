import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { defaultJsonlImporter } from './jsonl-importer.js';
import { tracesImporter } from './traces-importer.js';

/** Contributes metatune's interchange importer and the generic JSONL epoch-record importer. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Importer).toConstantValue(tracesImporter);
  options.bind(TOKENS.Importer).toConstantValue(defaultJsonlImporter);
});

export { jsonlImporter, defaultJsonlImporter } from './jsonl-importer.js';
export { tracesImporter, TRACES_IMPORTER_ID } from './traces-importer.js';
