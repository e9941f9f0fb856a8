import type { Migration } from './types';

// How many recipient rows each campaign has, stored: the campaigns list showed it with count(*)
// over recipients, which for a 1,000,000-row list reads every row (the table is WITHOUT ROWID)
// each time the list is shown. (recipient_lists.row_count is another number: the rows of the
// imported file, which removals leave alone.)
//
// Kept by the recipients table module (electron/db/tables/recipients.ts), the only writer of
// recipient rows: each statement that adds or removes rows adds its own change count in the
// same transaction. Not by a trigger: a trigger fires once per row, and an import of 1,000,000
// rows took about half as long again to swap in while holding the database's write lock.
// test/node/db/recipient-count.test.ts compares the count with count(*) after every kind of write.
export const migration0014: Migration = {
  version: 14,
  name: 'recipient-counts',
  sql: `
    ALTER TABLE campaigns ADD COLUMN recipient_count INTEGER NOT NULL DEFAULT 0;

    UPDATE campaigns SET recipient_count = (SELECT count(*) FROM recipients r WHERE r.campaign_id = campaigns.id);
  `,
};
