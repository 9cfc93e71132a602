/** Task loading, the built-in suite and variants (re-exported by src/index.ts). */
export type { LoadedTask, TaskSplit } from './task.js';
export { loadTask, listSuiteTasks, suiteTaskInfo, type SuiteTaskInfo } from './suite.js';
export { loadTaskFile, readTaskFile, type TaskFile, type TaskFileData, type LoadTaskOptions } from './task-file.js';
export { taskFromArrays, tableFromArrays, type ArraysTaskArgs, type TensorLike, type ShapedArray } from './load-arrays.js';
export { loadCsv, type CsvLoadArgs } from './load-csv.js';
export { loadJson, type JsonLoadArgs } from './load-json.js';
export { loadIdx, readIdx, readIdxHeader, type IdxLoadArgs, type IdxHeader } from './load-idx.js';
export { prepareTask, type PrepareArgs, type SubsampleSpec, type TargetScaling } from './prepare.js';
export { parseTaskId, formatTaskId, type VariantSpec } from './variants.js';
export { trainValidationSplit, subsampleRows } from './split.js';
export type { RawTable, RawColumn } from './raw-table.js';
export type { CategoricalPolicy } from './load-common.js';
