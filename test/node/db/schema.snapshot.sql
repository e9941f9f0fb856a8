-- index audit_log_campaign
CREATE INDEX audit_log_campaign ON audit_log (campaign_id, id);
-- index call_history_by_number
CREATE INDEX call_history_by_number ON call_history (e164, called_at);
-- index campaigns_profile_id
CREATE INDEX campaigns_profile_id ON campaigns (profile_id);
-- index campaigns_updated_at
CREATE INDEX campaigns_updated_at ON campaigns (updated_at DESC);
-- index do_not_call_by_profile
CREATE INDEX do_not_call_by_profile ON do_not_call (profile_id, added_at);
-- index library_messages_name
CREATE UNIQUE INDEX library_messages_name ON library_messages (name COLLATE NOCASE);
-- index profiles_name
CREATE UNIQUE INDEX profiles_name ON profiles (name COLLATE NOCASE);
-- index profiles_one_active
CREATE UNIQUE INDEX profiles_one_active ON profiles (is_active) WHERE is_active = 1;
-- index saved_list_uses_list
CREATE INDEX saved_list_uses_list ON saved_list_uses (list_id);
-- index saved_lists_name
CREATE UNIQUE INDEX saved_lists_name ON saved_lists (name COLLATE NOCASE);
-- index send_recipients_by_number
CREATE INDEX send_recipients_by_number ON send_recipients (e164);
-- index sends_state
CREATE INDEX sends_state ON sends (state);
-- table audit_log
CREATE TABLE audit_log ( id INTEGER PRIMARY KEY, at TEXT NOT NULL, campaign_id TEXT, campaign_name TEXT, profile_id TEXT, recipients_sha256 TEXT, action TEXT NOT NULL, remote_type TEXT, remote_id TEXT, count INTEGER, outcome TEXT NOT NULL CHECK (outcome IN ('ok','failed','unknown')), detail TEXT );
-- table call_history
CREATE TABLE call_history ( e164 TEXT NOT NULL, called_at TEXT NOT NULL, campaign_id TEXT NOT NULL, campaign_name TEXT NOT NULL, profile_id TEXT, api_url TEXT NOT NULL, counts INTEGER NOT NULL CHECK (counts IN (0, 1)), outcome TEXT );
-- table call_limits
CREATE TABLE call_limits ( profile_id TEXT PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE, max_calls INTEGER NOT NULL CHECK (max_calls BETWEEN 1 AND 100), days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 365), updated_at TEXT NOT NULL );
-- table caller_ids
CREATE TABLE caller_ids ( profile_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE, id TEXT NOT NULL, phone_number TEXT NOT NULL, label TEXT NOT NULL DEFAULT '', fetched_at TEXT NOT NULL, PRIMARY KEY (profile_id, id) );
-- table campaigns
CREATE TABLE campaigns ( id TEXT PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120), status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','ready','queued','sending','scheduled','completed','failed')), created_at TEXT NOT NULL, updated_at TEXT NOT NULL , profile_id TEXT REFERENCES profiles (id) ON DELETE SET NULL, caller_id TEXT, human_message TEXT CHECK (human_message IS NULL OR json_valid(human_message)), machine_message TEXT CHECK (machine_message IS NULL OR json_valid(machine_message)), delivery TEXT NOT NULL DEFAULT '{"type":"immediately"}' CHECK (json_valid(delivery)), merge_settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(merge_settings)), recipient_count INTEGER NOT NULL DEFAULT 0, called_again_from TEXT REFERENCES campaigns (id) ON DELETE SET NULL);
-- table cli_campaigns
CREATE TABLE cli_campaigns ( file_path TEXT PRIMARY KEY, campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE, linked_at TEXT NOT NULL );
-- table do_not_call
CREATE TABLE do_not_call ( e164 TEXT NOT NULL, profile_id TEXT NOT NULL DEFAULT '', source TEXT NOT NULL CHECK (source IN ('typed', 'imported', 'shared-file', 'call-result')), detail TEXT, added_by TEXT, added_on TEXT, added_at TEXT NOT NULL, shared_at TEXT, PRIMARY KEY (e164, profile_id) ) WITHOUT ROWID;
-- table do_not_call_removed
CREATE TABLE do_not_call_removed ( e164 TEXT NOT NULL, profile_id TEXT NOT NULL DEFAULT '', source TEXT NOT NULL, added_at TEXT, removed_by TEXT, removed_on TEXT, removed_at TEXT NOT NULL );
-- table do_not_call_shared
CREATE TABLE do_not_call_shared ( e164 TEXT PRIMARY KEY, source TEXT, detail TEXT, added_by TEXT, added_on TEXT, added_at TEXT, line INTEGER NOT NULL ) WITHOUT ROWID;
-- table do_not_call_shared_file
CREATE TABLE do_not_call_shared_file ( id INTEGER PRIMARY KEY CHECK (id = 1), path TEXT, max_age_days INTEGER NOT NULL DEFAULT 7 CHECK (max_age_days BETWEEN 1 AND 365), read_path TEXT, read_at TEXT, size INTEGER, mtime_ms REAL, skipped INTEGER NOT NULL DEFAULT 0, error TEXT );
-- table library_messages
CREATE TABLE library_messages ( id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('text', 'audio')), body TEXT, voice TEXT, audio_sha256 TEXT CHECK (audio_sha256 IS NULL OR (length(audio_sha256) = 64 AND audio_sha256 NOT GLOB '*[^0-9a-f]*')), audio_format TEXT CHECK (audio_format IS NULL OR audio_format IN ('wav', 'mp3')), file_name TEXT, duration_ms INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, CHECK ( (kind = 'text' AND body IS NOT NULL AND voice IS NOT NULL AND audio_sha256 IS NULL) OR (kind = 'audio' AND audio_sha256 IS NOT NULL AND audio_format IS NOT NULL AND body IS NULL) ) );
-- table profiles
CREATE TABLE profiles ( id TEXT PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80), api_url TEXT NOT NULL, account_key TEXT NOT NULL DEFAULT '', token_key TEXT NOT NULL, has_secret INTEGER NOT NULL DEFAULT 0 CHECK (has_secret IN (0, 1)), is_active INTEGER NOT NULL DEFAULT 0 CHECK (is_active IN (0, 1)), caller_ids_fetched_at TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL );
-- table recipient_lists
CREATE TABLE recipient_lists ( campaign_id TEXT PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE, file_name TEXT NOT NULL, file_sha256 TEXT NOT NULL, format TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')), encoding TEXT, delimiter TEXT, headers TEXT NOT NULL, merge_keys TEXT NOT NULL, phone_index INTEGER NOT NULL, default_country TEXT NOT NULL, row_count INTEGER NOT NULL, imported_at TEXT NOT NULL , header_row INTEGER);
-- table recipients
CREATE TABLE recipients ( campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE, row INTEGER NOT NULL, phone_raw TEXT NOT NULL, e164 TEXT, status TEXT NOT NULL CHECK (status IN ('valid', 'invalid', 'duplicate')), problem TEXT, duplicate_of INTEGER, line_type TEXT, fields TEXT NOT NULL, cell_problems TEXT, source_line INTEGER, PRIMARY KEY (campaign_id, row) ) WITHOUT ROWID;
-- table saved_list_uses
CREATE TABLE saved_list_uses ( campaign_id TEXT PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE, list_id TEXT NOT NULL REFERENCES saved_lists (id) ON DELETE CASCADE, file_sha256 TEXT NOT NULL );
-- table saved_lists
CREATE TABLE saved_lists ( id TEXT PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120), file_path TEXT NOT NULL, file_name TEXT NOT NULL, file_sha256 TEXT NOT NULL, format TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')), options TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)), row_count INTEGER NOT NULL, saved_at TEXT NOT NULL, read_at TEXT NOT NULL , hashed_size INTEGER, hashed_mtime_ns TEXT, hashed_sha256 TEXT);
-- table schema_migrations
CREATE TABLE schema_migrations ( version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL );
-- table send_batches
CREATE TABLE send_batches ( campaign_id TEXT NOT NULL REFERENCES sends (campaign_id) ON DELETE CASCADE, batch INTEGER NOT NULL, state TEXT NOT NULL CHECK (state IN ('pending','in_flight','done')), size INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL, first_row INTEGER, last_row INTEGER, envelopes BLOB, sent INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (campaign_id, batch) ) WITHOUT ROWID;
-- table send_held
CREATE TABLE send_held ( campaign_id TEXT NOT NULL REFERENCES sends (campaign_id) ON DELETE CASCADE, row INTEGER NOT NULL, e164 TEXT NOT NULL, calls INTEGER NOT NULL, max_calls INTEGER NOT NULL, days INTEGER NOT NULL, held_at TEXT NOT NULL, PRIMARY KEY (campaign_id, row) ) WITHOUT ROWID;
-- table send_recipients
CREATE TABLE send_recipients ( campaign_id TEXT NOT NULL REFERENCES sends (campaign_id) ON DELETE CASCADE, row INTEGER NOT NULL, e164 TEXT NOT NULL, batch INTEGER NOT NULL, meta TEXT NOT NULL, status TEXT, call_status TEXT, outcome TEXT, call_id TEXT, result_id TEXT, duration INTEGER, finished_at TEXT, sent_at TEXT, PRIMARY KEY (campaign_id, row) ) WITHOUT ROWID;
-- table send_steps
CREATE TABLE send_steps ( campaign_id TEXT NOT NULL REFERENCES sends (campaign_id) ON DELETE CASCADE, step TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('in_flight','done')), remote_id TEXT, detail TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (campaign_id, step) ) WITHOUT ROWID;
-- table sends
CREATE TABLE sends ( campaign_id TEXT PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE, state TEXT NOT NULL CHECK (state IN ('queued','sending','paused','scheduled','completed','cancelled','failed')), profile_id TEXT, api_url TEXT NOT NULL DEFAULT '', caller_id TEXT, recipients_sha256 TEXT, batch_size INTEGER NOT NULL CHECK (batch_size BETWEEN 1 AND 1000), total INTEGER NOT NULL DEFAULT 0, engagement_id TEXT, error_code TEXT, error_message TEXT, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, lease_owner TEXT, lease_expires_at INTEGER, polls INTEGER NOT NULL DEFAULT 0, next_poll_at INTEGER, polled_at TEXT, remote_status TEXT, remote_counts TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, scheduled_at TEXT, completed_at TEXT );
-- trigger campaigns_keep_call_history
CREATE TRIGGER campaigns_keep_call_history BEFORE DELETE ON campaigns BEGIN DELETE FROM sends WHERE campaign_id = old.id; END;
-- trigger sends_keep_call_history
CREATE TRIGGER sends_keep_call_history BEFORE DELETE ON sends BEGIN INSERT INTO call_history (e164, called_at, campaign_id, campaign_name, profile_id, api_url, counts, outcome) SELECT s.e164, COALESCE(s.finished_at, s.sent_at), old.campaign_id, COALESCE((SELECT name FROM campaigns WHERE id = old.campaign_id), ''), old.profile_id, old.api_url, CASE WHEN old.state = 'cancelled' AND NOT EXISTS ( SELECT 1 FROM send_steps st WHERE st.campaign_id = old.campaign_id AND st.step = 'schedule') THEN 0 ELSE 1 END, s.outcome FROM send_recipients s WHERE s.campaign_id = old.campaign_id AND s.sent_at IS NOT NULL; END;
