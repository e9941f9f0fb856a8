import type { Db } from '../open';
import { onDoNotCallSql } from './do-not-call';
import { Prepared, perHandle } from './statements';

/** A profile's rule as stored. */
export interface CallLimitRow {
  profile_id: string;
  max_calls: number;
  days: number;
}

/** One call of a number's history (a live send's envelope, or a remembered one). */
export interface CallRow {
  at: string;
  campaign_id: string;
  campaign_name: string;
  outcome: string | null;
  counts: 0 | 1;
  current: 0 | 1;
}

/** Whether a send's envelopes count as calls: not when it was cancelled before its schedule request. */
const sendCountsSql = (d: string) =>
  `NOT (${d}.state = 'cancelled' AND NOT EXISTS (
     SELECT 1 FROM send_steps st WHERE st.campaign_id = ${d}.campaign_id AND st.step = 'schedule'))`;

/**
 * CTEs ending in `over`: of the numbers in `numbers` (a CTE of distinct e164 in e164 order, with
 * a column `n` carried through), those already called `@maxCalls` times or more after `@since`
 * through `@apiUrl`, by campaigns other than `@campaignId` (columns e164, calls, n). A call's
 * time is when it ended (Omnigage's, read by julianday with its offset) or else when its
 * envelope was recorded (send_recipients.sent_at, migration 0016; NULL: no envelope, no call).
 *
 * It starts from the campaign's own numbers and finds their calls through the e164 indexes
 * (send_recipients_by_number, call_history_by_number), so the cost follows the list, not the
 * history: grouping every call of the address took ~20 s at a million past envelopes (npm run
 * bench:call-limit). The order of the work is spelled out (CROSS JOIN keeps the numbers
 * outside; `+c.campaign_id` keeps SQLite from walking the counted sends' rows or seeking the
 * index once per counted send for each number, 0.6–3 s), and the calls found are read in the order their rows are stored (`live`, `remembered`
 * sorted by key), so neighbouring calls share pages instead of each call reading its own.
 * Everything a live call needs is on its row (sent_at, finished_at): before migration 0016 each
 * one read its batch's blob of envelope ids, most of the ~1.5 s a check took.
 *
 * No index covers sent_at or finished_at: one on (e164, sent_at, finished_at) would spare the
 * sort and the row reads (~90 ms of ~300 at a million past envelopes), but its entry moves, at a
 * random place in a large index, for every envelope recorded and every result written: recording
 * 20,000 envelopes took 1–2.8 s instead of ~0.2 s, and each poll's writes 3–10 times as long
 * (BENCHMARKS.md, "The frequency rule over a long call history").
 */
const overLimitSql = (numbers: string) => `
  counted AS MATERIALIZED (
    SELECT d.campaign_id FROM sends d
     WHERE d.campaign_id != @campaignId AND rtrim(d.api_url, '/') = rtrim(@apiUrl, '/')
       AND ${sendCountsSql('d')}),
  live AS MATERIALIZED (
    SELECT c.campaign_id, c.row, n.n FROM ${numbers} n CROSS JOIN send_recipients c ON c.e164 = n.e164
     WHERE +c.campaign_id IN counted ORDER BY c.campaign_id, c.row),
  remembered AS MATERIALIZED (
    SELECT h.rowid AS id, n.n FROM ${numbers} n CROSS JOIN call_history h ON h.e164 = n.e164
     ORDER BY h.rowid),
  calls AS (
    SELECT c.e164 AS e164, l.n AS n FROM live l
      CROSS JOIN send_recipients c ON c.campaign_id = l.campaign_id AND c.row = l.row
     WHERE c.sent_at IS NOT NULL AND julianday(COALESCE(c.finished_at, c.sent_at)) > julianday(@since)
    UNION ALL
    SELECT h.e164, r.n FROM remembered r CROSS JOIN call_history h ON h.rowid = r.id
     WHERE h.counts = 1 AND h.campaign_id != @campaignId
       AND rtrim(h.api_url, '/') = rtrim(@apiUrl, '/') AND julianday(h.called_at) > julianday(@since)),
  over AS MATERIALIZED (
    SELECT e164, count(*) AS calls, max(n) AS n FROM calls GROUP BY e164 HAVING count(*) >= @maxCalls)`;

export interface OverLimitParams {
  campaignId: string;
  apiUrl: string;
  maxCalls: number;
  since: string;
}

/**
 * call_limits, send_held and call_history (migration 0012), and the reads of the send journal's
 * tables that make up who was called. The rule itself lives in electron/send/call-history.ts.
 */
