/** Every migration, in version order. Append new ones; never edit or reorder released ones. */
import { migration0001 } from './0001-initial.js';
import { migration0002 } from './0002-query-indexes.js';
import { migration0003 } from './0003-incomplete-status.js';
import type { Migration } from './migration.js';

export type { Migration };

export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
