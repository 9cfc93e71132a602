import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { coreScheduleFamilies } from './families.js';

export * from './api.js';

/** Plugin `schedules-core`: one `ScheduleFamily` binding per classic family. */
export default new ContainerModule((options) => {
  for (const family of coreScheduleFamilies) options.bind(TOKENS.ScheduleFamily).toConstantValue(family);
});
