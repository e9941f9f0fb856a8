import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from './redact';
import { systemClock } from '../clock';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose records carry `module`. */
  child(module: string): Logger;
  /** Values (such as a token secret read from the keychain) to strip from every record. */
  addSecret(secret: string): void;
}

export interface FileLoggerOptions {
  dir: string;
  fileName?: string;
  /** Rotate when the file passes this size. */
  maxBytes?: number;
  /** How many rotated files to keep (app.log.1 … app.log.N). */
  keep?: number;
  level?: Level;
  /** Also echo to stderr (the CLI's --verbose, development). */
  echo?: boolean;
  clock?: () => Date;
}

/**
 * One structured logger for the app: JSON lines in <data>/logs/app.log, rotated by size,
 * every record passed through redaction before it is written. Writes are synchronous so the
 * last lines before a crash are on disk.
 */
export function createFileLogger(options: FileLoggerOptions): Logger {
  const file = join(options.dir, options.fileName ?? 'app.log');
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const keep = options.keep ?? 3;
  const minLevel = LEVELS[options.level ?? 'info'];
  const clock = options.clock ?? systemClock;
  const secrets: string[] = [];
  mkdirSync(options.dir, { recursive: true });

  const rotateIfNeeded = () => {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return; // no file yet
    }
    if (size < maxBytes) return;
    rmSync(`${file}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      try {
        renameSync(`${file}.${i}`, `${file}.${i + 1}`);
      } catch {
        // a missing older file is fine
      }
    }
    renameSync(file, `${file}.1`);
  };

  const write = (
    level: Level,
    module: string | undefined,
    message: string,
    fields?: Record<string, unknown>,
  ) => {
    if (LEVELS[level] < minLevel) return;
    const record = redact(
      { time: clock().toISOString(), level, module, message, ...fields },
      secrets,
    );
    const line = `${JSON.stringify(record)}\n`;
    try {
      rotateIfNeeded();
      appendFileSync(file, line);
    } catch {
      // Logging must never take the app down.
    }
    if (options.echo) process.stderr.write(line);
  };

  const make = (module?: string): Logger => ({
    debug: (m, f) => write('debug', module, m, f),
    info: (m, f) => write('info', module, m, f),
    warn: (m, f) => write('warn', module, m, f),
    error: (m, f) => write('error', module, m, f),
    child: (name) => make(module ? `${module}.${name}` : name),
    addSecret: (secret) => {
      if (secret && !secrets.includes(secret)) secrets.push(secret);
    },
  });
  return make();
}

/** For tests and tools that want no file: records are kept in memory, already redacted. */
export function createMemoryLogger(): Logger & { records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const secrets: string[] = [];
  const make = (module?: string): Logger => {
    const push = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
      records.push(
        redact({ level, module, message, ...fields }, secrets) as Record<string, unknown>,
      );
    };
    return {
      debug: push('debug'),
      info: push('info'),
      warn: push('warn'),
      error: push('error'),
      child: (name) => make(module ? `${module}.${name}` : name),
      addSecret: (secret) => {
        if (secret && !secrets.includes(secret)) secrets.push(secret);
      },
    };
  };
  return Object.assign(make(), { records });
}
