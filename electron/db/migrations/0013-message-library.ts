import type { Migration } from './types';

// The message library (issue 14, item 5): messages saved under a name and reused by any
// campaign. A text message keeps its words (merge fields as typed) and voice. A recording is
// not copied again: the app already keeps each recording once in its data folder's audio/,
// named by the SHA-256 of its bytes, so the library names that hash and format. Deleting the
// campaign it came from deletes neither the row nor the file. Names are unique, whatever their case.
export const migration0013: Migration = {
  version: 13,
  name: 'message-library',
  sql: `
    CREATE TABLE library_messages (
      id           TEXT PRIMARY KEY,
      name         TEXT NOT NULL,
      kind         TEXT NOT NULL CHECK (kind IN ('text', 'audio')),
      body         TEXT,
      voice        TEXT,
      audio_sha256 TEXT CHECK (audio_sha256 IS NULL OR (length(audio_sha256) = 64 AND audio_sha256 NOT GLOB '*[^0-9a-f]*')),
      audio_format TEXT CHECK (audio_format IS NULL OR audio_format IN ('wav', 'mp3')),
      file_name    TEXT,
      duration_ms  INTEGER,
      created_at   TEXT NOT NULL,
      updated_at   TEXT NOT NULL,
      CHECK (
        (kind = 'text' AND body IS NOT NULL AND voice IS NOT NULL AND audio_sha256 IS NULL)
        OR (kind = 'audio' AND audio_sha256 IS NOT NULL AND audio_format IS NOT NULL AND body IS NULL)
      )
    );
    CREATE UNIQUE INDEX library_messages_name ON library_messages (name COLLATE NOCASE);
  `,
};
