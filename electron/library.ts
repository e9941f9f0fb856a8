import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Message } from '../shared/campaign';
import { AppError } from '../shared/errors';
import type { LibraryItem } from '../shared/library';
import type { AudioStore } from './audio';
import type { Clock } from './clock';
import type { Db } from './db/open';
import { libraryTable, type LibraryRow } from './db/tables/library';

export interface LibraryDeps {
  db: Db;
  audio: AudioStore;
  clock: Clock;
  newId?: () => string;
}

/**
 * The message library (shared/library.ts). Text is kept as typed; a recording is referred to
 * by the hash the audio folder already names it by, so it is stored once however many
 * campaigns and library entries use it, and outlives the campaign it came from.
 */
export class LibraryService {
  readonly #table: ReturnType<typeof libraryTable>;
  readonly #audio: AudioStore;
  readonly #clock: Clock;
  readonly #newId: () => string;

  constructor({ db, audio, clock, newId = randomUUID }: LibraryDeps) {
    this.#table = libraryTable(db);
    this.#audio = audio;
    this.#clock = clock;
    this.#newId = newId;
  }

  list(): LibraryItem[] {
    return this.#table.all().map((row) => this.#item(row));
  }

  /** Saves a copy of `message` under `name` (refused when the name is taken). */
  save(name: string, message: Message): LibraryItem {
    this.#assertFree(name);
    const now = this.#clock().toISOString();
    const row: LibraryRow = {
      id: this.#newId(),
      name,
      kind: message.kind,
      body: null,
      voice: null,
      audio_sha256: null,
      audio_format: null,
      file_name: null,
      duration_ms: null,
      created_at: now,
      updated_at: now,
    };
    if (message.kind === 'text') {
      if (!message.body.trim())
        throw new AppError('invalid_input', 'The message is empty: type it before saving it.');
      row.body = message.body;
      row.voice = message.voice;
    } else {
      // Only a recording the app keeps (named by its hash in the audio folder) can be saved.
      const file = this.#audio.assertStored(message.file);
      const [sha256, format] = basename(file).split('.') as [string, 'wav' | 'mp3'];
      if (!existsSync(file))
        throw new AppError(
          'not_found',
          'The recording is missing from the data folder. Choose it again, then save it.',
        );
      row.audio_sha256 = sha256;
      row.audio_format = format;
      row.file_name = message.fileName ?? null;
      row.duration_ms = message.durationMs ?? null;
    }
    this.#table.insert(row);
    return this.#item(row);
  }

  rename(id: string, name: string): LibraryItem {
    const other = this.#table.idByName(name);
    if (other !== undefined && other !== id) this.#assertFree(name);
    if (!this.#table.rename(id, name, this.#clock().toISOString())) this.#gone();
    return this.#item(this.#table.find(id)!);
  }

  /** Removes the entry; its recording stays (campaigns may use it). */
  delete(id: string): void {
    if (!this.#table.delete(id)) this.#gone();
  }

  #assertFree(name: string): void {
    if (this.#table.idByName(name) !== undefined)
      throw new AppError(
        'conflict',
        `The library already has a message named “${name}”. Choose another name.`,
      );
  }

  #gone(): never {
    throw new AppError(
      'not_found',
      'That message is no longer in the library. It may have been deleted.',
    );
  }

  #item(row: LibraryRow): LibraryItem {
    const base = {
      id: row.id,
      name: row.name,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
    if (row.kind === 'text')
      return {
        ...base,
        available: true,
        message: { kind: 'text', body: row.body!, voice: row.voice! },
      };
    const file = this.#audio.storedPath(row.audio_sha256!, row.audio_format!);
    return {
      ...base,
      // A recording removed from the data folder by hand: listed, but it cannot be inserted.
      available: existsSync(file),
      message: {
        kind: 'audio',
        file,
        ...(row.file_name !== null ? { fileName: row.file_name } : {}),
        ...(row.duration_ms !== null ? { durationMs: row.duration_ms } : {}),
      },
    };
  }
}
