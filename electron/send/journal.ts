import type { HeldFollowUp, JournalStep } from '../../shared/send';
import type { Engagement } from '../api/client';
import { phoneKey } from '../api/phone-key';
import type { Db } from '../db/open';
import type { Who } from '../recipients/opt-outs';
import {
  sendsTable,
  type NewSend,
  type SendFields,
  type SendRow,
  type StepRow,
} from '../db/tables/sends';

export type { SendRow, StepRow };

/**
 * The journal step that records who a send left out for being outside their calling hours when
 * the calls start (detail: the zone prefixes, how many, when and the window), read by Results.
 */
export const CALLING_WINDOW_STEP = 'calling-window';
/** The journal step that records who pressed Send and on which computer (the report names them). */
export const STARTED_BY_STEP = 'started-by';

/**
 * The send journal in SQLite. Every write here is committed before the engine makes its next
 * request, so after a crash the journal says exactly which remote objects exist (`done`),
 * which requests went out without an answer (`in_flight`) and which recipients have an
 * envelope.
 *
 * Envelope ids live with their batch (migration 0007): `send_batches.envelopes` is an object
 * from recipient row to envelope id (JSONB; json() shows it as text) and `sent` counts its
 * entries, so an answered bulk request is one row written, plus the time on each recipient it
 * covered (`send_recipients.sent_at`, migration 0016, one statement; the frequency rule reads
 * it). The SQL is the sends table module's (electron/db/tables/sends.ts).
 */

/** The engagement's progress as the send row keeps it (`remote_counts`, JSON). */
export function remoteCounts(engagement: Engagement): string {
  return JSON.stringify({
    total: engagement.countTotal,
    complete: engagement.countComplete,
    incomplete: engagement.countIncomplete,
    approved: engagement.complianceApproved,
  });
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
  readonly #table: ReturnType<typeof sendsTable>;

  /** One transaction wrapper for all: better-sqlite3 builds a new one per db.transaction() call. */
  readonly #tx: (work: () => unknown) => unknown;

  /** Who presses Send in this process (the OS user and computer), recorded with each new send. */
  readonly #who: Who | undefined;

  constructor(db: Db, clock: () => Date, who?: Who) {
    this.#db = db;
    this.#clock = clock;
    this.#who = who;
    this.#tx = db.transaction((work: () => unknown) => work());
    this.#table = sendsTable(db);
  }

  #now(): string {
    return this.#clock().toISOString();
  }

  get(campaignId: string): SendRow | undefined {
    return this.#table.find(campaignId);
  }

  /**
   * Creates the send and freezes its recipients, in one transaction: the campaign's valid rows
   * whose number is not on the profile's opt-out list now, in row order, numbered into batches.
   * Done in SQL (no row passes through JS); `meta` keeps the row's cells, which the engine maps
   * to merge keys with the list's column mapping (the list cannot change while a send exists).
   */
  create(input: Omit<NewSend, 'leaveOut'> & Partial<Pick<NewSend, 'leaveOut'>>): SendRow {
    const now = this.#now();
    const { campaignId } = input;
    this.#db.transaction(() => {
      this.#table.create({ ...input, leaveOut: input.leaveOut ?? [], now });
      if (this.#who) this.stepDone(campaignId, STARTED_BY_STEP, null, this.#who);
    })();
    return this.get(campaignId)!;
  }

  discard(campaignId: string): void {
    this.#table.delete(campaignId);
  }

  update(campaignId: string, fields: SendFields): void {
    this.#table.update(campaignId, fields, this.#now());
  }

  step(campaignId: string, step: string): StepRow | undefined {
    return this.#table.step(campaignId, step);
  }

  /** "alice on FRONT-DESK": who pressed Send, where; null for sends made before it was recorded. */
  startedBy(campaignId: string): string | null {
    const detail = this.step(campaignId, STARTED_BY_STEP)?.detail;
    if (!detail) return null;
    const who = JSON.parse(detail) as Partial<Who>;
    return who.user ? `${who.user}${who.computer ? ` on ${who.computer}` : ''}` : null;
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
    return this.#table.steps(campaignId).map((r) => ({
      step: r.step,
      state: r.state,
      remoteId: r.remote_id,
      updatedAt: r.updated_at,
    }));
  }

  stepInFlight(campaignId: string, step: string): void {
    this.#table.putStep(campaignId, step, 'in_flight', null, null, this.#now());
  }

  stepDone(campaignId: string, step: string, remoteId: string | null, detail?: unknown): void {
    this.#table.putStep(
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
    return this.#table.openBatches(campaignId);
  }

  /** True once any envelope request has gone out: from then on Omnigage may hold envelopes. */
  envelopesAttempted(campaignId: string): boolean {
    return this.#table.envelopesAttempted(campaignId);
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
    this.#table.setBatchState(campaignId, batch, state, attempt, this.#now());
  }

  /** Recipients without an envelope for a run of batches, by batch: one read serves many requests. */
  missingInBatches(campaignId: string, from: number, to: number): Map<number, BatchRecipient[]> {
    const rows = this.#table.missingInBatches(campaignId, from, to);
    const out = new Map<number, BatchRecipient[]>();
    for (let b = from; b <= to; b++) out.set(b, []);
    for (const [batch, row, e164, meta] of rows) out.get(batch)?.push({ row, e164, meta });
    return out;
  }

  /** Every recipient of the send with its envelope id (null while it has none), in row order. */
  recipientEnvelopes(
    campaignId: string,
  ): Array<{ batch: number; row: number; e164: string; envelopeId: string | null }> {
    return this.#table.recipientEnvelopes(campaignId);
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
    const waiting = this.#table.waitingForEnvelope(campaignId);
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
    const json = this.#table.batchEnvelopes(campaignId, batch);
    if (!json) {
      // The usual case, a batch's first answer: written as it comes (rows are distinct).
      let text = '{';
      for (let i = 0; i < envelopes.length; i++) {
        const e = envelopes[i]!;
        text += `${i ? ',' : ''}"${e.row}":${JSON.stringify(e.id)}`;
      }
      this.#table.setBatchEnvelopes(campaignId, batch, `${text}}`, envelopes.length, this.#now());
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
      this.#table.setBatchEnvelopes(
        campaignId,
        batch,
        JSON.stringify(known),
        Object.keys(known).length,
        this.#now(),
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
      if (done) this.#table.setBatchState(campaignId, batch, 'done', false, this.#now());
      alsoInside();
      return added;
    });
  }

  /** After a reconciliation: in-flight batches whose recipients all have envelopes are done, the rest pending. */
  settleInFlightBatches(campaignId: string): void {
    this.#table.settleInFlightBatches(campaignId, this.#now());
  }

  /** Recipients with an envelope. */
  sentCount(campaignId: string): number {
    return this.#table.sentCount(campaignId);
  }

  /** Recipients without an envelope whose number is now on the opt-out list are dropped before sending. */
  dropOptedOut(campaignId: string, profileId: string | null): number {
    let dropped = 0;
    this.#db.transaction(() => {
      dropped = this.#table.dropOnDoNotCall(campaignId, profileId);
    })();
    return dropped;
  }
}
