import type { Migration } from './types';

// When each recipient's envelope was recorded, on the recipient's own row: send_recipients.sent_at
// (ISO time; NULL while it has no envelope). The frequency rule reads a number's past calls
// through send_recipients_by_number, and for each it needed whether it had an envelope and
// when; both lived only in its batch's row (the JSONB `envelopes` blob of migration 0007, on
// overflow pages), and reading that blob for each past call was most of a ~1.5 s check at a
// million past envelopes (BENCHMARKS.md, "The frequency rule over a long call history").
//
// Written by the sends table module (electron/db/tables/sends.ts, setBatchEnvelopes) in the
// statement that records the batch's envelope ids, so a row has sent_at exactly when its batch
// holds an envelope id for it. Sends already in the journal take their batch's time, the one the
// rule and the trigger below read until now, so no number counts differently after the upgrade.
// The rows to fill are listed from the batches' ids (json_each) and reached by key in order:
// ~5 s for 800,000 envelopes, where a join that read a batch's blob for each row (SQLite walks
// the rows in e164 order then) took 30 s.
//
// The trigger that remembers a deleted send's calls (migration 0012) takes the call's time from
// sent_at too: a call keeps the moment it counts from when its send is deleted.
//
// No index on (e164, sent_at): see the comment above overLimitSql in
// electron/db/tables/call-history.ts for what it was measured to cost and save.
export const migration0016: Migration = {
  version: 16,
  name: 'send-sent-at',
  sql: `
    ALTER TABLE send_recipients ADD COLUMN sent_at TEXT;

    UPDATE send_recipients
       SET sent_at = (SELECT b.updated_at FROM send_batches b
                       WHERE b.campaign_id = send_recipients.campaign_id AND b.batch = send_recipients.batch)
     WHERE (campaign_id, batch, row) IN (
       SELECT b.campaign_id, b.batch, CAST(j.key AS INTEGER)
         FROM send_batches b, json_each(b.envelopes) j
        WHERE b.envelopes IS NOT NULL AND j.value IS NOT NULL);

    DROP TRIGGER sends_keep_call_history;
    CREATE TRIGGER sends_keep_call_history BEFORE DELETE ON sends
    BEGIN
      INSERT INTO call_history (e164, called_at, campaign_id, campaign_name, profile_id, api_url, counts, outcome)
      SELECT s.e164, COALESCE(s.finished_at, s.sent_at), old.campaign_id,
        COALESCE((SELECT name FROM campaigns WHERE id = old.campaign_id), ''),
        old.profile_id, old.api_url,
        CASE WHEN old.state = 'cancelled' AND NOT EXISTS (
          SELECT 1 FROM send_steps st WHERE st.campaign_id = old.campaign_id AND st.step = 'schedule') THEN 0 ELSE 1 END,
        s.outcome
      FROM send_recipients s
      WHERE s.campaign_id = old.campaign_id AND s.sent_at IS NOT NULL;
    END;
  `,
};
