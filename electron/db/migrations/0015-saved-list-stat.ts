import type { Migration } from './types';

// What a saved list's file looked like the last time it was hashed (its size, modification time
// in nanoseconds as text, and the hash then), so opening the Recipients tab does not read a
// file of tens of MB again to learn it did not change: electron/recipients/saved-lists.ts hashes
// again only when the size or the modification time differs. All null until the first check.
export const migration0015: Migration = {
  version: 15,
  name: 'saved-list-stat',
  sql: `
    ALTER TABLE saved_lists ADD COLUMN hashed_size INTEGER;
    ALTER TABLE saved_lists ADD COLUMN hashed_mtime_ns TEXT;
    ALTER TABLE saved_lists ADD COLUMN hashed_sha256 TEXT;
  `,
};
