import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseError } from './errors';
import { migrate } from './migrate';
import { migrations } from './migrations/index';

export type Db = Database.Database;

/**
 * The one place the database is opened: WAL so readers never block the writer, foreign keys
 * on, a busy timeout so a second process (the CLI next to the app) waits instead of failing,
 * and the migrations applied before anyone uses it.
 */
export function openDatabase(file: string): Db {
  let db: Db;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new DatabaseError(
        'database-corrupt',
        'The campaigns database cannot be read',
        `The file ${file} is not a readable database. It has been left as it is; restore it from a backup or contact support.`,
        { cause: error },
      );
    }
    throw new DatabaseError(
      'database-unwritable',
      'The campaigns database cannot be opened',
      `Could not open ${file}: ${(error as Error).message}. Check that the folder exists and that you may write to it.`,
      { cause: error },
    );
  }
  immediateByDefault(db);
  try {
    migrate(db, migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Makes every transaction of this handle begin IMMEDIATE (the write lock taken at BEGIN) unless
 * it asks for `.deferred()`. With WAL, a deferred transaction that reads and then writes fails
 * at once with SQLITE_BUSY_SNAPSHOT when another connection (the CLI beside the app, the import
 * worker) committed in between, and busy_timeout cannot help it; an immediate one waits its turn
 * instead. Here, once, rather than at each of the services' transactions. Nested transactions
 * remain savepoints, as better-sqlite3 makes them whatever the mode.
 */
function immediateByDefault(db: Db): void {
  const make = db.transaction.bind(db);
  db.transaction = (<F extends (...args: never[]) => unknown>(fn: F) => {
    const tx = make(fn);
    const run = Object.assign((...args: Parameters<typeof tx>) => tx.immediate(...args), tx);
    run.default = tx.immediate;
    run.deferred = tx.deferred;
    run.immediate = tx.immediate;
    run.exclusive = tx.exclusive;
    return run;
  }) as Db['transaction'];
}
