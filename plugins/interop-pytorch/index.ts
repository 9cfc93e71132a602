import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { torchSpecFormat } from './torch-format.js';

/** Contributes the `torch` schedule spec format (all torch.optim.lr_scheduler classes and SWALR). */
export default new ContainerModule((options) => {
  options.bind(TOKENS.ScheduleSpecFormat).toConstantValue(torchSpecFormat);
});

export { torchSpecFormat, buildTorchSchedule } from './torch-format.js';
export { SUPPORTED_TORCH_SCHEDULERS } from './classes.js';
