import { AppError } from '../../shared/errors';
import type { CallLimit, CallRecord, CallLimitHold } from '../../shared/call-history';
import { CALL_LIMIT_BOUNDS, describeHeld, describeHeldEveryone } from '../../shared/call-history';
import type { SendProblem } from '../../shared/send';
import { systemClock, type Clock } from '../clock';
import type { Db } from '../db/open';
import { callHistoryTable } from '../db/tables/call-history';
import type { AuditLog } from './audit';
import type { SendRow } from './journal';

export type { CallLimit, CallRecord, CallLimitHold };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Who this computer has had called, and the frequency rule that reads it ("no more than N calls
 * to a number in D days", one optional rule per API profile). Owns call_limits, send_held and
 * call_history (migration 0012).
 *
 * A call is an envelope this computer handed to Omnigage: a send_recipients row with an envelope
 * id (its sent_at set, migration 0016) while its send exists, a call_history row after (a trigger
 * copies them when the send row is deleted). The test call ("Call me first") is not a call to a recipient and never counts. A
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
 * envelope was recorded (sent_at; for sends made before migration 0016, the time of their
 * batch's last change, which is what was read then); a call counts when that moment is less
 * than D days before the send.
 */
export class CallHistory {
  readonly #table: ReturnType<typeof callHistoryTable>;
  readonly #clock: () => Date;

  constructor(db: Db, clock: Clock = systemClock) {
    this.#table = callHistoryTable(db);
    this.#clock = clock;
  }

  // ---- the rule ------------------------------------------------------------------------------

  /** A profile's rule; null when it has none (or there is no profile). */
  limit(profileId: string | null | undefined): CallLimit | null {
    const row = profileId ? this.#table.limit(profileId) : undefined;
    return row ? { maxCalls: row.max_calls, days: row.days } : null;
  }

  /** Every profile's rule, by profile id (profiles without one are absent). */
  limits(): Record<string, CallLimit> {
    return Object.fromEntries(
      this.#table.limits().map((r) => [r.profile_id, { maxCalls: r.max_calls, days: r.days }]),
    );
  }

  /** Sets a profile's rule, or removes it (null). */
  setLimit(profileId: string, limit: CallLimit | null): CallLimit | null {
    if (!this.#table.profileExists(profileId))
      throw new AppError('not_found', 'That profile no longer exists.');
    if (limit === null) {
      this.#table.removeLimit(profileId);
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
    this.#table.setLimit(profileId, maxCalls, days, this.#clock().toISOString());
    return { maxCalls, days };
  }

  // ---- the rule at send time -----------------------------------------------------------------

  /** The window a rule looks back over, from now. */
  #since(limit: CallLimit): string {
    return new Date(this.#clock().getTime() - limit.days * DAY_MS).toISOString();
  }

  /**
   * Before the send exists (Review, the Send card): how many of the campaign's callable
   * recipients (valid, not on the do-not-call list) the rule would hold back if the send started
   * now; null when the profile has no rule.
   */
  wouldHold(campaignId: string, profileId: string | null, apiUrl: string): CallLimitHold | null {
    const limit = this.limit(profileId);
    if (!limit) return null;
    const recipients = this.#table.countOverLimit({
      campaignId,
      apiUrl,
      maxCalls: limit.maxCalls,
      since: this.#since(limit),
      profileId,
    });
    return { ...limit, recipients };
  }

  /**
   * At send time (once the send's recipients are frozen, and again before its envelopes go, as
   * the do-not-call list is): recipients without an envelope whose number reached the limit are
   * taken out of the send and recorded in send_held. Returns how many were held now and the
   * rule; null when the profile has no rule.
   */
  hold(
    campaignId: string,
    send: { profile_id: string | null; api_url: string },
  ): CallLimitHold | null {
    const limit = this.limit(send.profile_id);
    if (!limit) return null;
    const recipients = this.#table.holdOverLimit({
      campaignId,
      apiUrl: send.api_url,
      maxCalls: limit.maxCalls,
      days: limit.days,
      since: this.#since(limit),
      now: this.#clock().toISOString(),
    });
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
    return this.#table.heldCounts(campaignId);
  }

  // ---- a number's history --------------------------------------------------------------------

  /** Every call this computer handed over to `e164`, newest first (at most `limit`). */
  history(e164: string, limit = 200): CallRecord[] {
    return this.#table.calls(e164, limit).map((r) => ({
      at: r.at,
      campaignId: r.campaign_id,
      campaignName: r.campaign_name,
      outcome: r.outcome,
      counted: r.counts === 1,
      deleted: r.current === 0,
    }));
  }
}