class CallHistoryTable {
  readonly #s: Prepared;
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
    this.#s = new Prepared(db);
  }

  limit(profileId: string): CallLimitRow | undefined {
    return this.#s
      .get('SELECT profile_id, max_calls, days FROM call_limits WHERE profile_id = ?')
      .get(profileId) as CallLimitRow | undefined;
  }

  limits(): CallLimitRow[] {
    return this.#s
      .get('SELECT profile_id, max_calls, days FROM call_limits')
      .all() as CallLimitRow[];
  }

  profileExists(profileId: string): boolean {
    return this.#s.get('SELECT 1 FROM profiles WHERE id = ?').get(profileId) !== undefined;
  }

  setLimit(profileId: string, maxCalls: number, days: number, now: string): void {
    this.#s
      .get(
        `INSERT INTO call_limits (profile_id, max_calls, days, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (profile_id) DO UPDATE SET max_calls = excluded.max_calls, days = excluded.days, updated_at = excluded.updated_at`,
      )
      .run(profileId, maxCalls, days, now);
  }

  removeLimit(profileId: string): void {
    this.#s.get('DELETE FROM call_limits WHERE profile_id = ?').run(profileId);
  }

  /**
   * How many of a campaign's callable recipients (valid, not on the do-not-call list: sendableSql)
   * are over the limit. The do-not-call list is a rule about a number, so it is asked once for
   * each number over the limit rather than for each valid row of the list (that was ~50 ms of a
   * 100,000-row list's check); the count is the same.
   */
  countOverLimit(params: OverLimitParams & { profileId: string | null }): number {
    return this.#s
      .get(
        `WITH mine AS MATERIALIZED (
           SELECT r.e164, count(*) AS n FROM recipients r
            WHERE r.campaign_id = @campaignId AND r.status = 'valid' GROUP BY r.e164 ORDER BY r.e164),
         ${overLimitSql('mine')}
         SELECT COALESCE(sum(n), 0) FROM over WHERE NOT ${onDoNotCallSql('over.e164', '@profileId')}`,
        'pluck',
      )
      .get(params) as number;
  }

  /**
   * Takes the send's recipients without an envelope that are over the limit out of the send,
   * recording them in send_held, and sets the send's total again; one transaction. Returns how
   * many were held now.
   */
  holdOverLimit(params: OverLimitParams & { days: number; now: string }): number {
    return this.#db.transaction(() => {
      const held = this.#s
        .get(
          `INSERT OR REPLACE INTO send_held (campaign_id, row, e164, calls, max_calls, days, held_at)
           WITH unsent AS MATERIALIZED (
             SELECT s.e164, count(*) AS n FROM send_recipients s
              WHERE s.campaign_id = @campaignId AND s.sent_at IS NULL GROUP BY s.e164 ORDER BY s.e164),
           ${overLimitSql('unsent')}
           SELECT s.campaign_id, s.row, s.e164, over.calls, @maxCalls, @days, @now
             FROM over CROSS JOIN send_recipients s ON s.e164 = over.e164 AND s.campaign_id = @campaignId
            WHERE s.sent_at IS NULL`,
        )
        .run(params).changes;
      if (held === 0) return 0;
      const { campaignId } = params;
      this.#s
        .get(
          'DELETE FROM send_recipients WHERE campaign_id = ? AND row IN (SELECT row FROM send_held WHERE campaign_id = ?)',
        )
        .run(campaignId, campaignId);
      this.#s
        .get(
          'UPDATE sends SET total = (SELECT count(*) FROM send_recipients WHERE campaign_id = ?) WHERE campaign_id = ?',
        )
        .run(campaignId, campaignId);
      return held;
    })();
  }

  /** A send's held rows, by how often they had been called. */
  heldCounts(campaignId: string): Array<{ calls: number; days: number; n: number }> {
    return this.#s
      .get(
        'SELECT calls, days, count(*) AS n FROM send_held WHERE campaign_id = ? GROUP BY calls, days',
      )
      .all(campaignId) as Array<{ calls: number; days: number; n: number }>;
  }

  /** Every call handed over for `e164` (live sends and remembered ones), newest first. */
  calls(e164: string, limit: number): CallRow[] {
    return this.#s
      .get(
        `SELECT at, campaign_id, campaign_name, outcome, counts, current FROM (
           SELECT COALESCE(s.finished_at, s.sent_at) AS at, d.campaign_id AS campaign_id,
             COALESCE(c.name, '') AS campaign_name, s.outcome AS outcome,
             CASE WHEN ${sendCountsSql('d')} THEN 1 ELSE 0 END AS counts, 1 AS current
             FROM send_recipients s
             JOIN sends d ON d.campaign_id = s.campaign_id
             LEFT JOIN campaigns c ON c.id = s.campaign_id
            WHERE s.e164 = @e164 AND s.sent_at IS NOT NULL
           UNION ALL
           SELECT called_at, campaign_id, campaign_name, outcome, counts, 0 FROM call_history WHERE e164 = @e164)
         ORDER BY julianday(at) DESC LIMIT @limit`,
      )
      .all({ e164, limit }) as CallRow[];
  }
}

export const callHistoryTable = perHandle((db) => new CallHistoryTable(db));
