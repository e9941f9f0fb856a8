export interface Migration {
  /** 1, 2, 3, … with no gaps; the order they run in. */
  version: number;
  /** A short name for logs and the schema_migrations table. */
  name: string;
  /** The SQL; once released it is never edited (its checksum is recorded). */
  sql: string;
}
