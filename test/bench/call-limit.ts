/**
 * npm run bench:call-limit — the frequency rule ("no more than N calls to a number in D days",
 * issue 14) against a long history.
 *
 * A temporary database (migrated as the app's) holding 1,000,000 past envelopes across 50
 * campaigns: 40 whose sends are still in the journal (send_recipients + send_batches with their
 * envelope ids and each row's sent_at, 4 of them rehearsals on another Omnigage address, 1 cancelled before its
 * schedule request), and 10 deleted ones remembered in call_history, spread over the last 60
 * days, over 400,000 numbers. The campaign under test has a 100,000-row list, 30% of it numbers
 * from that history, ~1% invalid and 1,000 on the do-not-call list; its profile's rule is
 * "3 calls in 30 days".
 *
 * The rule's three uses, each against a floor on the same list in the same run:
 *   check:   CallHistory.wouldHold at Review / Send's check, while the person waits;
 *            floor: the check's count of the list's callable rows (valid, not on the do-not-call list);
 *   freeze:  CallHistory.hold right after the send's recipients are frozen (under the write lock);
 *            floor: the do-not-call pass over the same frozen recipients (dropOnDoNotCall);
 *   resume:  CallHistory.hold again before the envelopes go, the send half sent;
 *            floor: the same do-not-call pass.
 * The holds change the send, so each timed call runs in a transaction rolled back after it.
 * `before` is the statement the rule ran until now (every call of the address grouped by
 * number), on the same database, for comparison, and its answers must be the rule's.
 *
 * Target: each use within 3× its floor + 20 ms and under 250 ms (the check is waited for; the
 * holds run under the write lock). Flags: --history N (default 1,000,000), --list N (default
 * 100,000), --calls N (default 7), --skip-before (not the old statement: ~1.5 minutes), --cache-mb N (SQLite's
 * page cache, an experiment: the app keeps the default 2 MB), --check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../electron/db/open';
import { sendsTable } from '../../electron/db/tables/sends';
import { sendableSql } from '../../electron/db/tables/recipients';
import { CallHistory } from '../../electron/send/call-history';
import { rng } from './generate';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const HISTORY = option('--history', 1_000_000);
const LIST = option('--list', 100_000);
const CALLS = option('--calls', 7);
const BEFORE = !args.includes('--skip-before');
/** An experiment: SQLite's page cache for the connection, in MB (the app leaves SQLite's default, 2 MB). */
const CACHE_MB = option('--cache-mb', 0);
const CAMPAIGNS = 50;
const REMEMBERED = 10; // of the 50, deleted: their calls are in call_history
const REHEARSALS = 4; // of the live ones, sent to the sandbox: they never count
const POOL = 400_000;
const BATCH = 100;
const RULE = { maxCalls: 3, days: 30 };
const RATIO = 3;
const OVER_FLOOR_MS = 20;
const TARGET_MS = 250;

const API = 'https://api.omnigage.io/api/v1/';
const SANDBOX = 'http://127.0.0.1:4010/api/v1';
const PROFILE = 'office';
const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-03-12T15:00:00.000Z');

/** The i-th number of the bench: distinct for every i, spread over 700 area codes. */
const e164 = (i: number) =>
  `+1${200 + (i % 700)}${String(2_000_000 + Math.floor(i / 700)).padStart(7, '0')}`;

interface Timing {
  p50: number;
  worst: number;
}

const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;
const show = (t: Timing) => `median ${ms(t.p50)}, worst ${ms(t.worst)}`;

const SKIPPED: Timing = { p50: NaN, worst: NaN };

function timed(
  calls: number,
  fn: () => unknown,
  around?: (run: () => void) => void,
  warm = true,
): Timing {
  const took: number[] = [];
  const once = () => {
    const started = performance.now();
    fn();
    took.push(performance.now() - started);
  };
  for (let i = warm ? 0 : 1; i <= calls; i++) (around ?? ((run) => run()))(once);
  if (warm) took.shift(); // the warm-up: statements prepared, pages cached
  took.sort((a, b) => a - b);
  return { p50: took[Math.floor(took.length / 2)]!, worst: took.at(-1)! };
}

/** Runs `run` in a transaction that is rolled back after: a hold changes the send. */
const rolledBack = (db: Db) => (run: () => void) => {
  db.exec('BEGIN');
  try {
    run();
  } finally {
    db.exec('ROLLBACK');
  }
};

