import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { builtinOptimizerAdapters } from './adapters.js';

/** Contributes one `OptimizerAdapter` per built-in tfjs optimizer class. */
export default new ContainerModule((options) => {
  for (const adapter of builtinOptimizerAdapters) {
    options.bind(TOKENS.OptimizerAdapter).toConstantValue(adapter);
  }
});

export * from './adapters.js';
