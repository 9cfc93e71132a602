export { exportJsonl } from './jsonl-exporter.js';
export { exportCsv } from './csv-exporter.js';
export { exportOptunaJournal, optunaDatetime } from './optuna-journal-exporter.js';

export const EXPORT_FORMATS = ['jsonl', 'csv', 'optuna-journal'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
