import type { Migration } from './migration.js';

/** The filters learners and `metatune runs list` use (TraceQuery): by task, parent dataset, model, schedule family, status, importer. */
export const migration0002: Migration = {
  version: 2,
  name: 'indexes for task, parent dataset, model, schedule family, status, importer',
  sql: `
CREATE INDEX runs_task_id_idx         ON runs (task_id, seq);
CREATE INDEX runs_parent_dataset_idx  ON runs (parent_dataset, seq);
CREATE INDEX runs_model_id_idx        ON runs (model_id, seq);
CREATE INDEX runs_schedule_family_idx ON runs (schedule_family, seq);
CREATE INDEX runs_status_idx          ON runs (status, seq);
CREATE INDEX runs_importer_idx        ON runs (importer, seq);
`,
};
