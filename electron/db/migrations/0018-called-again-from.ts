import type { Migration } from './types';

// The campaign whose Results → "Call again…" made this draft: a second call-again from the same
// results would call the same people again if both were sent, so the app says so before making
// one (electron/send/results.ts). NULL for every other campaign, and once the source is deleted.
export const migration0018: Migration = {
  version: 18,
  name: 'called-again-from',
  sql: `
    ALTER TABLE campaigns ADD COLUMN called_again_from TEXT REFERENCES campaigns (id) ON DELETE SET NULL;
  `,
};
