import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { DatabaseError } from './errors';
import type { Migration } from './migrations/types';
import { systemClock, type Clock } from '../clock';

export function checksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n').trim()).digest('hex');
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Brings the schema up to date. Refuses, with a typed error, a database written by a newer
 * version of the app and one whose applied migrations no longer match the code; each pending
 * migration runs in its own transaction together with its bookkeeping row.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[],
  now: Clock = systemClock,
): number[] {
  migrations.forEach((m, index) => {
    if (m.version !== index + 1)
      throw new Error(`Migration ${m.name} is out of order (expected version ${index + 1}).`);
  });

  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);

  const applied = db
    .prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
    .all() as AppliedRow[];
  const latest = migrations.length;
  const newest = applied.at(-1)?.version ?? 0;
  if (newest > latest) {
    throw new DatabaseError(
      'database-too-new',
      'This data was saved by a newer version of Omnigage Campaigns',
      `The database is at version ${newest}, but this copy of the app only knows up to version ${latest}. Install the latest version of the app to open it. Nothing has been changed.`,
    );
  }
  for (const row of applied) {
    const known = migrations[row.version - 1];
    if (!known || known.name !== row.name || checksum(known.sql) !== row.checksum) {
      throw new DatabaseError(
        'migration-edited',
        'The database does not match this version of the app',
        `Database change ${row.version} ("${row.name}") differs from the one this app would apply. The data has been left untouched; reinstall the app or contact support.`,
      );
    }
  }

  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
  );
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const ran: number[] = [];
  for (const m of migrations.slice(newest)) {
    try {
      // The app and a CLI run may open a new data folder at the same moment. BEGIN IMMEDIATE
      // takes the write lock first (the other waits, busy_timeout), and the version is checked
      // again under it: a migration the other process applied meanwhile is not applied twice.
      db.transaction(() => {
        if (isApplied.get(m.version)) return;
        db.exec(m.sql);
        record.run(m.version, m.name, checksum(m.sql), now().toISOString());
        ran.push(m.version);
      }).immediate();
    } catch (error) {
      throw new DatabaseError(
        'migration-failed',
        'The database could not be updated',
        `Updating the database to version ${m.version} ("${m.name}") failed: ${(error as Error).message}. Nothing was changed.`,
        { cause: error },
      );
    }
  }
  return ran;
}
