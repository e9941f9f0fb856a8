import { AppError } from '../../shared/errors';
import { detectPhoneColumn, findColumn } from '../../shared/recipients/columns';
import type {
  OptOutChange,
  OptOutEntry,
  OptOutList,
  OptOutSource,
  SharedDncStatus,
} from '../../shared/recipients/types';
import type { Db } from '../db/open';
import {
  doNotCallTable,
  type EntryRow,
  type SharedFileRow as StateRow,
} from '../db/tables/do-not-call';
import type { Logger } from '../logging/logger';
import { csvLine } from '../send/csv';
import { PhoneValidator, describePhoneProblem } from './phone';
import { readTable, type TextEncoding } from './read-table';
import {
  appendToSharedFile,
  createSharedFile,
  describeFileError,
  readSharedFile,
  type SharedLine,
  type SharedFileWriter,
  type SharedRead,
} from './shared-dnc-file';
import { systemClock } from '../clock';

export type { OptOutChange, OptOutEntry, OptOutList, SharedDncStatus };

const MAX_REJECTED = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Who is adding or removing numbers here, for the record a compliance review reads. */
export interface Who {
  /** The OS user name. */
  user: string;
  /** The computer's name (hostname). */
  computer: string;
}

export interface OptOutServiceDeps {
  db: Db;
  log?: Logger;
  clock?: () => Date;
  who?: Who;
  /**
   * The office's shared file to use instead of the one chosen in Settings (the CLI passes
   * OMNIGAGE_DNC_FILE); undefined: the one in Settings.
   */
  sharedFile?: string;
  /** Replaces the age limit chosen in Settings (days). */
  maxAgeDays?: number;
  /** The country for numbers written without a code in the shared file. */
  defaultCountry?: () => string;
}

/** What reading the shared file came to. */
export interface SharedRefresh {
  /** False: no shared file is used. */
  configured: boolean;
  /** The file was read just now, so the list is current. */
  read: boolean;
  /** Why reading or writing it failed. */
  error: string | null;
}

/** A send's view of the shared file: nothing to say, a warning, or a reason not to send. */
export interface SendReadiness {
  blocking: boolean;
  message: string;
}

/**
 * The do-not-call list of this data folder: one list for every API profile (with optional
 * additions for one profile), kept in E.164 so "(212) 555-0100" and "+12125550100" are one
 * entry, with who added each number, on which computer, when and how. When Settings (or the
 * CLI's OMNIGAGE_DNC_FILE) names the office's shared file, the list also holds every number on
 * that file: it is read at start, every 30 s in the app and before every send, and the numbers
 * added here are appended to it. Owns the do_not_call* tables.
 */
export class OptOutService {
  readonly #db: Db;
  readonly #log: Logger | undefined;
  readonly #clock: () => Date;
  readonly #who: Who;
  readonly #sharedOverride: string | undefined;
  readonly #maxAgeOverride: number | undefined;
  readonly #country: () => string;
  /** Reads and writes of the shared file, one at a time in this process. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor({
    db,
    log,
    clock = systemClock,
    who,
    sharedFile,
    maxAgeDays,
    defaultCountry,
  }: OptOutServiceDeps) {
    this.#db = db;
    this.#log = log;
    this.#clock = clock;
    this.#who = who ?? { user: 'unknown', computer: 'unknown' };
    this.#sharedOverride = sharedFile?.trim() || undefined;
    this.#maxAgeOverride = maxAgeDays;
    this.#country = defaultCountry ?? (() => 'US');
  }

  // ---- the list on this computer -------------------------------------------------------------

  /** One validator per default country, kept: the numbers it has read stay in its cache. */
  readonly #validators = new Map<string, PhoneValidator>();

