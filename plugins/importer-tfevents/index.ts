import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { tfeventsImporter } from './tfevents-importer.js';

/** Contributes the TensorBoard event-file importer. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Importer).toConstantValue(tfeventsImporter);
});

export { tfeventsImporter };
export { crc32c, maskedCrc32c, maskCrc } from './crc32c.js';
