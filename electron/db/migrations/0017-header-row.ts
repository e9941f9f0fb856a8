import type { Migration } from './types';

// The row of the file that held the column names, as the spreadsheet numbers it (a title or a
// blank line may sit above them), so writing results back into a copy of the file reads it the
// same way the import did. NULL for lists imported before: their names were on the first
// non-blank row, which is how they are still read.
export const migration0017: Migration = {
  version: 17,
  name: 'header-row',
  sql: `
    ALTER TABLE recipient_lists ADD COLUMN header_row INTEGER;
  `,
};
