import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/db/open';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();

/**
 * The app and the CLI write to one data folder. A transaction that reads and then writes must
 * not fail because the other process committed in between (db/open.ts: IMMEDIATE by default).
 */
function twoConnections(): { app: Db; other: Database.Database; close: () => void } {
  const file = join(tempDir(), 'db.sqlite');
  const app = openDatabase(file);
  app.exec('CREATE TABLE counter (n INTEGER NOT NULL)');
  app.exec('INSERT INTO counter VALUES (0)');
  // The other process, told not to wait, so the test sees at once who holds the write lock.
  const other = new Database(file);
  other.pragma('busy_timeout = 0');
  return {
    app,
    other,
    close: () => {
      other.close();
      app.close();
    },
  };
}

/** Reads the counter, lets the other process try to write, then writes what it read plus one. */
function readThenWrite(app: Db, other: Database.Database): () => string {
  let otherWrite = '';
  const bump = () => {
    const n = app.prepare('SELECT n FROM counter').pluck().get() as number;
    try {
      other.prepare('UPDATE counter SET n = n + 100').run();
      otherWrite = 'written';
    } catch (error) {
      otherWrite = (error as { code?: string }).code ?? 'failed';
    }
    app.prepare('UPDATE counter SET n = ?').run(n + 1);
  };
  return () => {
    app.transaction(bump)();
    return otherWrite;
  };
}

describe('transactions on the app database', () => {
  it('take the write lock at BEGIN: the other process waits (busy) and the read-then-write commits', () => {
    const { app, other, close } = twoConnections();
    const run = readThenWrite(app, other);
    expect(run()).toBe('SQLITE_BUSY');
    expect(app.prepare('SELECT n FROM counter').pluck().get()).toBe(1);
    close();
  });

  it('without it (deferred), the same transaction fails once the other process has written', () => {
    const { app, other, close } = twoConnections();
    let otherWrite = '';
    const bump = app.transaction(() => {
      const n = app.prepare('SELECT n FROM counter').pluck().get() as number;
      other.prepare('UPDATE counter SET n = n + 100').run();
      otherWrite = 'written';
      app.prepare('UPDATE counter SET n = ?').run(n + 1);
    });
    expect(() => bump.deferred()).toThrow(
      expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }),
    );
    expect(otherWrite).toBe('written');
    close();
  });

  it('stay savepoints when nested, and a deferred read leaves the other process free to write', () => {
    const { app, other, close } = twoConnections();
    app.transaction(() => {
      app.transaction(() => app.prepare('UPDATE counter SET n = n + 1').run())();
      expect(() =>
        app.transaction(() => {
          app.prepare('UPDATE counter SET n = n + 1').run();
          throw new Error('undo this part only');
        })(),
      ).toThrow('undo this part only');
    })();
    expect(app.prepare('SELECT n FROM counter').pluck().get()).toBe(1);
    const seen = app
      .transaction(() => {
        const n = app.prepare('SELECT n FROM counter').pluck().get();
        other.prepare('UPDATE counter SET n = n + 100').run();
        return n;
      })
      .deferred();
    expect(seen).toBe(1);
    expect(app.prepare('SELECT n FROM counter').pluck().get()).toBe(101);
    close();
  });
});
