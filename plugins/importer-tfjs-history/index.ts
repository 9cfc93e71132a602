import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { tfjsHistoryImporter } from './tfjs-history-importer.js';

/** Contributes the tfjs History JSON importer. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Importer).toConstantValue(tfjsHistoryImporter);
});

export { tfjsHistoryImporter };
