import { describeWindow } from '../../shared/recipients/quiet-hours';
import { AppError } from '../../shared/errors';
import type { CancelReport, SendStatus } from '../../shared/send';
import type { CampaignService } from '../campaigns/service';
import type { ProfileService } from '../profiles/service';
import type { RecipientService } from '../recipients/service';
import type { AuditLog } from './audit';
import type { CallHistory } from './call-history';
import type { CredentialsFor, SendChecks } from './checks';
import type { SendDriver } from './driver';
import { LATE_OK, type EngineOptions } from './engine';
import type { SendEvents } from './events';
import { holdForCallingHours } from './hold';
import { CALLING_WINDOW_STEP, type Journal, type SendRow } from './journal';
import type { RunningSends } from './runs';
import type { SendStatusBuilder } from './status';
import type { Clock } from '../clock';

export interface SendControlsDeps {
  clock: Clock;
  journal: Journal;
  audit: AuditLog;
  checks: SendChecks;
  driver: SendDriver;
  runs: RunningSends;
  status: SendStatusBuilder;
  events: SendEvents;
  campaigns: CampaignService;
  recipients: RecipientService;
  profiles: ProfileService;
  credentials: CredentialsFor;
  options: EngineOptions;
  /** The profile's frequency rule: it holds back as soon as the send's recipients are frozen. */
  history: CallHistory;
}

/**
 * What a person does to a send: start it, resume it (calling late only when they say so), pause
 * it, cancel it. Each writes the journal and the audit trail and hands the run to the driver.
 */
export class SendControls {
  readonly #deps: SendControlsDeps;

  constructor(deps: SendControlsDeps) {
    this.#deps = deps;
  }

