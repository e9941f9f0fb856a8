import type { Migration } from './types';

// A campaign's merge-field choices (shared/recipients/merge-settings.ts): how each column is
// read out, fallback words for empty fields, and the columns sent although no message uses
// them. One JSON document, validated on the way in; '{}' means every default.
export const migration0009: Migration = {
  version: 9,
  name: 'merge-settings',
  sql: `
    ALTER TABLE campaigns ADD COLUMN merge_settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(merge_settings));
  `,
};
