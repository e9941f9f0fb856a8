import type { OptOutSource } from '../../../shared/recipients/types';
import type { Db } from '../open';
import { Prepared, perHandle } from './statements';

/**
 * Whether the number in `number` (an SQL expression holding an E.164) is on the do-not-call list
 * for the profile in `profile` (an SQL expression or placeholder; NULL: no profile): this
 * computer's list for everyone, the profile's own additions, or the office's shared file as last
 * read. THE rule every query that decides who is called uses (validation, review, send, results);
 * it takes exactly one parameter, the profile.
 */
export function onDoNotCallSql(number: string, profile: string): string {
  return `(EXISTS (SELECT 1 FROM do_not_call dnc WHERE dnc.e164 = ${number} AND dnc.profile_id IN ('', COALESCE(${profile}, '')))
    OR EXISTS (SELECT 1 FROM do_not_call_shared dncs WHERE dncs.e164 = ${number}))`;
}

/** The office's shared file as last seen (do_not_call_shared_file, one row). */
export interface SharedFileRow {
  path: string | null;
  max_age_days: number;
  read_path: string | null;
  read_at: string | null;
  size: number | null;
  mtime_ms: number | null;
  skipped: number;
  error: string | null;
}

/** A number on the list: this computer's entry, or the shared file's (profile_id ''). */
export interface EntryRow {
  e164: string;
  profile_id: string;
  source: OptOutSource;
  detail: string | null;
  added_by: string | null;
  added_on: string | null;
  added_at: string;
  shared_at?: string | null;
}

/** A number taken off the list, for a compliance review. */
export interface RemovedRow {
  e164: string;
  profile_id: string;
  source: OptOutSource;
  added_at: string | null;
  removed_by: string | null;
  removed_on: string | null;
  removed_at: string;
}

/** A number of the shared file as read (do_not_call_shared). */
export interface SharedEntry {
  e164: string;
  source: string | null;
  detail: string | null;
  addedBy: string | null;
  computer: string | null;
  addedAt: string | null;
  line: number;
}

/**
 * Local entries (`scope`: which profile_id values), then the shared file's numbers this computer
 * does not also hold for everyone.
 */
function entriesSql(scope: string): string {
  return `
  SELECT e164, profile_id, source, detail, added_by, added_on, added_at, shared_at FROM do_not_call WHERE ${scope}
  UNION ALL
  SELECT e164, '', 'shared-file', CASE WHEN source IS NULL THEN NULL ELSE source || COALESCE(' (' || detail || ')', '') END,
    added_by, added_on, COALESCE(added_at, ''), NULL FROM do_not_call_shared s
   WHERE NOT EXISTS (SELECT 1 FROM do_not_call d WHERE d.e164 = s.e164 AND d.profile_id = '')`;
}
const ENTRIES_SQL = entriesSql("profile_id IN ('', @profile)");

/**
 * The do-not-call tables: this computer's list (do_not_call; profile_id '' is every profile),
 * the last copy read of the office's shared file (do_not_call_shared), which file that is and
 * how it was read (do_not_call_shared_file) and who took numbers off (do_not_call_removed).
 */
class DoNotCallTable {
  readonly #s: Prepared;

  constructor(db: Db) {
    this.#s = new Prepared(db);
  }

  // ---- this computer's list ---------------------------------------------------------------

  /** Adds a number for `profileId` ('' everyone); false when it was there already. */
  add(entry: {
    e164: string;
    profileId: string;
    source: OptOutSource;
    detail: string | null;
    addedBy: string;
    addedOn: string;
    addedAt: string;
  }): boolean {
    return (
      this.#s
        .get(
          `INSERT OR IGNORE INTO do_not_call (e164, profile_id, source, detail, added_by, added_on, added_at)
           VALUES (@e164, @profileId, @source, @detail, @addedBy, @addedOn, @addedAt)`,
        )
        .run(entry).changes > 0
    );
  }

  /** Whether this computer's list holds the number for exactly `profileId` ('' everyone). */
  holds(e164: string, profileId: string): boolean {
    return (
      this.#s
        .get('SELECT 1 FROM do_not_call WHERE e164 = ? AND profile_id = ?')
        .get(e164, profileId) !== undefined
    );
  }

