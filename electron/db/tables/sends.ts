import type { SendState } from '../../../shared/send';
import type { Db } from '../open';
import { onDoNotCallSql } from './do-not-call';
import { sendableSql, zonePrefixSql } from './recipients';
import { Prepared, perHandle } from './statements';

/**
 * SQL for the envelope id of send_recipients row `s`, joined to its send_batches row `b`
 * (same campaign and batch); NULL while the recipient has none. Envelope ids live with their
 * batch (migration 0007): `send_batches.envelopes` is an object from recipient row to envelope
 * id (JSONB) and `sent` counts its entries.
 */
export function envelopeIdSql(s = 's', b = 'b'): string {
  return `${b}.envelopes ->> ('$."' || ${s}.row || '"')`;
}

/** A handed-over recipient's outcome: `pending` until known, `not sent` without an envelope. */
const OUTCOME_SQL = `COALESCE(s.outcome, CASE WHEN ${envelopeIdSql()} IS NULL THEN 'not sent' ELSE 'pending' END)`;

export interface SendRow {
  campaign_id: string;
  state: SendState;
  profile_id: string | null;
  api_url: string;
  caller_id: string | null;
  recipients_sha256: string | null;
  batch_size: number;
  total: number;
  engagement_id: string | null;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  next_attempt_at: number | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  polls: number;
  next_poll_at: number | null;
  polled_at: string | null;
  remote_status: string | null;
  remote_counts: string | null;
  created_at: string;
  updated_at: string;
  scheduled_at: string | null;
  completed_at: string | null;
}

/** The columns of a send that change after it is created. */
export type SendFields = Partial<Omit<SendRow, 'campaign_id' | 'created_at'>>;

export interface StepRow {
  step: string;
  state: 'in_flight' | 'done';
  remote_id: string | null;
  detail: string | null;
  updated_at: string;
}

/** A recipient row of the list joined to what its send did with it (Results). */
export interface ResultJoinRow {
  row: number;
  phone_raw: string;
  rstatus: 'valid' | 'invalid' | 'duplicate';
  duplicate_of: number | null;
  re164: string | null;
  fields: string;
  in_send: number | null;
  envelope_id: string | null;
  status: string | null;
  outcome: string | null;
  call_status: string | null;
  /** Why the send left the row out for its calling hours (the word given), else null. */
  left_out: string | null;
  /** Held back by the profile's frequency rule (send_held): the calls the number had had, in how many days. */
  held_calls: number | null;
  held_days: number | null;
  finished_at: string | null;
  /** The row as the spreadsheet numbers it, and the one a duplicate repeats (NULL before migration 0011). */
  line: number | null;
  duplicate_line: number | null;
}

/** What a results poll writes for one recipient (null result/outcome: keep the one stored). */
export interface CallResult {
  status: string | null;
  callId: string | null;
  callStatus: string | null;
  duration: number | null;
  finishedAt: string | null;
  resultId: string | null;
  outcome: string | null;
}

/** What a new send is made from (see SendsTable.create). */
export interface NewSend {
  campaignId: string;
  state: SendState;
  profileId: string | null;
  apiUrl: string;
  recipientsSha256: string | null;
  batchSize: number;
  /** Zone prefixes (zonePrefixSql) of recipients left out: outside their calling hours. */
  leaveOut: readonly string[];
}

/**
 * The send journal's tables: one send per campaign (sends: run state, lease, polling), its steps
 * (send_steps), its batches with their envelope ids (send_batches) and its frozen recipients
 * with their results (send_recipients). Every read or write of these tables goes through here.
 */
class SendsTable {
  readonly #s: Prepared;

  constructor(db: Db) {
    this.#s = new Prepared(db);
  }

  // ---- the send ---------------------------------------------------------------------------

  find(campaignId: string): SendRow | undefined {
    return this.#s.get('SELECT * FROM sends WHERE campaign_id = ?').get(campaignId) as
      SendRow | undefined;
  }

