import { ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { mlflowImporter } from './mlflow-importer.js';

/** Contributes the MLflow file-store importer. */
export default new ContainerModule((options) => {
  options.bind(TOKENS.Importer).toConstantValue(mlflowImporter);
});

export { mlflowImporter };
