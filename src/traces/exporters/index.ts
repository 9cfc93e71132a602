export { exportJsonl } from './jsonl-exporter.js';
export { exportCsv } from './csv-exporter.js';
export { exportOptunaJournal, optunaDatetime } from './optuna-journal-exporter.js';
export { exportTraces, TRACES_FORMAT, TRACES_FORMAT_VERSION, type TracesHeader } from './traces-exporter.js';

/** `jsonl`: the lossless interchange format (every field, re-imports exactly); `jsonl-epochs`: one epoch per line for other tools. */
export const EXPORT_FORMATS = ['jsonl', 'jsonl-epochs', 'csv', 'optuna-journal'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
