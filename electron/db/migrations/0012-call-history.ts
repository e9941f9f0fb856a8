import type { Migration } from './types';

// Lists that last and a memory of who was called (issue 14 item 3). Owned by
// electron/send/call-history.ts (call_limits, send_held, call_history) and
// electron/recipients/saved-lists.ts (saved_lists, saved_list_uses).
//
// call_limits: a profile's optional frequency rule, "no more than max_calls calls to a number in
// `days` days". No row: no rule.
//
// send_held: the recipients a send held back under that rule (they are not in send_recipients),
// with how many calls the number had had in the window then, so Results, the write-back and the
// audit trail can say "called N times in D days" long after the history has moved on.
//
// call_history: who was called by sends whose journal is gone. A send's own rows
// (send_recipients with an envelope) are its history while it exists; the trigger copies them
// here when the send row is deleted (the campaign was deleted, or its send dropped), so deleting
// a campaign never makes a number look less called than it was. `counts` is 0 for a send
// cancelled before its schedule request ever went out: that engagement called nobody.
//
// saved_lists: an imported list kept under a name, read again from its file for each campaign
// that uses it; saved_list_uses: which campaign's recipients came from which saved list, and from
// which version of its file (by SHA-256), so a changed file is noticed and said.
export const migration0012: Migration = {
  version: 12,
  name: 'call-history',
  sql: `
    CREATE TABLE call_limits (
      profile_id TEXT PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
      max_calls  INTEGER NOT NULL CHECK (max_calls BETWEEN 1 AND 100),
      days       INTEGER NOT NULL CHECK (days BETWEEN 1 AND 365),
      updated_at TEXT NOT NULL
    );

    CREATE TABLE send_held (
      campaign_id TEXT NOT NULL REFERENCES sends (campaign_id) ON DELETE CASCADE,
      row         INTEGER NOT NULL,
      e164        TEXT NOT NULL,
      calls       INTEGER NOT NULL,
      max_calls   INTEGER NOT NULL,
      days        INTEGER NOT NULL,
      held_at     TEXT NOT NULL,
      PRIMARY KEY (campaign_id, row)
    ) WITHOUT ROWID;

    CREATE TABLE call_history (
      e164          TEXT NOT NULL,
      called_at     TEXT NOT NULL,
      campaign_id   TEXT NOT NULL,
      campaign_name TEXT NOT NULL,
      profile_id    TEXT,
      api_url       TEXT NOT NULL,
      counts        INTEGER NOT NULL CHECK (counts IN (0, 1)),
      outcome       TEXT
    );
    CREATE INDEX call_history_by_number ON call_history (e164, called_at);
    CREATE INDEX send_recipients_by_number ON send_recipients (e164);

    CREATE TRIGGER sends_keep_call_history BEFORE DELETE ON sends
    BEGIN
      INSERT INTO call_history (e164, called_at, campaign_id, campaign_name, profile_id, api_url, counts, outcome)
      SELECT s.e164, COALESCE(s.finished_at, b.updated_at), old.campaign_id,
        COALESCE((SELECT name FROM campaigns WHERE id = old.campaign_id), ''),
        old.profile_id, old.api_url,
        CASE WHEN old.state = 'cancelled' AND NOT EXISTS (
          SELECT 1 FROM send_steps st WHERE st.campaign_id = old.campaign_id AND st.step = 'schedule') THEN 0 ELSE 1 END,
        s.outcome
      FROM send_recipients s JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
      WHERE s.campaign_id = old.campaign_id AND (b.envelopes ->> ('$."' || s.row || '"')) IS NOT NULL;
    END;
    -- A campaign's send goes before the campaign does (not by the cascade after it), so the
    -- trigger above still finds the campaign's name.
    CREATE TRIGGER campaigns_keep_call_history BEFORE DELETE ON campaigns
    BEGIN
      DELETE FROM sends WHERE campaign_id = old.id;
    END;

    CREATE TABLE saved_lists (
      id          TEXT PRIMARY KEY,
      name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      file_path   TEXT NOT NULL,
      file_name   TEXT NOT NULL,
      file_sha256 TEXT NOT NULL,
      format      TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
      options     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
      row_count   INTEGER NOT NULL,
      saved_at    TEXT NOT NULL,
      read_at     TEXT NOT NULL
    );
    CREATE UNIQUE INDEX saved_lists_name ON saved_lists (name COLLATE NOCASE);

    CREATE TABLE saved_list_uses (
      campaign_id TEXT PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
      list_id     TEXT NOT NULL REFERENCES saved_lists (id) ON DELETE CASCADE,
      file_sha256 TEXT NOT NULL
    );
    CREATE INDEX saved_list_uses_list ON saved_list_uses (list_id);
  `,
};