  /** Whether the number is on the list for this profile (or everyone) now: onDoNotCallSql. */
  isOn(e164: string, profileId: string | null): boolean {
    return (
      this.#s.get(`SELECT ${onDoNotCallSql('@e164', '@profileId')}`, 'pluck').get({
        e164,
        profileId,
      }) === 1
    );
  }

  /**
   * Takes a number off the list for `profileId` ('' everyone, which takes it off the shared
   * copy too), recording each entry removed, by whom and when.
   */
  remove(
    e164: string,
    profileId: string,
    removal: { by: string | null; on: string | null; at: string },
  ): void {
    const rows = [
      ...(this.#s
        .get('SELECT source, added_at FROM do_not_call WHERE e164 = ? AND profile_id = ?')
        .all(e164, profileId) as Array<{ source: string; added_at: string }>),
      ...(profileId === ''
        ? (this.#s
            .get("SELECT 'shared-file' AS source, added_at FROM do_not_call_shared WHERE e164 = ?")
            .all(e164) as Array<{ source: string; added_at: string }>)
        : []),
    ];
    const record = this.#s.get(
      'INSERT INTO do_not_call_removed (e164, profile_id, source, added_at, removed_by, removed_on, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const r of rows)
      record.run(e164, profileId, r.source, r.added_at, removal.by, removal.on, removal.at);
    this.#s.get('DELETE FROM do_not_call WHERE e164 = ? AND profile_id = ?').run(e164, profileId);
    if (profileId === '') this.#s.get('DELETE FROM do_not_call_shared WHERE e164 = ?').run(e164);
  }

  /** How many entries a page of the list has (numbers containing `like`, a LIKE pattern). */
  count(like: string, profileId: string): number {
    return this.#s
      .get(`SELECT count(*) FROM (${ENTRIES_SQL}) WHERE e164 LIKE @like`, 'pluck')
      .get({ like, profile: profileId }) as number;
  }

  /** One page of entries, newest first: everyone's, the shared file's and `profileId`'s own. */
  page(like: string, profileId: string, limit: number, offset: number): EntryRow[] {
    return this.#s
      .get(
        `SELECT * FROM (${ENTRIES_SQL}) WHERE e164 LIKE @like ORDER BY added_at DESC, e164 LIMIT @limit OFFSET @offset`,
      )
      .all({ like, profile: profileId, limit, offset }) as EntryRow[];
  }

  /** Every entry for every profile, oldest first. */
  everyone(): IterableIterator<EntryRow> {
    return this.#s
      .iterate(`SELECT * FROM (${ENTRIES_SQL}) WHERE profile_id = '' ORDER BY added_at, e164`)
      .iterate({ profile: '' }) as IterableIterator<EntryRow>;
  }

  /** Every entry, each profile's additions included, by profile then oldest first. */
  all(): IterableIterator<EntryRow> {
    return this.#s
      .iterate(`SELECT * FROM (${entriesSql('1')}) ORDER BY profile_id, added_at, e164`)
      .iterate() as IterableIterator<EntryRow>;
  }

  removed(): IterableIterator<RemovedRow> {
    return this.#s
      .iterate(
        'SELECT e164, profile_id, source, added_at, removed_by, removed_on, removed_at FROM do_not_call_removed ORDER BY removed_at, e164',
      )
      .iterate() as IterableIterator<RemovedRow>;
  }

  // ---- the office's shared file -----------------------------------------------------------

  sharedFile(): SharedFileRow {
    return this.#s.get('SELECT * FROM do_not_call_shared_file WHERE id = 1').get() as SharedFileRow;
  }

  setSharedError(message: string | null): void {
    this.#s.get('UPDATE do_not_call_shared_file SET error = ? WHERE id = 1').run(message);
  }

  /** Uses `path` from now on (null: none); what was read of the earlier file is forgotten. */
  chooseSharedFile(path: string | null): void {
    this.#s
      .get(
        'UPDATE do_not_call_shared_file SET path = ?, read_path = NULL, read_at = NULL, size = NULL, mtime_ms = NULL, skipped = 0, error = NULL WHERE id = 1',
      )
      .run(path);
  }

  setMaxAgeDays(days: number): void {
    this.#s.get('UPDATE do_not_call_shared_file SET max_age_days = ? WHERE id = 1').run(days);
  }

  /** The file was read (or found unchanged) at `at`. */
  markRead(at: string): void {
    this.#s
      .get('UPDATE do_not_call_shared_file SET read_at = ?, error = NULL WHERE id = 1')
      .run(at);
  }

  /** Which file the copy was read from, and how that file looked. */
  setReadFile(read: { path: string; size: number; mtimeMs: number; skipped: number }): void {
    this.#s
      .get(
        'UPDATE do_not_call_shared_file SET read_path = ?, size = ?, mtime_ms = ?, skipped = ? WHERE id = 1',
      )
      .run(read.path, read.size, read.mtimeMs, read.skipped);
  }

  sharedCount(): number {
    return this.#s.get('SELECT count(*) FROM do_not_call_shared', 'pluck').get() as number;
  }

  /** Whether the copy of the shared file holds the number. */
  inSharedCopy(e164: string): boolean {
    return this.#s.get('SELECT 1 FROM do_not_call_shared WHERE e164 = ?').get(e164) !== undefined;
  }

  /** The copy of a file no longer read becomes entries of this computer's list, then is emptied. */
  keepSharedCopy(detail: string, now: string): void {
    this.#s
      .get(
        `INSERT OR IGNORE INTO do_not_call (e164, profile_id, source, detail, added_by, added_on, added_at)
         SELECT e164, '', 'shared-file', ?, added_by, added_on, COALESCE(added_at, ?) FROM do_not_call_shared`,
      )
      .run(detail, now);
    this.clearSharedCopy();
  }

  clearSharedCopy(): void {
    this.#s.get('DELETE FROM do_not_call_shared').run();
  }

  /** Puts a number of the file into the copy (`ignoreKnown`: unless the copy has it already). */
  copyShared(entry: SharedEntry, ignoreKnown = false): void {
    this.#s
      .get(
        `INSERT ${ignoreKnown ? 'OR IGNORE ' : ''}INTO do_not_call_shared (e164, source, detail, added_by, added_on, added_at, line)
         VALUES (@e164, @source, @detail, @addedBy, @computer, @addedAt, @line)`,
      )
      .run(entry);
  }

  /** Numbers for everyone added here and not yet written to the shared file, oldest first. */
  unwritten(): EntryRow[] {
    return this.#s
      .get(
        "SELECT e164, source, detail, added_by, added_on, added_at FROM do_not_call WHERE profile_id = '' AND shared_at IS NULL ORDER BY added_at, e164",
      )
      .all() as EntryRow[];
  }

  unwrittenCount(): number {
    return this.#s
      .get("SELECT count(*) FROM do_not_call WHERE profile_id = '' AND shared_at IS NULL", 'pluck')
      .get() as number;
  }

  /** Marks a number for everyone written to the shared file at `at` (if it was not yet). */
  markWritten(e164: string, at: string): void {
    this.#s
      .get(
        "UPDATE do_not_call SET shared_at = ? WHERE e164 = ? AND profile_id = '' AND shared_at IS NULL",
      )
      .run(at, e164);
  }

  /** Whether the number for everyone was written to the shared file at or before `at`. */
  writtenBy(e164: string, at: string): boolean {
    return (
      this.#s
        .get("SELECT 1 FROM do_not_call WHERE e164 = ? AND profile_id = '' AND shared_at <= ?")
        .get(e164, at) !== undefined
    );
  }

  /** Every number for everyone with when it was written to the shared file (null: not yet). */
  everyoneWritten(): Array<{ e164: string; shared_at: string | null }> {
    return this.#s
      .get("SELECT e164, shared_at FROM do_not_call WHERE profile_id = ''")
      .all() as Array<{ e164: string; shared_at: string | null }>;
  }

  setWrittenAt(e164: string, at: string | null): void {
    this.#s
      .get("UPDATE do_not_call SET shared_at = ? WHERE e164 = ? AND profile_id = ''")
      .run(at, e164);
  }
}

export const doNotCallTable = perHandle((db) => new DoNotCallTable(db));
