import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { optunaJournalImporter } from './optuna-journal-importer.js';

/** Contributes the Optuna JournalStorage importer. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Importer).toConstantValue(optunaJournalImporter);
});

export { optunaJournalImporter };
export { JournalReplay, OP, TRIAL_STATE } from './journal-replay.js';
