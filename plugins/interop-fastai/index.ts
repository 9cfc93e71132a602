import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { fastaiSpecFormat } from './fastai-format.js';

/** Contributes the `fastai` schedule spec format (fit_one_cycle & co., Sched* annealers). */
export default new ContainerModule((options) => {
  options.bind(TOKENS.ScheduleSpecFormat).toConstantValue(fastaiSpecFormat);
});

export { fastaiSpecFormat, buildFastaiSchedule, SUPPORTED_FASTAI } from './fastai-format.js';
