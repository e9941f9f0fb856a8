import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/db/migrate';
import { migrations } from '../../../electron/db/migrations/index';
import { CallHistory } from '../../../electron/send/call-history';
import { Journal } from '../../../electron/send/journal';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();

const API = 'https://api.omnigage.io/api/v1';

describe('migration 16: each recipient keeps when its envelope was recorded (send_recipients.sent_at)', () => {
  it('fills it from the batch time the rule read before, for rows with an envelope only, and the trigger and the history read it', () => {
    const db = new Database(join(tempDir(), 'db.sqlite'));
    db.pragma('foreign_keys = ON');
    expect(migrate(db, migrations.slice(0, 15))).toEqual(
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
    const created = '2026-03-01T09:00:00.000Z';
    db.prepare(
      "INSERT INTO campaigns (id, name, status, created_at, updated_at) VALUES ('c', 'Spring', 'scheduled', ?, ?)",
    ).run(created, created);
    db.prepare(
      `INSERT INTO sends (campaign_id, state, profile_id, api_url, batch_size, total, created_at, updated_at)
       VALUES ('c', 'scheduled', NULL, ?, 2, 6, ?, ?)`,
    ).run(API, created, created);
    db.prepare(
      "INSERT INTO send_steps (campaign_id, step, state, updated_at) VALUES ('c', 'schedule', 'done', ?)",
    ).run(created);
    // Batch 0 answered whole; batch 1 half (row 4 has an id, row 3 none); batch 2 never sent.
    // Row 2's call ended: its end time, not the batch's, is when it counts.
    const rows: Array<[row: number, batch: number, finished: string | null]> = [
      [1, 0, null],
      [2, 0, '2026-03-02T10:15:00.000-05:00'],
      [3, 1, null],
      [4, 1, null],
      [5, 2, null],
      [6, 2, null],
    ];
    for (const [row, batch, finished] of rows)
      db.prepare(
        "INSERT INTO send_recipients (campaign_id, row, e164, batch, meta, finished_at) VALUES ('c', ?, ?, ?, '', ?)",
      ).run(row, `+1202555010${row}`, batch, finished);
    const batches: Array<[batch: number, at: string, envelopes: string | null, sent: number]> = [
      [0, '2026-03-02T14:00:01.000Z', '{"1":"E1","2":"E2"}', 2],
      [1, '2026-03-02T14:00:07.000Z', '{"4":"E4"}', 1],
      [2, '2026-03-02T14:00:09.000Z', null, 0],
    ];
    for (const [batch, at, envelopes, sent] of batches)
      db.prepare(
        `INSERT INTO send_batches (campaign_id, batch, state, size, first_row, last_row, updated_at, envelopes, sent)
         VALUES ('c', ?, ?, 2, ?, ?, ?, jsonb(?), ?)`,
      ).run(
        batch,
        sent === 2 ? 'done' : 'pending',
        batch * 2 + 1,
        batch * 2 + 2,
        at,
        envelopes,
        sent,
      );
    // The time of each call as the rule read it before this migration (from the batch's row).
    const before = db
      .prepare(
        `SELECT s.row, COALESCE(s.finished_at, b.updated_at) AS at FROM send_recipients s
           JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
          WHERE (b.envelopes ->> ('$."' || s.row || '"')) IS NOT NULL ORDER BY s.row`,
      )
      .all();

    expect(migrate(db, migrations)).toEqual(
      migrations.filter((m) => m.version >= 16).map((m) => m.version),
    );
    expect(db.prepare('SELECT row, sent_at FROM send_recipients ORDER BY row').all()).toEqual([
      { row: 1, sent_at: '2026-03-02T14:00:01.000Z' },
      { row: 2, sent_at: '2026-03-02T14:00:01.000Z' },
      { row: 3, sent_at: null },
      { row: 4, sent_at: '2026-03-02T14:00:07.000Z' },
      { row: 5, sent_at: null },
      { row: 6, sent_at: null },
    ]);
    const after = db
      .prepare(
        'SELECT row, COALESCE(finished_at, sent_at) AS at FROM send_recipients WHERE sent_at IS NOT NULL ORDER BY row',
      )
      .all();
    expect(after).toEqual(before);
    // A number's history (read from sent_at now) gives each call the same moment.
    const history = new CallHistory(db, () => new Date('2026-03-12T15:00:00.000Z'));
    expect(history.history('+12025550102').map((c) => c.at)).toEqual([
      '2026-03-02T10:15:00.000-05:00',
    ]);
    expect(history.history('+12025550104').map((c) => c.at)).toEqual(['2026-03-02T14:00:07.000Z']);
    expect(history.history('+12025550103')).toEqual([]);

    // Three days later a reconciliation finds row 3's envelope: row 3 counts from then, row 4
    // (same batch, recorded before) keeps its moment though its batch's row changed.
    const later = '2026-03-05T08:00:00.000Z';
    expect(
      new Journal(db, () => new Date(later)).recordFound('c', new Map([['+12025550103', 'E3']])),
    ).toBe(1);
    expect(
      db.prepare('SELECT row, sent_at FROM send_recipients WHERE batch = 1 ORDER BY row').all(),
    ).toEqual([
      { row: 3, sent_at: later },
      { row: 4, sent_at: '2026-03-02T14:00:07.000Z' },
    ]);

    // Deleting the campaign remembers exactly the calls with an envelope, at those moments.
    db.prepare("DELETE FROM campaigns WHERE id = 'c'").run();
    expect(
      db
        .prepare(
          'SELECT e164, called_at, campaign_name, api_url, counts FROM call_history ORDER BY e164',
        )
        .all(),
    ).toEqual([
      {
        e164: '+12025550101',
        called_at: '2026-03-02T14:00:01.000Z',
        campaign_name: 'Spring',
        api_url: API,
        counts: 1,
      },
      {
        e164: '+12025550102',
        called_at: '2026-03-02T10:15:00.000-05:00',
        campaign_name: 'Spring',
        api_url: API,
        counts: 1,
      },
      {
        e164: '+12025550103',
        called_at: later,
        campaign_name: 'Spring',
        api_url: API,
        counts: 1,
      },
      {
        e164: '+12025550104',
        called_at: '2026-03-02T14:00:07.000Z',
        campaign_name: 'Spring',
        api_url: API,
        counts: 1,
      },
    ]);
    expect(db.prepare('SELECT count(*) FROM send_recipients').pluck().get()).toBe(0);
    db.close();
  });
});
