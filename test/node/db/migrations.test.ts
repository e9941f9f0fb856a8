import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../electron/db/errors';
import { checksum, migrate } from '../../../electron/db/migrate';
import { migrations } from '../../../electron/db/migrations/index';
import { openDatabase } from '../../../electron/db/open';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();

function schemaOf(db: Database.Database): string {
  const rows = db
    .prepare(
      "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )
    .all() as { type: string; name: string; sql: string }[];
  return `${rows.map((r) => `-- ${r.type} ${r.name}\n${r.sql.replace(/\s+/g, ' ').trim()};`).join('\n')}\n`;
}

describe('database migrations', () => {
  it('replays the whole chain from empty into the checked-in schema', async () => {
    const db = openDatabase(join(tempDir(), 'db.sqlite'));
    const applied = db
      .prepare('SELECT version FROM schema_migrations ORDER BY version')
      .pluck()
      .all();
    expect(applied).toEqual(migrations.map((m) => m.version));
    await expect(schemaOf(db)).toMatchFileSnapshot('./schema.snapshot.sql');
    db.close();
  });

  it('opens with WAL, foreign keys and a busy timeout', () => {
    const db = openDatabase(join(tempDir(), 'db.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('applies nothing the second time and keeps the data', () => {
    const file = join(tempDir(), 'db.sqlite');
    const first = openDatabase(file);
    first
      .prepare(
        "INSERT INTO campaigns (id, name, created_at, updated_at) VALUES ('a', 'Kept', 'x', 'x')",
      )
      .run();
    first.close();
    const again = new Database(file);
    expect(migrate(again, migrations)).toEqual([]);
    expect(again.prepare('SELECT name FROM campaigns').pluck().all()).toEqual(['Kept']);
    again.close();
  });

  it('refuses a database from a newer version, without touching it', () => {
    const file = join(tempDir(), 'db.sqlite');
    openDatabase(file).close();
    const raw = new Database(file);
    raw
      .prepare('INSERT INTO schema_migrations VALUES (?, ?, ?, ?)')
      .run(migrations.length + 1, 'future', 'abc', 'x');
    raw.close();

    const error = (() => {
      try {
        openDatabase(file);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).code).toBe('database-too-new');
    expect((error as DatabaseError).message).toMatch(/newer|latest version/);

    const after = new Database(file);
    expect(after.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(
      migrations.length + 1,
    );
    after.close();
  });

  it('refuses a database whose applied migration was edited', () => {
    const file = join(tempDir(), 'db.sqlite');
    openDatabase(file).close();
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    const db = new Database(file);
    expect(() => migrate(db, edited)).toThrow(
      expect.objectContaining({ code: 'migration-edited' }),
    );
    db.close();
  });

  it('runs each migration in a transaction: a failing one leaves nothing half-done', () => {
    const db = new Database(join(tempDir(), 'db.sqlite'));
    const broken = [
      ...migrations,
      {
        version: migrations.length + 1,
        name: 'broken',
        sql: 'CREATE TABLE half_done (id INTEGER); SELECT * FROM no_such_table;',
      },
    ];
    expect(() => migrate(db, broken)).toThrow(
      expect.objectContaining({ code: 'migration-failed' }),
    );
    expect(
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get(),
    ).toBe(0);
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(
      migrations.length,
    );
    db.close();
  });

  it('records a checksum that ignores line endings only', () => {
    expect(checksum('CREATE TABLE a (x);\r\n')).toBe(checksum('CREATE TABLE a (x);\n'));
    expect(checksum('CREATE TABLE a (x);')).not.toBe(checksum('CREATE TABLE a (y);'));
  });

  it('refuses a file that is not a database, and leaves it as it was', async () => {
    const { writeFileSync, readFileSync } = await import('node:fs');
    const file = join(tempDir(), 'db.sqlite');
    writeFileSync(file, 'this is a spreadsheet, not a database'.repeat(200));
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'database-corrupt' }));
    expect(readFileSync(file, 'utf8')).toContain('this is a spreadsheet');
  });
});
