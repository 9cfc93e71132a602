import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { defaultJsonlImporter } from './jsonl-importer.js';

/** Contributes the generic JSONL epoch-record importer. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Importer).toConstantValue(defaultJsonlImporter);
});

export { jsonlImporter, defaultJsonlImporter } from './jsonl-importer.js';
