/** Schedules barrel: contracts and the registry (the families' factories come from the plugins, through src/index.ts). */
export * from './schedule.js';
export { ScheduleRegistry, type ScheduleRegistryOptions } from './registry.js';
export { substitutePlaceholders, substituteLearningRate, type RunLength } from './placeholders.js';
