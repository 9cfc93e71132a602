/** The tfjs-facing half of metatune: callback, custom-loop wrapper, adapter lookup, recorders. */
export { lrScheduler, LrSchedulerCallback, type LrSchedulerArgs, type DivergenceInfo } from './callback.js';
export { scheduledOptimizer, ScheduledOptimizer, type ScheduledOptimizerArgs } from './wrapper.js';
export { adapterFor, type OptimizerAdapterSource } from './adapter-lookup.js';
export { MemoryRecorder } from './memory-recorder.js';
export type { TfjsRuntime } from './runtime.js';
export type { OptimizerAdapter } from './optimizer-adapter.js';
export type { RunRecorder, RunStartInfo, EpochRecord, RunOutcome, RunStatus } from './recorder.js';
