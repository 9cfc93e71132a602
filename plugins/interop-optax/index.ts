import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { optaxSpecFormat } from './optax-format.js';

export { optaxSpecFormat } from './optax-format.js';
export { OPTAX_FACTORIES } from './optax-factories.js';

/** Plugin `interop-optax`: reads `{"optax": "<factory>", "kwargs": {...}}` specs. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.ScheduleSpecFormat).toConstantValue(optaxSpecFormat);
});
