import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { BASIC_ZOO } from './entries.js';

/** Contributes the built-in model zoo (one binding per entry). */
export default new ContainerModule((options) => {
  for (const entry of BASIC_ZOO) options.bind(TOKENS.ModelZooEntry).toConstantValue(entry);
});

export * from './entries.js';
export { cnnSmallEntry } from './cnn-small.js';
export { mlpEntry, outputLayer, type MlpEntryArgs } from './mlp.js';
export { layerSeed } from './specs.js';
