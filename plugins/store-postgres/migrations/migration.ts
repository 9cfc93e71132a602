/** One schema step. Versions are consecutive integers; a released migration is never edited, only followed by a new one. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Plain SQL, run inside the migration transaction (PostgreSQL DDL is transactional). */
  readonly sql: string;
}
