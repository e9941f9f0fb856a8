import type { Migration } from './types';

// Envelope ids are kept per batch: a bulk answer is one row written (the batch's `envelopes`,
// an object from recipient row to envelope id stored as JSONB, so reading one id does not
// parse text, and its `sent` count) instead of one UPDATE per recipient. Each recipient's envelope id is read through its batch (see
// envelopeIdSql in electron/send/journal.ts). Sends already under way keep what they had:
// their ids move into their batches (a batch's rows are its first_row…last_row primary-key
// range) before the per-recipient column goes.
export const migration0007: Migration = {
  version: 7,
  name: 'batch-envelopes',
  sql: `
    ALTER TABLE send_batches ADD COLUMN envelopes BLOB;
    ALTER TABLE send_batches ADD COLUMN sent INTEGER NOT NULL DEFAULT 0;
    UPDATE send_batches SET
      envelopes = (SELECT jsonb_group_object(CAST(r.row AS TEXT), r.envelope_id) FROM send_recipients r
        WHERE r.campaign_id = send_batches.campaign_id AND r.row BETWEEN send_batches.first_row AND send_batches.last_row
          AND r.envelope_id IS NOT NULL),
      sent = (SELECT count(*) FROM send_recipients r
        WHERE r.campaign_id = send_batches.campaign_id AND r.row BETWEEN send_batches.first_row AND send_batches.last_row
          AND r.envelope_id IS NOT NULL);
    UPDATE send_batches SET envelopes = NULL WHERE sent = 0;
    ALTER TABLE send_recipients DROP COLUMN envelope_id;
  `,
};
