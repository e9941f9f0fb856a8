import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/db/migrate';
import { migrations } from '../../../electron/db/migrations/index';
import type { Services } from '../../../electron/services';
import type { CampaignSummary } from '../../../shared/campaign';
import { writeRecipientCsv } from '../../bench/generate';
import { backendWithWorker } from '../../helpers/import-worker';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();

/**
 * The campaigns list shows each campaign's stored recipient count (migration 0014), kept by the
 * recipients table module's writers. Every kind of write that adds or removes recipient rows is
 * made here the way the app makes it (the window's channels, the import worker, the CLI's direct
 * import, the duplicate a follow-up or Call again makes), and after each one the stored count
 * must equal count(*) of the rows and the number the step should leave: a writer that forgets
 * the count fails here.
 */
function setup() {
  const dataDir = tempDir();
  const { services, call } = backendWithWorker(dataDir);
  const file = (name: string, content: string) => {
    const path = join(dataDir, name);
    writeFileSync(path, content);
    return services.fileHandles.issue(path).handle;
  };
  return { dataDir, services, call, file };
}

/** The rows each campaign really has, counted the slow way. */
function counted(services: Services, campaignId: string): number {
  return services.db
    .prepare('SELECT count(*) FROM recipients WHERE campaign_id = ?')
    .pluck()
    .get(campaignId) as number;
}

/** campaigns:list against count(*), and against what the step should leave (by name). */
async function expectCounts(
  { services, call }: ReturnType<typeof setup>,
  expected: Record<string, number>,
): Promise<void> {
  const listed = await call<CampaignSummary[]>('campaigns:list');
  for (const campaign of listed) {
    const rows = counted(services, campaign.id);
    expect(campaign.recipientCount, `${campaign.name}: stored count against count(*)`).toBe(rows);
    // The recipients table's "n rows" reads the same stored count.
    if (services.recipients.getList(campaign.id))
      expect(services.recipients.page(campaign.id, { limit: 1 }).total).toBe(rows);
  }
  expect(Object.fromEntries(listed.map((c) => [c.name, c.recipientCount]))).toEqual(expected);
}

// Rows 1–6: row 2 is not a number, row 4 repeats row 1.
const SIX = [
  'Phone,First Name',
  '(212) 736-5000,Ann',
  'n/a,Bob',
  '+1 312 555 0142,Cy',
  '212.736.5000,Ann again',
  '+1 415 555 0143,Dee',
  '+1 617 555 0144,Eve',
  '',
].join('\r\n');

