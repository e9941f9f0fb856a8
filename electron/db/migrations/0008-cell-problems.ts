import type { Migration } from './types';

// Cells of an imported .xlsx row that could not be shown (an error such as #N/A, or a formula
// saved without its result): a JSON array of { column, code, shown? }, NULL for a clean row.
// The row is still imported (its phone may be fine); the validation summary reports these.
export const migration0008: Migration = {
  version: 8,
  name: 'cell-problems',
  sql: `
    ALTER TABLE recipients ADD COLUMN cell_problems TEXT;
  `,
};
