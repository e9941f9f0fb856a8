import type { Migration } from './types';

// The send journal, results and the audit trail.
// - sends: one per campaign (a sent campaign is locked; "duplicate" makes a new one). Holds the
//   run state, the lease that keeps two processes (app and CLI) from driving it at once, and
//   when the outbox or the results poller should look at it next.
// - send_steps: each remote object of the sequence, its state and remote id, committed before
//   the next step starts.
// - send_batches / send_recipients: the recipients frozen at send time, their batch, and the
//   envelope each got; a batch is marked in_flight before its request goes out.
// - audit_log: every remote object created and every send/cancel action. No foreign key: the
//   trail outlives a deleted campaign.
// - cli_campaigns: the CLI's stable link from a campaign file to the stored campaign.
export const migration0005: Migration = {
  version: 5,
  name: 'send',
  sql: `
    CREATE TABLE sends (
      campaign_id       TEXT PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
      state             TEXT NOT NULL
                        CHECK (state IN ('queued','sending','paused','scheduled','completed','cancelled','failed')),
      profile_id        TEXT,
      api_url           TEXT NOT NULL DEFAULT '',
      caller_id         TEXT,
      recipients_sha256 TEXT,
      batch_size        INTEGER NOT NULL CHECK (batch_size BETWEEN 1 AND 1000),
      total             INTEGER NOT NULL DEFAULT 0,
      engagement_id     TEXT,
      error_code        TEXT,
      error_message     TEXT,
      attempts          INTEGER NOT NULL DEFAULT 0,
      next_attempt_at   INTEGER,
      lease_owner       TEXT,
      lease_expires_at  INTEGER,
      polls             INTEGER NOT NULL DEFAULT 0,
      next_poll_at      INTEGER,
      polled_at         TEXT,
      remote_status     TEXT,
      remote_counts     TEXT,
      created_at        TEXT NOT NULL,
      updated_at        TEXT NOT NULL,
      scheduled_at      TEXT,
      completed_at      TEXT
    );
    CREATE INDEX sends_state ON sends (state);

    CREATE TABLE send_steps (
      campaign_id TEXT NOT NULL REFERENCES sends (campaign_id) ON DELETE CASCADE,
      step        TEXT NOT NULL,
      state       TEXT NOT NULL CHECK (state IN ('in_flight','done')),
      remote_id   TEXT,
      detail      TEXT,
      updated_at  TEXT NOT NULL,
      PRIMARY KEY (campaign_id, step)
    ) WITHOUT ROWID;

    CREATE TABLE send_batches (
      campaign_id TEXT NOT NULL REFERENCES sends (campaign_id) ON DELETE CASCADE,
      batch       INTEGER NOT NULL,
      state       TEXT NOT NULL CHECK (state IN ('pending','in_flight','done')),
      size        INTEGER NOT NULL,
      attempts    INTEGER NOT NULL DEFAULT 0,
      updated_at  TEXT NOT NULL,
      PRIMARY KEY (campaign_id, batch)
    ) WITHOUT ROWID;

    CREATE TABLE send_recipients (
      campaign_id  TEXT NOT NULL REFERENCES sends (campaign_id) ON DELETE CASCADE,
      row          INTEGER NOT NULL,
      e164         TEXT NOT NULL,
      batch        INTEGER NOT NULL,
      meta         TEXT NOT NULL,
      envelope_id  TEXT,
      status       TEXT,
      call_status  TEXT,
      outcome      TEXT,
      call_id      TEXT,
      result_id    TEXT,
      duration     INTEGER,
      finished_at  TEXT,
      PRIMARY KEY (campaign_id, row)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX send_recipients_e164 ON send_recipients (campaign_id, e164);
    CREATE INDEX send_recipients_batch ON send_recipients (campaign_id, batch);

    CREATE TABLE audit_log (
      id                INTEGER PRIMARY KEY,
      at                TEXT NOT NULL,
      campaign_id       TEXT,
      campaign_name     TEXT,
      profile_id        TEXT,
      recipients_sha256 TEXT,
      action            TEXT NOT NULL,
      remote_type       TEXT,
      remote_id         TEXT,
      count             INTEGER,
      outcome           TEXT NOT NULL CHECK (outcome IN ('ok','failed','unknown')),
      detail            TEXT
    );
    CREATE INDEX audit_log_campaign ON audit_log (campaign_id, id);

    CREATE TABLE cli_campaigns (
      file_path   TEXT PRIMARY KEY,
      campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
      linked_at   TEXT NOT NULL
    );
  `,
};
