import type { HeldFollowUp, JournalStep, SendState } from '../../shared/send';
import type { Engagement } from '../api/client';
import { phoneKey } from '../api/phone-key';
import type { Db } from '../db/open';
import { onDoNotCallSql, sendableSql } from '../recipients/opt-outs';
import { zonePrefixSql } from '../recipients/service';

/**
 * The journal step that records who a send left out for being outside their calling hours when
 * the calls start (detail: the zone prefixes, how many, when and the window), read by Results.
 */
export const CALLING_WINDOW_STEP = 'calling-window';

/**
 * The send journal in SQLite. Every write here is committed before the engine makes its next
 * request, so after a crash the journal says exactly which remote objects exist (`done`),
 * which requests went out without an answer (`in_flight`) and which recipients have an
 * envelope.
 *
 * Envelope ids live with their batch (migration 0007): `send_batches.envelopes` is an object
 * from recipient row to envelope id (JSONB; json() shows it as text) and `sent` counts its
 * entries, so an answered bulk request is one row written. A recipient's id is read through
 * its batch: envelopeIdSql().
 */

/**
 * SQL for the envelope id of send_recipients row `s`, joined to its send_batches row `b`
 * (same campaign and batch); NULL while the recipient has none.
 */
export function envelopeIdSql(s = 's', b = 'b'): string {
  return `${b}.envelopes ->> ('$."' || ${s}.row || '"')`;
}

/** The engagement's progress as the send row keeps it (`remote_counts`, JSON). */
export function remoteCounts(engagement: Engagement): string {
  return JSON.stringify({
    total: engagement.countTotal,
    complete: engagement.countComplete,
    incomplete: engagement.countIncomplete,
    approved: engagement.complianceApproved,
  });
}

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

export interface StepRow {
  step: string;
  state: 'in_flight' | 'done';
  remote_id: string | null;
  detail: string | null;
  updated_at: string;
}

export interface BatchRecipient {
  row: number;
  e164: string;
  /** The row's cells as JSON (an array, in the list's column order), from the recipients table. */
  meta: string;
}

export class Journal {
  readonly #db: Db;
  readonly #clock: () => Date;
  readonly #stmts;

  /** One transaction wrapper for all: better-sqlite3 builds a new one per db.transaction() call. */
  readonly #tx: (work: () => unknown) => unknown;

