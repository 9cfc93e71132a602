import type { Migration } from './migration.js';

/**
 * Runs keep their JSON parts as jsonb and copy the fields learners filter on into plain columns
 * (indexed in 0002). `seq` gives a stable insertion order for streaming; `dedupe_key` makes
 * importRun idempotent under concurrent importers (a unique index, not a read-then-write).
 */
export const migration0001: Migration = {
  version: 1,
  name: 'initial tables: runs, epochs, batches, policies',
  sql: `
CREATE TABLE runs (
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id              text PRIMARY KEY,
  task            jsonb NOT NULL,
  model           jsonb,
  optimizer       jsonb,
  schedule        jsonb,
  outcome         jsonb,
  environment     jsonb,
  provenance      jsonb,
  status          text NOT NULL CHECK (status IN ('running', 'completed', 'diverged', 'pruned', 'failed')),
  task_id         text NOT NULL,
  parent_dataset  text,
  model_id        text,
  schedule_family text,
  importer        text,
  dedupe_key      text UNIQUE,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  finished_at     timestamptz
);

CREATE TABLE epochs (
  run_id  text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  epoch   integer NOT NULL CHECK (epoch >= 0),
  record  jsonb NOT NULL,
  PRIMARY KEY (run_id, epoch)
);

CREATE TABLE batches (
  run_id  text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step    bigint NOT NULL CHECK (step >= 0),
  record  jsonb NOT NULL,
  PRIMARY KEY (run_id, step)
);

CREATE TABLE policies (
  name        text PRIMARY KEY,
  artifact    jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
`,
};
