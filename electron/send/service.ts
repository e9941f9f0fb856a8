import { accessSync, constants } from 'node:fs';
import type { CampaignDetail, CampaignStatus } from '../../shared/campaign';
import { describeWindow } from '../../shared/recipients/quiet-hours';
import {
  describeUnknownField,
  extractMergeFields,
  unknownMergeFields,
} from '../../shared/recipients/merge';
import type { ValidationSummary } from '../../shared/recipients/summary';
import { AppError } from '../../shared/errors';
import type {
  CancelReport,
  JournalStep,
  SendCheck,
  SendProblem,
  SendProgress,
  SendState,
  SendStatus,
  SendStep,
} from '../../shared/send';
import { sayOnce, waitingForApproval } from '../../shared/send';
import { isApiError, toAppError } from '../api/client';
import type { CampaignService } from '../campaigns/service';
import type { Db } from '../db/open';
import type { Logger } from '../logging/logger';
import { resolveCredentials, type Credentials } from '../profiles/credentials';
import type { ProfileService } from '../profiles/service';
import { sendableSql, type SendReadiness } from '../recipients/opt-outs';
import type { RecipientService } from '../recipients/service';
import { backoff } from '../api/http';
import { AuditLog } from './audit';
import {
  DEFAULT_ENGINE_OPTIONS,
  LATE_OK,
  SendRun,
  clientFor,
  matchCallerId,
  messageSlots,
  type EngineOptions,
  type RunControl,
  type RunOutcome,
} from './engine';
import { CALLING_WINDOW_STEP, Journal, type SendRow } from './journal';
import { Lease } from './lease';
import { Reachability } from './reachability';

export type SendEvent =
  | { type: 'progress'; progress: SendProgress }
  | { type: 'changed'; campaignId: string }
  | { type: 'results'; campaignId: string };

export interface SendServiceDeps {
  db: Db;
  log: Logger;
  clock?: () => Date;
  campaigns: CampaignService;
  recipients: RecipientService;
  profiles: ProfileService;
  /** The CLI's environment, for its OMNIGAGE_API_* overrides; the desktop app passes none. */
  env?: NodeJS.ProcessEnv;
  engine?: Partial<EngineOptions>;
  /** How long a run's lease lasts without renewal. */
  leaseMs?: number;
  /** The outbox's first and longest wait between attempts of a queued send. */
  outboxBackoff?: { baseMs: number; capMs: number };
  /** Reads an audio message's file (tests can stand in for the disk). */
  readFile?: (path: string) => Uint8Array;
  /**
   * Reads the office's shared do-not-call file before every send (OptOutService.beforeSend):
   * a warning when only an older copy could be used, a refusal when that copy is too old.
   */
  doNotCall?: { beforeSend(): Promise<SendReadiness | null> };
  /** Each outbox tick also polls the results of scheduled sends through this (ResultsService.pollDue). */
  pollResults?: (now: number) => Promise<void>;
}

interface LiveRun {
  control: RunControl;
  abort: AbortController;
  promise: Promise<SendStatus | null>;
  step: SendStep;
  retries: number;
  startedAt: number;
  /** The run's start on the service's clock (audit entries are compared with it). */
  startedIso: string;
  sentAtStart: number;
  /** Envelopes recorded so far, kept here so progress never has to count rows. */
  sent: number;
  lastEmit: number;
}

const PROGRESS_EVERY_MS = 250;

/**
 * Sending a campaign: the checks, the journal-backed run (engine.ts), pause/resume/cancel, the
 * outbox that retries queued sends when the connection returns, and the campaign lock.
 *
 * A campaign's status follows its send: queued → `queued`; sending/paused → `sending`;
 * scheduled → `scheduled`; completed → `completed`; failed or cancelled once envelopes may exist
 * in Omnigage → `failed` (locked; duplicate to send again). A send that failed or was cancelled
 * before any envelope request went out is dropped and the campaign is editable again.
 */
export class SendService {
  readonly journal: Journal;
  readonly audit: AuditLog;
  /** Whether Omnigage answers: fed by every request the engine and results make, and a probe. */
  readonly reachability: Reachability;
  readonly #deps: SendServiceDeps;
  readonly #clock: () => Date;
  readonly #options: EngineOptions;
  readonly #lease: Lease;
  readonly #live = new Map<string, LiveRun>();
  readonly #listeners = new Set<(event: SendEvent) => void>();
  #outboxTimer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;

