import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { AppError } from '../../shared/errors';
import { detectPhoneColumn, findColumn } from '../../shared/recipients/columns';
import type { ImportResult, TextEncodingName } from '../../shared/recipients/types';
import type { SavedList, SavedListStatus } from '../../shared/saved-lists';
import { systemClock, type Clock } from '../clock';
import type { Db } from '../db/open';
import { savedListsTable, type SavedListRow } from '../db/tables/saved-lists';
import { PhoneValidator } from './phone';
import { hashFile, readTable } from './read-table';

/** The import's choices kept with a saved list, so it is read the same way each time. */
interface SavedOptions {
  phoneColumn: string;
  defaultCountry: string;
  encoding?: TextEncodingName;
  /** The row of the column names (absent in lists saved before it was kept: the first non-blank row). */
  headerRow?: number;
}

/** What importing a file into a campaign takes (ImportJobs.run, or RecipientService.import in tests). */
export type ImportFile = (options: {
  campaignId: string;
  filePath: string;
  phoneColumn?: string;
  defaultCountry?: string;
  encoding?: TextEncodingName;
  headerRow?: number;
}) => Promise<ImportResult>;

/** A file changed less than this long ago is hashed again next time (see SavedLists.#currentHash). */
const RECENT_MS = 2_000;

const toList = (r: SavedListRow): SavedList => ({
  id: r.id,
  name: r.name,
  fileName: r.file_name,
  filePath: r.file_path,
  rowCount: r.row_count,
  savedAt: r.saved_at,
  readAt: r.read_at,
  usedBy: r.used_by,
});

/**
 * Lists that last: an imported list kept under a name and used by later campaigns. A saved list
 * is its file (where it is, how it was read), not a copy of its rows: each campaign that uses it
 * reads the file as it is then. A campaign remembers which version of the file its rows came
 * from (SHA-256), so when the file changes the campaign says what changed (numbers added and
 * gone) and the person chooses to read it again; nothing is replaced without asking, since a
 * campaign's list may hold numbers corrected and rows removed here.
 */
export class SavedLists {
  readonly #table: ReturnType<typeof savedListsTable>;
  readonly #clock: Clock;
  readonly #import: ImportFile;

  constructor({
    db,
    clock = systemClock,
    importFile,
  }: {
    db: Db;
    clock?: Clock;
    importFile: ImportFile;
  }) {
    this.#table = savedListsTable(db);
    this.#clock = clock;
    this.#import = importFile;
  }

  all(): SavedList[] {
    return this.#table.all().map(toList);
  }

