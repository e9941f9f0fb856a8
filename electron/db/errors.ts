/**
 * Start-up failures of the database, each with its own code so the start-up error screen can
 * say what happened and what to do. None of them is ever "repaired" by deleting data.
 */
export type DatabaseErrorCode =
  | 'database-too-new'
  | 'migration-edited'
  | 'migration-failed'
  | 'database-unwritable'
  | 'database-corrupt';

export class DatabaseError extends Error {
  readonly code: DatabaseErrorCode;
  readonly title: string;

  constructor(
    code: DatabaseErrorCode,
    title: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseError';
    this.code = code;
    this.title = title;
  }
}