/** The history: 50 campaigns of HISTORY / 50 envelopes each over the last 60 days. */
function storeHistory(db: Db): void {
  const random = rng(7);
  const perCampaign = Math.floor(HISTORY / CAMPAIGNS);
  const campaign = db.prepare(
    'INSERT INTO campaigns (id, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
  );
  const send = db.prepare(
    `INSERT INTO sends (campaign_id, state, profile_id, api_url, batch_size, total, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const step = db.prepare(
    "INSERT INTO send_steps (campaign_id, step, state, updated_at) VALUES (?, 'schedule', 'done', ?)",
  );
  // Every row of a past send had its envelope: sent_at is its batch's time, as the journal
  // (setBatchEnvelopes) stamps it and migration 0016 fills it in for older sends.
  const recipient = db.prepare(
    `INSERT INTO send_recipients (campaign_id, row, e164, batch, meta, outcome, finished_at, sent_at)
     VALUES (?, ?, ?, ?, '', ?, ?, ?)`,
  );
  const batches = db.prepare(
    `INSERT INTO send_batches (campaign_id, batch, state, size, first_row, last_row, updated_at, envelopes, sent)
     SELECT campaign_id, batch, 'done', count(*), min(row), max(row), ?,
       jsonb_group_object(CAST(row AS TEXT), 'env-' || campaign_id || '-' || row), count(*)
       FROM send_recipients WHERE campaign_id = ? GROUP BY batch`,
  );
  const remembered = db.prepare(
    `INSERT INTO call_history (e164, called_at, campaign_id, campaign_name, profile_id, api_url, counts, outcome)
     VALUES (?, ?, ?, ?, ?, ?, 1, ?)`,
  );
  const outcomes = ['answered', 'voicemail', 'no-answer', 'busy', 'failed'];
  db.transaction(() => {
    for (let c = 0; c < CAMPAIGNS; c++) {
      const id = `past-${c}`;
      const sentAt = NOW - (60 - c * 1.2) * DAY;
      const at = (offset: number) => new Date(sentAt + offset).toISOString();
      // Each campaign calls perCampaign distinct numbers of the pool.
      const numbers = new Set<number>();
      while (numbers.size < perCampaign) numbers.add(Math.floor(random() * POOL));
      const rows = [...numbers];
      if (c >= CAMPAIGNS - REMEMBERED) {
        rows.forEach((n, i) =>
          remembered.run(e164(n), at(i * 50), id, `Past ${c}`, PROFILE, API, outcomes[i % 5]),
        );
        continue;
      }
      const rehearsal = c < REHEARSALS;
      const cancelled = c === REHEARSALS; // cancelled before its schedule request: called nobody
      campaign.run(id, `Past ${c}`, 'completed', at(0), at(0));
      send.run(
        id,
        cancelled ? 'cancelled' : 'completed',
        PROFILE,
        rehearsal ? SANDBOX : API,
        BATCH,
        rows.length,
        at(0),
        at(0),
      );
      if (!cancelled) step.run(id, at(0));
      rows.forEach((n, i) => {
        // Most calls' end time is known (results in); the rest count from the batch's time.
        const finished = i % 5 === 4 ? null : at(i * 50 + 30_000);
        recipient.run(id, i + 1, e164(n), Math.floor(i / BATCH), outcomes[i % 5], finished, at(0));
      });
      batches.run(at(0), id);
    }
    // The past campaigns' own lists, as the app keeps them next to their sends.
    db.exec(
      `INSERT INTO recipients (campaign_id, row, phone_raw, e164, status, fields)
       SELECT campaign_id, row, e164, e164, 'valid', '[]' FROM send_recipients`,
    );
  })();
}

/** The list under test: 30% numbers from the history, ~1% invalid, 1,000 on the do-not-call list. */
function storeList(db: Db, id: string): void {
  const random = rng(11);
  const used = new Set<number>();
  const recipient = db.prepare(
    `INSERT INTO recipients (campaign_id, row, phone_raw, e164, status, problem, fields)
     VALUES (?, ?, ?, ?, ?, ?, '[]')`,
  );
  const dnc = db.prepare(
    "INSERT OR IGNORE INTO do_not_call (e164, profile_id, source, added_at) VALUES (?, '', 'typed', ?)",
  );
  db.transaction(() => {
    db.prepare(
      'INSERT INTO campaigns (id, name, status, created_at, updated_at, profile_id, recipient_count) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(
      id,
      'This week',
      'draft',
      new Date(NOW).toISOString(),
      new Date(NOW).toISOString(),
      PROFILE,
      LIST,
    );
    for (let row = 1; row <= LIST; row++) {
      if (row % 100 === 0) {
        recipient.run(id, row, 'n/a', null, 'invalid', 'Not a phone number');
        continue;
      }
      let n: number;
      do n = random() < 0.3 ? Math.floor(random() * POOL) : POOL + Math.floor(random() * 10 * POOL);
      while (used.has(n));
      used.add(n);
      recipient.run(id, row, e164(n), e164(n), 'valid', null);
      if (row % 100 === 50) dnc.run(e164(n), new Date(NOW).toISOString());
    }
  })();
}

/** The rule's statement until now: every call of the address, grouped by number (for comparison). */
const BEFORE_SQL = `
  WITH calls AS (
    SELECT s.e164 AS e164, COALESCE(s.finished_at, b.updated_at) AS at
      FROM sends d
      JOIN send_recipients s ON s.campaign_id = d.campaign_id
      JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
     WHERE d.campaign_id != @campaignId AND rtrim(d.api_url, '/') = rtrim(@apiUrl, '/')
       AND NOT (d.state = 'cancelled' AND NOT EXISTS (
         SELECT 1 FROM send_steps st WHERE st.campaign_id = d.campaign_id AND st.step = 'schedule'))
       AND (b.envelopes ->> ('$."' || s.row || '"')) IS NOT NULL
    UNION ALL
    SELECT e164, called_at FROM call_history
     WHERE counts = 1 AND campaign_id != @campaignId AND rtrim(api_url, '/') = rtrim(@apiUrl, '/')
  )
  SELECT e164, count(*) AS calls FROM calls WHERE julianday(at) > julianday(@since)
   GROUP BY e164 HAVING count(*) >= @maxCalls`;

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'omnigage-bench-call-limit-'));
  const db = openDatabase(join(dir, 'campaigns.db'));
  if (CACHE_MB > 0) db.pragma(`cache_size = -${CACHE_MB * 1024}`);
  let ok = true;
  try {
    console.log(
      `The frequency rule (${RULE.maxCalls} calls in ${RULE.days} days) over ${HISTORY.toLocaleString('en-US')} past envelopes ` +
        `(${CAMPAIGNS} campaigns) for a ${LIST.toLocaleString('en-US')}-row list — Node ${process.version}, ` +
        `${cpus().length} CPU(s), load ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}; ${CALLS} calls each\n`,
    );
    const built = performance.now();
    db.prepare(
      `INSERT INTO profiles (id, name, api_url, token_key, created_at, updated_at)
       VALUES (?, 'Office', ?, 'bench', ?, ?)`,
    ).run(PROFILE, API, new Date(NOW).toISOString(), new Date(NOW).toISOString());
    storeHistory(db);
    const id = 'this-week';
    storeList(db, id);
    console.log(`(database built in ${((performance.now() - built) / 1000).toFixed(1)} s)\n`);

    const history = new CallHistory(db, () => new Date(NOW));
    history.setLimit(PROFILE, RULE);
    const since = new Date(NOW - RULE.days * DAY).toISOString();
    const params = { campaignId: id, apiUrl: API, maxCalls: RULE.maxCalls, since };
    const before = db.prepare(BEFORE_SQL);
    const over = new Map(
      (before.all(params) as Array<{ e164: string; calls: number }>).map((r) => [r.e164, r.calls]),
    );

    // 1. Send's check: how many the rule would hold back, next to the list's callable count.
    const callable = db
      .prepare(
        `SELECT count(*) FROM recipients r WHERE r.campaign_id = ? AND ${sendableSql('r', '?')}`,
      )
      .pluck();
    const onList = new Set(
      db
        .prepare(
          `SELECT r.e164 FROM recipients r WHERE r.campaign_id = ? AND ${sendableSql('r', '?')}`,
        )
        .pluck()
        .all(id, PROFILE) as string[],
    );
    const checkFloor = timed(CALLS, () => callable.get(id, PROFILE));
    const check = timed(CALLS, () => history.wouldHold(id, PROFILE, API));
    const countBefore = db
      .prepare(
        `WITH over AS (${BEFORE_SQL}) SELECT count(*) FROM recipients r JOIN over ON over.e164 = r.e164
          WHERE r.campaign_id = @campaignId AND ${sendableSql('r', '@profileId')}`,
      )
      .pluck();
    const checkBefore = BEFORE
      ? timed(1, () => countBefore.get({ ...params, profileId: PROFILE }), undefined, false)
      : SKIPPED;
    const wouldHold = history.wouldHold(id, PROFILE, API)!.recipients;
    const expected = [...over.keys()].filter((n) => onList.has(n)).length;
    if (wouldHold !== expected || wouldHold === 0)
      throw new Error(`the check holds ${wouldHold}, the statement until now ${expected}`);

    // 2. The send's recipients frozen, then the rule applied under the write lock.
    const sends = sendsTable(db);
    db.transaction(() =>
      sends.create({
        campaignId: id,
        state: 'queued',
        profileId: PROFILE,
        apiUrl: API,
        recipientsSha256: null,
        batchSize: BATCH,
        leaveOut: [],
        now: new Date(NOW).toISOString(),
      }),
    )();
    const send = { profile_id: PROFILE, api_url: API };
    const held = () => {
      const n = history.hold(id, send)!.recipients;
      const rows = db
        .prepare('SELECT e164, calls FROM send_held WHERE campaign_id = ?')
        .all(id) as Array<{ e164: string; calls: number }>;
      return { n, same: rows.every((r) => over.get(r.e164) === r.calls) };
    };
    const frozen = (fn: () => unknown) => {
      let out: unknown;
      rolledBack(db)(() => (out = fn()));
      return out;
    };
    const atFreeze = frozen(held) as { n: number; same: boolean };
    if (atFreeze.n !== wouldHold || !atFreeze.same)
      throw new Error(
        `the freeze held ${atFreeze.n} (check: ${wouldHold}), counts same: ${atFreeze.same}`,
      );
    const dropDnc = () => sends.dropOnDoNotCall(id, PROFILE);
    const freezeFloor = timed(CALLS, dropDnc, rolledBack(db));
    const freeze = timed(CALLS, () => history.hold(id, send), rolledBack(db));
    const holdBefore = db.prepare(
      `SELECT count(*) FROM send_recipients s JOIN (${BEFORE_SQL}) over ON over.e164 = s.e164
         JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
        WHERE s.campaign_id = @campaignId AND (b.envelopes ->> ('$."' || s.row || '"')) IS NULL`,
    );
    const freezeBefore = BEFORE
      ? timed(1, () => holdBefore.get(params), undefined, false)
      : SKIPPED;

    // 3. Half the batches sent (a resumed send), the rule applied again before the rest go.
    db.prepare(
      `UPDATE send_batches SET state = 'done', sent = size, envelopes = (
         SELECT jsonb_group_object(CAST(s.row AS TEXT), 'env-' || s.row) FROM send_recipients s
          WHERE s.campaign_id = send_batches.campaign_id AND s.batch = send_batches.batch)
        WHERE campaign_id = ? AND batch % 2 = 0`,
    ).run(id);
    db.prepare(
      'UPDATE send_recipients SET sent_at = ? WHERE campaign_id = ? AND batch % 2 = 0',
    ).run(new Date(NOW).toISOString(), id);
    const atResume = frozen(held) as { n: number; same: boolean };
    if (atResume.n > atFreeze.n || !atResume.same)
      throw new Error(`the resumed send held ${atResume.n} (at freeze ${atFreeze.n})`);
    const resumeFloor = timed(CALLS, dropDnc, rolledBack(db));
    const resume = timed(CALLS, () => history.hold(id, send), rolledBack(db));

    const resumeBefore = BEFORE
      ? timed(1, () => holdBefore.get(params), undefined, false)
      : SKIPPED;

    console.log(
      `held: ${wouldHold.toLocaleString('en-US')} of the list at the check and the freeze, ` +
        `${atResume.n.toLocaleString('en-US')} of the unsent half at the resume; ` +
        `${over.size.toLocaleString('en-US')} numbers over the limit in the history\n`,
    );
    const rows: Array<[string, Timing, Timing, Timing]> = [
      ['check  (Review, Send)', check, checkFloor, checkBefore],
      ['freeze (write lock)  ', freeze, freezeFloor, freezeBefore],
      ['resume (write lock)  ', resume, resumeFloor, resumeBefore],
    ];
    for (const [name, after, floor, old] of rows) {
      const met = after.p50 <= RATIO * floor.p50 + OVER_FLOOR_MS && after.worst <= TARGET_MS;
      ok &&= met;
      console.log(`${name} rule    ${show(after)}`);
      console.log(`                      floor   ${show(floor)}`);
      if (BEFORE)
        console.log(
          `                      before  ${show(old)}  (the statement until now, alone, once)`,
        );
      console.log(
        `                      ${met ? 'met' : 'MISSED'} (median ≤ ${RATIO}× floor + ${OVER_FLOOR_MS} ms, worst ≤ ${TARGET_MS} ms)\n`,
      );
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(ok ? 'all targets met' : 'SOME TARGETS MISSED');
  if (!ok && args.includes('--check')) process.exitCode = 1;
}

main();
