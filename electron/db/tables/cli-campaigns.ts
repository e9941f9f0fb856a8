import type { Db } from '../open';
import { Prepared, perHandle } from './statements';

/** The CLI's stable link from a campaign file (its absolute path) to the stored campaign. */
class CliCampaignsTable {
  readonly #s: Prepared;

  constructor(db: Db) {
    this.#s = new Prepared(db);
  }

  campaignFor(filePath: string): string | undefined {
    return this.#s
      .get('SELECT campaign_id FROM cli_campaigns WHERE file_path = ?', 'pluck')
      .get(filePath) as string | undefined;
  }

  link(filePath: string, campaignId: string, at: string): void {
    this.#s
      .get(
        `INSERT INTO cli_campaigns (file_path, campaign_id, linked_at) VALUES (?, ?, ?)
         ON CONFLICT (file_path) DO UPDATE SET campaign_id = excluded.campaign_id, linked_at = excluded.linked_at`,
      )
      .run(filePath, campaignId, at);
  }
}

export const cliCampaignsTable = perHandle((db) => new CliCampaignsTable(db));