  constructor(deps: SendServiceDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? (() => new Date());
    this.journal = new Journal(deps.db, this.#clock);
    this.audit = new AuditLog(deps.db, this.#clock);
    this.reachability = new Reachability({
      log: deps.log.child('reachability'),
      clock: this.#clock,
      target: () => deps.profiles.active()?.apiUrl ?? null,
      busy: () => this.#live.size > 0,
      fetch: deps.engine?.fetch,
    });
    this.#options = {
      ...DEFAULT_ENGINE_OPTIONS,
      ...deps.engine,
      fetch: this.reachability.wrap(deps.engine?.fetch),
    };
    this.#lease = new Lease(deps.db, deps.leaseMs);
    // The window hears at once when a running or queued send's Omnigage stops or starts answering,
    // and a queued send goes as soon as its Omnigage answers again.
    this.reachability.subscribeAll(() => {
      let woke = false;
      for (const status of this.outbox()) {
        const { journal: _journal, ...progress } = status;
        this.#emit({ type: 'progress', progress });
        if (
          status.state === 'queued' &&
          status.omnigage === 'answering' &&
          (status.errorCode === 'network' || status.errorCode === 'timeout') &&
          !woke
        ) {
          woke = true;
          this.wake();
        }
      }
    });
  }

  get options(): Readonly<EngineOptions> {
    return this.#options;
  }

  subscribe(listener: (event: SendEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: SendEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#deps.log.warn('send listener failed', { error });
      }
    }
  }

