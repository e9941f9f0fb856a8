/**
 * Errors that cross a boundary (IPC, CLI, the test transport) travel as plain data:
 * `{ code, message }`. The codes are a small closed union so the UI can choose words and
 * actions for each; the message is already written for a person.
 */
export const ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  'locked',
  'unavailable',
  'timeout',
  'cancelled',
  'keychain_unavailable',
  'bad_credentials',
  'forbidden',
  'rate_limited',
  'network',
  'remote_validation',
  'remote_error',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorData {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

/** An error that is meant to be shown: its message is safe and useful to a person. */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }

  toData(): ErrorData {
    return { code: this.code, message: this.message };
  }
}