describe('the stored recipient count stays equal to the rows after every kind of write', () => {
  it('imports, removals and their undo, duplicates (all rows or some), deletion', async () => {
    const t = setup();
    const { services, call, file } = t;
    const a = await call<CampaignSummary>('campaigns:create', { name: 'A' });
    const b = await call<CampaignSummary>('campaigns:create', { name: 'B' });
    await expectCounts(t, { A: 0, B: 0 });

    // The window's import: on the worker thread, staged and copied in.
    await call('recipients:import', { campaignId: a.id, file: file('six.csv', SIX) });
    await expectCounts(t, { A: 6, B: 0 });

    // A larger list replaces it; then a smaller one.
    const big = join(t.dataDir, 'big.csv');
    writeRecipientCsv(big, 1234);
    await call('recipients:import', {
      campaignId: a.id,
      file: services.fileHandles.issue(big).handle,
    });
    await expectCounts(t, { A: 1234, B: 0 });
    await call('recipients:import', { campaignId: a.id, file: file('six-again.csv', SIX) });
    await expectCounts(t, { A: 6, B: 0 });

    // A file refused part-way leaves the list, and its count, as they were.
    await expect(
      call('recipients:import', { campaignId: a.id, file: file('empty.csv', 'Phone,Name\r\n') }),
    ).rejects.toThrow(/no recipients/);
    await expectCounts(t, { A: 6, B: 0 });

    // The CLI's import: straight into the list in one transaction (not staged).
    services.recipients.import({ campaignId: b.id, filePath: big });
    await expectCounts(t, { A: 6, B: 1234 });
    services.recipients.import({ campaignId: b.id, filePath: join(t.dataDir, 'six.csv') });
    await expectCounts(t, { A: 6, B: 6 });

    // Rows removed one by one, undone; a selection removed, undone.
    await call('recipients:removeRows', { campaignId: a.id, rows: [1, 3, 3, 99] });
    await expectCounts(t, { A: 4, B: 6 });
    await call('recipients:undoRemove', { campaignId: a.id });
    await expectCounts(t, { A: 6, B: 6 });
    await call('recipients:removeSelection', {
      campaignId: a.id,
      selection: { filter: 'problems', ranges: [[0, null]], count: 2 },
    });
    await expectCounts(t, { A: 4, B: 6 });
    await call('recipients:undoRemove', { campaignId: a.id });
    await expectCounts(t, { A: 6, B: 6 });
    await call('recipients:removeSelection', {
      campaignId: a.id,
      selection: {
        filter: 'all',
        ranges: [
          [1, 3],
          [5, null],
        ],
        count: 4,
      },
    });
    await expectCounts(t, { A: 2, B: 6 });
    // A number corrected changes no count.
    await call('recipients:setPhone', { campaignId: a.id, row: 3, phone: '+1 202 555 0199' });
    await expectCounts(t, { A: 2, B: 6 });

    // Duplicate: every row; then some rows, as Call again and the held follow-ups make them.
    await call('campaigns:duplicate', { id: b.id });
    await expectCounts(t, { A: 2, B: 6, 'B (copy)': 6 });
    services.campaigns.duplicate(b.id, { name: 'B again', rows: [2, 5, 6] });
    await expectCounts(t, { A: 2, B: 6, 'B (copy)': 6, 'B again': 3 });
    // A campaign with no list copies none.
    await call('campaigns:create', { name: 'Empty' });
    await call('campaigns:duplicate', {
      id: (await call<CampaignSummary[]>('campaigns:list', { search: 'Empty' }))[0]!.id,
    });
    await expectCounts(t, { A: 2, B: 6, 'B (copy)': 6, 'B again': 3, Empty: 0, 'Empty (copy)': 0 });

    // A campaign deleted takes its rows with it; the others keep theirs.
    await call('campaigns:delete', { id: b.id });
    await expectCounts(t, { A: 2, 'B (copy)': 6, 'B again': 3, Empty: 0, 'Empty (copy)': 0 });
    expect(counted(services, b.id)).toBe(0);
    services.close();
  }, 60_000);

  it('a database from before the stored count is counted when it is brought up to date', () => {
    const db = new Database(join(tempDir(), 'db.sqlite'));
    const before = migrations.filter((m) => m.version < 14);
    migrate(db, before);
    const now = '2026-07-01T12:00:00.000Z';
    const campaign = db.prepare(
      'INSERT INTO campaigns (id, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    );
    campaign.run('c-big', 'Big', 'draft', now, now);
    campaign.run('c-none', 'None', 'draft', now, now);
    const row = db.prepare(
      `INSERT INTO recipients (campaign_id, row, phone_raw, e164, status, fields) VALUES ('c-big', ?, ?, ?, 'valid', '[]')`,
    );
    db.transaction(() => {
      for (let i = 1; i <= 2500; i++) row.run(i, `+1212555${i}`, `+1212555${i}`);
    })();

    expect(migrate(db, migrations)).toEqual(migrations.slice(before.length).map((m) => m.version));
    const stored = () =>
      Object.fromEntries(
        db.prepare('SELECT id, recipient_count FROM campaigns ORDER BY id').raw().all() as Array<
          [string, number]
        >,
      );
    expect(stored()).toEqual({ 'c-big': 2500, 'c-none': 0 });
    db.close();
  });
});
