import type { Migration } from './types';

// The send journal, leaner for big lists. A batch is a run of consecutive rows, so its
// recipients are found by their primary key (first_row…last_row) instead of a batch index, and
// envelopes are matched to rows in memory, not through a phone-number index: two fewer indexes
// to write for every recipient frozen at send time. A send's merge values are read from the
// recipients rows (locked while the send exists), so `meta` is no longer filled.
export const migration0006: Migration = {
  version: 6,
  name: 'send-lean',
  sql: `
    DROP INDEX send_recipients_e164;
    DROP INDEX send_recipients_batch;
    ALTER TABLE send_batches ADD COLUMN first_row INTEGER;
    ALTER TABLE send_batches ADD COLUMN last_row INTEGER;
    UPDATE send_batches SET
      first_row = (SELECT min(r.row) FROM send_recipients r WHERE r.campaign_id = send_batches.campaign_id AND r.batch = send_batches.batch),
      last_row = (SELECT max(r.row) FROM send_recipients r WHERE r.campaign_id = send_batches.campaign_id AND r.batch = send_batches.batch);
  `,
};
