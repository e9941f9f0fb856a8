import { constants } from 'node:fs';
import { open, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { AppError } from '../../shared/errors';
import { csvLine } from '../send/csv';
import { CsvParser, detectDelimiter } from './csv';
import { PhoneValidator, describePhoneProblem } from './phone';
import { withTimeout } from '../../shared/timeout';
import { monotonicMs } from '../clock';

/**
 * The office's shared do-not-call file: a CSV in a folder every laptop reaches (a network drive or
 * a synced cloud folder). It is a log, read top to bottom, that everyone only appends to:
 *
 *   number,action,source,detail,added_by,computer,added_at
 *   +12125550142,add,typed,,alice,FRONT-DESK,2026-07-01T12:00:00.000Z
 *   +12125550142,remove,typed,,bob,OFFICE-2,2026-07-03T09:30:00.000Z
 *
 * Only `number` is required (a list typed by hand in Excel with a "number" column works); a row
 * without an action adds. A number is on the office's list when its last row adds it, so a removal
 * made on one laptop reaches the others, and an addition after it counts again. Lines are added
 * under a lock file, each write one whole block of lines with O_APPEND, so two laptops writing at
 * once lose nothing and never interleave; a reader skips a last line still being written.
 */

export const SHARED_FILE_HEADER = [
  'number',
  'action',
  'source',
  'detail',
  'added_by',
  'computer',
  'added_at',
] as const;

export interface SharedLine {
  e164: string;
  action: 'add' | 'remove';
  source: string;
  detail: string | null;
  addedBy: string | null;
  computer: string | null;
  addedAt: string | null;
}

export interface SharedEntry extends Omit<SharedLine, 'action'> {
  /** The line (1-based, the header is line 1) that added the number. */
  line: number;
}

export interface SharedRead {
  /** Numbers whose last line adds them. */
  entries: Map<string, SharedEntry>;
  /** Numbers whose last line removes them, with that line. */
  removed: Map<string, SharedLine>;
  /** Lines that are not a phone number (the first 20 said), counted in `skipped`. */
  problems: string[];
  skipped: number;
  size: number;
  mtimeMs: number;
}

/** How long a file operation on a shared folder may take before the folder counts as unreachable. */
const IO_TIMEOUT_MS = 10_000;
/** A lock older than this was left by a process that died; it is broken. */
const STALE_LOCK_MS = 30_000;
/** How long a writer waits for another to finish. */
const LOCK_WAIT_MS = 15_000;
/** A last line without a line break in a file changed this recently may still be being written. */
const WRITING_MS = 60_000;
const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** A promise that gives up after IO_TIMEOUT_MS: a dropped network drive can hang a read for minutes. */
function timed<T>(what: string, path: string, work: Promise<T>): Promise<T> {
  return withTimeout(
    work,
    IO_TIMEOUT_MS,
    () =>
      new AppError(
        'unavailable',
        `${what} ${path} took longer than ${IO_TIMEOUT_MS / 1000} seconds; the shared folder may be disconnected.`,
      ),
  );
}

/** The reason a shared file cannot be used, in words for the person who set it up. */
export function describeFileError(error: unknown, path: string): string {
  if (error instanceof AppError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${path} was not found (is the shared folder connected?)`;
  if (code === 'EACCES' || code === 'EPERM') return `this computer's user may not open ${path}`;
  if (code === 'EISDIR') return `${path} is a folder, not a file`;
  return `${path} could not be read (${(error as Error).message})`;
}

/** Who writes to the file (named in its lock) and the clock its lock's age is judged by. */
export interface SharedFileWriter {
  owner: string;
  now: () => number;
}

/**
 * Reads the file and works out which numbers are on the office's list. Throws when it cannot be
 * read. `known`: the size and modification time of the copy read last; null when they are unchanged.
 */
export function readSharedFile(
  path: string,
  defaultCountry: string,
  options: { now: number; known?: { size: number; mtimeMs: number } },
): Promise<SharedRead | null>;
export function readSharedFile(
  path: string,
  defaultCountry: string,
  options: { now: number },
): Promise<SharedRead>;
export async function readSharedFile(
  path: string,
  defaultCountry: string,
  { now, known }: { now: number; known?: { size: number; mtimeMs: number } },
): Promise<SharedRead | null> {
  const info = await timed('Reading', path, stat(path));
  if (!info.isFile()) throw new AppError('invalid_input', `${path} is not a file.`);
  if (known && known.size === info.size && known.mtimeMs === info.mtimeMs) return null;
  if (info.size > MAX_FILE_BYTES)
    throw new AppError(
      'invalid_input',
      `${path} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; it does not look like a do-not-call list.`,
    );
  let text = (await timed('Reading', path, readFile(path))).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // A last line without a line break may be a write in progress (read it next time), unless the
  // file has not changed for a while: then it is a list saved by hand without a final newline.
  const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  if (lastBreak < text.length - 1 && now - info.mtimeMs < WRITING_MS)
    text = text.slice(0, lastBreak + 1);
  return {
    ...parseSharedText(text, basename(path), defaultCountry),
    size: info.size,
    mtimeMs: info.mtimeMs,
  };
}

/** The file's text → the list it describes (see the module comment). */
export function parseSharedText(
  text: string,
  fileName: string,
  defaultCountry: string,
): Omit<SharedRead, 'size' | 'mtimeMs'> {
  const entries = new Map<string, SharedEntry>();
  const removed = new Map<string, SharedLine>();
  const problems: string[] = [];
  let skipped = 0;
  const validator = new PhoneValidator(defaultCountry);
  const firstLine = text.slice(0, text.search(/[\r\n]|$/));
  let columns: Record<(typeof SHARED_FILE_HEADER)[number], number> | null = null;
  const skip = (line: number, message: string) => {
    skipped++;
    if (problems.length < 20) problems.push(`${fileName} line ${line}: ${message}`);
  };
  const parser = new CsvParser(detectDelimiter(firstLine), (cells, line) => {
    if (cells.every((c) => c.trim() === '')) return;
    if (!columns) {
      const names = cells.map((c) =>
        c
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_'),
      );
      const at = (name: string, ...aliases: string[]) =>
        [name, ...aliases].map((n) => names.indexOf(n)).find((i) => i >= 0) ?? -1;
      columns = {
        number: at('number', 'phone', 'phone_number', 'e164'),
        action: at('action'),
        source: at('source'),
        detail: at('detail', 'note'),
        added_by: at('added_by', 'user'),
        computer: at('computer', 'added_on', 'hostname'),
        added_at: at('added_at', 'date'),
      };
      if (columns.number < 0) {
        throw new AppError(
          'invalid_input',
          `${fileName}: the first line must name the columns, with one called "number" (it is "${firstLine.slice(0, 120)}").`,
        );
      }
      return;
    }
    const cell = (index: number) => (index >= 0 ? (cells[index] ?? '').trim() : '');
    const optional = (index: number) => cell(index) || null;
    const raw = cell(columns.number);
    const check = validator.check(raw);
    if (!check.ok) return skip(line, describePhoneProblem(check.code, raw, defaultCountry));
    const action = cell(columns.action).toLowerCase() || 'add';
    if (action !== 'add' && action !== 'remove')
      return skip(line, `the action is "${action}"; it must be add or remove.`);
    const entry: SharedLine = {
      e164: check.e164,
      action,
      source: cell(columns.source) || 'typed',
      detail: optional(columns.detail),
      addedBy: optional(columns.added_by),
      computer: optional(columns.computer),
      addedAt: optional(columns.added_at),
    };
    if (action === 'remove') {
      entries.delete(check.e164);
      removed.set(check.e164, entry);
    } else {
      removed.delete(check.e164);
      if (!entries.has(check.e164)) {
        const { action: _action, ...rest } = entry;
        entries.set(check.e164, { ...rest, line });
      }
    }
  });
  parser.push(text);
  parser.end();
  return { entries, removed, problems, skipped };
}

/** One line of the file, as csvLine writes every CSV this app makes (no cell can run as a formula). */
export function sharedLine(line: SharedLine): string {
  return csvLine([
    line.e164,
    line.action,
    line.source,
    line.detail ?? '',
    line.addedBy ?? '',
    line.computer ?? '',
    line.addedAt ?? '',
  ]);
}

/** Creates the file with its header line (its folder must exist); false when it exists already. */
export async function createSharedFile(path: string): Promise<boolean> {
  await timed('Opening the folder of', path, stat(dirname(path)));
  try {
    const handle = await timed('Creating', path, open(path, 'wx'));
    try {
      await handle.write(csvLine([...SHARED_FILE_HEADER]));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Appends lines to an existing file: under `<file>.lock` (created exclusively; one left by a
 * process that died is broken after 30 s), with one write of every line at the end of the file.
 * `lines` is asked for under the lock and `written` is called before it is released, so two
 * processes of one data folder never both write the same pending numbers. A file whose last line
 * lacks its line break gets one first, so no line is ever glued to another.
 */
export async function appendToSharedFile(
  path: string,
  writer: SharedFileWriter,
  lines: () => readonly SharedLine[],
  written: () => void = () => {},
): Promise<number> {
  const release = await lock(path, writer);
  try {
    const wanted = lines();
    if (wanted.length === 0) return 0;
    const handle = await timed('Opening', path, open(path, constants.O_RDWR | constants.O_APPEND));
    try {
      const { size } = await handle.stat();
      let text = wanted.map(sharedLine).join('');
      if (size === 0) text = csvLine([...SHARED_FILE_HEADER]) + text;
      else if (!(await endsWithBreak(handle, size))) text = `\r\n${text}`;
      await timed('Writing to', path, handle.write(text));
      await timed('Saving', path, handle.sync());
    } finally {
      await handle.close();
    }
    written();
    return wanted.length;
  } finally {
    await release();
  }
}

async function endsWithBreak(handle: FileHandle, size: number): Promise<boolean> {
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] === 0x0a || last[0] === 0x0d;
}

async function lock(path: string, { owner, now }: SharedFileWriter): Promise<() => Promise<void>> {
  const lockPath = `${path}.lock`;
  // How long to wait is a duration (monotonic); how old a lock is compares its file's time with now.
  const deadline = monotonicMs() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await timed('Locking', path, open(lockPath, 'wx'));
      await handle.write(`${owner}\n${new Date(now()).toISOString()}\n`);
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // Held by someone else. A lock this old was left by a writer that died mid-way: its lines, if
    // any, are whole or were cut at the end (the next writer starts on a new line).
    const held = await stat(lockPath).catch(() => null);
    if (held && now() - held.mtimeMs > STALE_LOCK_MS) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (monotonicMs() > deadline) {
      const who = await readFile(lockPath, 'utf8').catch(() => '');
      throw new AppError(
        'locked',
        `${path} has been locked for ${LOCK_WAIT_MS / 1000} seconds${who ? ` by ${who.split('\n')[0]}` : ''}; try again in a moment.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
  }
}
