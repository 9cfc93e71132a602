import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { memoryStoreFactory } from './factory.js';

/** Contributes the `memory:` trace store factory. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.TraceStoreFactory).toConstantValue(memoryStoreFactory);
});
