/** Schedules barrel: contracts, the registry, and the classic families' factories (plugin schedules-core). */
export * from './schedule.js';
export { ScheduleRegistry, type ScheduleRegistryOptions } from './registry.js';
export * from '../../plugins/schedules-core/api.js';