  #changed(campaignId: string): void {
    this.#emit({ type: 'changed', campaignId });
    const status = this.status(campaignId);
    if (status) {
      const { journal: _journal, ...progress } = status;
      this.#emit({ type: 'progress', progress });
    }
  }

  /** The send's state changed outside a run (results completed it). */
  announceChange(campaignId: string): void {
    this.#changed(campaignId);
  }

  /** Results were fetched (ResultsService tells listeners through here). */
  announceResults(campaignId: string): void {
    this.#emit({ type: 'results', campaignId });
  }

  // ---- credentials ---------------------------------------------------------------------------

  async credentials(campaignId: string, profileId?: string | null): Promise<Credentials> {
    return resolveCredentials({
      profiles: this.#deps.profiles,
      log: this.#deps.log,
      profileId: profileId ?? undefined,
      campaignId,
      env: this.#deps.env,
    });
  }

  // ---- checks --------------------------------------------------------------------------------

  /**
   * Everything that would stop a send, checked now: content, recipients against today's
   * opt-outs, credentials and (when Omnigage answers) the caller ID. Offline is a warning:
   * Send would queue the campaign in the outbox.
   */
  async check(campaignId: string, profileId?: string | null): Promise<SendCheck> {
    return this.#check(campaignId, profileId, true);
  }

  /**
   * `full`: the whole validation summary for the window. Send itself only needs its blocking
   * problems, which a few counts answer without reading every row.
   */
  async #check(
    campaignId: string,
    profileId: string | null | undefined,
    full: boolean,
  ): Promise<SendCheck> {
    const { campaigns, recipients, profiles } = this.#deps;
    const campaign = campaigns.detail(campaignId);
    const problems: SendProblem[] = [];
    const existing = this.journal.get(campaignId);
    if (existing && (existing.state === 'scheduled' || existing.state === 'completed')) {
      problems.push({
        code: 'already_sent',
        blocking: true,
        message: `"${campaign.name}" has already been scheduled in Omnigage. Duplicate it to send it again.`,
      });
    } else if (this.#live.has(campaignId)) {
      problems.push({
        code: 'in_progress',
        blocking: true,
        message: `"${campaign.name}" is being sent.`,
      });
    }
    if (!campaign.human)
      problems.push({
        code: 'no_message',
        blocking: true,
        message: 'Write the message for people who answer, or choose an audio file.',
      });
    if (!campaign.callerId)
      problems.push({
        code: 'no_caller_id',
        blocking: true,
        message: 'Choose the caller ID the calls come from.',
      });
    for (const { slot, message } of messageSlots(campaign)) {
      if (message.kind !== 'audio') continue;
      try {
        accessSync(message.file, constants.R_OK);
      } catch {
        problems.push({
          code: 'audio_missing',
          blocking: true,
          message: `The ${slot === 'human' ? '' : 'voicemail '}audio file ${message.file} cannot be read. Choose it again.`,
        });
      }
    }
    const readiness = await this.#deps.doNotCall?.beforeSend();
    if (readiness)
      problems.push({
        code: 'do_not_call',
        blocking: readiness.blocking,
        message: readiness.message,
      });
    const profile = profileId ? profiles.get(profileId) : profiles.forCampaign(campaignId);
    const texts = [campaign.human, campaign.machine].flatMap((m) =>
      m?.kind === 'text' ? [m.body] : [],
    );
    const summary = full
      ? recipients.summary(campaignId, { profileId: profile?.id ?? null, texts })
      : this.#blockingSummary(campaignId, profile?.id ?? null, texts);
    for (const p of summary.problems)
      if (p.blocking) problems.push({ code: 'recipients', blocking: true, message: p.message });
    const hours = this.#callingHours(campaign, profile?.id ?? null);
    if (hours) problems.push(hours);

    let online = false;
    let callerId: SendCheck['callerId'] = null;
    let credentials: Credentials | undefined;
    try {
      credentials = await this.credentials(campaignId, profileId);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.push({ code: 'credentials', blocking: true, message: error.message });
    }
    if (credentials) {
      try {
        const api = clientFor(
          credentials,
          this.#deps.log.child('api'),
          { ...this.#options, timeoutMs: Math.min(this.#options.timeoutMs ?? 15_000, 15_000) },
          { retry: { maxAttempts: 2 } },
        );
        const verified = await api.callerIds.list({ verifiedOnly: true });
        online = true;
        if (campaign.callerId) {
          callerId = matchCallerId(
            campaign.callerId,
            verified.filter((c) => c.status === null || c.status === 'success'),
          );
          if (!callerId) {
            problems.push({
              code: 'caller_id_unverified',
              blocking: true,
              message: `The caller ID ${campaign.callerId} is not verified in this Omnigage account. Verify it in Omnigage, or choose another.`,
            });
          }
        }
      } catch (error) {
        if (!isApiError(error)) throw error;
        if (
          error.kind === 'bad_credentials' ||
          error.kind === 'forbidden' ||
          error.kind === 'not_found'
        ) {
          online = true;
          problems.push({
            code: 'credentials',
            blocking: true,
            message: toAppError(error).message,
          });
        } else {
          problems.push({
            code: 'offline',
            blocking: false,
            message:
              'Omnigage cannot be reached right now. Send will keep the campaign in the outbox and send it when the connection returns.',
          });
        }
      }
    }
    return {
      ok: !problems.some((p) => p.blocking),
      online,
      problems,
      recipients: summary,
      callerId,
    };
  }

  /** The blocking part of the validation summary (no list, unknown merge fields, nobody sendable), from counts. */
  #blockingSummary(
    campaignId: string,
    profileId: string | null,
    texts: readonly string[],
  ): ValidationSummary {
    const list = this.#deps.recipients.getList(campaignId);
    const used = [...new Set(texts.flatMap((t) => extractMergeFields(t)))];
    const problems: ValidationSummary['problems'] = [];
    const counts = { total: 0, valid: 0, invalid: 0, duplicates: 0, optedOut: 0 };
    if (!list) {
      problems.push({
        row: 0,
        code: 'no_recipient_list',
        message: 'This campaign has no recipients yet. Import a CSV or Excel file first.',
        blocking: true,
      });
    } else {
      for (const unknown of unknownMergeFields(used, list.mergeFields)) {
        problems.push({
          row: 0,
          code: 'unknown_merge_field',
          message: describeUnknownField(unknown),
          blocking: true,
        });
      }
      counts.valid = this.#deps.db
        .prepare(
          `SELECT count(*) FROM recipients r WHERE r.campaign_id = ? AND ${sendableSql('r', '?')}`,
        )
        .pluck()
        .get(campaignId, profileId) as number;
      if (counts.valid === 0) {
        problems.push({
          row: 0,
          code: 'no_recipients',
          message: 'No recipient can be called: every row is invalid, a duplicate or opted out.',
          blocking: true,
        });
      }
    }
    return {
      ok: problems.length === 0,
      recipients: counts,
      problems,
      mergeFields: { used, missing: [] },
    };
  }

  // ---- start / resume / pause / cancel -------------------------------------------------------

  /**
   * Sends a campaign, or resumes its send. A scheduled campaign is never sent again: its
   * status comes back without any request to Omnigage. Returns once the run has started (or
   * the campaign is queued); `settled()` waits for the run to end.
   */
  async start(
    campaignId: string,
    options: { profileId?: string | null } = {},
  ): Promise<SendStatus> {
    const existing = this.journal.get(campaignId);
    if (existing) {
      if (existing.state === 'scheduled' || existing.state === 'completed')
        return this.status(campaignId)!;
      if (existing.state === 'cancelled') {
        throw new AppError(
          'conflict',
          "This campaign's send was cancelled. Duplicate the campaign to send it again.",
        );
      }
      if (!(existing.state === 'failed' && this.#discardable(existing))) {
        this.#resumeRun(campaignId, 'send.resume');
        return this.status(campaignId)!;
      }
      this.journal.discard(campaignId);
    }

    const check = await this.#check(campaignId, options.profileId, false);
    const blocking = check.problems.filter((p) => p.blocking);
    if (blocking.length > 0)
      throw new AppError('invalid_input', blocking.map((p) => p.message).join(' '));

    const { recipients, profiles } = this.#deps;
    const profile = options.profileId
      ? profiles.get(options.profileId)
      : profiles.forCampaign(campaignId);
    const profileId = profile?.id ?? null;
    const credentials = await this.credentials(campaignId, options.profileId);
    const list = recipients.getList(campaignId);
    const offline = !check.online;
    // Recipients outside their calling hours when the calls start are left out, if so chosen; the
    // journal records which (by zone prefix), so Results can say why they got no call.
    const campaign = this.#deps.campaigns.detail(campaignId);
    const window = campaign.delivery.window;
    const startsAt = this.#callsStart(campaign.delivery);
    const leaveOut =
      window?.outside === 'leave-out'
        ? recipients.outsideWindow(campaignId, profileId, startsAt, window)
        : null;
    this.journal.create({
      campaignId,
      state: offline ? 'queued' : 'sending',
      profileId,
      apiUrl: credentials.apiUrl,
      recipientsSha256: list?.sha256 ?? null,
      batchSize: this.#options.batchSize,
      leaveOut: leaveOut?.prefixes,
    });
    if (leaveOut && window)
      this.journal.stepDone(campaignId, CALLING_WINDOW_STEP, null, {
        prefixes: leaveOut.prefixes,
        recipients: leaveOut.recipients,
        at: startsAt.toISOString(),
        window: describeWindow(window),
      });
    if (options.profileId) profiles.useForCampaign(campaignId, options.profileId);
    // Send pressed after the campaign's time: the window said the calls start at once, so that is
    // not "late" (which is for a time that passed while the computer was off).
    const delivery = campaign.delivery;
    if (delivery.type === 'at' && Date.parse(delivery.at) <= this.#clock().getTime())
      this.journal.stepDone(campaignId, LATE_OK, null, { sentAfterTime: true });
    const send = this.journal.get(campaignId)!;
    this.audit.record({
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
    if (offline) {
      this.journal.update(campaignId, {
        next_attempt_at: Date.now(),
        error_code: 'network',
        error_message: 'Waiting for the connection to Omnigage.',
      });
      this.#setCampaignStatus(campaignId, 'queued');
      this.#changed(campaignId);
      return this.status(campaignId)!;
    }
    this.#setCampaignStatus(campaignId, 'sending');
    this.#launch(campaignId, check.callerId?.id);
    return this.status(campaignId)!;
  }

  /**
   * Continues a paused, queued or failed send. A send paused because its time passed while the
   * computer was off goes on only with `callLate` (the person saw the time and said yes), and not
   * while anyone it would call is outside the campaign's calling hours now.
   */
  async resume(campaignId: string, options: { callLate?: boolean } = {}): Promise<SendStatus> {
    const send = this.#require(campaignId);
    if (send.state === 'scheduled' || send.state === 'completed') return this.status(campaignId)!;
    if (send.state === 'paused' && send.error_code === 'late') {
      if (!options.callLate)
        throw new AppError(
          'invalid_input',
          'The send time has passed. Say whether to call now, late, or cancel the send.',
        );
      this.#assertInsideCallingHoursNow(campaignId, send);
      this.journal.stepDone(campaignId, LATE_OK, null, {
        confirmedAt: this.#clock().toISOString(),
      });
      this.audit.record({
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
    if (send.state === 'failed' && this.#discardable(send))
      return this.start(campaignId, { profileId: send.profile_id });
    this.#resumeRun(campaignId, 'send.resume');
    return this.status(campaignId)!;
  }

  #resumeRun(campaignId: string, action: string): void {
    if (this.#live.has(campaignId)) return;
    const send = this.journal.get(campaignId)!;
    if (send.state !== 'sending') {
      this.audit.record({
        campaignId,
        profileId: send.profile_id,
        recipientsSha256: send.recipients_sha256,
        action,
        outcome: 'ok',
        detail: `from ${send.state}`,
      });
    }
    this.#launch(campaignId);
  }

  /** Stops after the requests in flight; nothing is scheduled. `send:resume` continues. */
  async pause(campaignId: string): Promise<SendStatus> {
    const send = this.#require(campaignId);
    const live = this.#live.get(campaignId);
    if (live) {
      live.control.stop = 'pause';
      live.abort.abort(new Error('paused'));
      await live.promise;
    } else if (send.state === 'queued' || send.state === 'failed') {
      this.journal.update(campaignId, { state: 'paused', next_attempt_at: null });
      this.audit.record({
        campaignId,
        profileId: send.profile_id,
        recipientsSha256: send.recipients_sha256,
        action: 'send.pause',
        outcome: 'ok',
      });
      this.#setCampaignStatus(campaignId, 'sending');
      this.#changed(campaignId);
    }
    return this.status(campaignId)!;
  }

  /**
   * Cancels before scheduling. Says what already exists in Omnigage: an engagement that is
   * never scheduled calls nobody. A scheduled send cannot be cancelled here.
   */
  async cancel(campaignId: string): Promise<CancelReport> {
    const send = this.#require(campaignId);
    if (send.state === 'scheduled' || send.state === 'completed') {
      throw new AppError(
        'conflict',
        'This campaign is already scheduled in Omnigage, so it can no longer be cancelled here. Stop it in Omnigage.',
      );
    }
    const live = this.#live.get(campaignId);
    if (live) {
      live.control.stop = 'cancel';
      live.abort.abort(new Error('cancelled'));
      await live.promise;
    }
    const after = this.journal.get(campaignId)!;
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
    for (const s of this.journal.steps(campaignId)) {
      const type = typeOf(s.step);
      if (type && s.state === 'done') objects[type] = (objects[type] ?? 0) + 1;
    }
    const envelopes = this.journal.sentCount(campaignId);
    const unanswered = this.journal
      .openBatches(campaignId)
      .filter((b) => b.state === 'in_flight').length;
    if (envelopes > 0) objects.envelopes = envelopes;
    const engagementId = after.engagement_id;
    const parts = Object.entries(objects).map(([type, n]) => `${n} ${type}`);
    let message: string;
    if (parts.length === 0 && unanswered === 0)
      message = 'Cancelled. Nothing had been created in Omnigage.';
    else {
      message = `Cancelled before scheduling. Omnigage has ${parts.join(', ')}${engagementId ? ` (engagement ${engagementId}, not scheduled)` : ''}`;
      if (unanswered > 0)
        message += `, and may have envelopes from ${unanswered} request${unanswered === 1 ? '' : 's'} that had no answer`;
      message += '. Nobody will be called for them.';
    }
    const discard = this.#discardable(after);
    this.audit.record({
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
      this.journal.discard(campaignId);
      this.#setCampaignStatus(campaignId, 'ready');
      status = null;
      message += ' The campaign can be edited and sent again.';
    } else {
      this.journal.update(campaignId, {
        state: 'cancelled',
        next_attempt_at: null,
        error_code: 'cancelled',
        error_message: message,
      });
      this.#setCampaignStatus(campaignId, 'failed');
      status = this.status(campaignId);
      message += ' Duplicate the campaign to send it again.';
    }
    this.#changed(campaignId);
    return {
      status: status ?? this.#emptyStatus(campaignId, after),
      remote: { engagementId, envelopes, objects },
      message,
    };
  }

  /** Resolves when the current run (if any) ends, with the send's status then. */
  async settled(campaignId: string): Promise<SendStatus | null> {
    const live = this.#live.get(campaignId);
    if (live) await live.promise;
    return this.status(campaignId);
  }

  /** True while another live process (the app, another CLI run) drives this send. */
  heldElsewhere(campaignId: string): boolean {
    return this.#lease.heldElsewhere(campaignId);
  }

  /** True while this process is sending any campaign (an update waits for it to finish). */
  isSendingAny(): boolean {
    return this.#live.size > 0;
  }

  /** True while this process is running the campaign's send. */
  isRunning(campaignId: string): boolean {
    return this.#live.has(campaignId);
  }

  /** A send whose envelopes were never requested: dropping it leaves nothing that could call anyone. */
  /** When the calls start: the send time still ahead, else now. */
  #callsStart(delivery: CampaignDetail['delivery']): Date {
    const now = this.#clock();
    const at = delivery.type === 'at' ? new Date(delivery.at) : null;
    return at && at.getTime() > now.getTime() ? at : now;
  }

  /**
   * The campaign's calling window at the moment the calls start: `refuse` blocks the send while
   * anyone is outside it; `leave-out` blocks it only when that would leave nobody to call.
   */
  /**
   * Calling late moves the calls to now: the campaign's calling hours (when they leave people out
   * or refuse) were judged at the send time, so they are judged again for everyone the send would
   * still call. Envelopes already exist, so nobody more can be left out: the person waits instead.
   */
  #assertInsideCallingHoursNow(campaignId: string, send: SendRow): void {
    const window = this.#deps.campaigns.detail(campaignId).delivery.window;
    if (!window || window.outside === 'warn') return;
    const detail = this.journal.step(campaignId, CALLING_WINDOW_STEP)?.detail;
    const leftOut = new Set<string>(
      detail ? ((JSON.parse(detail) as { prefixes?: string[] }).prefixes ?? []) : [],
    );
    const outside = this.#deps.recipients
      .outsideWindow(campaignId, send.profile_id, this.#clock(), window)
      .prefixes.filter((prefix) => !leftOut.has(prefix));
    if (outside.length === 0) return;
    throw new AppError(
      'conflict',
      `It is outside the calling hours (${describeWindow(window)} their time) for some of the people this send would call now. Call late once it is inside their hours, or cancel the send.`,
    );
  }

  #callingHours(campaign: CampaignDetail, profileId: string | null): SendProblem | null {
    const window = campaign.delivery.window;
    if (!window || window.outside === 'warn') return null;
    const at = this.#callsStart(campaign.delivery);
    const outside = this.#deps.recipients.outsideWindow(campaign.id, profileId, at, window);
    if (outside.recipients === 0) return null;
    const hours = describeWindow(window);
    const when = at.getTime() > this.#clock().getTime() ? 'at the send time' : 'now';
    const people = `${outside.recipients.toLocaleString('en-US')} recipient${outside.recipients === 1 ? '' : 's'}`;
    if (window.outside === 'refuse')
      return {
        code: 'calling_hours',
        blocking: true,
        message: `${people} would be called outside their calling hours (${hours} their time) ${when}. Change the calling hours or the send time, or choose to leave them out.`,
      };
    const sendable = this.#deps.recipients
      .zoneGroups(campaign.id, profileId)
      .reduce((sum, group) => sum + group.recipients, 0);
    if (outside.recipients >= sendable)
      return {
        code: 'calling_hours',
        blocking: true,
        message: `Every recipient is outside their calling hours (${hours} their time) ${when}, so nobody would be called. Change the calling hours or the send time.`,
      };
    return {
      code: 'calling_hours',
      blocking: false,
      message: `${people} ${outside.recipients === 1 ? 'is' : 'are'} outside their calling hours (${hours} their time) ${when} and will be left out: they get no call.`,
    };
  }

  #discardable(send: SendRow): boolean {
    return (
      !this.journal.envelopesAttempted(send.campaign_id) &&
      this.journal.step(send.campaign_id, 'schedule') === undefined
    );
  }

  #require(campaignId: string): SendRow {
    const send = this.journal.get(campaignId);
    if (!send) throw new AppError('not_found', 'This campaign has not been sent.');
    return send;
  }

  #setCampaignStatus(campaignId: string, status: CampaignStatus): void {
    this.#deps.campaigns.setStatus(campaignId, status);
  }

  // ---- the run -----------------------------------------------------------------------------

  #launch(campaignId: string, checkedCallerId?: string): LiveRun {
    const running = this.#live.get(campaignId);
    if (running) return running;
    const abort = new AbortController();
    const sentNow = this.journal.sentCount(campaignId);
    const live: LiveRun = {
      control: { stop: null, signal: abort.signal },
      abort,
      promise: Promise.resolve(null),
      step: 'checks',
      retries: 0,
      startedAt: Date.now(),
      startedIso: this.#clock().toISOString(),
      sentAtStart: sentNow,
      sent: sentNow,
      lastEmit: 0,
    };
    this.#live.set(campaignId, live);
    live.promise = this.#drive(campaignId, live, checkedCallerId)
      .catch((error: unknown) => {
        if (!(error instanceof BusyElsewhere))
          this.#deps.log.error('send run crashed', { campaignId, error });
        return this.status(campaignId);
      })
      .finally(() => {
        this.#live.delete(campaignId);
        this.#changed(campaignId);
      });
    return live;
  }

  async #drive(
    campaignId: string,
    live: LiveRun,
    checkedCallerId?: string,
  ): Promise<SendStatus | null> {
    const { log } = this.#deps;
    if (!this.#lease.acquire(campaignId)) {
      log.info('send is being driven elsewhere', { campaignId });
      throw new BusyElsewhere();
    }
    const renew = setInterval(() => this.#lease.renew(campaignId), 5_000);
    renew.unref?.();
    try {
      const send = this.journal.get(campaignId)!;
      if (send.state === 'scheduled' || send.state === 'completed' || send.state === 'cancelled')
        return this.status(campaignId);
      this.journal.update(campaignId, { state: 'sending', next_attempt_at: null });
      this.#setCampaignStatus(campaignId, 'sending');
      this.#changed(campaignId);
      let outcome: RunOutcome;
      let credentials: Credentials | undefined;
      try {
        credentials = await this.credentials(campaignId, send.profile_id);
      } catch (error) {
        outcome = {
          kind: 'failed',
          error: error instanceof AppError ? error : new AppError('internal', String(error)),
        };
      }
      // The office's do-not-call file is read again right before the envelopes go (a queued
      // send may start hours after its check).
      const readiness = credentials ? await this.#deps.doNotCall?.beforeSend() : null;
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
          journal: this.journal,
          audit: this.audit,
          log: log.child('send'),
          send,
          campaign: this.#deps.campaigns.detail(campaignId),
          credentials,
          options: this.#options,
          control: live.control,
          readFile: this.#deps.readFile,
          checkedCallerId,
          now: () => this.#clock().getTime(),
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
        });
        outcome = await run.run();
      }
      this.#apply(campaignId, outcome!, live);
      return this.status(campaignId);
    } finally {
      clearInterval(renew);
      this.#lease.release(campaignId);
    }
  }

  #apply(campaignId: string, outcome: RunOutcome, live: LiveRun): void {
    const send = this.journal.get(campaignId)!;
    const base = {
      campaignId,
      profileId: send.profile_id,
      recipientsSha256: send.recipients_sha256,
    };
    const now = this.#clock().toISOString();
    switch (outcome.kind) {
      case 'scheduled': {
        this.journal.update(campaignId, {
          state: 'scheduled',
          scheduled_at: send.scheduled_at ?? now,
          attempts: 0,
          error_code: null,
          error_message: null,
          next_poll_at: Date.now() + 5_000,
        });
        this.#setCampaignStatus(campaignId, 'scheduled');
        this.audit.record({
          ...base,
          action: 'send.scheduled',
          remoteId: send.engagement_id,
          count: this.journal.sentCount(campaignId),
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
          this.journal.update(campaignId, {
            state: 'paused',
            error_code: null,
            error_message: 'Paused. Resume to continue; nothing has been scheduled.',
          });
          this.audit.record({ ...base, action: 'send.pause', outcome: 'ok' });
        }
        // cancel: cancel() records it once the run has stopped.
        break;
      }
      case 'waiting': {
        const when = new Date(outcome.until).toISOString();
        this.journal.update(campaignId, {
          state: 'queued',
          attempts: 0,
          next_attempt_at: outcome.until,
          error_code: null,
          error_message: `Everything is ready in Omnigage; it will be scheduled at ${when}, the campaign's send time. Nobody is called before then.`,
        });
        this.#setCampaignStatus(campaignId, 'queued');
        this.audit.record({
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
        this.journal.update(campaignId, {
          state: 'paused',
          next_attempt_at: null,
          error_code: 'late',
          error_message: `Paused: the send time ${at} passed while this computer was off or asleep (it is now ${now}). Everything is ready in Omnigage, but nobody has been called. Call now (in the app: Review & send) or cancel the send.`,
        });
        this.audit.record({
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
          backoff(attempts, this.#options.timing, baseMs, capMs),
        );
        this.journal.update(campaignId, {
          state: 'queued',
          attempts,
          next_attempt_at: Date.now() + Math.round(wait),
          error_code: outcome.error.code,
          error_message: `${said} The send is saved and will continue by itself.`,
        });
        this.#setCampaignStatus(campaignId, 'queued');
        this.audit.record({
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
        this.journal.update(campaignId, {
          state: 'failed',
          next_attempt_at: null,
          error_code: outcome.error.code,
          error_message: said,
        });
        this.#setCampaignStatus(campaignId, this.#discardable(send) ? 'ready' : 'failed');
        this.audit.record({
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
    const { batches, people } = this.#deps.db
      .prepare(
        `SELECT count(*) AS batches, coalesce(sum(count), 0) AS people FROM audit_log
          WHERE campaign_id = ? AND action = 'create' AND remote_type = 'envelopes' AND outcome != 'ok' AND at >= ?`,
      )
      .get(campaignId, live.startedIso) as { batches: number; people: number };
    if (batches === 0) return said;
    const n = (k: number, one: string, many: string) =>
      `${k.toLocaleString('en-US')} ${k === 1 ? one : many}`;
    return `${said} This affected ${n(batches, 'batch', 'batches')} of recipients (${n(people, 'person', 'people')}).`;
  }

  #progress(campaignId: string, live: LiveRun, force = false): void {
    const now = Date.now();
    if (!force && now - live.lastEmit < PROGRESS_EVERY_MS) return;
    live.lastEmit = now;
    const status = this.status(campaignId);
    if (!status) return;
    const { journal: _journal, ...progress } = status;
    this.#emit({ type: 'progress', progress });
  }

  // ---- status --------------------------------------------------------------------------------

  status(campaignId: string): SendStatus | null {
    const send = this.journal.get(campaignId);
    if (!send) return null;
    const journal = this.journal.steps(campaignId);
    const live = this.#live.get(campaignId);
    const sent = live ? live.sent : this.journal.sentCount(campaignId);
    let eta: number | null = null;
    if (live && send.state === 'sending') {
      const done = sent - live.sentAtStart;
      const elapsed = (Date.now() - live.startedAt) / 1000;
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
      createdAt: send.created_at,
      updatedAt: send.updated_at,
      scheduledAt: send.scheduled_at,
      completedAt: send.completed_at,
      remote,
      waitingForApproval: waitingForApproval(send.state, remote),
      omnigage: this.reachability.stateOf(send.api_url).reach,
    };
  }

  #emptyStatus(campaignId: string, send: SendRow): SendStatus {
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
      createdAt: send.created_at,
      updatedAt: this.#clock().toISOString(),
      scheduledAt: null,
      completedAt: null,
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
    const ids = this.#deps.db
      .prepare("SELECT campaign_id FROM sends WHERE state IN ('queued','sending')")
      .pluck()
      .all() as string[];
    return ids.flatMap((campaignId) => {
      const delivery = this.#deps.campaigns.detail(campaignId).delivery;
      return delivery.type === 'at' ? [{ campaignId, at: delivery.at }] : [];
    });
  }

  /** Sends waiting in the outbox or running. */
  outbox(): SendStatus[] {
    const ids = this.#deps.db
      .prepare(
        "SELECT campaign_id FROM sends WHERE state IN ('queued','sending','paused') ORDER BY created_at",
      )
      .pluck()
      .all() as string[];
    return ids.map((id) => this.status(id)!).filter(Boolean);
  }

  // ---- the outbox worker -------------------------------------------------------------------

  /**
   * Starts the main-side worker: every `intervalMs` it resumes queued sends whose wait is over,
   * sends left "sending" by a crash or a quit, and polls results of scheduled ones.
   * `wake()` runs it at once (the connection came back).
   */
  startOutbox({ intervalMs = 30_000 }: { intervalMs?: number } = {}): void {
    if (this.#outboxTimer) return;
    this.#outboxTimer = setInterval(() => void this.tick(), intervalMs);
    this.#outboxTimer.unref?.();
    void this.tick();
  }

  /** Stops the worker and lets running sends stop after their requests in flight (they resume next start). */
  async stopOutbox(): Promise<void> {
    if (this.#outboxTimer) clearInterval(this.#outboxTimer);
    this.#outboxTimer = undefined;
    const runs = [...this.#live.values()];
    for (const live of runs) {
      live.control.stop ??= 'shutdown';
      live.abort.abort(new Error('shutting down'));
    }
    await Promise.allSettled(runs.map((r) => r.promise));
    await this.#ticking;
  }

  /** The connection is back (or the person asked): try queued sends now, whatever their wait. */
  wake(): void {
    void this.tick({ force: true });
  }

  async tick({ force = false }: { force?: boolean } = {}): Promise<void> {
    if (this.#ticking) return this.#ticking;
    this.#ticking = (async () => {
      try {
        const now = Date.now();
        const rows = this.#deps.db
          .prepare(
            "SELECT campaign_id, state, next_attempt_at FROM sends WHERE state IN ('queued','sending')",
          )
          .all() as Array<{
          campaign_id: string;
          state: SendState;
          next_attempt_at: number | null;
        }>;
        for (const row of rows) {
          if (this.#live.has(row.campaign_id)) continue;
          if (row.state === 'queued' && !force && (row.next_attempt_at ?? 0) > now) continue;
          if (this.#lease.heldElsewhere(row.campaign_id)) continue;
          this.#launch(row.campaign_id);
        }
        await this.#deps.pollResults?.(now);
      } catch (error) {
        this.#deps.log.error('outbox tick failed', { error });
      }
    })().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }
}

class BusyElsewhere extends AppError {
  constructor() {
    super(
      'conflict',
      'This campaign is being sent by another window or command. Wait for it to finish.',
    );
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
