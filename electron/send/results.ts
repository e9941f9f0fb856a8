import { basename } from 'node:path';
import { AppError } from '../../shared/errors';
import { CALL_AGAIN_GROUPS, callAgainName, type CallAgainGroup } from '../../shared/results-words';
import type { CallAgainResult, ExportedFile, ResultRow, ResultsPage } from '../../shared/send';
import { isApiError, isTransient, toAppError } from '../api/client';
import type { CampaignService } from '../campaigns/service';
import type { Db } from '../db/open';
import type { Logger } from '../logging/logger';
import type { RecipientService } from '../recipients/service';
import { sameFile, type WriteBackResult } from '../recipients/write-back';
import {
  CANCELLED_WORD,
  outcomeOf,
  resultsCsv,
  spreadsheetRow,
  statusOf,
  writeResultsBack,
  type ResultsCsvJob,
  type WriteBackJob,
} from './result-rows';
import { writeLines } from './csv';
import { backoff } from '../api/http';
import { heldOutcome } from '../../shared/call-history';
import { clientFor } from './engine';
import { remoteCounts } from './journal';
import { campaignsTable } from '../db/tables/campaigns';
import { sendsTable, type ResultJoinRow as JoinedRow } from '../db/tables/sends';
import type { SendService } from './service';
import type { Clock } from '../clock';

/**
 * Results after scheduling: the engagement and its envelopes (with their calls) are read with
 * backoff until every recipient has an outcome or a limit is reached, each recipient's outcome
 * is stored next to its row, and the whole list can be exported as CSV with the original
 * columns. Envelope and call statuses beyond `pending` are not documented (docs/omnigage-api.md §6–§7),
 * so statuses are stored as Omnigage sends them and only these call statuses count as final.
 */
const FINAL_CALL_STATUSES = new Set([
  'completed',
  'busy',
  'unanswered',
  'no-answer',
  'failed',
  'canceled',
  'cancelled',
]);
const FINAL_ENVELOPE_STATUSES = new Set(['completed', 'failed', 'canceled', 'cancelled']);

export interface ResultsServiceDeps {
  db: Db;
  log: Logger;
  clock: Clock;
  send: SendService;
  campaigns: CampaignService;
  recipients: RecipientService;
  /** First wait between polls and the longest one. */
  pollBackoff?: { baseMs: number; capMs: number };
  /** Polling stops (the send is `completed`) after this many polls or this long after scheduling. */
  maxPolls?: number;
  maxAgeMs?: number;
  /** Call results fetched per poll (one request each). */
  resultsPerPoll?: number;
  /** Writes the results export on a worker thread (ImportJobs.exportResults); lines written. */
  exportOnWorker?: (job: ResultsCsvJob, path: string) => Promise<number>;
  /** Writes a results copy on a worker thread (ImportJobs.writeBack); on this thread when absent. */
  writeBackOnWorker?: (job: WriteBackJob) => Promise<WriteBackResult>;
}

/** Refused (4xx) polls in a row before polling stops with a message. */
export const MAX_REFUSED_POLLS = 3;

/** A row the send left out for its calling hours: no call at all, or a follow-up's call (hold.ts). */
const LEFT_OUT_WORD = 'not called: outside calling hours';
const HELD_WORD = 'not called: held for their calling hours, called by a follow-up campaign';

export class ResultsService {
  readonly #deps: ResultsServiceDeps;
  readonly #clock: Clock;

  constructor(deps: ResultsServiceDeps) {
    this.#deps = deps;
    this.#clock = deps.clock;
  }

