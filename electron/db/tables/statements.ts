import type { Statement } from 'better-sqlite3';
import type { Db } from '../open';

/**
 * One instance of a table module per database handle: its statements are then prepared once
 * for that handle and reused by every service that opens the same handle.
 */
export function perHandle<T>(make: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let table = made.get(db);
    if (!table) {
      table = make(db);
      made.set(db, table);
    }
    return table;
  };
}

type Mode = 'rows' | 'pluck' | 'raw';

/**
 * A table module's statements, prepared on first use and kept. Lazily, because a handle may be
 * older than a table (the migrations test steps through versions) and a statement never used
 * should cost nothing. Statements whose text depends on the call (a column list, a filter) are
 * kept per text; the variants are few and fixed by the code, never by data.
 */
export class Prepared {
  readonly #db: Db;
  readonly #cache = new Map<string, Statement>();

  constructor(db: Db) {
    this.#db = db;
  }

  /** The statement for `sql`, returning rows as objects (`rows`), first columns only (`pluck`) or arrays (`raw`). */
  get(sql: string, mode: Mode = 'rows'): Statement {
    const key = mode === 'rows' ? sql : `${mode}\u0000${sql}`;
    let statement = this.#cache.get(key);
    if (!statement) {
      statement = this.#db.prepare(sql);
      if (mode === 'pluck') statement.pluck();
      else if (mode === 'raw') statement.raw();
      this.#cache.set(key, statement);
    }
    return statement;
  }

  /**
   * The statement for an iteration. A kept statement is busy while an iteration over it is
   * open (a generator the caller has not finished); an overlapping one gets a statement of its
   * own rather than an error.
   */
  iterate(sql: string, mode: Mode = 'rows'): Statement {
    const statement = this.get(sql, mode);
    if (!statement.busy) return statement;
    const own = this.#db.prepare(sql);
    if (mode === 'pluck') own.pluck();
    else if (mode === 'raw') own.raw();
    return own;
  }

  /** Statements with no result, such as creating a temporary table (run as a script). */
  script(sql: string): void {
    this.#db.exec(sql);
  }

  pragma(setting: string): void {
    this.#db.pragma(setting);
  }
}
