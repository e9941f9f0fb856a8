import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/db/migrate';
import { migrations } from '../../../electron/db/migrations/index';
import { envelopeIdSql } from '../../../electron/db/tables/sends';
import { Journal } from '../../../electron/send/journal';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();

describe('migration 7: envelope ids move from recipients into their batches', () => {
  it('keeps every id a send under way had, and the journal reads them back', () => {
    const db = new Database(join(tempDir(), 'db.sqlite'));
    db.pragma('foreign_keys = ON');
    expect(migrate(db, migrations.slice(0, 6))).toEqual([1, 2, 3, 4, 5, 6]);
    const now = '2026-11-27T00:00:00.000Z';
    db.prepare(
      "INSERT INTO campaigns (id, name, status, created_at, updated_at) VALUES ('c', 'Old send', 'sending', ?, ?)",
    ).run(now, now);
    db.prepare(
      "INSERT INTO sends (campaign_id, state, batch_size, total, created_at, updated_at) VALUES ('c', 'sending', 2, 5, ?, ?)",
    ).run(now, now);
    // Rows 1–2 (batch 0) were answered, row 4 of batch 1 found by a reconciliation, batch 2 not sent.
    const rows: Array<[row: number, batch: number, envelope: string | null]> = [
      [1, 0, 'E1'],
      [2, 0, 'E2'],
      [3, 1, null],
      [4, 1, 'E4'],
      [6, 2, null],
    ];
    for (const [row, batch, envelope] of rows) {
      const phone = `+1202555010${row}`;
      db.prepare(
        "INSERT INTO recipients (campaign_id, row, phone_raw, e164, status, fields) VALUES ('c', ?, ?, ?, 'valid', ?)",
      ).run(row, phone, phone, JSON.stringify([phone, `Name${row}`]));
      db.prepare(
        "INSERT INTO send_recipients (campaign_id, row, e164, batch, meta, envelope_id) VALUES ('c', ?, ?, ?, '', ?)",
      ).run(row, phone, batch, envelope);
    }
    for (const [batch, first, last, state] of [
      [0, 1, 2, 'done'],
      [1, 3, 4, 'in_flight'],
      [2, 6, 6, 'pending'],
    ] as const) {
      db.prepare(
        "INSERT INTO send_batches (campaign_id, batch, state, size, updated_at, first_row, last_row) VALUES ('c', ?, ?, 2, ?, ?, ?)",
      ).run(batch, state, now, first, last);
    }

    // Migration 7 and any that came after it.
    expect(migrate(db, migrations)).toEqual(
      migrations.filter((m) => m.version >= 7).map((m) => m.version),
    );
    const batches = db
      .prepare(
        "SELECT batch, json(envelopes) AS envelopes, sent FROM send_batches WHERE campaign_id = 'c' ORDER BY batch",
      )
      .all();
    expect(batches).toEqual([
      { batch: 0, envelopes: '{"1":"E1","2":"E2"}', sent: 2 },
      { batch: 1, envelopes: '{"4":"E4"}', sent: 1 },
      { batch: 2, envelopes: null, sent: 0 },
    ]);
    const columns = db
      .prepare("SELECT name FROM pragma_table_info('send_recipients')")
      .pluck()
      .all();
    expect(columns).not.toContain('envelope_id');
    const ids = db
      .prepare(
        `SELECT s.row, ${envelopeIdSql()} AS id FROM send_recipients s
         JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch ORDER BY s.row`,
      )
      .all();
    expect(ids).toEqual([
      { row: 1, id: 'E1' },
      { row: 2, id: 'E2' },
      { row: 3, id: null },
      { row: 4, id: 'E4' },
      { row: 6, id: null },
    ]);

    const journal = new Journal(db, () => new Date(now));
    expect(journal.sentCount('c')).toBe(3);
    const missing = journal.missingInBatches('c', 0, 2);
    expect([...missing].map(([batch, list]) => [batch, list.map((r) => r.row)])).toEqual([
      [0, []],
      [1, [3]],
      [2, [6]],
    ]);
    // A reconciliation finding row 3 keeps row 4's id and completes batch 1.
    expect(
      journal.recordFound(
        'c',
        new Map([
          ['+12025550103', 'E3'],
          ['+12025550104', 'OTHER'],
        ]),
      ),
    ).toBe(1);
    journal.settleInFlightBatches('c');
    expect(
      db
        .prepare(
          'SELECT batch, state, json(envelopes) AS envelopes, sent FROM send_batches WHERE batch = 1',
        )
        .get(),
    ).toEqual({
      batch: 1,
      state: 'done',
      envelopes: '{"3":"E3","4":"E4"}',
      sent: 2,
    });
    expect(journal.sentCount('c')).toBe(4);
    db.close();
  });
});