  /**
   * Creates the send (replacing any earlier one) and freezes its recipients, numbered into
   * batches of `batchSize`: the sendable rows (sendableSql, for the profile now) whose zone
   * prefix is not in `leaveOut`, in row order. Done in SQL: no row passes through JavaScript.
   * Run it inside a transaction.
   */
  create(input: NewSend & { now: string }): void {
    const { campaignId, batchSize, now } = input;
    this.delete(campaignId);
    this.#s
      .get(
        `INSERT INTO sends (campaign_id, state, profile_id, api_url, recipients_sha256, batch_size, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        campaignId,
        input.state,
        input.profileId,
        input.apiUrl,
        input.recipientsSha256,
        batchSize,
        now,
        now,
      );
    this.#s
      .get(
        `INSERT INTO send_recipients (campaign_id, row, e164, batch, meta)
         SELECT r.campaign_id, r.row, r.e164, (ROW_NUMBER() OVER (ORDER BY r.row) - 1) / CAST(? AS INTEGER), ''
         FROM recipients r
         WHERE r.campaign_id = ? AND ${sendableSql('r', '?')}
           AND ${zonePrefixSql('r')} NOT IN (SELECT value FROM json_each(?))
         ORDER BY r.row`,
      )
      .run(batchSize, campaignId, input.profileId, JSON.stringify(input.leaveOut));
    this.#s
      .get(
        `INSERT INTO send_batches (campaign_id, batch, state, size, first_row, last_row, updated_at)
         SELECT campaign_id, batch, 'pending', count(*), min(row), max(row), ? FROM send_recipients WHERE campaign_id = ? GROUP BY batch`,
      )
      .run(now, campaignId);
    this.#recount(campaignId);
  }

  #recount(campaignId: string): void {
    this.#s
      .get(
        'UPDATE sends SET total = (SELECT count(*) FROM send_recipients WHERE campaign_id = ?) WHERE campaign_id = ?',
      )
      .run(campaignId, campaignId);
  }

  delete(campaignId: string): void {
    this.#s.get('DELETE FROM sends WHERE campaign_id = ?').run(campaignId);
  }

  /** Sets the given columns (undefined ones are left alone) and updated_at. */
  update(campaignId: string, fields: SendFields, now: string): void {
    // The column names are SendRow's, from the code; never from outside.
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    const sets = entries.map(([k]) => `${k} = ?`);
    sets.push('updated_at = ?');
    this.#s
      .get(`UPDATE sends SET ${sets.join(', ')} WHERE campaign_id = ?`)
      .run(...entries.map(([, v]) => v as string | number | null), now, campaignId);
  }

  /** Campaigns whose send the outbox drives (queued or sending), with when to try next. */
  outbox(): Array<{ campaign_id: string; state: SendState; next_attempt_at: number | null }> {
    return this.#s
      .get(
        "SELECT campaign_id, state, next_attempt_at FROM sends WHERE state IN ('queued','sending')",
      )
      .all() as Array<{ campaign_id: string; state: SendState; next_attempt_at: number | null }>;
  }

  /**
   * Sends with a "send at" time that will go by themselves (queued or sending), with that time,
   * oldest first.
   */
  waitingForTime(): Array<{ campaignId: string; at: string }> {
    return this.#s
      .get(
        `SELECT s.campaign_id AS campaignId, json_extract(c.delivery, '$.at') AS at
           FROM sends s JOIN campaigns c ON c.id = s.campaign_id
          WHERE s.state IN ('queued','sending') AND json_extract(c.delivery, '$.type') = 'at'
            AND json_extract(c.delivery, '$.at') IS NOT NULL
          ORDER BY s.created_at`,
      )
      .all() as Array<{ campaignId: string; at: string }>;
  }

  /** Campaigns whose send has not finished (queued, sending or paused), oldest first. */
  unfinishedIds(): string[] {
    return this.#s
      .get(
        "SELECT campaign_id FROM sends WHERE state IN ('queued','sending','paused') ORDER BY created_at",
        'pluck',
      )
      .all() as string[];
  }

  /** Scheduled sends whose results are due to be polled at `now` (ms). */
  dueForPoll(now: number): string[] {
    return this.#s
      .get(
        "SELECT campaign_id FROM sends WHERE state = 'scheduled' AND (next_poll_at IS NULL OR next_poll_at <= ?)",
        'pluck',
      )
      .all(now) as string[];
  }

  // ---- the lease --------------------------------------------------------------------------

  lease(
    campaignId: string,
  ): { lease_owner: string | null; lease_expires_at: number | null } | undefined {
    return this.#s
      .get('SELECT lease_owner, lease_expires_at FROM sends WHERE campaign_id = ?')
      .get(campaignId) as
      { lease_owner: string | null; lease_expires_at: number | null } | undefined;
  }

  takeLease(campaignId: string, owner: string, expiresAt: number): void {
    this.#s
      .get('UPDATE sends SET lease_owner = ?, lease_expires_at = ? WHERE campaign_id = ?')
      .run(owner, expiresAt, campaignId);
  }

  renewLease(campaignId: string, owner: string, expiresAt: number): void {
    this.#s
      .get('UPDATE sends SET lease_expires_at = ? WHERE campaign_id = ? AND lease_owner = ?')
      .run(expiresAt, campaignId, owner);
  }

  releaseLease(campaignId: string, owner: string): void {
    this.#s
      .get(
        'UPDATE sends SET lease_owner = NULL, lease_expires_at = NULL WHERE campaign_id = ? AND lease_owner = ?',
      )
      .run(campaignId, owner);
  }

  // ---- steps ------------------------------------------------------------------------------

  step(campaignId: string, step: string): StepRow | undefined {
    return this.#s
      .get(
        'SELECT step, state, remote_id, detail, updated_at FROM send_steps WHERE campaign_id = ? AND step = ?',
      )
      .get(campaignId, step) as StepRow | undefined;
  }

  steps(campaignId: string): StepRow[] {
    return this.#s
      .get(
        'SELECT step, state, remote_id, updated_at FROM send_steps WHERE campaign_id = ? ORDER BY updated_at, step',
      )
      .all(campaignId) as StepRow[];
  }

  putStep(
    campaignId: string,
    step: string,
    state: StepRow['state'],
    remoteId: string | null,
    detail: string | null,
    now: string,
  ): void {
    this.#s
      .get(
        `INSERT INTO send_steps (campaign_id, step, state, remote_id, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (campaign_id, step) DO UPDATE SET state = excluded.state, remote_id = excluded.remote_id,
           detail = excluded.detail, updated_at = excluded.updated_at`,
      )
      .run(campaignId, step, state, remoteId, detail, now);
  }

  // ---- batches and envelopes --------------------------------------------------------------

  setBatchState(
    campaignId: string,
    batch: number,
    state: 'pending' | 'in_flight' | 'done',
    attempt: boolean,
    now: string,
  ): void {
    this.#s
      .get(
        'UPDATE send_batches SET state = ?, attempts = attempts + ?, updated_at = ? WHERE campaign_id = ? AND batch = ?',
      )
      .run(state, attempt ? 1 : 0, now, campaignId, batch);
  }

  /** Batches not yet done, in order, with their state. */
  openBatches(campaignId: string): Array<{ batch: number; state: 'pending' | 'in_flight' }> {
    return this.#s
      .get(
        "SELECT batch, state FROM send_batches WHERE campaign_id = ? AND state != 'done' ORDER BY batch",
      )
      .all(campaignId) as Array<{ batch: number; state: 'pending' | 'in_flight' }>;
  }

  /** True once any envelope request has gone out. */
  envelopesAttempted(campaignId: string): boolean {
    return (
      this.#s
        .get(
          "SELECT 1 FROM send_batches WHERE campaign_id = ? AND (attempts > 0 OR state != 'pending') LIMIT 1",
        )
        .get(campaignId) !== undefined
    );
  }

  /**
   * Recipients of batches `from`…`to` without an envelope, in row order, as
   * [batch, row, e164, cells JSON]. A batch is a run of consecutive rows (a primary-key range);
   * the cells come from the recipients rows, which cannot change while a send exists.
   */
  missingInBatches(
    campaignId: string,
    from: number,
    to: number,
  ): Array<[batch: number, row: number, e164: string, fields: string]> {
    return this.#s
      .get(
        `SELECT b.batch, s.row, s.e164, r.fields
         FROM send_batches b
         JOIN send_recipients s ON s.campaign_id = b.campaign_id AND s.row BETWEEN b.first_row AND b.last_row
         JOIN recipients r ON r.campaign_id = s.campaign_id AND r.row = s.row
         WHERE b.campaign_id = ? AND b.batch BETWEEN ? AND ?
           AND (b.envelopes IS NULL OR ${envelopeIdSql()} IS NULL) ORDER BY s.row`,
        'raw',
      )
      .all(campaignId, from, to) as Array<[number, number, string, string]>;
  }

  /** A batch's envelope ids as JSON text (row → id); null or undefined when it has none. */
  batchEnvelopes(campaignId: string, batch: number): string | null | undefined {
    return this.#s
      .get('SELECT json(envelopes) FROM send_batches WHERE campaign_id = ? AND batch = ?', 'pluck')
      .get(campaignId, batch) as string | null | undefined;
  }

  /**
   * Replaces a batch's envelope ids (`json`: row → id, every id the batch has) and how many
   * there are, and stamps `now` as sent_at (migration 0016) on its rows that had none: a row has
   * sent_at exactly when its batch holds an id for it, and an id recorded earlier keeps its time.
   * Ids are only ever added, never taken back. Run it inside a transaction.
   */
  setBatchEnvelopes(
    campaignId: string,
    batch: number,
    json: string,
    sent: number,
    now: string,
  ): void {
    this.#s
      .get(
        'UPDATE send_batches SET envelopes = jsonb(?), sent = ?, updated_at = ? WHERE campaign_id = ? AND batch = ?',
      )
      .run(json, sent, now, campaignId, batch);
    this.#s
      .get(
        `UPDATE send_recipients SET sent_at = ? WHERE campaign_id = ? AND sent_at IS NULL
           AND row IN (SELECT CAST(key AS INTEGER) FROM json_each(?))`,
      )
      .run(now, campaignId, json);
  }

  /** Every recipient of the send with its envelope id (null while it has none), in row order. */
  recipientEnvelopes(
    campaignId: string,
  ): Array<{ batch: number; row: number; e164: string; envelopeId: string | null }> {
    return this.#s
      .get(
        `SELECT s.batch, s.row, s.e164, ${envelopeIdSql()} AS envelopeId FROM send_recipients s
         JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
         WHERE s.campaign_id = ? ORDER BY s.row`,
      )
      .all(campaignId) as Array<{
      batch: number;
      row: number;
      e164: string;
      envelopeId: string | null;
    }>;
  }

  /** Recipients of the send still without an envelope. */
  waitingForEnvelope(campaignId: string): Array<{ batch: number; row: number; e164: string }> {
    return this.#s
      .get(
        `SELECT s.batch, s.row, s.e164 FROM send_recipients s
         JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
         WHERE s.campaign_id = ? AND ${envelopeIdSql()} IS NULL`,
      )
      .all(campaignId) as Array<{ batch: number; row: number; e164: string }>;
  }

  /** In-flight batches whose recipients all have envelopes become done, the others pending. */
  settleInFlightBatches(campaignId: string, now: string): void {
    this.#s
      .get(
        `UPDATE send_batches SET updated_at = ?, state = CASE WHEN EXISTS (SELECT 1 FROM send_recipients r
           WHERE r.campaign_id = send_batches.campaign_id AND r.row BETWEEN send_batches.first_row AND send_batches.last_row
             AND ${envelopeIdSql('r', 'send_batches')} IS NULL)
           THEN 'pending' ELSE 'done' END
         WHERE campaign_id = ? AND state = 'in_flight'`,
      )
      .run(now, campaignId);
  }

  /** Recipients with an envelope. */
  sentCount(campaignId: string): number {
    return this.#s
      .get('SELECT COALESCE(sum(sent), 0) FROM send_batches WHERE campaign_id = ?', 'pluck')
      .get(campaignId) as number;
  }

  /**
   * Drops the recipients without an envelope whose number is now on the do-not-call list for the
   * profile, and counts the send's recipients again; returns how many went. Run it inside a
   * transaction.
   */
  dropOnDoNotCall(campaignId: string, profileId: string | null): number {
    const dropped = this.#s
      .get(
        `DELETE FROM send_recipients WHERE campaign_id = ?
           AND ${onDoNotCallSql('send_recipients.e164', '?')}
           AND NOT EXISTS (SELECT 1 FROM send_batches b WHERE b.campaign_id = send_recipients.campaign_id
             AND b.batch = send_recipients.batch AND ${envelopeIdSql('send_recipients')} IS NOT NULL)`,
      )
      .run(campaignId, profileId).changes;
    if (dropped > 0) this.#recount(campaignId);
    return dropped;
  }

  // ---- results ----------------------------------------------------------------------------

  /** The recipients that have an envelope, with what is known of their call so far. */
  withEnvelope(campaignId: string): Array<{
    row: number;
    e164: string;
    result_id: string | null;
    outcome: string | null;
    envelope_id: string;
  }> {
    return this.#s
      .get(
        `SELECT s.row, s.e164, s.result_id, s.outcome, ${envelopeIdSql()} AS envelope_id FROM send_recipients s
         JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
         WHERE s.campaign_id = ? AND ${envelopeIdSql()} IS NOT NULL`,
      )
      .all(campaignId) as Array<{
      row: number;
      e164: string;
      result_id: string | null;
      outcome: string | null;
      envelope_id: string;
    }>;
  }

  setCallResult(campaignId: string, row: number, r: CallResult): void {
    this.#s
      .get(
        `UPDATE send_recipients SET status = ?, call_id = ?, call_status = ?, duration = ?, finished_at = ?,
           result_id = COALESCE(?, result_id), outcome = COALESCE(?, outcome)
         WHERE campaign_id = ? AND row = ?`,
      )
      .run(
        r.status,
        r.callId,
        r.callStatus,
        r.duration,
        r.finishedAt,
        r.resultId,
        r.outcome,
        campaignId,
        row,
      );
  }

  /**
   * A page of the list's rows (every row, sent or not) joined to what the send did with each;
   * `leftOut`: the zone prefixes the send left out for calling hours (a JSON array) and the
   * word that says so for their rows.
   */
  resultRows(
    campaignId: string,
    leftOut: readonly [prefixes: string, word: string],
    limit: number,
    offset: number,
  ): ResultJoinRow[] {
    return this.#s
      .get(
        `SELECT r.row, r.phone_raw, r.status AS rstatus, r.duplicate_of, r.e164 AS re164, r.fields,
           s.row AS in_send, ${envelopeIdSql()} AS envelope_id, s.status, s.outcome, s.call_status, s.finished_at,
           (CASE WHEN ${zonePrefixSql('r')} IN (SELECT value FROM json_each(?)) THEN ? END) AS left_out,
           h.calls AS held_calls, h.days AS held_days, r.source_line AS line,
           (CASE WHEN r.duplicate_of IS NOT NULL THEN (SELECT d.source_line FROM recipients d
             WHERE d.campaign_id = r.campaign_id AND d.row = r.duplicate_of) END) AS duplicate_line
         FROM recipients r LEFT JOIN send_recipients s ON s.campaign_id = r.campaign_id AND s.row = r.row
           LEFT JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
           LEFT JOIN send_held h ON h.campaign_id = r.campaign_id AND h.row = r.row
         WHERE r.campaign_id = ? ORDER BY r.row LIMIT ? OFFSET ?`,
      )
      .all(...leftOut, campaignId, limit, offset) as ResultJoinRow[];
  }

  /** The recipients handed over at send time, by outcome (OUTCOME_SQL). */
  outcomeCounts(campaignId: string): Array<{ o: string; n: number }> {
    return this.#s
      .get(
        `SELECT ${OUTCOME_SQL} AS o, count(*) AS n
         FROM send_recipients s LEFT JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
         WHERE s.campaign_id = ? GROUP BY o`,
      )
      .all(campaignId) as Array<{ o: string; n: number }>;
  }

  /** outcomeCounts for several campaigns in one grouped query. */
  outcomeCountsOf(campaignIds: readonly string[]): Array<{ id: string; o: string; n: number }> {
    return this.#s
      .get(
        `SELECT s.campaign_id AS id, ${OUTCOME_SQL} AS o, count(*) AS n
         FROM send_recipients s LEFT JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
         WHERE s.campaign_id IN (SELECT value FROM json_each(?)) GROUP BY s.campaign_id, o`,
      )
      .all(JSON.stringify(campaignIds)) as Array<{ id: string; o: string; n: number }>;
  }

  /**
   * The list's rows never handed over, by why (`leftOut`: as for resultRows); rows the frequency
   * rule held back are 'held' here (CallHistory.heldCounts says how often they had been called).
   */
  heldBackCounts(
    campaignId: string,
    leftOut: readonly [prefixes: string, word: string],
  ): Array<{ o: string; n: number }> {
    return this.#s
      .get(
        `SELECT CASE WHEN r.status = 'invalid' THEN 'not called: invalid number'
                WHEN r.status = 'duplicate' THEN 'not called: repeats another row'
                WHEN EXISTS (SELECT 1 FROM send_held h WHERE h.campaign_id = r.campaign_id AND h.row = r.row) THEN 'held'
                WHEN ${zonePrefixSql('r')} IN (SELECT value FROM json_each(?)) THEN ?
                ELSE 'not called: opted out' END AS o, count(*) AS n
         FROM recipients r WHERE r.campaign_id = ?
           AND NOT EXISTS (SELECT 1 FROM send_recipients s WHERE s.campaign_id = r.campaign_id AND s.row = r.row)
         GROUP BY o`,
      )
      .all(...leftOut, campaignId) as Array<{ o: string; n: number }>;
  }

  /** Calls ended per minute (Omnigage's times, with their offsets, read by SQLite), as [minute, count]. */
  calledPerMinute(campaignId: string): Array<[number, number]> {
    return this.#s
      .get(
        `SELECT CAST(strftime('%s', finished_at) AS INTEGER) / 60 AS minute, count(*) AS n FROM send_recipients
         WHERE campaign_id = ? AND finished_at IS NOT NULL AND minute IS NOT NULL GROUP BY minute ORDER BY minute`,
        'raw',
      )
      .all(campaignId) as Array<[number, number]>;
  }

  /** The rows of the send whose outcome is one of `outcomes`, in row order. */
  rowsWithOutcome(campaignId: string, outcomes: readonly string[]): number[] {
    if (outcomes.length === 0) return [];
    return this.#s
      .get(
        `SELECT row FROM send_recipients WHERE campaign_id = ? AND outcome IN (${outcomes.map(() => '?').join(', ')}) ORDER BY row`,
        'pluck',
      )
      .all(campaignId, ...outcomes) as number[];
  }
}

export const sendsTable = perHandle((db) => new SendsTable(db));
