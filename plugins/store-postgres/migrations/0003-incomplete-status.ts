import type { Migration } from './migration.js';

/**
 * Status `incomplete` (an imported log that ends mid-record), and the lookup by source location
 * (importer, file, source key) that lets a re-import of the grown log — or `import --replace` of a
 * fixed one — replace the run that file produced instead of adding a second one.
 */
export const migration0003: Migration = {
  version: 3,
  name: "status 'incomplete'; index on the source location of imported runs",
  sql: `
ALTER TABLE runs DROP CONSTRAINT IF EXISTS runs_status_check;
ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('running', 'completed', 'diverged', 'pruned', 'failed', 'incomplete'));
CREATE INDEX runs_source_location_idx ON runs (importer, (provenance->>'file'), (provenance->>'sourceKey'), seq);
`,
};
