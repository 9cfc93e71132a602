import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { lowdbStoreFactory } from './factory.js';

/** Contributes the `file:` (lowdb) trace store factory. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.TraceStoreFactory).toConstantValue(lowdbStoreFactory);
});
