import type { Db } from '../open';
import { Prepared, perHandle } from './statements';

/** A saved list as stored. */
export interface SavedListRow {
  id: string;
  name: string;
  file_path: string;
  file_name: string;
  file_sha256: string;
  format: 'csv' | 'xlsx';
  /** The import's choices as JSON: phone column, default country, encoding. */
  options: string;
  row_count: number;
  saved_at: string;
  read_at: string;
  /** The file's size, modification time (ns) and SHA-256 when it was last hashed (migration 0015); null before. */
  hashed_size: number | null;
  hashed_mtime_ns: string | null;
  hashed_sha256: string | null;
  /** How many campaigns' rows come from it now (saved_list_uses), read with the list. */
  used_by: number;
}

/** A saved list with how many campaigns use it (a list is never long: one count per list). */
const LIST_SQL = `SELECT l.*, (SELECT count(*) FROM saved_list_uses u WHERE u.list_id = l.id) AS used_by
  FROM saved_lists l`;

/** saved_lists and saved_list_uses (migrations 0012, 0015). */
class SavedListsTable {
  readonly #s: Prepared;

  constructor(db: Db) {
    this.#s = new Prepared(db);
  }

  all(): SavedListRow[] {
    return this.#s.get(`${LIST_SQL} ORDER BY l.name COLLATE NOCASE`).all() as SavedListRow[];
  }

  get(id: string): SavedListRow | undefined {
    return this.#s.get(`${LIST_SQL} WHERE l.id = ?`).get(id) as SavedListRow | undefined;
  }

  byName(name: string): SavedListRow | undefined {
    return this.#s.get(`${LIST_SQL} WHERE l.name = ? COLLATE NOCASE`).get(name) as
      SavedListRow | undefined;
  }

  insert(row: Omit<SavedListRow, 'used_by'>): void {
    this.#s
      .get(
        `INSERT INTO saved_lists (id, name, file_path, file_name, file_sha256, format, options, row_count, saved_at, read_at)
         VALUES (@id, @name, @file_path, @file_name, @file_sha256, @format, @options, @row_count, @saved_at, @read_at)`,
      )
      .run(row);
  }

  /** The file was read again: its version and size now. */
  reread(id: string, sha256: string, rowCount: number, at: string): void {
    this.#s
      .get('UPDATE saved_lists SET file_sha256 = ?, row_count = ?, read_at = ? WHERE id = ?')
      .run(sha256, rowCount, at, id);
  }

  /** The file was hashed: what it looked like then, so the same size and time need no hash again. */
  rememberHash(id: string, size: number, mtimeNs: string, sha256: string): void {
    this.#s
      .get(
        'UPDATE saved_lists SET hashed_size = ?, hashed_mtime_ns = ?, hashed_sha256 = ? WHERE id = ?',
      )
      .run(size, mtimeNs, sha256, id);
  }

  remove(id: string): void {
    this.#s.get('DELETE FROM saved_lists WHERE id = ?').run(id);
  }

  /** The campaign's recipients came from this list, as the file was (sha256). */
  use(campaignId: string, listId: string, sha256: string): void {
    this.#s
      .get(
        `INSERT INTO saved_list_uses (campaign_id, list_id, file_sha256) VALUES (?, ?, ?)
         ON CONFLICT (campaign_id) DO UPDATE SET list_id = excluded.list_id, file_sha256 = excluded.file_sha256`,
      )
      .run(campaignId, listId, sha256);
  }

  /** The campaign's list no longer comes from a saved list (another file was imported). */
  forgetUse(campaignId: string): void {
    this.#s.get('DELETE FROM saved_list_uses WHERE campaign_id = ?').run(campaignId);
  }

  usedBy(campaignId: string): { list_id: string; file_sha256: string } | undefined {
    return this.#s
      .get('SELECT list_id, file_sha256 FROM saved_list_uses WHERE campaign_id = ?')
      .get(campaignId) as { list_id: string; file_sha256: string } | undefined;
  }

  campaignRows(campaignId: string): number {
    return this.#s
      .get('SELECT count(*) FROM recipients WHERE campaign_id = ?', 'pluck')
      .get(campaignId) as number;
  }

  /** The numbers on a campaign's list now (valid ones, each once). */
  campaignNumbers(campaignId: string): string[] {
    return this.#s
      .get(
        "SELECT DISTINCT e164 FROM recipients WHERE campaign_id = ? AND e164 IS NOT NULL AND status != 'invalid'",
        'pluck',
      )
      .all(campaignId) as string[];
  }
}

export const savedListsTable = perHandle((db) => new SavedListsTable(db));