  constructor(db: Db, clock: () => Date) {
    this.#db = db;
    this.#clock = clock;
    this.#tx = db.transaction((work: () => unknown) => work());
    this.#stmts = {
      send: db.prepare('SELECT * FROM sends WHERE campaign_id = ?'),
      step: db.prepare(
        'SELECT step, state, remote_id, detail, updated_at FROM send_steps WHERE campaign_id = ? AND step = ?',
      ),
      upsertStep: db.prepare(
        `INSERT INTO send_steps (campaign_id, step, state, remote_id, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (campaign_id, step) DO UPDATE SET state = excluded.state, remote_id = excluded.remote_id,
           detail = excluded.detail, updated_at = excluded.updated_at`,
      ),
      batchState: db.prepare(
        'UPDATE send_batches SET state = ?, attempts = attempts + ?, updated_at = ? WHERE campaign_id = ? AND batch = ?',
      ),
      // A batch is a run of consecutive rows: a primary-key range. Merge values come from the
      // recipients rows, which cannot change while the campaign is locked for sending.
      rangeMissing: db
        .prepare(
          `SELECT b.batch, s.row, s.e164, r.fields
           FROM send_batches b
           JOIN send_recipients s ON s.campaign_id = b.campaign_id AND s.row BETWEEN b.first_row AND b.last_row
           JOIN recipients r ON r.campaign_id = s.campaign_id AND r.row = s.row
           WHERE b.campaign_id = ? AND b.batch BETWEEN ? AND ?
             AND (b.envelopes IS NULL OR ${envelopeIdSql()} IS NULL) ORDER BY s.row`,
        )
        .raw(true),
      batchEnvelopes: db
        .prepare('SELECT json(envelopes) FROM send_batches WHERE campaign_id = ? AND batch = ?')
        .pluck(),
      setBatchEnvelopes: db.prepare(
        'UPDATE send_batches SET envelopes = jsonb(?), sent = ?, updated_at = ? WHERE campaign_id = ? AND batch = ?',
      ),
      sentCount: db
        .prepare('SELECT COALESCE(sum(sent), 0) FROM send_batches WHERE campaign_id = ?')
        .pluck(),
      touch: db.prepare('UPDATE sends SET updated_at = ? WHERE campaign_id = ?'),
    };
  }

  #now(): string {
    return this.#clock().toISOString();
  }

  get(campaignId: string): SendRow | undefined {
    return this.#stmts.send.get(campaignId) as SendRow | undefined;
  }

  /**
   * Creates the send and freezes its recipients, in one transaction: the campaign's valid rows
   * whose number is not on the profile's opt-out list now, in row order, numbered into batches.
   * Done in SQL (no row passes through JS); `meta` keeps the row's cells, which the engine maps
   * to merge keys with the list's column mapping (the list cannot change while a send exists).
   */
  create(input: {
    campaignId: string;
    state: SendState;
    profileId: string | null;
    apiUrl: string;
    recipientsSha256: string | null;
    batchSize: number;
    /** Zone prefixes (zonePrefixSql) of recipients left out: outside their calling hours. */
    leaveOut?: readonly string[];
  }): SendRow {
    const now = this.#now();
    const { campaignId, batchSize } = input;
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM sends WHERE campaign_id = ?').run(campaignId);
      this.#db
        .prepare(
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
      this.#db
        .prepare(
          `INSERT INTO send_recipients (campaign_id, row, e164, batch, meta)
           SELECT r.campaign_id, r.row, r.e164, (ROW_NUMBER() OVER (ORDER BY r.row) - 1) / CAST(? AS INTEGER), ''
           FROM recipients r
           WHERE r.campaign_id = ? AND ${sendableSql('r', '?')}
             AND ${zonePrefixSql('r')} NOT IN (SELECT value FROM json_each(?))
           ORDER BY r.row`,
        )
        .run(batchSize, campaignId, input.profileId, JSON.stringify(input.leaveOut ?? []));
      this.#db
        .prepare(
          `INSERT INTO send_batches (campaign_id, batch, state, size, first_row, last_row, updated_at)
           SELECT campaign_id, batch, 'pending', count(*), min(row), max(row), ? FROM send_recipients WHERE campaign_id = ? GROUP BY batch`,
        )
        .run(now, campaignId);
      this.#db
        .prepare(
          'UPDATE sends SET total = (SELECT count(*) FROM send_recipients WHERE campaign_id = ?) WHERE campaign_id = ?',
        )
        .run(campaignId, campaignId);
    })();
    return this.get(campaignId)!;
  }

  discard(campaignId: string): void {
    this.#db.prepare('DELETE FROM sends WHERE campaign_id = ?').run(campaignId);
  }

  update(campaignId: string, fields: Partial<Omit<SendRow, 'campaign_id' | 'created_at'>>): void {
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    const sets = entries.map(([k]) => `${k} = ?`);
    sets.push('updated_at = ?');
    this.#db
      .prepare(`UPDATE sends SET ${sets.join(', ')} WHERE campaign_id = ?`)
      .run(...entries.map(([, v]) => v as string | number | null), this.#now(), campaignId);
  }

  step(campaignId: string, step: string): StepRow | undefined {
    return this.#stmts.step.get(campaignId, step) as StepRow | undefined;
  }

  /**
   * Who the send left out for their calling hours (zone prefixes, zonePrefixSql) and, when it
   * held them, the follow-up campaigns that call them: the calling-window step's record.
   */
  callingWindow(campaignId: string): { prefixes: string[]; held: HeldFollowUp[] } {
    const detail = this.step(campaignId, CALLING_WINDOW_STEP)?.detail;
    if (!detail) return { prefixes: [], held: [] };
    const parsed = JSON.parse(detail) as { prefixes?: unknown; held?: unknown };
    return {
      prefixes: Array.isArray(parsed.prefixes) ? (parsed.prefixes as string[]) : [],
      held: Array.isArray(parsed.held) ? (parsed.held as HeldFollowUp[]) : [],
    };
  }

  steps(campaignId: string): JournalStep[] {
    const rows = this.#db
      .prepare(
        'SELECT step, state, remote_id, updated_at FROM send_steps WHERE campaign_id = ? ORDER BY updated_at, step',
      )
      .all(campaignId) as StepRow[];
    return rows.map((r) => ({
      step: r.step,
      state: r.state,
      remoteId: r.remote_id,
      updatedAt: r.updated_at,
    }));
  }

  stepInFlight(campaignId: string, step: string): void {
    this.#stmts.upsertStep.run(campaignId, step, 'in_flight', null, null, this.#now());
  }

  stepDone(campaignId: string, step: string, remoteId: string | null, detail?: unknown): void {
    this.#stmts.upsertStep.run(
      campaignId,
      step,
      'done',
      remoteId,
      detail === undefined ? null : JSON.stringify(detail),
      this.#now(),
    );
  }

  /** Batches not yet done, in order, with their state. */
  openBatches(campaignId: string): Array<{ batch: number; state: 'pending' | 'in_flight' }> {
    return this.#db
      .prepare(
        "SELECT batch, state FROM send_batches WHERE campaign_id = ? AND state != 'done' ORDER BY batch",
      )
      .all(campaignId) as Array<{ batch: number; state: 'pending' | 'in_flight' }>;
  }

  /** True once any envelope request has gone out: from then on Omnigage may hold envelopes. */
  envelopesAttempted(campaignId: string): boolean {
    return (
      this.#db
        .prepare(
          "SELECT 1 FROM send_batches WHERE campaign_id = ? AND (attempts > 0 OR state != 'pending') LIMIT 1",
        )
        .get(campaignId) !== undefined
    );
  }

  /**
   * A send whose envelopes were never requested and that was never scheduled: dropping it leaves
   * nothing in Omnigage that could call anyone, so the campaign may be edited and sent afresh.
   */
  discardable(campaignId: string): boolean {
    return !this.envelopesAttempted(campaignId) && this.step(campaignId, 'schedule') === undefined;
  }

  /** Runs `work` in one transaction (one commit); nested calls become savepoints. */
  transaction<T>(work: () => T): T {
    return this.#tx(work) as T;
  }

  markBatch(
    campaignId: string,
    batch: number,
    state: 'pending' | 'in_flight' | 'done',
    attempt = false,
  ): void {
    this.#stmts.batchState.run(state, attempt ? 1 : 0, this.#now(), campaignId, batch);
  }

  /** Recipients without an envelope for a run of batches, by batch: one read serves many requests. */
  missingInBatches(campaignId: string, from: number, to: number): Map<number, BatchRecipient[]> {
    const rows = this.#stmts.rangeMissing.all(campaignId, from, to) as Array<
      [number, number, string, string]
    >;
    const out = new Map<number, BatchRecipient[]>();
    for (let b = from; b <= to; b++) out.set(b, []);
    for (const [batch, row, e164, meta] of rows) out.get(batch)?.push({ row, e164, meta });
    return out;
  }

  /** Every recipient of the send with its envelope id (null while it has none), in row order. */
  recipientEnvelopes(
    campaignId: string,
  ): Array<{ batch: number; row: number; e164: string; envelopeId: string | null }> {
    return this.#db
      .prepare(
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

  /** Recipients of one batch still without an envelope. */
  missingInBatch(campaignId: string, batch: number): number {
    return this.missingInBatches(campaignId, batch, batch).get(batch)?.length ?? 0;
  }

  /**
   * Records envelopes found by a listing (a reconciliation), matched to recipients still
   * without one by phone number (`envelopes` is keyed by phoneKey, which is a recipient's
   * E.164 form); returns how many were recorded.
   */
  recordFound(campaignId: string, envelopes: ReadonlyMap<string, string>): number {
    const waiting = this.#db
      .prepare(
        `SELECT s.batch, s.row, s.e164 FROM send_recipients s
         JOIN send_batches b ON b.campaign_id = s.campaign_id AND b.batch = s.batch
         WHERE s.campaign_id = ? AND ${envelopeIdSql()} IS NULL`,
      )
      .all(campaignId) as Array<{ batch: number; row: number; e164: string }>;
    const byBatch = new Map<number, Array<{ row: number; id: string }>>();
    for (const r of waiting) {
      const id = envelopes.get(phoneKey(r.e164) ?? r.e164);
      if (!id) continue;
      const list = byBatch.get(r.batch);
      if (list) list.push({ row: r.row, id });
      else byBatch.set(r.batch, [{ row: r.row, id }]);
    }
    return this.transaction(() => {
      let added = 0;
      for (const [batch, list] of byBatch) added += this.#addEnvelopes(campaignId, batch, list);
      return added;
    });
  }

  /**
   * Adds envelope ids to a batch's entry, one row written; a recipient that already has one
   * keeps it. Returns how many were new.
   */
  #addEnvelopes(
    campaignId: string,
    batch: number,
    envelopes: ReadonlyArray<{ row: number; id: string }>,
  ): number {
    const json = this.#stmts.batchEnvelopes.get(campaignId, batch) as string | null | undefined;
    if (!json) {
      // The usual case, a batch's first answer: written as it comes (rows are distinct).
      let text = '{';
      for (let i = 0; i < envelopes.length; i++) {
        const e = envelopes[i]!;
        text += `${i ? ',' : ''}"${e.row}":${JSON.stringify(e.id)}`;
      }
      this.#stmts.setBatchEnvelopes.run(
        `${text}}`,
        envelopes.length,
        this.#now(),
        campaignId,
        batch,
      );
      return envelopes.length;
    }
    const known = JSON.parse(json) as Record<string, string>;
    let added = 0;
    for (const e of envelopes) {
      const key = String(e.row);
      if (known[key] !== undefined) continue;
      known[key] = e.id;
      added++;
    }
    if (added > 0) {
      this.#stmts.setBatchEnvelopes.run(
        JSON.stringify(known),
        Object.keys(known).length,
        this.#now(),
        campaignId,
        batch,
      );
    }
    return added;
  }

  /**
   * A bulk request was answered: its envelopes (matched to rows by phone number), the batch's
   * new state and whatever else must land with them (the audit entry), in one commit.
   */
  recordBatch(
    campaignId: string,
    batch: number,
    envelopes: ReadonlyArray<{ row: number; id: string }>,
    done: boolean,
    alsoInside: () => void,
  ): number {
    return this.transaction(() => {
      const added = envelopes.length > 0 ? this.#addEnvelopes(campaignId, batch, envelopes) : 0;
      if (done) this.#stmts.batchState.run('done', 0, this.#now(), campaignId, batch);
      alsoInside();
      return added;
    });
  }

  /** After a reconciliation: in-flight batches whose recipients all have envelopes are done, the rest pending. */
  settleInFlightBatches(campaignId: string): void {
    this.#db
      .prepare(
        `UPDATE send_batches SET updated_at = ?, state = CASE WHEN EXISTS (SELECT 1 FROM send_recipients r
           WHERE r.campaign_id = send_batches.campaign_id AND r.row BETWEEN send_batches.first_row AND send_batches.last_row
             AND ${envelopeIdSql('r', 'send_batches')} IS NULL)
           THEN 'pending' ELSE 'done' END
         WHERE campaign_id = ? AND state = 'in_flight'`,
      )
      .run(this.#now(), campaignId);
  }

  /** Recipients with an envelope. */
  sentCount(campaignId: string): number {
    return this.#stmts.sentCount.get(campaignId) as number;
  }

  /** Recipients without an envelope whose number is now on the opt-out list are dropped before sending. */
  dropOptedOut(campaignId: string, profileId: string | null): number {
    let dropped = 0;
    this.#db.transaction(() => {
      dropped = this.#db
        .prepare(
          `DELETE FROM send_recipients WHERE campaign_id = ?
             AND ${onDoNotCallSql('send_recipients.e164', '?')}
             AND NOT EXISTS (SELECT 1 FROM send_batches b WHERE b.campaign_id = send_recipients.campaign_id
               AND b.batch = send_recipients.batch AND ${envelopeIdSql('send_recipients')} IS NOT NULL)`,
        )
        .run(campaignId, profileId).changes;
      if (dropped > 0) {
        this.#db
          .prepare(
            'UPDATE sends SET total = (SELECT count(*) FROM send_recipients WHERE campaign_id = ?) WHERE campaign_id = ?',
          )
          .run(campaignId, campaignId);
      }
    })();
    return dropped;
  }
}
