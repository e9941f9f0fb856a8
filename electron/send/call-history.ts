import { AppError } from '../../shared/errors';
import type { CallLimit, CallRecord, CallLimitHold } from '../../shared/call-history';
import { CALL_LIMIT_BOUNDS, describeHeld, describeHeldEveryone } from '../../shared/call-history';
import type { SendProblem } from '../../shared/send';
import { systemClock, type Clock } from '../clock';
import type { Db } from '../db/open';
import { sendableSql } from '../db/tables/recipients';
import type { AuditLog } from './audit';
import { envelopeIdSql } from '../db/tables/sends';
import type { SendRow } from './journal';

export type { CallLimit, CallRecord, CallLimitHold };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Who this computer has had called, and the frequency rule that reads it ("no more than N calls
 * to a number in D days", one optional rule per API profile). Owns call_limits, send_held and
 * call_history (migration 0012).
 *
 * A call is an envelope this computer handed to Omnigage: a send_recipients row with an envelope
 * id while its send exists, a call_history row after (a trigger copies them when the send row is
 * deleted). The test call ("Call me first") is not a call to a recipient and never counts. A
 * send cancelled before its schedule request went out called nobody, so its envelopes do not
 * count either; every other envelope does, whatever its outcome: the rule is there so nobody is
 * called too often, and an envelope Omnigage holds may still ring.
 *
 * Which calls count: those handed to the same Omnigage (the same API address) from any profile
 * on this computer. A person is one person whichever profile the office used to call them, so
 * two profiles of one office count together; a rehearsal on the sandbox called nobody, so it
 * never holds back a real send (and real calls do not hold back a rehearsal). The send's own
 * campaign never counts against itself: a resumed send's earlier batches are the same calls.
 *
 * When: a call counts from when it ended (Omnigage's time, once results are in) or else when its
 * envelope was recorded; a call counts when that moment is less than D days before the send.
 */
export class CallHistory {
  readonly #db: Db;
  readonly #clock: () => Date;

  constructor(db: Db, clock: Clock = systemClock) {
    this.#db = db;
    this.#clock = clock;
  }

  // ---- the rule ------------------------------------------------------------------------------

  /** A profile's rule; null when it has none (or there is no profile). */
  limit(profileId: string | null | undefined): CallLimit | null {
    if (!profileId) return null;
    const row = this.#db
      .prepare('SELECT max_calls, days FROM call_limits WHERE profile_id = ?')
      .get(profileId) as { max_calls: number; days: number } | undefined;
    return row ? { maxCalls: row.max_calls, days: row.days } : null;
  }

  /** Every profile's rule, by profile id (profiles without one are absent). */
  limits(): Record<string, CallLimit> {
    const rows = this.#db
      .prepare('SELECT profile_id, max_calls, days FROM call_limits')
      .all() as Array<{ profile_id: string; max_calls: number; days: number }>;
    return Object.fromEntries(
      rows.map((r) => [r.profile_id, { maxCalls: r.max_calls, days: r.days }]),
    );
  }

  /** Sets a profile's rule, or removes it (null). */
  setLimit(profileId: string, limit: CallLimit | null): CallLimit | null {
    if (!this.#db.prepare('SELECT 1 FROM profiles WHERE id = ?').get(profileId))
      throw new AppError('not_found', 'That profile no longer exists.');
    if (limit === null) {
      this.#db.prepare('DELETE FROM call_limits WHERE profile_id = ?').run(profileId);
      return null;
    }
    const { maxCalls, days } = limit;
    const bad = (n: number, [lo, hi]: readonly [number, number]) =>
      !Number.isInteger(n) || n < lo || n > hi;
    if (bad(maxCalls, CALL_LIMIT_BOUNDS.maxCalls) || bad(days, CALL_LIMIT_BOUNDS.days))
      throw new AppError(
        'invalid_input',
        `The limit takes whole numbers: ${CALL_LIMIT_BOUNDS.maxCalls.join('–')} calls in ${CALL_LIMIT_BOUNDS.days.join('–')} days.`,
      );
    this.#db
      .prepare(
        `INSERT INTO call_limits (profile_id, max_calls, days, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (profile_id) DO UPDATE SET max_calls = excluded.max_calls, days = excluded.days, updated_at = excluded.updated_at`,
      )
      .run(profileId, maxCalls, days, this.#clock().toISOString());
    return { maxCalls, days };
  }

  // ---- the rule at send time -----------------------------------------------------------------

  /**
   * SQL: the numbers already called `@maxCalls` times or more since `@since` through `@apiUrl`,
   * by campaigns other than `@campaignId`, with how many times (columns e164, calls).
   */
  static #overLimitSql = `
    WITH calls AS (
      SELECT s.e164 AS e164, COALESCE(s.finished_at, b.updated_at) AS at
        FROM sends d
        JOIN send_recipients s ON s.campaign_id = d.campaign_id
        JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
       WHERE d.campaign_id != @campaignId AND rtrim(d.api_url, '/') = rtrim(@apiUrl, '/')
         AND NOT (d.state = 'cancelled' AND NOT EXISTS (
           SELECT 1 FROM send_steps st WHERE st.campaign_id = d.campaign_id AND st.step = 'schedule'))
         AND ${envelopeIdSql()} IS NOT NULL
      UNION ALL
      SELECT e164, called_at FROM call_history
       WHERE counts = 1 AND campaign_id != @campaignId AND rtrim(api_url, '/') = rtrim(@apiUrl, '/')
    )
    SELECT e164, count(*) AS calls FROM calls WHERE julianday(at) > julianday(@since)
     GROUP BY e164 HAVING count(*) >= @maxCalls`;

  #params(campaignId: string, apiUrl: string, limit: CallLimit) {
    return {
      campaignId,
      apiUrl,
      maxCalls: limit.maxCalls,
      since: new Date(this.#clock().getTime() - limit.days * DAY_MS).toISOString(),
    };
  }

  /**
   * Before the send exists (Review, the Send card): how many of the campaign's callable
   * recipients (valid, not on the do-not-call list) the rule would hold back if the send started now.
   */
  wouldHold(campaignId: string, profileId: string | null, apiUrl: string): CallLimitHold | null {
    const limit = this.limit(profileId);
    if (!limit) return null;
    const recipients = this.#db
      .prepare(
        `WITH over AS (${CallHistory.#overLimitSql})
         SELECT count(*) FROM recipients r JOIN over ON over.e164 = r.e164
          WHERE r.campaign_id = @campaignId AND ${sendableSql('r', '@profileId')}`,
      )
      .pluck()
      .get({ ...this.#params(campaignId, apiUrl, limit), profileId }) as number;
    return { ...limit, recipients };
  }

  /**
   * At send time (after the send's recipients are frozen, and again before its envelopes go, as
   * the do-not-call list is): recipients without an envelope whose number reached the limit are
   * taken out of the send and recorded in send_held, in one transaction. Returns how many were
   * held now and the rule; null when the profile has no rule.
   */
  hold(
    campaignId: string,
    send: { profile_id: string | null; api_url: string },
  ): CallLimitHold | null {
    const limit = this.limit(send.profile_id);
    if (!limit) return null;
    const params = this.#params(campaignId, send.api_url, limit);
    const now = this.#clock().toISOString();
    const recipients = this.#db.transaction(() => {
      const held = this.#db
        .prepare(
          `INSERT OR REPLACE INTO send_held (campaign_id, row, e164, calls, max_calls, days, held_at)
           SELECT s.campaign_id, s.row, s.e164, over.calls, @maxCalls, @days, @now
             FROM send_recipients s JOIN (${CallHistory.#overLimitSql}) over ON over.e164 = s.e164
             JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
            WHERE s.campaign_id = @campaignId AND ${envelopeIdSql()} IS NULL`,
        )
        .run({ ...params, days: limit.days, now }).changes;
      if (held === 0) return 0;
      this.#db
        .prepare(
          'DELETE FROM send_recipients WHERE campaign_id = ? AND row IN (SELECT row FROM send_held WHERE campaign_id = ?)',
        )
        .run(campaignId, campaignId);
      this.#db
        .prepare(
          'UPDATE sends SET total = (SELECT count(*) FROM send_recipients WHERE campaign_id = ?) WHERE campaign_id = ?',
        )
        .run(campaignId, campaignId);
      return held;
    })();
    return { ...limit, recipients };
  }

  /**
   * The send check's word on a hold: a warning saying how many it would hold back, blocking when
   * that is everyone the send would call (`callable`); null when nobody is held.
   */
  static problem(hold: CallLimitHold, callable: number): SendProblem | null {
    if (hold.recipients === 0) return null;
    const everyone = hold.recipients >= callable;
    return {
      code: 'call_limit',
      blocking: everyone,
      message: everyone ? describeHeldEveryone(hold) : describeHeld(hold),
    };
  }

  /**
   * Holds back (hold()) and says so in the audit trail, with the rule: nobody is skipped without
   * a record. Returns the hold (recipients 0 when nobody was held this time).
   */
  holdAndRecord(
    campaignId: string,
    send: SendRow,
    audit: AuditLog,
    campaignName?: string,
  ): CallLimitHold | null {
    const hold = this.hold(campaignId, send);
    if (hold && hold.recipients > 0)
      audit.record({
        campaignId,
        campaignName,
        profileId: send.profile_id,
        recipientsSha256: send.recipients_sha256,
        action: 'send.held',
        count: hold.recipients,
        outcome: 'ok',
        detail: describeHeld(hold),
      });
    return hold;
  }

  /** Recipients a send held back under the rule, by how often they had been called. */
  heldCounts(campaignId: string): Array<{ calls: number; days: number; n: number }> {
    return this.#db
      .prepare(
        'SELECT calls, days, count(*) AS n FROM send_held WHERE campaign_id = ? GROUP BY calls, days',
      )
      .all(campaignId) as Array<{ calls: number; days: number; n: number }>;
  }

  // ---- a number's history --------------------------------------------------------------------

  /** Every call this computer handed over to `e164`, newest first (at most `limit`). */
  history(e164: string, limit = 200): CallRecord[] {
    return this.#db
      .prepare(
        `SELECT at, campaignId, campaignName, outcome, counts, current FROM (
           SELECT COALESCE(s.finished_at, b.updated_at) AS at, d.campaign_id AS campaignId,
             COALESCE(c.name, '') AS campaignName, s.outcome AS outcome,
             CASE WHEN d.state = 'cancelled' AND NOT EXISTS (SELECT 1 FROM send_steps st
               WHERE st.campaign_id = d.campaign_id AND st.step = 'schedule') THEN 0 ELSE 1 END AS counts,
             1 AS current
             FROM send_recipients s
             JOIN sends d ON d.campaign_id = s.campaign_id
             JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
             LEFT JOIN campaigns c ON c.id = s.campaign_id
            WHERE s.e164 = @e164 AND ${envelopeIdSql()} IS NOT NULL
           UNION ALL
           SELECT called_at, campaign_id, campaign_name, outcome, counts, 0 FROM call_history WHERE e164 = @e164)
         ORDER BY julianday(at) DESC LIMIT @limit`,
      )
      .all({ e164, limit })
      .map((r) => {
        const row = r as {
          at: string;
          campaignId: string;
          campaignName: string;
          outcome: string | null;
          counts: 0 | 1;
          current: 0 | 1;
        };
        return {
          at: row.at,
          campaignId: row.campaignId,
          campaignName: row.campaignName,
          outcome: row.outcome,
          counted: row.counts === 1,
          deleted: row.current === 0,
        };
      });
  }
}
