import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { kerasSpecFormat } from './keras-format.js';

export { kerasSpecFormat } from './keras-format.js';
export { KERAS_CLASSES } from './keras-classes.js';

/** Plugin `interop-keras`: reads `keras.optimizers.schedules.serialize` output. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.ScheduleSpecFormat).toConstantValue(kerasSpecFormat);
});