  #status(campaignId: string): SendStatus {
    return this.#deps.status.status(campaignId)!;
  }

  /**
   * Sends a campaign, or resumes its send. A scheduled campaign is never sent again: its
   * status comes back without any request to Omnigage. Returns once the run has started (or
   * the campaign is queued); `settled()` waits for the run to end.
   */
  async start(
    campaignId: string,
    options: { profileId?: string | null } = {},
  ): Promise<SendStatus> {
    const { journal, audit, campaigns, recipients, profiles, clock } = this.#deps;
    const existing = journal.get(campaignId);
    if (existing) {
      if (existing.state === 'scheduled' || existing.state === 'completed')
        return this.#status(campaignId);
      if (existing.state === 'cancelled') {
        throw new AppError(
          'conflict',
          "This campaign's send was cancelled. Duplicate the campaign to send it again.",
        );
      }
      if (!(existing.state === 'failed' && journal.discardable(campaignId))) {
        this.#resumeRun(campaignId, 'send.resume');
        return this.#status(campaignId);
      }
      journal.discard(campaignId);
    }

    // The check reads the campaign, the profile, the credentials, the shared do-not-call file and
    // the calling hours; Send goes on with what it read rather than reading each again.
    const checked = await this.#deps.checks.forSend(campaignId, options.profileId);
    const check = checked.result;
    const blocking = check.problems.filter((p) => p.blocking);
    if (blocking.length > 0)
      throw new AppError('invalid_input', blocking.map((p) => p.message).join(' '));

    const { campaign, profileId } = checked;
    const credentials =
      checked.credentials ?? (await this.#deps.credentials(campaignId, options.profileId));
    const list = recipients.getList(campaignId);
    const offline = !check.online;
    // Recipients outside their calling hours when the calls start are left out or held, if so
    // chosen; the journal records which (by zone prefix), so Results can say why they got no
    // call here, and which follow-up campaigns call those held (hold.ts).
    // The check judged the hours for the moment the calls start (callingWindow: null when they
    // only warn); leave-out uses that reading as it is, hold groups those outside by when their
    // hours open.
    const window = campaign.delivery.window;
    const outside = checked.callingWindow;
    const startsAt = outside?.at ?? clock();
    const hold =
      window?.outside === 'hold' && outside
        ? recipients.heldGroups(campaignId, profileId, startsAt, window)
        : null;
    const leaveOut = hold
      ? {
          prefixes: hold.flatMap((g) => g.prefixes),
          recipients: hold.reduce((n, g) => n + g.rows.length, 0),
        }
      : window?.outside === 'leave-out'
        ? outside
        : null;
    const state = offline ? 'queued' : 'sending';
    const held = journal.transaction(() => {
      // First, so that follow-ups copy the profile this send uses.
      if (options.profileId) profiles.useForCampaign(campaignId, options.profileId);
      journal.create({
        campaignId,
        state,
        profileId,
        apiUrl: credentials.apiUrl,
        recipientsSha256: list?.sha256 ?? null,
        batchSize: this.#deps.options.batchSize,
        leaveOut: leaveOut?.prefixes,
      });
      const held =
        hold && window && hold.length > 0
          ? holdForCallingHours(
              { journal, audit, campaigns, recipients },
              {
                campaignId,
                profileId,
                apiUrl: credentials.apiUrl,
                batchSize: this.#deps.options.batchSize,
                state,
                window,
                groups: hold,
              },
            )
          : [];
      if (leaveOut && window)
        journal.stepDone(campaignId, CALLING_WINDOW_STEP, null, {
          prefixes: leaveOut.prefixes,
          recipients: leaveOut.recipients,
          at: startsAt.toISOString(),
          window: describeWindow(window),
          ...(held.length > 0 ? { held } : {}),
        });
      // The frequency rule holds back before anything is handed over (and again before the envelopes go).
      this.#deps.history.holdAndRecord(campaignId, journal.get(campaignId)!, audit, campaign.name);
      return held;
    });
    // Send pressed after the campaign's time: the window said the calls start at once, so that is
    // not "late" (which is for a time that passed while the computer was off).
    const delivery = campaign.delivery;
    if (delivery.type === 'at' && Date.parse(delivery.at) <= clock().getTime())
      journal.stepDone(campaignId, LATE_OK, null, { sentAfterTime: true });
    const send = journal.get(campaignId)!;
    audit.record({
      campaignId,
      profileId,
      recipientsSha256: send.recipients_sha256,
      action: 'send.start',
      count: send.total,
      outcome: 'ok',
      detail: offline
        ? `queued in the outbox (offline); ${credentials.apiUrl}`
        : credentials.apiUrl,
    });
    for (const followUp of held) {
      if (offline) this.#queueForConnection(followUp.campaignId);
      // Read a moment ago for this send; a follow-up that waits for its time reads it again then.
      else this.#deps.driver.launch(followUp.campaignId, { doNotCall: checked.doNotCall });
    }
    if (offline) {
      this.#queueForConnection(campaignId);
      return this.#status(campaignId);
    }
    campaigns.setStatus(campaignId, 'sending');
    this.#deps.driver.launch(campaignId, {
      callerId: check.callerId?.id,
      doNotCall: checked.doNotCall,
    });
    return this.#status(campaignId);
  }

  /** Cancels the follow-ups a "hold" send made (hold.ts); null when it made none. */
  async #cancelFollowUps(
    campaignId: string,
  ): Promise<{ message: string; stillCalling: number } | null> {
    const held = this.#deps.journal.callingWindow(campaignId).held;
    if (held.length === 0) return null;
    const cancelled: string[] = [];
    const calling: string[] = [];
    for (const followUp of held) {
      const send = this.#deps.journal.get(followUp.campaignId);
      if (!send || send.state === 'cancelled') continue;
      try {
        await this.cancel(followUp.campaignId);
        cancelled.push(`"${followUp.name}"`);
      } catch {
        calling.push(`"${followUp.name}" (${followUp.recipients.toLocaleString('en-US')})`);
      }
    }
    const parts: string[] = [];
    if (cancelled.length > 0)
      parts.push(
        `The follow-up${cancelled.length === 1 ? '' : 's'} for those held for their calling hours (${cancelled.join(', ')}) ${cancelled.length === 1 ? 'was' : 'were'} cancelled too.`,
      );
    if (calling.length > 0)
      parts.push(
        `Already scheduled in Omnigage and still calling: ${calling.join(', ')}. Stop ${calling.length === 1 ? 'it' : 'them'} in Omnigage if those people must not be called.`,
      );
    return { message: parts.join(' '), stillCalling: calling.length };
  }

  /** A send created while Omnigage cannot be reached waits in the outbox for the connection. */
  #queueForConnection(campaignId: string): void {
    this.#deps.journal.update(campaignId, {
      next_attempt_at: this.#deps.clock().getTime(),
      error_code: 'network',
      error_message: 'Waiting for the connection to Omnigage.',
    });
    this.#deps.campaigns.setStatus(campaignId, 'queued');
    this.#deps.events.changed(campaignId);
  }

  /**
   * Continues a paused, queued or failed send. A send paused because its time passed while the
   * computer was off goes on only with `callLate` (the person saw the time and said yes), and not
   * while anyone it would call is outside the campaign's calling hours now.
   */
  async resume(campaignId: string, options: { callLate?: boolean } = {}): Promise<SendStatus> {
    const { journal, audit } = this.#deps;
    const send = this.#require(campaignId);
    if (send.state === 'scheduled' || send.state === 'completed') return this.#status(campaignId);
    if (send.state === 'paused' && send.error_code === 'late') {
      if (!options.callLate)
        throw new AppError(
          'invalid_input',
          'The send time has passed. Say whether to call now, late, or cancel the send.',
        );
      this.#assertInsideCallingHoursNow(campaignId, send);
      journal.stepDone(campaignId, LATE_OK, null, {
        confirmedAt: this.#deps.clock().toISOString(),
      });
      audit.record({
        campaignId,
        profileId: send.profile_id,
        recipientsSha256: send.recipients_sha256,
        action: 'send.call-late',
        outcome: 'ok',
        detail: 'a person chose to call after the send time',
      });
    }
    if (send.state === 'cancelled')
      throw new AppError(
        'conflict',
        'A cancelled send cannot be resumed. Duplicate the campaign to send it again.',
      );
    // Failed before any envelope request: the campaign may have been edited since; start afresh.
    if (send.state === 'failed' && journal.discardable(campaignId))
      return this.start(campaignId, { profileId: send.profile_id });
    this.#resumeRun(campaignId, 'send.resume');
    return this.#status(campaignId);
  }

  #resumeRun(campaignId: string, action: string): void {
    if (this.#deps.runs.has(campaignId)) return;
    const send = this.#deps.journal.get(campaignId)!;
    if (send.state !== 'sending') {
      this.#deps.audit.record({
        campaignId,
        profileId: send.profile_id,
        recipientsSha256: send.recipients_sha256,
        action,
        outcome: 'ok',
        detail: `from ${send.state}`,
      });
    }
    this.#deps.driver.launch(campaignId);
  }

  /** Stops after the requests in flight; nothing is scheduled. `send:resume` continues. */
  async pause(campaignId: string): Promise<SendStatus> {
    const { journal, audit, runs, campaigns, events } = this.#deps;
    const send = this.#require(campaignId);
    const live = runs.get(campaignId);
    if (live) {
      live.control.stop = 'pause';
      live.abort.abort(new Error('paused'));
      await live.promise;
    } else if (send.state === 'queued' || send.state === 'failed') {
      journal.update(campaignId, { state: 'paused', next_attempt_at: null });
      audit.record({
        campaignId,
        profileId: send.profile_id,
        recipientsSha256: send.recipients_sha256,
        action: 'send.pause',
        outcome: 'ok',
      });
      campaigns.setStatus(campaignId, 'sending');
      events.changed(campaignId);
    }
    return this.#status(campaignId);
  }

  /**
   * Cancels before scheduling. Says what already exists in Omnigage: an engagement that is
   * never scheduled calls nobody. A scheduled send cannot be cancelled here.
   */
  async cancel(campaignId: string): Promise<CancelReport> {
    const { journal, audit, runs, campaigns, events, status: statuses } = this.#deps;
    const send = this.#require(campaignId);
    if (send.state === 'scheduled' || send.state === 'completed') {
      throw new AppError(
        'conflict',
        'This campaign is already scheduled in Omnigage, so it can no longer be cancelled here. Stop it in Omnigage.',
      );
    }
    const live = runs.get(campaignId);
    if (live) {
      live.control.stop = 'cancel';
      live.abort.abort(new Error('cancelled'));
      await live.promise;
    }
    const after = journal.get(campaignId)!;
    const objects: Record<string, number> = {};
    const typeOf = (step: string) =>
      step.startsWith('upload')
        ? 'uploads'
        : step.startsWith('template')
          ? 'voice-templates'
          : step.startsWith('trigger')
            ? 'triggers'
            : step === 'engagement'
              ? 'engagements'
              : step === 'activity'
                ? 'activities'
                : null;
    for (const s of journal.steps(campaignId)) {
      const type = typeOf(s.step);
      if (type && s.state === 'done') objects[type] = (objects[type] ?? 0) + 1;
    }
    const envelopes = journal.sentCount(campaignId);
    const unanswered = journal
      .openBatches(campaignId)
      .filter((b) => b.state === 'in_flight').length;
    if (envelopes > 0) objects.envelopes = envelopes;
    const engagementId = after.engagement_id;
    // Said in the person's words: what stays in Omnigage, not the API's object types
    // ("1 engagements, 2 triggers, 4 envelopes"); `objects` keeps those for the CLI's --json.
    const parts: string[] = [];
    if (engagementId || objects.engagements)
      parts.push(`the campaign${engagementId ? ` (engagement ${engagementId})` : ''}`);
    if (objects['voice-templates'] || objects.uploads || objects.triggers || objects.activities)
      parts.push('its messages');
    if (envelopes > 0) parts.push(`${envelopes} of the people to call`);
    let message: string;
    if (parts.length === 0 && unanswered === 0)
      message = 'Cancelled. Nothing had been created in Omnigage.';
    else {
      const kept =
        parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0];
      message = `Cancelled before it was scheduled. ${kept ? `Omnigage keeps ${kept}, not scheduled` : 'Omnigage may keep part of it'}`;
      if (unanswered > 0)
        message += `${kept ? ', and perhaps more people' : ''} from ${unanswered} request${unanswered === 1 ? '' : 's'} that had no answer`;
      message += '. Nobody will be called for them.';
    }
    // Those held for their calling hours are this send's people too: their follow-ups are
    // cancelled with it. One that is already scheduled keeps calling, so this send is then
    // kept (not discarded): sending it again could call its people a second time.
    const followUps = await this.#cancelFollowUps(campaignId);
    if (followUps) message += ` ${followUps.message}`;
    const discard = journal.discardable(campaignId) && (followUps?.stillCalling ?? 0) === 0;
    audit.record({
      campaignId,
      profileId: after.profile_id,
      recipientsSha256: after.recipients_sha256,
      action: 'send.cancel',
      remoteId: engagementId,
      count: envelopes,
      outcome: 'ok',
      detail: message,
    });
    let status: SendStatus | null;
    if (discard) {
      journal.discard(campaignId);
      campaigns.setStatus(campaignId, 'ready');
      status = null;
      message += ' The campaign can be edited and sent again.';
    } else {
      journal.update(campaignId, {
        state: 'cancelled',
        next_attempt_at: null,
        error_code: 'cancelled',
        error_message: message,
      });
      campaigns.setStatus(campaignId, 'failed');
      status = statuses.status(campaignId);
      message += ' Duplicate the campaign to send it again.';
    }
    events.changed(campaignId);
    return {
      status: status ?? statuses.empty(campaignId, after),
      remote: { engagementId, envelopes, objects },
      message,
    };
  }

  /**
   * Calling late moves the calls to now: the campaign's calling hours (when they leave people out
   * or refuse) were judged at the send time, so they are judged again for everyone the send would
   * still call. Envelopes already exist, so nobody more can be left out: the person waits instead.
   */
  #assertInsideCallingHoursNow(campaignId: string, send: SendRow): void {
    const window = this.#deps.campaigns.detail(campaignId).delivery.window;
    if (!window || window.outside === 'warn') return;
    const detail = this.#deps.journal.step(campaignId, CALLING_WINDOW_STEP)?.detail;
    const leftOut = new Set<string>(
      detail ? ((JSON.parse(detail) as { prefixes?: string[] }).prefixes ?? []) : [],
    );
    const outside = this.#deps.recipients
      .outsideWindow(campaignId, send.profile_id, this.#deps.clock(), window)
      .prefixes.filter((prefix) => !leftOut.has(prefix));
    if (outside.length === 0) return;
    throw new AppError(
      'conflict',
      `It is outside the calling hours (${describeWindow(window)} their time) for some of the people this send would call now. Call late once it is inside their hours, or cancel the send.`,
    );
  }

  #require(campaignId: string): SendRow {
    const send = this.#deps.journal.get(campaignId);
    if (!send) throw new AppError('not_found', 'This campaign has not been sent.');
    return send;
  }
}