  /** Polls every scheduled send whose next poll is due, one after the other. */
  async pollDue(now: number = this.#clock().getTime()): Promise<void> {
    const due = sendsTable(this.#deps.db).dueForPoll(now);
    for (const campaignId of due) {
      try {
        await this.refresh(campaignId);
      } catch (error) {
        this.#pollFailed(campaignId, error);
      }
    }
  }

  /**
   * A poll that failed. Offline, busy or a 5xx: try again later with a longer wait. Refused
   * (4xx: credentials revoked, engagement gone) several times in a row: asking again will not
   * help, so polling stops with a message (the send counts as completed, as when polling gives
   * up at its limit; Refresh results asks again). `attempts` counts refusals while scheduled.
   */
  #pollFailed(campaignId: string, error: unknown): void {
    const { journal } = this.#deps.send;
    const send = journal.get(campaignId);
    this.#deps.log.info('results poll failed', {
      campaignId,
      error: error instanceof Error ? error.message : String(error),
    });
    if (!send) return;
    const refused =
      isApiError(error) &&
      !isTransient(error.kind) &&
      error.kind !== 'cancelled' &&
      error.status !== undefined &&
      error.status < 500;
    if (!refused) {
      journal.update(campaignId, {
        next_poll_at: this.#clock().getTime() + this.#wait(send.polls + 1),
      });
      return;
    }
    const refusals = send.attempts + 1;
    const reason = toAppError(error);
    if (refusals < MAX_REFUSED_POLLS) {
      journal.update(campaignId, {
        attempts: refusals,
        next_poll_at: this.#clock().getTime() + this.#wait(send.polls + refusals),
      });
      return;
    }
    const now = this.#clock().toISOString();
    const message = `Results stopped: Omnigage refused the results request ${refusals} times in a row (${reason.message}). The campaign is scheduled in Omnigage (engagement ${send.engagement_id}); its calls do not depend on the app, so see their progress in Omnigage. Check this profile's credentials in Settings, then use Refresh results to ask again.`;
    journal.update(campaignId, {
      attempts: refusals,
      state: 'completed',
      completed_at: now,
      next_poll_at: null,
      error_code: reason.code,
      error_message: message,
    });
    this.#deps.send.audit.record({
      campaignId,
      profileId: send.profile_id,
      recipientsSha256: send.recipients_sha256,
      action: 'results.stopped',
      remoteId: send.engagement_id,
      outcome: 'failed',
      detail: message,
    });
    this.#deps.campaigns.setStatus(campaignId, 'completed');
    this.#deps.send.announceChange(campaignId);
  }

  #wait(polls: number): number {
    const { baseMs, capMs } = this.#deps.pollBackoff ?? { baseMs: 10_000, capMs: 10 * 60_000 };
    return Math.round(backoff(polls, undefined, baseMs, capMs));
  }

  /** One poll: engagement, envelopes and calls, and call results not yet known. */
  async refresh(campaignId: string): Promise<ResultsPage> {
    const { send: sendService, log } = this.#deps;
    const journal = sendService.journal;
    const send = journal.get(campaignId);
    if (!send?.engagement_id || (send.state !== 'scheduled' && send.state !== 'completed')) {
      throw new AppError(
        'conflict',
        'Results are available once the campaign is scheduled in Omnigage.',
      );
    }
    const credentials = await sendService.credentials(campaignId, send.profile_id);
    const api = clientFor(credentials, log.child('api'), sendService.options);
    let engagement = await api.engagements.get(send.engagement_id);
    const { envelopes, calls } = await api.envelopes.listAll(send.engagement_id, {
      includeCalls: true,
    });
    const callsById = new Map(calls.map((c) => [c.id, c]));
    const db = this.#deps.db;
    // Envelopes are matched to recipients by the envelope id the journal recorded, never by the
    // number as listed: a listing may echo numbers in another form or hold other engagements'.
    const sends = sendsTable(db);
    const known = new Map(sends.withEnvelope(campaignId).map((r) => [r.envelope_id, r]));

    // Call results are one request each: fetch those not yet known, a bounded number per poll.
    const wanted: Array<{ e164: string; resultId: string }> = [];
    for (const envelope of envelopes) {
      const call = envelope.callId ? callsById.get(envelope.callId) : undefined;
      const row = known.get(envelope.id);
      if (!row || !call?.resultId || !FINAL_CALL_STATUSES.has(call.status ?? '')) continue;
      if (row.result_id === call.resultId && row.outcome) continue;
      wanted.push({ e164: row.e164, resultId: call.resultId });
    }
    const kinds = new Map<string, string | null>();
    const limit = this.#deps.resultsPerPoll ?? 500;
    const queue = wanted.slice(0, limit);
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          try {
            kinds.set(next.e164, (await api.callResults.get(next.resultId)).kind);
          } catch {
            // Next poll tries again.
          }
        }
      }),
    );

    let finished = 0;
    db.transaction(() => {
      for (const envelope of envelopes) {
        const recipient = known.get(envelope.id);
        if (!recipient) continue;
        const call = envelope.callId ? callsById.get(envelope.callId) : undefined;
        const final =
          FINAL_CALL_STATUSES.has(call?.status ?? '') ||
          FINAL_ENVELOPE_STATUSES.has(envelope.status ?? '') ||
          envelope.completedAt !== null;
        if (final) finished++;
        // undefined: the result was not fetched this poll (the next one asks again); null: Omnigage
        // answered with a result that names no kind. A finished call then takes its call status
        // ("busy"), so it never shows as waiting for the call.
        const kind = kinds.get(recipient.e164);
        const outcome =
          kind ??
          (final && (kind === null || !call?.resultId) ? (call?.status ?? envelope.status) : null);
        sends.setCallResult(campaignId, recipient.row, {
          status: envelope.status,
          callId: call?.id ?? envelope.callId,
          callStatus: call?.status ?? null,
          duration: call?.duration ?? null,
          finishedAt: call?.finishedAt ?? envelope.completedAt,
          resultId: kind !== undefined ? (call?.resultId ?? null) : null,
          outcome,
        });
      }
    })();

    const polls = send.polls + 1;
    const sent = journal.sentCount(campaignId);
    const allFinal = sent > 0 && finished >= sent && wanted.length <= limit;
    // The engagement was read before the envelopes: when the last calls ended in between, its
    // counts are older than the statuses just stored. Read once more, so the last poll does not
    // leave "processing" on screen for a finished campaign.
    if (allFinal && engagement.countIncomplete !== 0 && engagement.countTotal !== null) {
      engagement = await api.engagements.get(send.engagement_id).catch(() => engagement);
    }
    const countsDone =
      engagement.countTotal !== null &&
      engagement.countTotal > 0 &&
      engagement.countIncomplete === 0;
    const at = this.#clock().getTime();
    const age = at - (send.scheduled_at ? Date.parse(send.scheduled_at) : at);
    const giveUp =
      polls >= (this.#deps.maxPolls ?? 500) || age > (this.#deps.maxAgeMs ?? 72 * 3600_000);
    const done = (countsDone || allFinal) && wanted.length <= limit;
    const now = this.#clock().toISOString();
    journal.update(campaignId, {
      polls,
      polled_at: now,
      remote_status: engagement.status,
      remote_counts: remoteCounts(engagement),
      // A poll that worked ends a run of refusals (and the message about them).
      ...(send.attempts > 0 ? { attempts: 0, error_code: null, error_message: null } : {}),
      next_poll_at: done || giveUp ? null : at + this.#wait(polls),
      ...(done || giveUp ? { state: 'completed' as const, completed_at: now } : {}),
    });
    if (done || giveUp) {
      this.#deps.campaigns.setStatus(campaignId, 'completed');
      if (giveUp && !done) log.info('results polling stopped at its limit', { campaignId, polls });
    }
    sendService.announceResults(campaignId);
    if (done || giveUp) sendService.announceChange(campaignId);
    return this.page(campaignId, 0, 100);
  }

  #rows(campaignId: string, offset: number, limit: number): JoinedRow[] {
    return sendsTable(this.#deps.db).resultRows(
      campaignId,
      this.#leftOut(campaignId),
      limit,
      offset,
    );
  }

  /** The zone prefixes the send left out for calling hours (journal step), as a JSON array. */
  #leftOut(campaignId: string): [prefixes: string, word: string] {
    const { prefixes, held } = this.#deps.send.journal.callingWindow(campaignId);
    return [JSON.stringify(prefixes), held.length > 0 ? HELD_WORD : LEFT_OUT_WORD];
  }

  page(campaignId: string, offset: number, limit: number): ResultsPage {
    this.#deps.campaigns.get(campaignId);
    const list = this.#deps.recipients.getList(campaignId);
    const send = this.#deps.send.journal.get(campaignId);
    const headers = list?.headers ?? [];
    const rows: ResultRow[] = this.#rows(campaignId, offset, limit).map((r) => {
      const cells = JSON.parse(r.fields) as string[];
      const fields: Record<string, string> = {};
      headers.forEach((h, i) => {
        fields[h] = cells[i] ?? '';
      });
      return {
        row: r.row,
        line: r.line,
        e164: r.re164,
        fields,
        envelopeId: r.envelope_id,
        status: statusOf(r, send?.state ?? null, spreadsheetRow(r)),
        outcome: outcomeOf(r, send?.state ?? null, spreadsheetRow(r)),
      };
    });
    const outcomes: Record<string, number> = {};
    if (send) {
      const counted = this.#outcomeCounts(campaignId);
      for (const c of counted) {
        // Cancelled: those waiting for a call and those not handed over alike get none (as the rows say).
        const o =
          send.state === 'cancelled' && (c.o === 'pending' || c.o === 'not sent')
            ? CANCELLED_WORD
            : c.o;
        outcomes[o] = (outcomes[o] ?? 0) + c.n;
      }
      // Rows never handed over (invalid, duplicate, opted out) have tiles too: the tiles add up to the total.
      const held = sendsTable(this.#deps.db).heldBackCounts(campaignId, this.#leftOut(campaignId));
      for (const c of held) if (c.o !== 'held') outcomes[c.o] = c.n;
      // Held back by the frequency rule: one tile per "called N times in D days", as the rows say.
      for (const h of this.#deps.send.history.heldCounts(campaignId))
        outcomes[heldOutcome(h.calls, h.days)] = h.n;
    }
    const total = campaignsTable(this.#deps.db).recipientCount(campaignId);
    const status = this.#deps.send.status(campaignId);
    return {
      campaignId,
      state: send?.state ?? null,
      remote: status?.remote ?? null,
      outcomes,
      total,
      offset,
      rows,
      listFile: list ? { name: list.fileName, format: list.format } : null,
      calledAt: send ? this.#calledAt(campaignId) : [],
      calledAgain: this.#calledAgain(campaignId),
    };
  }

  /** The campaigns "Call again…" made from these results, with their status as shown. */
  #calledAgain(campaignId: string): ResultsPage['calledAgain'] {
    return campaignsTable(this.#deps.db)
      .calledAgainFrom(campaignId)
      .map((id) => {
        const { name, status, createdAt } = this.#deps.campaigns.get(id);
        return { id, name, status, createdAt };
      });
  }

  /** The recipients handed over at send time, by outcome (`pending` until known, `not sent` without an envelope). */
  #outcomeCounts(campaignId: string): Array<{ o: string; n: number }> {
    return sendsTable(this.#deps.db).outcomeCounts(campaignId);
  }

  /** Calls ended per minute (Omnigage's times, with their offsets, read by SQLite). */
  #calledAt(campaignId: string): Array<[number, number]> {
    return sendsTable(this.#deps.db).calledPerMinute(campaignId);
  }

  /**
   * Counts by outcome for each of these campaigns that has been sent (the campaigns list's
   * totals), grouped as the Results tiles are: rows never handed over are not counted here.
   */
  totals(campaignIds: readonly string[]): Record<string, Record<string, number>> {
    // One grouped query for the whole list (the campaigns screen asks for every sent campaign).
    const rows = sendsTable(this.#deps.db).outcomeCountsOf(campaignIds);
    const totals: Record<string, Record<string, number>> = {};
    for (const { id, o, n } of rows) (totals[id] ??= {})[o] = n;
    return totals;
  }

  /**
   * What the results export reads (the original columns, then the number called, status,
   * outcome and Omnigage's reference, in the screen's words), checked here; resultsCsv
   * (result-rows.ts) writes it.
   */
  #csvJob(campaignId: string): ResultsCsvJob {
    const list = this.#deps.recipients.getList(campaignId);
    if (!list) throw new AppError('not_found', 'This campaign has no recipients to export.');
    return {
      campaignId,
      headers: list.headers,
      send: this.#deps.send.journal.get(campaignId)?.state ?? null,
      leftOut: this.#leftOut(campaignId),
    };
  }

  /** The results export, line by line (on this thread). */
  csv(campaignId: string): Generator<string> {
    return resultsCsv(this.#deps.db, this.#csvJob(campaignId));
  }

  /** The results export saved to `path`: on a worker thread when the app has one. */
  async exportCsv(campaignId: string, path: string): Promise<ExportedFile> {
    const job = this.#csvJob(campaignId);
    const run = this.#deps.exportOnWorker;
    const lines = run ? await run(job, path) : writeLines(path, resultsCsv(this.#deps.db, job));
    return { path, rows: Math.max(0, lines - 1) };
  }

  /**
   * Results written into a copy of the spreadsheet the list was imported from (same format, every
   * original cell kept, WRITE_BACK_COLUMNS appended; electron/recipients/write-back.ts). `source`
   * must be that very file (checked by its SHA-256) and `out` may not be it. A row removed from
   * the list in the app says so; a repeated number names the row it repeats as the spreadsheet
   * numbers it. "Called at" is in `timeZone` (the computer's when omitted). This checks the
   * request and says what writing takes; writeBack and writeBackInBackground write it.
   */
  #prepareWriteBack(
    campaignId: string,
    source: string,
    out: string,
    options: { timeZone?: string } = {},
  ): WriteBackJob {
    const campaign = this.#deps.campaigns.get(campaignId);
    const list = this.#deps.recipients.getList(campaignId);
    const send = this.#deps.send.journal.get(campaignId);
    if (!list || !send || (send.state !== 'scheduled' && send.state !== 'completed')) {
      throw new AppError(
        'conflict',
        send?.state === 'cancelled'
          ? `You cancelled the send of "${campaign.name}" before its calls started, so nobody was called and there are no results to write into the spreadsheet.`
          : `"${campaign.name}" has not been sent, so there are no results to write into the spreadsheet yet.`,
      );
    }
    if (sameFile(source, out)) {
      throw new AppError(
        'invalid_input',
        `${out} is the list itself. Results go into a copy, so the original stays as it was: choose another name.`,
      );
    }
    const workbook = /\.xlsx$/i.test(out);
    if (list.format === 'xlsx' && !workbook) {
      throw new AppError(
        'invalid_input',
        `${list.fileName} is an Excel workbook, so the copy is one too: name it ending in .xlsx (not ${basename(out)}).`,
      );
    }
    if (list.format === 'csv' && /\.(xlsx|xlsm|xls|ods)$/i.test(out)) {
      throw new AppError(
        'invalid_input',
        `${list.fileName} is a CSV file, so the copy is one too: name it ending in .csv (not ${basename(out)}).`,
      );
    }
    return {
      campaignId,
      send: send.state,
      leftOut: this.#leftOut(campaignId),
      source,
      sha256: list.sha256,
      encoding: list.encoding,
      headerRow: list.headerRow,
      out,
      timeZone: options.timeZone,
    };
  }

  /** Results written into a copy of the spreadsheet (see #prepareWriteBack), on this thread: the CLI. */
  writeBack(
    campaignId: string,
    source: string,
    out: string,
    options: { timeZone?: string } = {},
  ): ExportedFile {
    const job = this.#prepareWriteBack(campaignId, source, out, options);
    return this.#written(job, writeResultsBack(this.#deps.db, job));
  }

  /**
   * The same for the window: the copy is written on a worker thread when the app has one (a
   * long workbook takes seconds), so the window keeps being answered meanwhile.
   */
  async writeBackInBackground(
    campaignId: string,
    source: string,
    out: string,
    options: { timeZone?: string } = {},
  ): Promise<ExportedFile> {
    const job = this.#prepareWriteBack(campaignId, source, out, options);
    const run = this.#deps.writeBackOnWorker;
    return this.#written(job, run ? await run(job) : writeResultsBack(this.#deps.db, job));
  }

  #written(job: WriteBackJob, written: WriteBackResult): ExportedFile {
    const { campaignId, out } = job;
    this.#deps.log.info('results written back', {
      campaignId,
      format: written.format,
      rows: written.rows,
    });
    return { path: out, rows: written.rows };
  }

  /**
   * Results → "Call again…": a new draft with the same messages, caller ID and settings (an
   * editable copy, as Duplicate makes) and only the recipients whose outcome is in `groups`,
   * keeping their rows' numbers. Calls not finished yet and answered calls are never picked.
   * The do-not-call list is not copied but applies to the draft as to any campaign: counted
   * here, held back again at send time.
   */
  callAgain(
    campaignId: string,
    groups: readonly CallAgainGroup[],
    options: { again?: boolean } = {},
  ): CallAgainResult {
    const source = this.#deps.campaigns.get(campaignId);
    const send = this.#deps.send.journal.get(campaignId);
    if (!send || (send.state !== 'scheduled' && send.state !== 'completed')) {
      throw new AppError(
        'conflict',
        send?.state === 'cancelled'
          ? `You cancelled the send of "${source.name}" before its calls started, so nobody was called. Duplicate it to call its people.`
          : `"${source.name}" has not been sent, so there is nobody to call again yet.`,
      );
    }
    const outcomes = CALL_AGAIN_GROUPS.filter((g) => groups.includes(g.id)).flatMap(
      (g) => g.outcomes,
    );
    const rows = sendsTable(this.#deps.db).rowsWithOutcome(campaignId, outcomes);
    if (rows.length === 0) {
      throw new AppError(
        'invalid_input',
        'No recipient has the outcomes ticked, so there is nobody to call again. Tick other outcomes, or fetch the results again if calls are still being made.',
      );
    }
    // A second call-again from the same results holds the same people: both sent, they would be
    // called twice. Made only when the person, told of the first, asks for another.
    const earlier = this.#calledAgain(campaignId);
    if (earlier.length > 0 && !options.again) {
      const last = earlier.at(-1)!;
      throw new AppError(
        'conflict',
        `“${last.name}” was already made from these results${earlier.length > 1 ? ` (and ${earlier.length - 1} more)` : ''}. Anyone in both would be called twice if both are sent: open it instead, or make another only if you mean to.`,
      );
    }
    const copy = this.#deps.db.transaction(() => {
      const made = this.#deps.campaigns.duplicate(campaignId, {
        name: callAgainName(source.name),
        rows,
      });
      campaignsTable(this.#deps.db).setCalledAgainFrom(made.id, campaignId);
      return made;
    })();
    const profileId = this.#deps.campaigns.detail(copy.id).profileId;
    const heldBack = this.#deps.recipients.summary(copy.id, { profileId }).recipients.optedOut;
    this.#deps.log.info('call again', {
      campaignId,
      copyId: copy.id,
      groups,
      recipients: rows.length,
      heldBack,
    });
    return { campaign: this.#deps.campaigns.get(copy.id), recipients: rows.length, heldBack };
  }
}
