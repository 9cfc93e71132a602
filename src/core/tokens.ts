/**
 * One token per extension point. `Symbol.for` so that a plugin compiled against another copy of
 * metatune's core still resolves the same service identifier (Theia's contribution pattern).
 */
export const TOKENS = {
  /** `ScheduleFamily` contributions (src/schedules/schedule.ts). */
  ScheduleFamily: Symbol.for('metatune.ScheduleFamily'),
  /** `ScheduleSpecFormat` contributions: Keras / PyTorch / optax / fastai spec translators. */
  ScheduleSpecFormat: Symbol.for('metatune.ScheduleSpecFormat'),
  /** `OptimizerAdapter` contributions (src/tfjs/optimizer-adapter.ts). */
  OptimizerAdapter: Symbol.for('metatune.OptimizerAdapter'),
  /** `Importer` contributions (src/traces/importer.ts): tfjs History, Keras CSV, TensorBoard, JSONL, Optuna, MLflow. */
  Importer: Symbol.for('metatune.Importer'),
  /** `TraceStoreFactory` contributions (src/traces/get-store.ts): one per URL scheme (memory:, file:, postgres:). */
  TraceStoreFactory: Symbol.for('metatune.TraceStoreFactory'),
  /** `Featurizer` contributions (src/tasks/featurizer.ts). */
  Featurizer: Symbol.for('metatune.Featurizer'),
  /** `ModelZooEntry` contributions (src/models/model-zoo.ts). */
  ModelZooEntry: Symbol.for('metatune.ModelZooEntry'),
  /** `Learner` contributions ([4/5]). */
  Learner: Symbol.for('metatune.Learner'),
  /** Registries built from the contributions above (one instance per container). */
  ScheduleRegistry: Symbol.for('metatune.ScheduleRegistry'),
  OptimizerAdapterRegistry: Symbol.for('metatune.OptimizerAdapterRegistry'),
  /** The loaded plugin manifests, for `metatune plugins` and duplicate-id messages. */
  PluginManifests: Symbol.for('metatune.PluginManifests'),
} as const;
