import type { Migration } from './types';

// Recipient lists. A campaign has at most one imported list (recipient_lists: the file, its
// hash and the column mapping) and one row per non-blank data row (recipients). Opt-outs are
// kept per API profile; profile_id is a plain key so the list outlives a profile's edits.
export const migration0003: Migration = {
  version: 3,
  name: 'recipients',
  sql: `
    CREATE TABLE recipient_lists (
      campaign_id     TEXT PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
      file_name       TEXT NOT NULL,
      file_sha256     TEXT NOT NULL,
      format          TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
      encoding        TEXT,
      delimiter       TEXT,
      headers         TEXT NOT NULL,
      merge_keys      TEXT NOT NULL,
      phone_index     INTEGER NOT NULL,
      default_country TEXT NOT NULL,
      row_count       INTEGER NOT NULL,
      imported_at     TEXT NOT NULL
    );

    CREATE TABLE recipients (
      campaign_id  TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
      row          INTEGER NOT NULL,
      phone_raw    TEXT NOT NULL,
      e164         TEXT,
      status       TEXT NOT NULL CHECK (status IN ('valid', 'invalid', 'duplicate')),
      problem      TEXT,
      duplicate_of INTEGER,
      line_type    TEXT,
      fields       TEXT NOT NULL,
      PRIMARY KEY (campaign_id, row)
    ) WITHOUT ROWID;

    CREATE TABLE opt_outs (
      profile_id TEXT NOT NULL,
      e164       TEXT NOT NULL,
      source     TEXT NOT NULL DEFAULT 'manual',
      added_at   TEXT NOT NULL,
      PRIMARY KEY (profile_id, e164)
    ) WITHOUT ROWID;
  `,
};
