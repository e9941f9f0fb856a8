import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/db/open';
import { sendsTable } from '../../../electron/db/tables/sends';
import { CallHistory } from '../../../electron/send/call-history';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-03-12T15:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const API = 'https://api.omnigage.io/api/v1';
const HELD = '+13125550101';
const SPARED = '+13125550102';

/**
 * Which calls the rule counts, at its edges, on a real database file with the journal's rows
 * written as the send engine leaves them. The rule asks number by number through the e164
 * indexes; these pin what it counts so that stays the same as the whole-history statement it
 * replaced.
 */
describe('the frequency rule counts exactly the calls in its window through the same Omnigage', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function database(): Db {
    dir = mkdtempSync(join(tmpdir(), 'omnigage-call-window-'));
    const db = openDatabase(join(dir, 'campaigns.db'));
    db.prepare(
      "INSERT INTO profiles (id, name, api_url, token_key, created_at, updated_at) VALUES ('p', 'Office', ?, 't', ?, ?)",
    ).run(API, iso(NOW), iso(NOW));
    return db;
  }

  /** A past send of `calls` (number, end time or null, with an envelope or not) through `apiUrl`. */
  function pastSend(
    db: Db,
    id: string,
    apiUrl: string,
    calls: Array<{ e164: string; finishedAt: string | null; envelope?: boolean }>,
    options: { batchAt?: number; cancelledBeforeSchedule?: boolean } = {},
  ): void {
    const at = iso(options.batchAt ?? NOW - DAY);
    db.prepare(
      "INSERT INTO campaigns (id, name, status, created_at, updated_at) VALUES (?, ?, 'completed', ?, ?)",
    ).run(id, id, at, at);
    db.prepare(
      `INSERT INTO sends (campaign_id, state, profile_id, api_url, batch_size, total, created_at, updated_at)
       VALUES (?, ?, 'p', ?, 100, ?, ?, ?)`,
    ).run(
      id,
      options.cancelledBeforeSchedule ? 'cancelled' : 'completed',
      apiUrl,
      calls.length,
      at,
      at,
    );
    if (!options.cancelledBeforeSchedule)
      db.prepare(
        "INSERT INTO send_steps (campaign_id, step, state, updated_at) VALUES (?, 'schedule', 'done', ?)",
      ).run(id, at);
    const envelopes: Record<string, string> = {};
    calls.forEach((c, i) => {
      db.prepare(
        "INSERT INTO send_recipients (campaign_id, row, e164, batch, meta, finished_at) VALUES (?, ?, ?, 0, '', ?)",
      ).run(id, i + 1, c.e164, c.finishedAt);
      if (c.envelope !== false) envelopes[String(i + 1)] = `env-${id}-${i + 1}`;
    });
    db.prepare(
      `INSERT INTO send_batches (campaign_id, batch, state, size, first_row, last_row, updated_at)
       VALUES (?, 0, 'done', ?, 1, ?, ?)`,
    ).run(id, calls.length, calls.length, at);
    // The journal's writer: the batch's ids, and each of those rows' sent_at, at the batch's time.
    db.transaction(() =>
      sendsTable(db).setBatchEnvelopes(
        id,
        0,
        JSON.stringify(envelopes),
        Object.keys(envelopes).length,
        at,
      ),
    )();
  }

  function remembered(db: Db, e164: string, calledAt: string, apiUrl: string, counts: 0 | 1 = 1) {
    db.prepare(
      `INSERT INTO call_history (e164, called_at, campaign_id, campaign_name, profile_id, api_url, counts)
       VALUES (?, ?, 'gone', 'Gone', 'p', ?, ?)`,
    ).run(e164, calledAt, apiUrl, counts);
  }

  it('from strictly after D days ago, by other campaigns through the same address (its trailing slash aside), with envelopes, never a send cancelled before scheduling', () => {
    const db = database();
    const boundary = NOW - 7 * DAY;
    // Counted for HELD: one live call a second inside the window (written with its offset, as
    // Omnigage gives it), one remembered call through the address with a trailing slash.
    pastSend(db, 'inside', API, [
      { e164: HELD, finishedAt: '2026-03-05T10:00:01.000-05:00' },
      // SPARED's one counted call: no end time yet, the batch's time (yesterday) counts.
      { e164: SPARED, finishedAt: null },
    ]);
    remembered(db, HELD, iso(boundary + 60_000), `${API}/`);
    // Not counted: exactly D days ago (live, with an offset, and remembered), another Omnigage,
    // a row without an envelope, a send cancelled before its schedule request, a remembered
    // engagement that called nobody.
    pastSend(db, 'boundary', API, [
      { e164: SPARED, finishedAt: '2026-03-05T10:00:00.000-05:00' },
      { e164: HELD, finishedAt: null, envelope: false },
    ]);
    remembered(db, SPARED, iso(boundary), API);
    pastSend(db, 'rehearsal', 'http://127.0.0.1:4010/api/v1', [
      { e164: SPARED, finishedAt: iso(NOW - DAY) },
    ]);
    remembered(db, SPARED, iso(NOW - DAY), 'http://127.0.0.1:4010/api/v1/');
    pastSend(db, 'cancelled', API, [{ e164: SPARED, finishedAt: iso(NOW - DAY) }], {
      cancelledBeforeSchedule: true,
    });
    remembered(db, SPARED, iso(NOW - DAY), API, 0);

    // The campaign under test: both numbers, and its own earlier call to SPARED (a resumed send).
    db.prepare(
      "INSERT INTO campaigns (id, name, status, created_at, updated_at) VALUES ('now', 'Now', 'draft', ?, ?)",
    ).run(iso(NOW), iso(NOW));
    const insert = db.prepare(
      "INSERT INTO recipients (campaign_id, row, phone_raw, e164, status, fields) VALUES ('now', ?, ?, ?, 'valid', '[]')",
    );
    insert.run(1, HELD, HELD);
    insert.run(2, SPARED, SPARED);
    insert.run(3, '+13125550103', '+13125550103');

    const history = new CallHistory(db, () => new Date(NOW));
    history.setLimit('p', { maxCalls: 2, days: 7 });
    expect(history.wouldHold('now', 'p', `${API}/`)).toEqual({
      maxCalls: 2,
      days: 7,
      recipients: 1,
    });

    db.transaction(() =>
      sendsTable(db).create({
        campaignId: 'now',
        state: 'queued',
        profileId: 'p',
        apiUrl: API,
        recipientsSha256: null,
        batchSize: 2,
        leaveOut: [],
        now: iso(NOW),
      }),
    )();
    // Part of its first batch went (SPARED, row 2, has an envelope): never counted against
    // itself. HELD (row 1) has none yet: the hold takes it out.
    db.transaction(() =>
      sendsTable(db).setBatchEnvelopes('now', 0, '{"2":"own-2"}', 1, iso(NOW - 60_000)),
    )();
    expect(history.wouldHold('now', 'p', API)?.recipients).toBe(1);
    expect(history.hold('now', { profile_id: 'p', api_url: API })?.recipients).toBe(1);
    expect(
      db
        .prepare(
          "SELECT row, e164, calls, max_calls, days FROM send_held WHERE campaign_id = 'now'",
        )
        .all(),
    ).toEqual([{ row: 1, e164: HELD, calls: 2, max_calls: 2, days: 7 }]);
    expect(
      db
        .prepare("SELECT row FROM send_recipients WHERE campaign_id = 'now' ORDER BY row")
        .pluck()
        .all(),
    ).toEqual([2, 3]);
    expect(db.prepare("SELECT total FROM sends WHERE campaign_id = 'now'").pluck().get()).toBe(2);
    // A second pass holds nobody more.
    expect(history.hold('now', { profile_id: 'p', api_url: API })?.recipients).toBe(0);
    db.close();
  });
  it('the check counts the callable rows over the limit: not a repeated row, not a number on the do-not-call list for the profile', () => {
    const db = database();
    pastSend(db, 'monday', API, [{ e164: HELD, finishedAt: iso(NOW - 2 * DAY) }]);
    pastSend(db, 'tuesday', API, [{ e164: HELD, finishedAt: iso(NOW - DAY) }]);
    db.prepare(
      "INSERT INTO campaigns (id, name, status, created_at, updated_at) VALUES ('now', 'Now', 'draft', ?, ?)",
    ).run(iso(NOW), iso(NOW));
    const insert = db.prepare(
      "INSERT INTO recipients (campaign_id, row, phone_raw, e164, status, fields) VALUES ('now', ?, ?, ?, ?, '[]')",
    );
    insert.run(1, HELD, HELD, 'valid');
    insert.run(2, HELD, HELD, 'duplicate');
    insert.run(3, SPARED, SPARED, 'valid');
    const history = new CallHistory(db, () => new Date(NOW));
    history.setLimit('p', { maxCalls: 2, days: 7 });
    expect(history.wouldHold('now', 'p', API)?.recipients).toBe(1);

    const block = db.prepare(
      "INSERT INTO do_not_call (e164, profile_id, source, added_at) VALUES (?, ?, 'typed', ?)",
    );
    // Another profile's list does not take it out of this one's send; this computer's list does.
    block.run(HELD, 'other', iso(NOW));
    expect(history.wouldHold('now', 'p', API)?.recipients).toBe(1);
    block.run(HELD, '', iso(NOW));
    expect(history.wouldHold('now', 'p', API)?.recipients).toBe(0);
    db.close();
  });
});
