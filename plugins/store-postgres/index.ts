import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { postgresStoreFactories } from './factory.js';

/** Contributes the `postgres:` and `postgresql:` trace store factories. */
export default new ContainerModule((options) => {
  for (const factory of postgresStoreFactories) options.bind(TOKENS.TraceStoreFactory).toConstantValue(factory);
});