  #require(listId: string): SavedListRow {
    const row = this.#table.get(listId);
    if (!row) throw new AppError('not_found', 'That saved list no longer exists.');
    return row;
  }

  /**
   * Keeps the list just imported into `campaignId` from `filePath` under `name` (the import's
   * answer says how it was read); the campaign then counts as using it. A name already taken is
   * refused, naming it.
   */
  save(input: {
    campaignId: string;
    name: string;
    filePath: string;
    imported: ImportResult;
  }): SavedList {
    const name = input.name.trim();
    this.assertNameFree(name);
    const { imported } = input;
    const options: SavedOptions = {
      phoneColumn: imported.phoneColumn,
      defaultCountry: imported.defaultCountry,
      ...(imported.encoding ? { encoding: imported.encoding } : {}),
      headerRow: imported.headerRow,
    };
    const now = this.#clock().toISOString();
    const row: Omit<SavedListRow, 'used_by'> = {
      id: randomUUID(),
      name,
      file_path: input.filePath,
      file_name: imported.fileName,
      file_sha256: imported.sha256,
      format: imported.format,
      options: JSON.stringify(options),
      row_count: imported.counts.total,
      saved_at: now,
      read_at: now,
      hashed_size: null,
      hashed_mtime_ns: null,
      hashed_sha256: null,
    };
    this.#table.insert(row);
    this.#table.use(input.campaignId, row.id, imported.sha256);
    // The campaign it was imported into is the one that follows it so far.
    return toList({ ...row, used_by: 1 });
  }

  /** Refuses a name another saved list has (names are compared without case), naming it. */
  assertNameFree(name: string): void {
    const taken = this.#table.byName(name.trim());
    if (taken)
      throw new AppError(
        'conflict',
        `A saved list is already named "${taken.name}". Choose another name, or delete that one first.`,
      );
  }

  /** Reads the saved list's file into the campaign (its list is replaced), as it was read when saved. */
  async use(campaignId: string, listId: string): Promise<ImportResult> {
    const list = this.#require(listId);
    const options = JSON.parse(list.options) as SavedOptions;
    let result: ImportResult;
    try {
      result = await this.#import({ campaignId, filePath: list.file_path, ...options });
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'conflict') throw error;
      throw new AppError(
        error.code,
        `The saved list "${list.name}" could not be read from ${list.file_path}: ${error.message} If the file moved, import it again and save it under the same name after deleting this one.`,
      );
    }
    this.#table.reread(list.id, result.sha256, result.counts.total, this.#clock().toISOString());
    this.#table.use(campaignId, list.id, result.sha256);
    return result;
  }

  /**
   * The SHA-256 of the list's file now. Hashing reads every byte (a full read of a file of tens of
   * MB each time the Recipients tab opens), so the hash is kept with the file's size and
   * modification time and reused while both are the same. The cost: a change that keeps the size
   * AND the modification time (a tool that puts the old time back, a copy that preserves times)
   * is not noticed here. "Read the file again…" (use) always reads the file, whatever this says.
   * A hash is kept only when the file did not move while it was read and its time is at least
   * RECENT_MS old: a file written again within the same clock tick as the hash could otherwise
   * keep its size and time with other bytes (as git does with racy index entries).
   */
  #currentHash(row: SavedListRow): string {
    const fd = openSync(row.file_path, 'r');
    try {
      const before = fstatSync(fd, { bigint: true });
      const size = Number(before.size);
      const mtimeNs = before.mtimeNs.toString();
      if (row.hashed_sha256 !== null && row.hashed_size === size && row.hashed_mtime_ns === mtimeNs)
        return row.hashed_sha256;
      const sha256 = hashFile(fd);
      const after = fstatSync(fd, { bigint: true });
      const settled =
        after.size === before.size &&
        after.mtimeNs === before.mtimeNs &&
        this.#clock().getTime() - Number(before.mtimeMs) >= RECENT_MS;
      if (settled) this.#table.rememberHash(row.id, size, mtimeNs, sha256);
      return sha256;
    } finally {
      closeSync(fd);
    }
  }

  /** Another file was imported into the campaign: its list no longer comes from a saved one. */
  forget(campaignId: string): void {
    this.#table.forgetUse(campaignId);
  }

  remove(listId: string): void {
    this.#require(listId);
    this.#table.remove(listId);
  }

  /**
   * The saved list a campaign's recipients came from, and whether its file changed since: the
   * file's hash (see #currentHash) is compared with the one the campaign read and, when it
   * differs, its numbers are read and compared with the campaign's. Null when the campaign's list
   * is not a saved one.
   */
  status(campaignId: string): SavedListStatus | null {
    const use = this.#table.usedBy(campaignId);
    if (!use) return null;
    const row = this.#table.get(use.list_id);
    if (!row) return null;
    const list = toList(row);
    const rowsHere = this.#table.campaignRows(campaignId);
    let sha256: string;
    try {
      sha256 = this.#currentHash(row);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return {
        list,
        changed: {
          unreadable:
            code === 'ENOENT'
              ? `${row.file_path} is not there any more (moved, renamed, or on a drive not connected)`
              : `${row.file_path} cannot be read (${code ?? (error as Error).message})`,
          rowsHere,
          rowsInFile: 0,
          added: 0,
          removed: 0,
        },
      };
    }
    if (sha256 === use.file_sha256) return { list, changed: null };
    const options = JSON.parse(row.options) as SavedOptions;
    const inFile = new Set<string>();
    const validator = new PhoneValidator(options.defaultCountry);
    let column = -1;
    let rowsInFile = 0;
    try {
      readTable(
        row.file_path,
        {
          onHeader: (headers, info) => {
            column = findColumn(headers, options.phoneColumn);
            if (column < 0) column = detectPhoneColumn(headers);
            if (column < 0)
              throw new AppError(
                'invalid_input',
                `${info.fileName} no longer has the phone column "${options.phoneColumn}".`,
              );
          },
          onRow: (cells) => {
            rowsInFile++;
            const check = validator.check(cells[column] ?? '');
            if (check.ok) inFile.add(check.e164);
          },
        },
        {
          ...(options.encoding ? { encoding: options.encoding } : {}),
          ...(options.headerRow ? { headerRow: options.headerRow } : {}),
        },
      );
    } catch (error) {
      return {
        list,
        changed: {
          unreadable: error instanceof AppError ? error.message : String(error),
          rowsHere,
          rowsInFile: 0,
          added: 0,
          removed: 0,
        },
      };
    }
    const here = new Set(this.#table.campaignNumbers(campaignId));
    let added = 0;
    for (const n of inFile) if (!here.has(n)) added++;
    let removed = 0;
    for (const n of here) if (!inFile.has(n)) removed++;
    return { list, changed: { unreadable: null, rowsHere, rowsInFile, added, removed } };
  }
}
