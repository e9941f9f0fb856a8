import { AppError } from '../../shared/errors';
import { sayOnce, type SendStatus } from '../../shared/send';
import { backoff } from '../api/http';
import type { CampaignService } from '../campaigns/service';
import type { Db } from '../db/open';
import { auditLogTable } from '../db/tables/audit-log';
import type { Logger } from '../logging/logger';
import type { Credentials } from '../profiles/credentials';
import type { RecipientService } from '../recipients/service';
import type { AuditLog } from './audit';
import type { CallHistory } from './call-history';
import type { CredentialsFor, DoNotCallReader } from './checks';
import { SendRun, type EngineOptions, type RunOutcome } from './engine';
import type { SendEvents } from './events';
import type { Journal } from './journal';
import type { Lease } from './lease';
import type { LiveRun, LiveRuns } from './runs';
import type { SendStatusBuilder } from './status';
import { monotonicMs, type Clock } from '../clock';
import type { SendReadiness } from '../recipients/opt-outs';

const PROGRESS_EVERY_MS = 250;

/** What Send's check found just before it launched the run. */
export interface SendChecked {
  callerId?: string;
  doNotCall: SendReadiness | null;
}

export interface SendDriverDeps {
  db: Db;
  log: Logger;
  clock: Clock;
  journal: Journal;
  audit: AuditLog;
  lease: Lease;
  /** The driver is the only one that adds and removes runs. */
  runs: LiveRuns;
  events: SendEvents;
  status: SendStatusBuilder;
  campaigns: CampaignService;
  recipients: RecipientService;
  credentials: CredentialsFor;
  options: EngineOptions;
  readFile?: (path: string) => Uint8Array;
  doNotCall?: DoNotCallReader;
  /** The outbox's first and longest wait between attempts of a queued send. */
  outboxBackoff?: { baseMs: number; capMs: number };
  /** The profile's frequency rule, applied again before the envelopes go. */
  history?: CallHistory;
}

/** Another process holds the send's lease: this one leaves it alone. */
class BusyElsewhere extends AppError {
  constructor() {
    super(
      'conflict',
      'This campaign is being sent by another window or command. Wait for it to finish.',
    );
  }
}

/**
 * Drives one send at a time per campaign: takes the lease, runs the engine (engine.ts) against
 * the journal, and writes down how the run ended (scheduled, waiting for its time, late, paused,
 * queued to retry, failed) with the campaign's status and the audit entry that go with it.
 */
export class SendDriver {
  readonly #deps: SendDriverDeps;

  constructor(deps: SendDriverDeps) {
    this.#deps = deps;
  }

  /**
   * Starts the campaign's run unless this process already drives it; returns the run. `checked`:
   * what Send's check found a moment ago (the verified caller ID, the shared do-not-call file's
   * reading), so the run does not ask again; a run started later (the outbox, resume) reads afresh.
   */
  launch(campaignId: string, checked?: SendChecked): LiveRun {
    const { runs, journal, clock, log, events, status } = this.#deps;
    const running = runs.get(campaignId);
    if (running) return running;
    const abort = new AbortController();
    const sentNow = journal.sentCount(campaignId);
    const live: LiveRun = {
      control: { stop: null, signal: abort.signal },
      abort,
      promise: Promise.resolve(null),
      step: 'checks',
      retries: 0,
      startedAt: monotonicMs(),
      startedIso: clock().toISOString(),
      sentAtStart: sentNow,
      sent: sentNow,
      lastEmit: 0,
    };
    runs.add(campaignId, live);
    live.promise = this.#drive(campaignId, live, checked)
      .catch((error: unknown) => {
        if (!(error instanceof BusyElsewhere)) log.error('send run crashed', { campaignId, error });
        return status.status(campaignId);
      })
      .finally(() => {
        runs.delete(campaignId);
        events.changed(campaignId);
      });
    return live;
  }

  /** Asks every run to stop after its requests in flight (the app is closing) and waits for them. */
  async stopAll(): Promise<void> {
    const runs = this.#deps.runs.all();
    for (const live of runs) {
      live.control.stop ??= 'shutdown';
      live.abort.abort(new Error('shutting down'));
    }
    await Promise.allSettled(runs.map((r) => r.promise));
  }

