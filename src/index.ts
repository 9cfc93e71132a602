/**
 * metatune's one public surface: re-exports only. Anything not exported here is internal and may
 * change without notice.
 */

// Core: errors with stable codes, tokens, registries, the plugin container, JSON Schema validation.
export * from './core/errors.js';
export { ERROR_CODES, exitStatusOf, type ErrorCode, type ErrorCodeInfo } from './core/error-codes.js';
export { TOKENS } from './core/tokens.js';
export { Registry, type Contribution, type RegistryOptions } from './core/registry.js';
export { createContainer, defaultRuntime, buildRuntime, builtinImporters, type CreateContainerOptions, type MetatuneRuntime } from './container.js';
export { builtinScheduleRuntime, type ScheduleRuntime } from './schedule-runtime.js';
export { loadConfig, findConfigFile, CONFIG_FILE_NAME, type MetatuneConfig } from './core/config.js';
export type { PluginManifest } from './core/plugins.js';
export { validateDocument, validateWithSchema, type SchemaProblem } from './core/json-validation.js';

// Schedules: contracts, registry, classic families (schedules-core) and adaptive families.
export * from './schedules/index.js';
export * from '../plugins/schedules-core/api.js';
export {
  reduceOnPlateau,
  reduceOnPlateauFamily,
  hypergradient,
  hypergradientFamily,
  type ReduceOnPlateauArgs,
  type HypergradientArgs,
} from '../plugins/schedules-adaptive/index.js';

// TensorFlow.js: backend resolution, the model.fit callback, the custom-loop wrapper, adapters, recorders.
export * from './tfjs/index.js';
export { resolveBackend, BACKEND_NAMES, BACKEND_ENV_VAR, type BackendInfo, type BackendName } from './tfjs/backend.js';
export { registerWasmGradientKernels } from './tfjs/wasm-kernels/index.js';
export { builtinOptimizerAdapters } from '../plugins/optimizers-tfjs/adapters.js';

// Traces: the record and store contracts, getStore(url), the recorder that writes model.fit runs
// into a store, and the importers' contract ([2/5]).
export type * from './traces/trace.js';
export type * from './traces/store.js';
export { getStore, migrateStore } from './container.js';
export { openStore, resolveStoreFactory, storeUrlOf, type StoreFactories, type StoreFactorySource } from './traces/get-store.js';
export { DEFAULT_STORE_URL, type TraceStoreFactory, type MigrationReport } from './traces/store-factory.js';
export { StoreRecorder, type StoreRecorderArgs } from './traces/store-recorder.js';
export { MemoryTraceStore } from './traces/memory-store.js';
export type { Importer } from './traces/importer.js';

// Tasks (loaders, the built-in suite, variants), featurizers and the model zoo ([3/5]).
export * from './tasks/index.js';
export type { Featurizer, FeaturizeContext } from './tasks/featurizer.js';
export * from './models/index.js';
// The built-in zoo entries (plugin zoo-basic), so a user can build one without a container.
export {
  BASIC_ZOO,
  linearEntry,
  mlpSmallEntry,
  mlpMediumEntry,
  mlpWideEntry,
  mlpDeepEntry,
  mlpDropoutEntry,
  mlpBatchNormEntry,
  cnnSmallEntry,
  mlpEntry,
  type MlpEntryArgs,
} from '../plugins/zoo-basic/index.js';
export { describeModel, type ModelDescription } from '../plugins/featurizer-model/describe-model.js';
export { featurizeTask } from './tasks/featurize.js';

// Meta-learning contracts ([4/5]): candidates, learners, policies.
export type { Candidate } from './meta/candidate.js';
export type { Learner, LearnerFitOptions, TrainingExample } from './meta/learner.js';
export type { Policy, PolicyArtifact, PolicyProvenance, Decision, RankedCandidate, SuggestOptions, TaskDescription } from './meta/policy.js';
export { POLICY_FORMAT_VERSION } from './meta/policy.js';
// Helpers a learner plugin builds its artifact with (the built-in learners use the same).
export { newArtifact, checkArtifactLearner, requireExamples, requireTop, finiteMean, finiteStd } from './meta/artifact.js';
// The learning half ([7/9]): suggestions, policy artifacts, training examples, evaluation and its report.
export { suggest, loadPolicy, loadDefaultPolicy, policyFromArtifact, describeTask, bundledPolicyDir, type SuggestArgs } from './meta/suggest.js';
export { readPolicy, writePolicy, POLICY_FILE, WEIGHTS_FILE } from './meta/policy-file.js';
export { buildSuggestedModel, type SuggestedModel, type BuildSuggestedModelArgs } from './meta/apply-suggestion.js';
export { examplesFromTraces, regretTable, withoutHeldOut, type ExamplesResult, type RegretTable } from './meta/examples.js';
export { corpusExamples, type CorpusExamples } from './meta/corpus-examples.js';
export { trainingSource, type TrainingSource, type TrainingSourceArgs } from './meta/training-source.js';
export { taskRegrets, normalisedRegret, regretScale, priorLossOf } from './meta/regret.js';
export { featurizeForPolicy, suiteTaskFeatures, POLICY_FEATURIZERS } from './meta/features.js';
export { candidateOfTrace, withPeakLearningRate, configKeyOf } from './meta/candidate-identity.js';
export { evaluateLeaveOneDatasetOut, expectedMinOfK, pairedBootstrap, type Evaluation, type LearnerSummary, type TaskResult } from './meta/evaluate.js';
export { evaluationMarkdown, evaluationHtml, evaluationSvg } from './meta/report.js';

// The bundled trace corpus ([3/5]): streaming reader and manifest.
export { readCorpus, corpusManifest, isReplicateRunId, type ReadCorpusOptions } from './corpus/read.js';
export { corpusFeatures, type CorpusFeatures, type CorpusTaskFeatures } from './corpus/features.js';
export { corpusGrid, type CorpusCandidate } from './corpus/grid.js';

// Sweeps ([3/5]): one trial, or a whole sweep (random / grid / successive halving) in worker processes.
export { runTrial, runSweep } from './container.js';
export type { TrialConfig, TrialResult } from './sweeps/trial.js';
export { makeOptimizer, disposeOptimizer, OPTIMIZER_NAMES, type OptimizerConfig, type OptimizerName } from './train/optimizers.js';
// One "train this candidate on this task split" for sweeps, the demo and fit.
export {
  trainCandidate,
  splitTensors,
  type CandidateToTrain,
  type TrainCandidateArgs,
  type TrainedCandidate,
  type TrainRuntime,
  type EpochControl,
  type ModelSource,
} from './train/train-candidate.js';
export { SWEEP_STRATEGIES, type SweepOptions, type SweepSummary, type SweepStrategy } from './sweeps/runner.js';

// fit ([8/9]): a data file → a trained, saved model (suggestion, budget, evaluation), and predict.
export { fit, prepareFitData, TFJS_DEFAULTS_CANDIDATE, type FitArgs, type FitEvent, type FitResult, type FitSummary } from './fit/fit.js';
export { predictFile, type PredictArgs, type PredictResult } from './fit/predict.js';
export { planSuccessiveHalving, simulateBudget, promote, type SuccessiveHalvingPlan, type BudgetSimulation, type HalvingOptions } from './fit/budget.js';
export { loadFitted, saveFitted } from './fit/model-io.js';
export type { PreprocessSpec } from './fit/preprocess.js';
