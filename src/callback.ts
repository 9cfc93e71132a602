/**
 * 'metatune/callback': the drop-in callback and the custom-loop wrapper with the built-in schedule
 * runtime, and nothing else (no plugin loader, importers, stores, sweeps or CLI). See the README's
 * "Development" section for the module counts.
 */
import './schedule-runtime.js';

export * from './tfjs/index.js';
export { builtinScheduleRuntime, type ScheduleRuntime } from './schedule-runtime.js';
