import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { kerasCsvImporter } from './keras-csv-importer.js';

/** Contributes the Keras CSVLogger / pandas-history importer. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Importer).toConstantValue(kerasCsvImporter);
});

export { kerasCsvImporter };