  async #drive(
    campaignId: string,
    live: LiveRun,
    checked?: SendChecked,
  ): Promise<SendStatus | null> {
    const { log, lease, journal, campaigns, events, status } = this.#deps;
    if (!lease.acquire(campaignId)) {
      log.info('send is being driven elsewhere', { campaignId });
      throw new BusyElsewhere();
    }
    const renew = setInterval(() => lease.renew(campaignId), 5_000);
    renew.unref?.();
    try {
      const send = journal.get(campaignId)!;
      if (send.state === 'scheduled' || send.state === 'completed' || send.state === 'cancelled')
        return status.status(campaignId);
      journal.update(campaignId, { state: 'sending', next_attempt_at: null });
      campaigns.setStatus(campaignId, 'sending');
      events.changed(campaignId);
      let outcome: RunOutcome;
      let credentials: Credentials | undefined;
      try {
        credentials = await this.#deps.credentials(campaignId, send.profile_id);
      } catch (error) {
        outcome = {
          kind: 'failed',
          error: error instanceof AppError ? error : new AppError('internal', String(error)),
        };
      }
      // The office's do-not-call file is read again right before the envelopes go (a queued
      // send may start hours after its check), unless Send's check read it a moment ago.
      const readiness = !credentials
        ? null
        : checked
          ? checked.doNotCall
          : await this.#deps.doNotCall?.beforeSend();
      if (readiness?.blocking) {
        outcome = {
          kind: 'failed',
          explained: true,
          error: new AppError('unavailable', readiness.message),
        };
        credentials = undefined;
      } else if (readiness)
        log.warn('sending with an older copy of the shared do-not-call file', {
          campaignId,
          message: readiness.message,
        });
      const list = this.#deps.recipients.getList(campaignId);
      if (credentials && !list)
        outcome = {
          kind: 'failed',
          error: new AppError('not_found', 'The campaign has no recipient list any more.'),
        };
      if (credentials && list) {
        const run = new SendRun({
          journal,
          audit: this.#deps.audit,
          log: log.child('send'),
          send,
          campaign: campaigns.detail(campaignId),
          credentials,
          options: this.#deps.options,
          control: live.control,
          readFile: this.#deps.readFile,
          checkedCallerId: checked?.callerId,
          now: () => this.#deps.clock().getTime(),
          onStep: (step) => {
            const changed = live.step !== step;
            live.step = step;
            this.#progress(campaignId, live, changed);
          },
          onRetry: () => {
            live.retries++;
          },
          onSent: (count) => {
            live.sent += count;
          },
          columns: { keys: list.keys, phoneIndex: list.phoneIndex },
          history: this.#deps.history,
        });
        outcome = await run.run();
      }
      this.#apply(campaignId, outcome!, live);
      return status.status(campaignId);
    } finally {
      clearInterval(renew);
      lease.release(campaignId);
    }
  }

  /** Writes down how the run ended: the journal, the campaign's status and the audit trail. */
  #apply(campaignId: string, outcome: RunOutcome, live: LiveRun): void {
    const { journal, audit, campaigns } = this.#deps;
    const send = journal.get(campaignId)!;
    const base = {
      campaignId,
      profileId: send.profile_id,
      recipientsSha256: send.recipients_sha256,
    };
    const now = this.#deps.clock().toISOString();
    switch (outcome.kind) {
      case 'scheduled': {
        journal.update(campaignId, {
          state: 'scheduled',
          scheduled_at: send.scheduled_at ?? now,
          attempts: 0,
          error_code: null,
          error_message: null,
          next_poll_at: this.#deps.clock().getTime() + 5_000,
        });
        campaigns.setStatus(campaignId, 'scheduled');
        audit.record({
          ...base,
          action: 'send.scheduled',
          remoteId: send.engagement_id,
          count: journal.sentCount(campaignId),
          outcome: 'ok',
        });
        break;
      }
      case 'stopped': {
        if (live.control.stop === 'shutdown') {
          // The app is closing: the send stays "sending" and resumes when it starts again.
          break;
        }
        if (outcome.reason === 'pause') {
          journal.update(campaignId, {
            state: 'paused',
            error_code: null,
            error_message: 'Paused. Resume to continue; nothing has been scheduled.',
          });
          audit.record({ ...base, action: 'send.pause', outcome: 'ok' });
        }
        // cancel: cancel() records it once the run has stopped.
        break;
      }
      case 'waiting': {
        const when = new Date(outcome.until).toISOString();
        journal.update(campaignId, {
          state: 'queued',
          attempts: 0,
          next_attempt_at: outcome.until,
          error_code: null,
          error_message: `Everything is ready in Omnigage; it will be scheduled at ${when}, the campaign's send time. Nobody is called before then.`,
        });
        campaigns.setStatus(campaignId, 'queued');
        audit.record({
          ...base,
          action: 'send.waiting',
          remoteId: send.engagement_id,
          outcome: 'ok',
          detail: `schedule at ${when}`,
        });
        break;
      }
      case 'late': {
        // Nobody is called late without a person saying so (resume with callLate).
        const at = new Date(outcome.at).toISOString();
        journal.update(campaignId, {
          state: 'paused',
          next_attempt_at: null,
          error_code: 'late',
          error_message: `Paused: the send time ${at} passed while this computer was off or asleep (it is now ${now}). Everything is ready in Omnigage, but nobody has been called. Call now (in the app: Review & send) or cancel the send.`,
        });
        audit.record({
          ...base,
          action: 'send.late',
          remoteId: send.engagement_id,
          outcome: 'ok',
          detail: `send time ${at} passed; asked before calling`,
        });
        break;
      }
      case 'retry_later': {
        const said = this.#refusedBatches(campaignId, live, outcome.error.message);
        const attempts = send.attempts + 1;
        const { baseMs, capMs } = this.#deps.outboxBackoff ?? { baseMs: 15_000, capMs: 5 * 60_000 };
        const wait = Math.max(
          outcome.retryAfterMs ?? 0,
          backoff(attempts, this.#deps.options.timing, baseMs, capMs),
        );
        journal.update(campaignId, {
          state: 'queued',
          attempts,
          next_attempt_at: this.#deps.clock().getTime() + Math.round(wait),
          error_code: outcome.error.code,
          error_message: `${said} The send is saved and will continue by itself.`,
        });
        campaigns.setStatus(campaignId, 'queued');
        audit.record({
          ...base,
          action: 'send.queued',
          outcome: 'failed',
          detail: outcome.error.message,
        });
        break;
      }
      case 'failed': {
        const said = outcome.explained
          ? outcome.error.message
          : this.#refusedBatches(campaignId, live, outcome.error.message);
        journal.update(campaignId, {
          state: 'failed',
          next_attempt_at: null,
          error_code: outcome.error.code,
          error_message: said,
        });
        campaigns.setStatus(campaignId, journal.discardable(campaignId) ? 'ready' : 'failed');
        audit.record({
          ...base,
          action: 'send.failed',
          outcome: 'failed',
          detail: outcome.error.message,
        });
        break;
      }
    }
  }

  /**
   * The stop's reason said once, with how many envelope batches of this run were refused or
   * went unanswered (each batch's request failed on its own, often for the same reason).
   */
  #refusedBatches(campaignId: string, live: LiveRun, message: string): string {
    const said = sayOnce(message);
    const { batches, people } = auditLogTable(this.#deps.db).failedEnvelopeBatches(
      campaignId,
      live.startedIso,
    );
    if (batches === 0) return said;
    const n = (k: number, one: string, many: string) =>
      `${k.toLocaleString('en-US')} ${k === 1 ? one : many}`;
    return `${said} This affected ${n(batches, 'batch', 'batches')} of recipients (${n(people, 'person', 'people')}).`;
  }

  /** Progress to the window at most every PROGRESS_EVERY_MS, and at once when the step changes. */
  #progress(campaignId: string, live: LiveRun, force = false): void {
    const now = monotonicMs();
    if (!force && now - live.lastEmit < PROGRESS_EVERY_MS) return;
    live.lastEmit = now;
    this.#deps.events.progress(campaignId);
  }
}
