import type { Migration } from './types';

// One do-not-call list for the data folder instead of one per API profile (a number added while
// rehearsing on the sandbox profile must hold for the live one too). Every earlier per-profile
// entry becomes an entry for everyone: when a number was on several lists the earliest entry's
// date and source are kept, and the profile it came from is noted in `detail`.
//
// do_not_call: this computer's numbers. profile_id '' = every profile; a profile id = an addition
// that applies only to campaigns sent with that profile. source: typed, imported (detail: the
// file), call-result, or shared-file (kept from an office file this computer no longer reads).
// added_by / added_on: the OS user and the computer (NULL for entries from before this
// migration, when nobody recorded them). shared_at: when the number was written to
// the office's shared do-not-call file (NULL: not yet, or no shared file).
//
// do_not_call_shared: the last copy read of the office's shared file (numbers still on it after
// its removal lines), replaced on every successful read; do_not_call_shared_file: which file
// Settings chose, how old a copy may be when the file cannot be read at send time, and when and
// from where the copy was read.
//
// do_not_call_removed: who took a number off a list and when, for a compliance review.
export const migration0010: Migration = {
  version: 10,
  name: 'do-not-call',
  sql: `
    CREATE TABLE do_not_call (
      e164       TEXT NOT NULL,
      profile_id TEXT NOT NULL DEFAULT '',
      source     TEXT NOT NULL CHECK (source IN ('typed', 'imported', 'shared-file', 'call-result')),
      detail     TEXT,
      added_by   TEXT,
      added_on   TEXT,
      added_at   TEXT NOT NULL,
      shared_at  TEXT,
      PRIMARY KEY (e164, profile_id)
    ) WITHOUT ROWID;
    CREATE INDEX do_not_call_by_profile ON do_not_call (profile_id, added_at);

    INSERT INTO do_not_call (e164, profile_id, source, detail, added_at)
    SELECT o.e164, '',
      CASE WHEN o.source LIKE 'file:%' THEN 'imported' ELSE 'typed' END,
      CASE WHEN o.source LIKE 'file:%' THEN substr(o.source, 6) || '; ' ELSE '' END
        || 'on the list of profile "' || COALESCE(p.name, o.profile_id) || '" before the lists were merged',
      o.added_at
    FROM opt_outs o LEFT JOIN profiles p ON p.id = o.profile_id
    WHERE NOT EXISTS (
      SELECT 1 FROM opt_outs e WHERE e.e164 = o.e164
        AND (e.added_at < o.added_at OR (e.added_at = o.added_at AND e.profile_id < o.profile_id))
    );
    DROP TABLE opt_outs;

    CREATE TABLE do_not_call_shared (
      e164     TEXT PRIMARY KEY,
      source   TEXT,
      detail   TEXT,
      added_by TEXT,
      added_on TEXT,
      added_at TEXT,
      line     INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE do_not_call_shared_file (
      id           INTEGER PRIMARY KEY CHECK (id = 1),
      path         TEXT,
      max_age_days INTEGER NOT NULL DEFAULT 7 CHECK (max_age_days BETWEEN 1 AND 365),
      read_path    TEXT,
      read_at      TEXT,
      size         INTEGER,
      mtime_ms     REAL,
      skipped      INTEGER NOT NULL DEFAULT 0,
      error        TEXT
    );
    INSERT INTO do_not_call_shared_file (id) VALUES (1);

    CREATE TABLE do_not_call_removed (
      e164       TEXT NOT NULL,
      profile_id TEXT NOT NULL DEFAULT '',
      source     TEXT NOT NULL,
      added_at   TEXT,
      removed_by TEXT,
      removed_on TEXT,
      removed_at TEXT NOT NULL
    );
  `,
};
