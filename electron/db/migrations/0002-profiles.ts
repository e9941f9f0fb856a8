import type { Migration } from './types';

// API profiles and the caller IDs last fetched for each. The token secret is not here: it lives
// in the OS keychain, and has_secret only records that an entry was stored there.
export const migration0002: Migration = {
  version: 2,
  name: 'profiles',
  sql: `
    CREATE TABLE profiles (
      id          TEXT PRIMARY KEY,
      name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
      api_url     TEXT NOT NULL,
      account_key TEXT NOT NULL DEFAULT '',
      token_key   TEXT NOT NULL,
      has_secret  INTEGER NOT NULL DEFAULT 0 CHECK (has_secret IN (0, 1)),
      is_active   INTEGER NOT NULL DEFAULT 0 CHECK (is_active IN (0, 1)),
      caller_ids_fetched_at TEXT,
      created_at  TEXT NOT NULL,
      updated_at  TEXT NOT NULL
    );
    CREATE UNIQUE INDEX profiles_name ON profiles (name COLLATE NOCASE);
    CREATE UNIQUE INDEX profiles_one_active ON profiles (is_active) WHERE is_active = 1;

    CREATE TABLE caller_ids (
      profile_id   TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
      id           TEXT NOT NULL,
      phone_number TEXT NOT NULL,
      label        TEXT NOT NULL DEFAULT '',
      fetched_at   TEXT NOT NULL,
      PRIMARY KEY (profile_id, id)
    );

    ALTER TABLE campaigns ADD COLUMN profile_id TEXT REFERENCES profiles (id) ON DELETE SET NULL;
    CREATE INDEX campaigns_profile_id ON campaigns (profile_id);
  `,
};
