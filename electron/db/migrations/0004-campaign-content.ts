import type { Migration } from './types';

// What a campaign says and from which number. Messages are JSON documents validated by
// shared/campaign.ts on the way in; NULL machine_message means "same as the human message".
export const migration0004: Migration = {
  version: 4,
  name: 'campaign-content',
  sql: `
    ALTER TABLE campaigns ADD COLUMN caller_id TEXT;
    ALTER TABLE campaigns ADD COLUMN human_message TEXT CHECK (human_message IS NULL OR json_valid(human_message));
    ALTER TABLE campaigns ADD COLUMN machine_message TEXT CHECK (machine_message IS NULL OR json_valid(machine_message));
    ALTER TABLE campaigns ADD COLUMN delivery TEXT NOT NULL DEFAULT '{"type":"immediately"}' CHECK (json_valid(delivery));
  `,
};
