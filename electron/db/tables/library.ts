import type { Db } from '../open';
import { Prepared, perHandle } from './statements';

/** A saved message as stored (migration 0013). */
export interface LibraryRow {
  id: string;
  name: string;
  kind: 'text' | 'audio';
  body: string | null;
  voice: string | null;
  audio_sha256: string | null;
  audio_format: 'wav' | 'mp3' | null;
  file_name: string | null;
  duration_ms: number | null;
  created_at: string;
  updated_at: string;
}

/** The message library (library_messages). Every read or write of that table goes through here. */
class LibraryTable {
  readonly #s: Prepared;

  constructor(db: Db) {
    this.#s = new Prepared(db);
  }

  /** Every saved message, by name as people sort them. */
  all(): LibraryRow[] {
    return this.#s
      .get('SELECT * FROM library_messages ORDER BY name COLLATE NOCASE, created_at')
      .all() as LibraryRow[];
  }

  find(id: string): LibraryRow | undefined {
    return this.#s.get('SELECT * FROM library_messages WHERE id = ?').get(id) as
      LibraryRow | undefined;
  }

  /** The id of the message with this name, whatever its case (names are unique that way). */
  idByName(name: string): string | undefined {
    return this.#s
      .get('SELECT id FROM library_messages WHERE name = ? COLLATE NOCASE', 'pluck')
      .get(name) as string | undefined;
  }

  insert(row: LibraryRow): void {
    this.#s
      .get(
        `INSERT INTO library_messages (id, name, kind, body, voice, audio_sha256, audio_format, file_name, duration_ms, created_at, updated_at)
         VALUES (@id, @name, @kind, @body, @voice, @audio_sha256, @audio_format, @file_name, @duration_ms, @created_at, @updated_at)`,
      )
      .run(row);
  }

  /** False when there is no such message. */
  rename(id: string, name: string, at: string): boolean {
    return (
      this.#s
        .get('UPDATE library_messages SET name = ?, updated_at = ? WHERE id = ?')
        .run(name, at, id).changes > 0
    );
  }

  /** False when there was no such message. */
  delete(id: string): boolean {
    return this.#s.get('DELETE FROM library_messages WHERE id = ?').run(id).changes > 0;
  }
}

export const libraryTable = perHandle((db) => new LibraryTable(db));
