import type { Migration } from './types';

// Where each recipient is in the file it was imported from, as a person finds it: for a CSV the
// physical line its record starts on (the header and each line of a multi-line quoted cell
// counted), for an .xlsx the sheet row's number. The screens and messages name rows by it.
// NULL for lists imported before this column existed: those keep showing the data row number.
export const migration0011: Migration = {
  version: 11,
  name: 'source-lines',
  sql: `
    ALTER TABLE recipients ADD COLUMN source_line INTEGER;
  `,
};
