/**
 * The floor of `npm run bench:validate`: what `validate` cannot avoid doing, in a process built
 * and started exactly like the CLI (bundled by the same esbuild settings, run by the same node).
 * It opens the data folder's database the same way (WAL, migrations), creates a campaign, reads
 * the list with the same streaming reader (hash, encoding check, CSV parse) and stores every row
 * with the same statement in one transaction that is rolled back, as validate's is; then prints
 * the row count. No phone checks, no duplicates, no summary, no JSON of the problems.
 *
 *   node dist/bench/validate-floor.mjs <list.csv> <data folder>
 */
import { join } from 'node:path';
import { CampaignService } from '../../electron/campaigns/service';
import { openDatabase } from '../../electron/db/open';
import { readTable } from '../../electron/recipients/read-table';

const [path, home] = process.argv.slice(2) as [string, string];
const db = openDatabase(join(home, 'campaigns.sqlite'));
const insert = db.prepare(
  `INSERT INTO recipients (campaign_id, row, phone_raw, e164, status, problem, duplicate_of, line_type, fields, cell_problems)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
let rows = 0;
class Rollback extends Error {}
try {
  db.transaction(() => {
    const campaign = new CampaignService({ db }).create('Floor');
    readTable(path, {
      onHeader() {},
      onRow(cells, row) {
        insert.run(
          campaign.id,
          row,
          cells[0] ?? '',
          null,
          'valid',
          null,
          null,
          null,
          JSON.stringify(cells),
          null,
        );
        rows++;
      },
    });
    throw new Rollback();
  })();
} catch (error) {
  if (!(error instanceof Rollback)) throw error;
}
db.close();
process.stdout.write(`${JSON.stringify({ rows })}\n`);
