import type { JournalStep, SendState } from '../../shared/send';
import type { Db } from '../db/open';

/**
 * The send journal in SQLite. Every write here is committed before the engine makes its next
 * request, so after a crash the journal says exactly which remote objects exist (`done`),
 * which requests went out without an answer (`in_flight`) and which recipients have an
 * envelope.
 */

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
  meta: string;
}

export interface SnapshotRecipient {
  row: number;
  e164: string;
  fields: Record<string, string>;
}

export class Journal {
  readonly #db: Db;
  readonly #clock: () => Date;
  readonly #stmts;

  constructor(db: Db, clock: () => Date) {
    this.#db = db;
    this.#clock = clock;
    this.#stmts = {
      send: db.prepare('SELECT * FROM sends WHERE campaign_id = ?'),
      step: db.prepare('SELECT step, state, remote_id, detail, updated_at FROM send_steps WHERE campaign_id = ? AND step = ?'),
      upsertStep: db.prepare(
        `INSERT INTO send_steps (campaign_id, step, state, remote_id, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (campaign_id, step) DO UPDATE SET state = excluded.state, remote_id = excluded.remote_id,
           detail = excluded.detail, updated_at = excluded.updated_at`,
      ),
      batchState: db.prepare(
        'UPDATE send_batches SET state = ?, attempts = attempts + ?, updated_at = ? WHERE campaign_id = ? AND batch = ?',
      ),
      batchMissing: db.prepare(
        'SELECT row, e164, meta FROM send_recipients WHERE campaign_id = ? AND batch = ? AND envelope_id IS NULL ORDER BY row',
      ),
      setEnvelope: db.prepare(
        'UPDATE send_recipients SET envelope_id = ?, status = ? WHERE campaign_id = ? AND e164 = ? AND envelope_id IS NULL',
      ),
      sentCount: db.prepare('SELECT count(*) FROM send_recipients WHERE campaign_id = ? AND envelope_id IS NOT NULL').pluck(),
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
   * Creates the send and freezes its recipients (already re-validated against opt-outs) into
   * numbered batches, in one transaction.
   */
  create(input: {
    campaignId: string;
    state: SendState;
    profileId: string | null;
    apiUrl: string;
    recipientsSha256: string | null;
    batchSize: number;
    recipients: Iterable<SnapshotRecipient>;
  }): SendRow {
    const now = this.#now();
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM sends WHERE campaign_id = ?').run(input.campaignId);
      const insert = this.#db.prepare(
        'INSERT INTO send_recipients (campaign_id, row, e164, batch, meta) VALUES (?, ?, ?, ?, ?)',
      );
      this.#db
        .prepare(
          `INSERT INTO sends (campaign_id, state, profile_id, api_url, recipients_sha256, batch_size, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(input.campaignId, input.state, input.profileId, input.apiUrl, input.recipientsSha256, input.batchSize, now, now);
      let count = 0;
      for (const r of input.recipients) {
        insert.run(input.campaignId, r.row, r.e164, Math.floor(count / input.batchSize), JSON.stringify(r.fields));
        count++;
      }
      const batches = Math.ceil(count / input.batchSize);
      const insertBatch = this.#db.prepare(
        "INSERT INTO send_batches (campaign_id, batch, state, size, updated_at) VALUES (?, ?, 'pending', ?, ?)",
      );
      for (let b = 0; b < batches; b++) insertBatch.run(input.campaignId, b, Math.min(input.batchSize, count - b * input.batchSize), now);
      this.#db.prepare('UPDATE sends SET total = ? WHERE campaign_id = ?').run(count, input.campaignId);
    })();
    return this.get(input.campaignId)!;
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

  steps(campaignId: string): JournalStep[] {
    const rows = this.#db
      .prepare('SELECT step, state, remote_id, updated_at FROM send_steps WHERE campaign_id = ? ORDER BY updated_at, step')
      .all(campaignId) as StepRow[];
    return rows.map((r) => ({ step: r.step, state: r.state, remoteId: r.remote_id, updatedAt: r.updated_at }));
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
      .prepare("SELECT batch, state FROM send_batches WHERE campaign_id = ? AND state != 'done' ORDER BY batch")
      .all(campaignId) as Array<{ batch: number; state: 'pending' | 'in_flight' }>;
  }

  /** True once any envelope request has gone out: from then on Omnigage may hold envelopes. */
  envelopesAttempted(campaignId: string): boolean {
    return (
      this.#db
        .prepare("SELECT 1 FROM send_batches WHERE campaign_id = ? AND (attempts > 0 OR state != 'pending') LIMIT 1")
        .get(campaignId) !== undefined
    );
  }

  markBatch(campaignId: string, batch: number, state: 'pending' | 'in_flight' | 'done', attempt = false): void {
    this.#stmts.batchState.run(state, attempt ? 1 : 0, this.#now(), campaignId, batch);
  }

  /** Recipients of a batch that have no envelope yet. */
  missingIn(campaignId: string, batch: number): BatchRecipient[] {
    return this.#stmts.batchMissing.all(campaignId, batch) as BatchRecipient[];
  }

  /** Records created (or found) envelopes by phone number; returns how many were new here. */
  recordEnvelopes(campaignId: string, envelopes: Iterable<{ e164: string; id: string; status: string | null }>): number {
    let added = 0;
    this.#db.transaction(() => {
      for (const e of envelopes) added += this.#stmts.setEnvelope.run(e.id, e.status, campaignId, e.e164).changes;
      this.#stmts.touch.run(this.#now(), campaignId);
    })();
    return added;
  }

  /** After a reconciliation: in-flight batches whose recipients all have envelopes are done, the rest pending. */
  settleInFlightBatches(campaignId: string): void {
    this.#db
      .prepare(
        `UPDATE send_batches SET updated_at = ?, state = CASE WHEN EXISTS (SELECT 1 FROM send_recipients r
           WHERE r.campaign_id = send_batches.campaign_id AND r.batch = send_batches.batch AND r.envelope_id IS NULL)
           THEN 'pending' ELSE 'done' END
         WHERE campaign_id = ? AND state = 'in_flight'`,
      )
      .run(this.#now(), campaignId);
  }

  /** Phone numbers of recipients without an envelope (for a reconciliation). */
  sentCount(campaignId: string): number {
    return this.#stmts.sentCount.get(campaignId) as number;
  }

  /** Recipients without an envelope whose number is now on the opt-out list are dropped before sending. */
  dropOptedOut(campaignId: string, profileId: string | null): number {
    let dropped = 0;
    this.#db.transaction(() => {
      dropped = this.#db
        .prepare(
          `DELETE FROM send_recipients WHERE campaign_id = ? AND envelope_id IS NULL
             AND EXISTS (SELECT 1 FROM opt_outs o WHERE o.profile_id = ? AND o.e164 = send_recipients.e164)`,
        )
        .run(campaignId, profileId).changes;
      if (dropped > 0) {
        this.#db
          .prepare('UPDATE sends SET total = (SELECT count(*) FROM send_recipients WHERE campaign_id = ?) WHERE campaign_id = ?')
          .run(campaignId, campaignId);
      }
    })();
    return dropped;
  }
}