  #validator(defaultCountry: string): PhoneValidator {
    let validator = this.#validators.get(defaultCountry);
    if (!validator) {
      validator = new PhoneValidator(defaultCountry);
      this.#validators.set(defaultCountry, validator);
    }
    return validator;
  }

  /**
   * The values that are phone numbers, in E.164, and the first MAX_REJECTED that are not (an
   * empty cell of a file's row is skipped, not rejected).
   */
  #check(
    values: Iterable<{ value: string; row?: number }>,
    defaultCountry: string,
  ): { numbers: string[]; rejected: OptOutChange['rejected'] } {
    const validator = this.#validator(defaultCountry);
    const numbers: string[] = [];
    const rejected: OptOutChange['rejected'] = [];
    for (const { value, row } of values) {
      const check = validator.check(value);
      if (check.ok) {
        numbers.push(check.e164);
        continue;
      }
      if (check.code === 'empty_phone' && row !== undefined) continue;
      if (rejected.length < MAX_REJECTED) {
        const message = describePhoneProblem(check.code, value, defaultCountry);
        rejected.push(row === undefined ? { value, message } : { value, row, message });
      }
    }
    return { numbers, rejected };
  }

  /** Adds checked numbers for `scope` ('' everyone); counts the ones that were not on it yet. */
  #store(
    numbers: readonly string[],
    scope: string,
    source: OptOutSource,
    detail: string | null,
  ): { changed: number; unchanged: number } {
    const table = doNotCallTable(this.#db);
    const addedAt = this.#clock().toISOString();
    let changed = 0;
    for (const e164 of numbers) {
      // A number the office's file already holds counts as there already (it is on the list).
      const already = scope === '' && table.inSharedCopy(e164);
      const added = table.add({
        e164,
        profileId: scope,
        source,
        detail,
        addedBy: this.#who.user,
        addedOn: this.#who.computer,
        addedAt,
      });
      if (added && !already) changed++;
    }
    return { changed, unchanged: numbers.length - changed };
  }

  /**
   * Adds numbers (any format; `defaultCountry` for those without a code) for everyone, or for
   * one profile only. Nothing is added when `all` is set and any value is not a phone number.
   */
  add(
    numbers: readonly string[],
    options: {
      defaultCountry?: string;
      profileId?: string | null;
      source?: 'typed' | 'call-result';
      detail?: string;
      all?: boolean;
    } = {},
  ): OptOutChange {
    // Each number is read once: the check decides both whether `all` refuses and what is added.
    const checked = this.#check(
      numbers.map((value) => ({ value })),
      options.defaultCountry ?? 'US',
    );
    if (options.all && checked.rejected.length > 0)
      return { changed: 0, unchanged: 0, rejected: checked.rejected };
    // Every write here is an IMMEDIATE transaction: one that read first and then wrote could find
    // that another process (the app, a CLI run) wrote in between, and fail as "database is locked".
    const stored = this.#db
      .transaction(() =>
        this.#store(
          checked.numbers,
          options.profileId ?? '',
          options.source ?? 'typed',
          options.detail ?? null,
        ),
      )
      .immediate();
    return { ...stored, rejected: checked.rejected };
  }

  /**
   * Takes numbers off the list (everyone's, or one profile's additions). With a shared file, a
   * number taken off everyone's list is taken off the office's list too: a removal line is
   * appended first, and when the file cannot be written nothing is removed (the number would
   * come back from the file at its next read).
   */
  async remove(
    numbers: readonly string[],
    options: { defaultCountry?: string; profileId?: string | null } = {},
  ): Promise<OptOutChange> {
    const scope = options.profileId ?? '';
    const checked = this.#check(
      numbers.map((value) => ({ value })),
      options.defaultCountry ?? 'US',
    );
    const unique = [...new Set(checked.numbers)];
    const table = doNotCallTable(this.#db);
    const onList = unique.filter(
      (e164) => table.holds(e164, scope) || (scope === '' && table.inSharedCopy(e164)),
    );
    const result: OptOutChange = {
      changed: onList.length,
      unchanged: checked.numbers.length - onList.length,
      rejected: checked.rejected,
    };
    if (onList.length === 0) return result;
    const path = this.#path();
    if (scope === '' && path) {
      await this.#serial(async () => {
        const now = this.#clock().toISOString();
        const lines: SharedLine[] = onList.map((e164) => ({
          e164,
          action: 'remove',
          source: 'typed',
          detail: null,
          addedBy: this.#who.user,
          computer: this.#who.computer,
          addedAt: now,
        }));
        try {
          await appendToSharedFile(path, this.#writer(), () => lines);
        } catch (error) {
          const reason = describeFileError(error, path);
          this.#setError(reason);
          throw new AppError(
            'unavailable',
            `Nothing was removed: the office's do-not-call file cannot be written (${reason}), and a number removed only here would come back from it. Try again when the shared folder is connected.`,
          );
        }
      });
    }
    this.#db
      .transaction(() => {
        const now = this.#clock().toISOString();
        for (const e164 of onList)
          table.remove(e164, scope, { by: this.#who.user, on: this.#who.computer, at: now });
      })
      .immediate();
    this.#log?.info('opt-outs removed', {
      count: onList.length,
      shared: scope === '' && Boolean(path),
    });
    return result;
  }

  /**
   * Adds every number in a CSV or Excel file. The phone column is found from the header (or
   * named); a file with a single column and no header is read as a plain list of numbers.
   */
  importFile(
    filePath: string,
    options: {
      phoneColumn?: string;
      defaultCountry?: string;
      profileId?: string | null;
      /** A CSV's encoding as the person chose it (guessed from the bytes when absent). */
      encoding?: TextEncoding;
    } = {},
  ): OptOutChange & { fileName: string; invalid: number } {
    const defaultCountry = options.defaultCountry ?? 'US';
    const values: Array<{ value: string; row?: number }> = [];
    let column = 0;
    const probe = this.#validator(defaultCountry);
    let fileName = '';
    const run = this.#db.transaction(() => {
      const table = readTable(
        filePath,
        {
          onHeader: (headers, info) => {
            fileName = info.fileName;
            column = options.phoneColumn
              ? findColumn(headers, options.phoneColumn)
              : detectPhoneColumn(headers);
            if (column >= 0) return;
            // No phone header: a single column of numbers whose first line is itself a number.
            if (headers.length === 1 && probe.check(headers[0] ?? '').ok) {
              column = 0;
              values.push({ value: headers[0]!, row: 1 });
              return;
            }
            throw new AppError(
              'invalid_input',
              `${info.fileName}: no phone number column was found. The columns are: ${headers.map((h) => `"${h}"`).join(', ')}.`,
            );
          },
          // Rows are named as a person finds them in the file: the CSV line or the sheet's row.
          onRow: (cells, _row, _problems, _sheetRow, line) => {
            values.push({ value: cells[column] ?? '', row: line });
            // Flush in slices so a large list is not held twice.
            if (values.length >= 10_000) flush();
          },
        },
        options.encoding ? { encoding: options.encoding } : {},
      );
      flush();
      fileName = table.info.fileName;
    });
    const total: OptOutChange = { changed: 0, unchanged: 0, rejected: [] };
    let invalid = 0;
    const flush = () => {
      const checked = this.#check(values.splice(0), defaultCountry);
      const part = {
        ...this.#store(checked.numbers, options.profileId ?? '', 'imported', fileName),
        rejected: checked.rejected,
      };
      total.changed += part.changed;
      total.unchanged += part.unchanged;
      invalid += part.rejected.length;
      for (const r of part.rejected)
        if (total.rejected.length < MAX_REJECTED) total.rejected.push(r);
    };
    // IMMEDIATE: a write that starts as a read could find another process has written since.
    run.immediate();
    this.#log?.info('opt-outs imported', { fileName, added: total.changed });
    return { ...total, fileName, invalid };
  }

  #entry(r: EntryRow): OptOutEntry {
    return {
      e164: r.e164,
      source: r.source,
      addedAt: r.added_at,
      detail: r.detail,
      addedBy: r.added_by,
      addedOn: r.added_on,
      profileId: r.profile_id === '' ? null : r.profile_id,
    };
  }

  /** One page, newest first: everyone's numbers, the office file's, and `profileId`'s own additions. */
  list(
    options: { offset?: number; limit?: number; search?: string; profileId?: string | null } = {},
  ): OptOutList {
    const search = options.search?.replace(/[^\d+]/g, '') ?? '';
    const params = {
      profile: options.profileId ?? '',
      like: `%${search}%`,
      limit: Math.min(1000, options.limit ?? 100),
      offset: Math.max(0, options.offset ?? 0),
    };
    const table = doNotCallTable(this.#db);
    const total = table.count(params.like, params.profile);
    const entries = table
      .page(params.like, params.profile, params.limit, params.offset)
      .map((r) => this.#entry(r));
    return { total, entries, shared: this.sharedStatus() };
  }

  /** Every number that applies to every profile (this computer's and the office file's), oldest first. */
  *everyone(): Generator<OptOutEntry> {
    for (const r of doNotCallTable(this.#db).everyone()) yield this.#entry(r);
  }

  /**
   * The whole record for a compliance review, as CSV lines (header first): every number on the
   * list with where it came from, then every number taken off it, by whom and when.
   */
  *csv(profileName: (id: string) => string = (id) => id): Generator<string> {
    yield csvLine([
      'Number',
      'Applies to',
      'Source',
      'Details',
      'Added by',
      'Computer',
      'Added at',
      'Written to the office file at',
      'Removed by',
      'Removed on computer',
      'Removed at',
    ]);
    const every = doNotCallTable(this.#db).all();
    for (const r of every) {
      const applies = r.profile_id === '' ? 'Every profile' : `Only "${profileName(r.profile_id)}"`;
      yield csvLine([
        r.e164,
        applies,
        SOURCE_WORDS[r.source],
        r.detail ?? '',
        r.added_by ?? '',
        r.added_on ?? '',
        r.added_at,
        r.shared_at ?? '',
        '',
        '',
        '',
      ]);
    }
    const removed = doNotCallTable(this.#db).removed();
    for (const r of removed) {
      const applies = r.profile_id === '' ? 'Every profile' : `Only "${profileName(r.profile_id)}"`;
      yield csvLine([
        r.e164,
        applies,
        SOURCE_WORDS[r.source] ?? r.source,
        'Removed from the list',
        '',
        '',
        r.added_at ?? '',
        '',
        r.removed_by ?? '',
        r.removed_on ?? '',
        r.removed_at,
      ]);
    }
  }

  /** Whether a number (any format) is on the list for this profile (or for everyone) right now. */
  isOptedOut(number: string, profileId: string | null = null, defaultCountry = 'US'): boolean {
    const check = this.#validator(defaultCountry).check(number);
    if (!check.ok) return false;
    return doNotCallTable(this.#db).isOn(check.e164, profileId);
  }

  // ---- the office's shared file --------------------------------------------------------------

  #state(): StateRow {
    return doNotCallTable(this.#db).sharedFile();
  }

  #path(): string | null {
    return this.#sharedOverride ?? this.#state().path;
  }

  #maxAgeDays(): number {
    return this.#maxAgeOverride ?? this.#state().max_age_days;
  }

  /** Who writes to the shared file (named in its lock), with this service's clock. */
  #writer(): SharedFileWriter {
    return {
      owner: `${this.#who.user} on ${this.#who.computer} (process ${process.pid})`,
      now: () => this.#clock().getTime(),
    };
  }

  #setError(message: string | null): void {
    doNotCallTable(this.#db).setSharedError(message);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** The shared file as last seen here; null when none is used. */
  sharedStatus(): SharedDncStatus | null {
    const path = this.#path();
    if (!path) return null;
    const state = this.#state();
    const current = state.read_path === path;
    return {
      path,
      maxAgeDays: this.#maxAgeDays(),
      readAt: current ? state.read_at : null,
      numbers: doNotCallTable(this.#db).sharedCount(),
      skipped: current ? state.skipped : 0,
      error: state.error,
      pending: doNotCallTable(this.#db).unwrittenCount(),
    };
  }

  /**
   * Uses `path` as the office's file from now on (Settings), creating it with its header line
   * when `create` is set and it does not exist; null stops using a shared file. Numbers read from
   * the earlier file stay on this computer's list: a change of file never lets anyone be called.
   */
  async useSharedFile(
    path: string | null,
    options: { create?: boolean } = {},
  ): Promise<SharedDncStatus | null> {
    if (path !== null && options.create) {
      try {
        await createSharedFile(path);
      } catch (error) {
        throw new AppError(
          'invalid_input',
          `The shared do-not-call file cannot be created: ${describeFileError(error, path)}.`,
        );
      }
    }
    this.#db
      .transaction(() => {
        this.#keepSharedCopy();
        doNotCallTable(this.#db).chooseSharedFile(path);
      })
      .immediate();
    this.#log?.info('shared do-not-call file chosen', { path });
    if (path !== null) {
      const refreshed = await this.refresh();
      if (!refreshed.read)
        throw new AppError(
          'invalid_input',
          `The shared do-not-call file cannot be used: ${refreshed.error ?? 'it could not be read'}.`,
        );
    }
    return this.sharedStatus();
  }

  /** How old a copy of the shared file a send may rely on when the file cannot be read (Settings). */
  setMaxAgeDays(days: number): SharedDncStatus | null {
    doNotCallTable(this.#db).setMaxAgeDays(Math.round(days));
    return this.sharedStatus();
  }

  /** The copy of a file no longer read becomes part of this computer's list (nothing is dropped). */
  #keepSharedCopy(): void {
    const from = this.#state().read_path;
    doNotCallTable(this.#db).keepSharedCopy(
      `kept from ${from ?? 'an earlier office file'}`,
      this.#clock().toISOString(),
    );
  }

  /**
   * Reads the shared file (when it changed since the last read), then appends the numbers added
   * here that it does not have yet. Never throws: what went wrong is in the answer and in
   * sharedStatus().error, and the last copy read stays in use.
   */
  refresh(): Promise<SharedRefresh> {
    return this.#serial(() => this.#refresh());
  }

  async #refresh(): Promise<SharedRefresh> {
    const path = this.#path();
    if (!path) return { configured: false, read: true, error: null };
    const state = this.#state();
    // What this process or another of this data folder writes to the file from now on may be
    // missing from this read: the copy's conclusions below leave such numbers alone.
    const started = this.#clock().toISOString();
    let read: SharedRead | null;
    try {
      read = await this.#read(path, state);
    } catch (error) {
      const reason = describeFileError(error, path);
      if (!this.#db.open) return { configured: true, read: false, error: reason };
      this.#setError(reason);
      this.#log?.warn('shared do-not-call file unreadable', { path, reason });
      return { configured: true, read: false, error: reason };
    }
    // The app may have closed while the file was read: nothing more to record.
    if (!this.#db.open) return { configured: true, read: false, error: 'the app is closing' };
    const now = this.#clock().toISOString();
    this.#db
      .transaction(() => {
        if (read) this.#replaceCopy(path, state, read, now, started);
        doNotCallTable(this.#db).markRead(now);
      })
      .immediate();
    // The numbers added here that the file lacks, read under the file's lock and marked written
    // before it is released: another process of this data folder then finds nothing to write.
    const table = doNotCallTable(this.#db);
    if (table.unwrittenCount() === 0) return { configured: true, read: true, error: null };
    let pending: EntryRow[] = [];
    let count: number;
    try {
      count = await appendToSharedFile(
        path,
        this.#writer(),
        () => {
          if (!this.#db.open) return [];
          pending = table.unwritten();
          return pending.map((r) => ({
            e164: r.e164,
            action: 'add' as const,
            source: r.source,
            detail: r.detail,
            addedBy: r.added_by,
            computer: r.added_on,
            addedAt: r.added_at,
          }));
        },
        () => this.#markWritten(pending),
      );
    } catch (error) {
      const reason = describeFileError(error, path);
      if (!this.#db.open) return { configured: true, read: true, error: reason };
      this.#setError(`the numbers added here could not be written to it: ${reason}`);
      this.#log?.warn('shared do-not-call file not written', { path, reason });
      return { configured: true, read: true, error: reason };
    }
    if (count > 0)
      this.#log?.info('numbers written to the shared do-not-call file', { path, count });
    return { configured: true, read: true, error: null };
  }

  /** Numbers just appended to the file: written, and in the copy (line 0: its place is known at the next read). */
  #markWritten(rows: readonly EntryRow[]): void {
    if (!this.#db.open) return;
    // The time of marking (not of the read before): a reader that started earlier leaves it alone.
    const now = this.#clock().toISOString();
    const table = doNotCallTable(this.#db);
    this.#db
      .transaction(() => {
        for (const r of rows) {
          table.markWritten(r.e164, now);
          table.copyShared(
            {
              e164: r.e164,
              source: r.source,
              detail: r.detail,
              addedBy: r.added_by,
              computer: r.added_on,
              addedAt: r.added_at,
              line: 0,
            },
            true,
          );
        }
      })
      .immediate();
  }

  /** The file's list, or null when it is the same file, unchanged since the copy was read. */
  async #read(path: string, state: StateRow): Promise<SharedRead | null> {
    const known =
      state.read_path === path && state.size !== null && state.mtime_ms !== null
        ? { size: state.size, mtimeMs: state.mtime_ms }
        : undefined;
    try {
      return await readSharedFile(path, this.#country(), { now: this.#clock().getTime(), known });
    } catch (error) {
      // A file never read here that does not exist yet is a new office list: it is created. One
      // read before that has gone is an error (a disconnected drive must not look like an empty list).
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || state.read_path === path)
        throw error;
      await createSharedFile(path);
      return readSharedFile(path, this.#country(), { now: this.#clock().getTime() });
    }
  }

  #replaceCopy(
    path: string,
    state: StateRow,
    read: SharedRead,
    now: string,
    started: string,
  ): void {
    if (state.read_path !== null && state.read_path !== path) this.#keepSharedCopy();
    const table = doNotCallTable(this.#db);
    table.clearSharedCopy();
    for (const e of read.entries.values()) table.copyShared(e);
    // A number removed in the file after this computer wrote it there is removed here too. One
    // added here since (not written yet) is newer than that removal and stays.
    for (const [e164, line] of read.removed) {
      if (table.writtenBy(e164, started))
        table.remove(e164, '', { by: line.addedBy, on: line.computer, at: line.addedAt ?? now });
    }
    // Numbers written here before that the file no longer has (a new or replaced file) are written
    // again; numbers added here that the file already has need not be.
    for (const l of table.everyoneWritten()) {
      const there = table.inSharedCopy(l.e164);
      if (there && l.shared_at === null) table.setWrittenAt(l.e164, now);
      else if (
        !there &&
        l.shared_at !== null &&
        l.shared_at <= started &&
        !read.removed.has(l.e164)
      )
        table.setWrittenAt(l.e164, null);
    }
    table.setReadFile({ path, size: read.size, mtimeMs: read.mtimeMs, skipped: read.skipped });
    if (read.problems.length > 0)
      this.#log?.warn('shared do-not-call file has lines that are not numbers', {
        path,
        skipped: read.skipped,
        first: read.problems.slice(0, 3),
      });
  }

  /**
   * Called before every send: reads the shared file. When it cannot be read, the send goes on
   * with the last copy read if that copy is younger than the office's limit (and says how old
   * it is); otherwise the send is refused, saying why.
   */
  async beforeSend(): Promise<SendReadiness | null> {
    const refreshed = await this.refresh();
    if (!refreshed.configured || refreshed.read) return null;
    const path = this.#path()!;
    const state = this.#state();
    const limit = this.#maxAgeDays();
    const readAt = state.read_path === path && state.read_at ? Date.parse(state.read_at) : null;
    const cannot = `The office's do-not-call file cannot be read: ${refreshed.error}.`;
    const fix =
      'Connect the shared folder (or choose the file again in Settings → Do-not-call list) and send again.';
    if (readAt === null) {
      return {
        blocking: true,
        message: `${cannot} It has never been read on this computer, so the numbers on it are not known and nothing was sent. ${fix}`,
      };
    }
    const age = this.#clock().getTime() - readAt;
    const old = `The last copy read here is ${describeAge(age)} old (read ${state.read_at})`;
    if (age > limit * DAY_MS) {
      return {
        blocking: true,
        message: `${cannot} ${old}, older than the ${limit}-day limit, so nothing was sent. ${fix}`,
      };
    }
    return {
      blocking: false,
      message: `${cannot} ${old}; numbers are checked against that copy (the limit is ${limit} day${limit === 1 ? '' : 's'}).`,
    };
  }

  /** Re-reads the shared file every `intervalMs` (the app); returns a function that stops it. */
  watch(intervalMs = 30_000): () => void {
    const timer = setInterval(() => void this.refresh(), intervalMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }
}

/** Source names as a compliance reviewer reads them. */
export const SOURCE_WORDS: Record<OptOutSource, string> = {
  typed: 'Typed in',
  imported: 'Imported from a file',
  'shared-file': "The office's shared file",
  'call-result': 'A call result',
};

/** "3 hours", "9 days": how old a copy is. */
export function describeAge(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 90) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  const days = Math.floor(hours / 24);
  return `${days} days`;
}
