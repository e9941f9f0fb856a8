import type { JournalStep, SendProgress, SendState, SendStatus, SendStep } from '../../shared/send';
import { sayOnce, waitingForApproval } from '../../shared/send';
import type { Db } from '../db/open';
import { sendsTable } from '../db/tables/sends';
import type { Journal, SendRow } from './journal';
import type { Reachability } from './reachability';
import type { RunningSends } from './runs';
import { monotonicMs, type Clock } from '../clock';

export interface SendStatusDeps {
  db: Db;
  clock: Clock;
  journal: Journal;
  runs: RunningSends;
  reachability: Reachability;
}

/**
 * What a send looks like to the window and the CLI, built from its journal row, the run in
 * progress (if this process drives it) and whether its Omnigage answers. Reads only.
 */
export class SendStatusBuilder {
  readonly #deps: SendStatusDeps;

  constructor(deps: SendStatusDeps) {
    this.#deps = deps;
  }

  status(campaignId: string): SendStatus | null {
    const { journal: sends, runs, reachability } = this.#deps;
    const send = sends.get(campaignId);
    if (!send) return null;
    const journal = sends.steps(campaignId);
    const live = runs.get(campaignId);
    const sent = live ? live.sent : sends.sentCount(campaignId);
    let eta: number | null = null;
    if (live && send.state === 'sending') {
      const done = sent - live.sentAtStart;
      const elapsed = (monotonicMs() - live.startedAt) / 1000;
      if (done > 0 && elapsed > 0) eta = Math.ceil(((send.total - sent) / done) * elapsed);
    }
    const counts = send.remote_counts
      ? (JSON.parse(send.remote_counts) as {
          total: number | null;
          complete: number | null;
          incomplete: number | null;
          approved?: boolean | null;
        })
      : null;
    const remote: SendStatus['remote'] =
      send.polled_at && counts
        ? {
            status: send.remote_status,
            total: counts.total,
            complete: counts.complete,
            incomplete: counts.incomplete,
            complianceApproved: counts.approved ?? null,
            polledAt: send.polled_at,
          }
        : null;
    return {
      campaignId,
      state: send.state,
      step: live?.step ?? stepFromJournal(send.state, journal, sent),
      profileId: send.profile_id,
      engagementId: send.engagement_id,
      envelopesTotal: send.total,
      envelopesSent: sent,
      retries: live?.retries ?? 0,
      etaSeconds: eta,
      // Said once even for sends stopped before messages were shortened.
      message: send.error_message === null ? null : sayOnce(send.error_message),
      errorCode: send.error_code,
      nextAttemptAt:
        send.state === 'queued' && send.next_attempt_at
          ? new Date(send.next_attempt_at).toISOString()
          : null,
      journal,
      held: sends.callingWindow(campaignId).held,
      startedBy: sends.startedBy(campaignId),
      createdAt: send.created_at,
      updatedAt: send.updated_at,
      scheduledAt: send.scheduled_at,
      completedAt: send.completed_at,
      // Cancel is the last write to a cancelled send (the run has stopped, nothing resumes it),
      // so the row's last change is when the person cancelled.
      cancelledAt: send.state === 'cancelled' ? send.updated_at : null,
      remote,
      waitingForApproval: waitingForApproval(send.state, remote),
      omnigage: reachability.stateOf(send.api_url).reach,
    };
  }

  /** The status without its journal: what a progress event carries. */
  progress(campaignId: string): SendProgress | null {
    const status = this.status(campaignId);
    if (!status) return null;
    const { journal: _journal, ...progress } = status;
    return progress;
  }

  /** A send dropped on cancel (nothing existed in Omnigage): the status it had, emptied. */
  empty(campaignId: string, send: SendRow): SendStatus {
    return {
      campaignId,
      state: 'cancelled',
      step: 'checks',
      profileId: send.profile_id,
      engagementId: send.engagement_id,
      envelopesTotal: send.total,
      envelopesSent: 0,
      retries: 0,
      etaSeconds: null,
      message: null,
      errorCode: null,
      nextAttemptAt: null,
      journal: [],
      held: [],
      startedBy: null,
      createdAt: send.created_at,
      updatedAt: this.#deps.clock().toISOString(),
      scheduledAt: null,
      completedAt: null,
      cancelledAt: this.#deps.clock().toISOString(),
      remote: null,
      omnigage: 'unknown',
      waitingForApproval: false,
    };
  }

  /**
   * Sends with a "send at" time that have not been scheduled yet and will go by themselves
   * (queued or running; a paused one waits for a person): the app must be awake for them.
   */
  waitingForTime(): Array<{ campaignId: string; at: string }> {
    // Asked at every change of any send (the keep-awake guard): one query, not one campaign
    // read per queued send.
    return sendsTable(this.#deps.db).waitingForTime();
  }

  /** Sends waiting in the outbox or running. */
  outbox(): SendStatus[] {
    const ids = sendsTable(this.#deps.db).unfinishedIds();
    return ids.map((id) => this.status(id)!).filter(Boolean);
  }
}

function stepFromJournal(state: SendState, journal: JournalStep[], sent: number): SendStep {
  if (state === 'scheduled' || state === 'completed') return 'done';
  const has = (prefix: string) =>
    journal.some((s) => s.step.startsWith(prefix) && s.state === 'done');
  if (has('schedule')) return 'done';
  if (sent > 0) return 'envelopes';
  if (has('trigger')) return 'envelopes';
  if (has('activity')) return 'triggers';
  if (has('engagement')) return 'activity';
  if (has('template')) return 'engagement';
  if (has('upload')) return 'templates';
  return 'checks';
}
