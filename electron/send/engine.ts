import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { CampaignDetail, Message } from '../../shared/campaign';
import { AppError } from '../../shared/errors';
import { callerNumberKey } from '../../shared/profiles';
import {
  campaignMetaFields,
  envelopeMeta,
  type MetaField,
} from '../../shared/recipients/envelope-meta';
import type { SendStep } from '../../shared/send';
import type { ApiError } from '../api/client';
import {
  DEFAULT_ENVELOPE_BATCH_SIZE,
  DEFAULT_VOICE,
  backoff,
  createOmnigageClient,
  isApiError,
  isTransient,
  sleep,
  toAppError,
  type CreatedEnvelope,
  type Engagement,
  type OmnigageClient,
  type RetryPolicy,
  type TemplateKind,
  type Timing,
  type TriggerEvent,
} from '../api/client';
import { ENGAGEMENT_SCHEDULED, ENGAGEMENT_UNSCHEDULED } from '../api/decisions';
import { phoneKey } from '../api/phone-key';
import type { Logger } from '../logging/logger';
import { clientConnection, type Credentials } from '../profiles/credentials';
import type { AuditLog } from './audit';
import type { CallHistory } from './call-history';
import { remoteCounts, type BatchRecipient, type Journal, type SendRow } from './journal';

/**
 * One run of the bulk-voice sequence for one campaign, driven by the journal (journal.ts).
 *
 *   audio messages: upload:<slot>   (POST /uploads + the presigned file POST)
 *   template:<slot>                 one voice template per distinct message (slot human|machine)
 *   engagement → activity → trigger:voice-human, trigger:voice-machine
 *   envelopes in batches, a few in flight (see #envelopes for how they are pipelined)
 *   schedule, once, last (held until the campaign's "send at" time when it has one)
 *
 * Each step is marked in_flight before its request and done (with the remote id) after, each
 * committed before the next request. What an unknown outcome means per step:
 * - uploads, templates, the engagement: Omnigage cannot be asked whether they were made, so the
 *   step is simply made again. A stray copy calls nobody (it is never scheduled or used); the
 *   audit trail records the unknown outcome.
 * - activity: the engagement says whether it has one; triggers: listed by activity.
 * - envelopes: the batch stays in_flight; before anything else is sent the engagement's
 *   envelopes are listed, matched by phone number, and only recipients still without one are
 *   sent again (docs/omnigage-api.md, decision 6). The listing is trusted only as far as it can be
 *   checked (#reconcile): complete and stable, each envelope naming this engagement, every
 *   number one of the campaign's, no number twice, nothing recorded missing. Otherwise the
 *   send stops, explains, and schedules nothing. A bulk answer (2xx) that does not account for
 *   its batch is reconciled once; recipients still unmatched then stop the send (never a
 *   blind repeat). After any reconciliation the engagement is listed once more before the
 *   schedule (journal step `verify`).
 * - schedule: sent without the client's automatic repeat; an unknown outcome is settled by
 *   reading the engagement's status before any second PATCH; a status the app does not know
 *   stops the send rather than guessing.
 */

export interface EngineOptions {
  /** Envelopes per bulk request (docs/omnigage-api.md, decision 5). */
  batchSize: number;
  /** Bulk requests in flight at once. */
  concurrency: number;
  /** Wait before listing envelopes after an unknown outcome, so a request the server is still working on lands first. */
  settleMs: number;
  /** Rounds of failed batches (with backoff) before the run gives up and the outbox takes over. */
  maxFailedRounds: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  timing?: Partial<Timing>;
  fetch?: typeof globalThis.fetch;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  batchSize: DEFAULT_ENVELOPE_BATCH_SIZE,
  concurrency: 3,
  settleMs: 1000,
  maxFailedRounds: 4,
};

/** Pause and cancel come from the person; shutdown from the app closing (the send resumes next start). */
export type StopReason = 'pause' | 'cancel' | 'shutdown';

export interface RunControl {
  /** Set by pause/cancel: no new request starts; those in flight finish. */
  stop: StopReason | null;
  /** Aborts waits (backoff sleeps), never a request in flight. */
  signal: AbortSignal;
}

export type RunOutcome =
  | { kind: 'scheduled' }
  | { kind: 'stopped'; reason: StopReason }
  | { kind: 'retry_later'; error: AppError; retryAfterMs?: number }
  /** Ready in Omnigage; the schedule waits for the campaign's "send at" time (epoch ms). */
  | { kind: 'waiting'; until: number }
  /**
   * Ready in Omnigage, but the "send at" time passed more than LATE_AFTER_MS ago (the computer
   * was off or asleep): nobody is called until a person says to call late (step LATE_OK).
   */
  | { kind: 'late'; at: number }
  /** `explained`: the message already says what happened, what exists and what to do. */
  | { kind: 'failed'; error: AppError; explained?: boolean };

export interface RunContext {
  journal: Journal;
  audit: AuditLog;
  log: Logger;
  send: SendRow;
  campaign: CampaignDetail;
  credentials: Credentials;
  options: EngineOptions;
  control: RunControl;
  /**
   * The recipient list's merge keys by column, and which column is the phone (not a merge
   * field). With the campaign's messages and merge settings they decide each envelope's meta
   * (shared/recipients/envelope-meta.ts): only the fields the messages use, and chosen columns.
   */
  columns: { keys: readonly string[]; phoneIndex: number };
  /** Called when the step changes and after each batch. */
  onStep: (step: SendStep) => void;
  onRetry: () => void;
  /** Envelopes newly recorded (created or found). */
  onSent: (count: number) => void;
  readFile?: (path: string) => Uint8Array;
  /** The caller ID the send-time check verified a moment ago (the run need not ask again). */
  checkedCallerId?: string;
  /** The service's clock (epoch ms): the "send at" time is judged against it, and times recorded by it. */
  now: () => number;
  /** The profile's frequency rule, applied again before the envelopes go (as the do-not-call list is). */
  history?: CallHistory;
}

/**
 * How late a "send at" time may be started without asking: a computer that wakes a few minutes
 * after the time still calls; one that was off for longer asks first (the hour may be wrong now).
 */
export const LATE_AFTER_MS = 15 * 60_000;
/** The journal step that records a person's "call late anyway" (or a Send pressed after the time). */
export const LATE_OK = 'late-ok';

export function clientFor(
  credentials: Credentials,
  log: Logger,
  options: Pick<EngineOptions, 'timeoutMs' | 'retry' | 'timing' | 'fetch'>,
  extra: { signal?: AbortSignal; retry?: Partial<RetryPolicy>; onRetry?: () => void } = {},
): OmnigageClient {
  return createOmnigageClient({
    ...clientConnection(credentials),
    log,
    signal: extra.signal,
    onRetry: extra.onRetry,
    timeoutMs: options.timeoutMs,
    retry: { ...options.retry, ...extra.retry },
    timing: options.timing,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

interface Slot {
  slot: 'human' | 'machine';
  message: Message;
}

const sameMessage = (a: Message, b: Message) => JSON.stringify(a) === JSON.stringify(b);

export function messageSlots(campaign: Pick<CampaignDetail, 'human' | 'machine'>): Slot[] {
  if (!campaign.human) return [];
  const slots: Slot[] = [{ slot: 'human', message: campaign.human }];
  if (campaign.machine && !sameMessage(campaign.machine, campaign.human))
    slots.push({ slot: 'machine', message: campaign.machine });
  return slots;
}

export function audioContentType(file: string): string {
  const ext = extname(file).toLowerCase();
  if (ext === '.mp3') return 'audio/mpeg';
  if (ext === '.wav') return 'audio/x-wav';
  return 'application/octet-stream';
}

/** Uploads an audio message (POST /uploads, then the presigned file POST); the upload's id. */
export async function uploadAudio(
  client: OmnigageClient,
  data: Uint8Array,
  name: string,
): Promise<{ id: string; detail: { fileName: string; size: number } }> {
  const contentType = audioContentType(name);
  const upload = await client.uploads.create({
    fileName: name,
    contentType,
    size: data.byteLength,
  });
  await client.uploads.sendFile(upload, { fileName: name, contentType, data });
  return { id: upload.id, detail: { fileName: name, size: data.byteLength } };
}

/** A caller ID as the campaign holds it (an Omnigage id or a typed number) matched against the verified list. */
export function matchCallerId(
  value: string,
  verified: ReadonlyArray<{ id: string; phoneNumber: string | null }>,
): { id: string; phoneNumber: string } | null {
  const typed = value.trim();
  const byId = verified.find((c) => c.id === typed);
  if (byId) return { id: byId.id, phoneNumber: byId.phoneNumber ?? '' };
  if (!/\d/.test(typed)) return null;
  const key = callerNumberKey(typed);
  const byNumber = verified.find((c) => c.phoneNumber && callerNumberKey(c.phoneNumber) === key);
  return byNumber ? { id: byNumber.id, phoneNumber: byNumber.phoneNumber ?? '' } : null;
}

export class SendRun {
  readonly #ctx: RunContext;
  readonly #client: OmnigageClient;
  /** The schedule PATCH is never repeated blindly, so it goes out on a client that does not retry. */
  readonly #oneShot: OmnigageClient;
  readonly #id: string;
  /** Recipients without an envelope, read ahead for the next batches of this wave. */
  readonly #missing = new Map<number, BatchRecipient[]>();
  /** What each envelope carries: decided once per run from the campaign, applied to every row. */
  readonly #metaFields: MetaField[];

  constructor(ctx: RunContext) {
    this.#ctx = ctx;
    this.#metaFields = campaignMetaFields(ctx.campaign, ctx.columns);
    this.#id = ctx.send.campaign_id;
    // Retries are counted for the progress line as the client reports them.
    const onRetry = () => ctx.onRetry();
    this.#client = clientFor(ctx.credentials, ctx.log, ctx.options, { onRetry });
    this.#oneShot = clientFor(ctx.credentials, ctx.log, ctx.options, {
      retry: { maxAttempts: 1 },
      onRetry,
    });
  }

  get client(): OmnigageClient {
    return this.#client;
  }

  async run(): Promise<RunOutcome> {
    try {
      return await this.#sequence();
    } catch (error) {
      return this.#classify(error);
    }
  }

  #classify(error: unknown): RunOutcome {
    const { control, log } = this.#ctx;
    if (
      control.stop &&
      (control.signal.aborted || (isApiError(error) && error.kind === 'cancelled'))
    ) {
      return { kind: 'stopped', reason: control.stop };
    }
    if (isApiError(error)) {
      if (isTransient(error.kind) || error.kind === 'cancelled') {
        return { kind: 'retry_later', error: toAppError(error), retryAfterMs: error.retryAfterMs };
      }
      return this.#failed(toAppError(error));
    }
    if (error instanceof AppError) {
      const later =
        error.code === 'network' || error.code === 'timeout' || error.code === 'rate_limited';
      return later ? { kind: 'retry_later', error } : this.#failed(error);
    }
    log.error('send run failed', { campaignId: this.#id, error });
    const detail = error instanceof Error ? error.message : String(error);
    const message = `The app stopped sending after an error of its own (${detail.slice(0, 200)}). ${this.#whatExists()} Your progress is saved: Resume checks what Omnigage has and continues without calling anyone twice; if this keeps happening, cancel the send and tell your IT contact.`;
    return { kind: 'failed', error: new AppError('internal', message, { cause: error }) };
  }

  /** What this send has made in Omnigage so far, in words, for every message that stops it. */
  #whatExists(listed?: number): string {
    const engagementId = this.#ctx.send.engagement_id;
    if (!engagementId) return 'Nothing that calls anyone exists in Omnigage yet.';
    const recorded = this.#ctx.journal.sentCount(this.#id);
    const count = listed ?? recorded;
    const scheduled = this.#ctx.journal.step(this.#id, 'schedule')?.state === 'done';
    return `Omnigage holds ${count} ${count === 1 ? 'person' : 'people'} of this campaign (engagement ${engagementId}${
      listed === undefined ? ', as far as the app knows' : ''
    }); ${scheduled ? 'it is scheduled.' : 'it is not scheduled, so nobody is called for it.'}`;
  }

  /**
   * Ends the send without scheduling: the message says what happened, what exists in Omnigage
   * and what the person can do (the service writes it to the audit trail as `send.failed`).
   */
  #stop(what: string, listed: number | undefined, todo: string): AppError {
    const stopped = /nothing more was sent\.$/i.test(what)
      ? 'Nothing was scheduled.'
      : 'Nothing more was sent and nothing was scheduled.';
    return new ExplainedStop(`${what} ${stopped} ${this.#whatExists(listed)} ${todo}`);
  }

  /** A refusal from Omnigage ends the send: its words, then what exists there now. */
  #failed(error: AppError): RunOutcome {
    if (error instanceof ExplainedStop) return { kind: 'failed', error, explained: true };
    if (!this.#ctx.send.engagement_id) return { kind: 'failed', error };
    // Kept short: the refusal's own words come first and matter most.
    const n = this.#ctx.journal.sentCount(this.#id);
    const scheduled = this.#ctx.journal.step(this.#id, 'schedule')?.state === 'done';
    // In the person's words ("people handed over", not "envelopes"), and naming what the
    // window's button says: "Try again" (the CLI's is running send again, which does the same).
    const exists = `So far ${n} ${n === 1 ? 'person was' : 'people were'} handed to Omnigage (engagement ${this.#ctx.send.engagement_id})${scheduled ? '' : ', not scheduled: nobody is called'}.`;
    return {
      kind: 'failed',
      error: new AppError(
        error.code,
        `${error.message} ${exists} Trying again carries on from there.`,
        {
          cause: error,
        },
      ),
    };
  }

  #audit(
    entry: Omit<Parameters<AuditLog['record']>[0], 'campaignId' | 'profileId' | 'recipientsSha256'>,
  ): void {
    this.#ctx.audit.record({
      campaignId: this.#id,
      campaignName: this.#ctx.campaign.name,
      profileId: this.#ctx.send.profile_id,
      recipientsSha256: this.#ctx.send.recipients_sha256,
      ...entry,
    });
  }

  /** Recipients without an envelope who must not be called now: the do-not-call list, then the frequency rule. */
  #holdBack(): void {
    const { journal, send, history, audit, campaign } = this.#ctx;
    journal.dropOptedOut(this.#id, send.profile_id);
    history?.holdAndRecord(this.#id, send, audit, campaign.name);
  }

  #stopIfAsked(): void {
    const { control } = this.#ctx;
    if (control.stop) throw new StopSignal(control.stop);
  }

  /**
   * A create whose outcome cannot be checked remotely: done steps are reused; an in-flight one
   * (unknown outcome) is made again.
   */
  async #ensure(
    step: string,
    remoteType: string,
    create: () => Promise<{ id: string; detail?: unknown }>,
  ): Promise<string> {
    const { journal } = this.#ctx;
    const existing = journal.step(this.#id, step);
    if (existing?.state === 'done' && existing.remote_id) return existing.remote_id;
    this.#stopIfAsked();
    journal.stepInFlight(this.#id, step);
    let made: { id: string; detail?: unknown };
    try {
      made = await create();
    } catch (error) {
      this.#auditFailure(step, remoteType, error);
      throw error;
    }
    journal.stepDone(this.#id, step, made.id, made.detail);
    this.#audit({ action: 'create', remoteType, remoteId: made.id, outcome: 'ok', detail: step });
    return made.id;
  }

  #auditFailure(step: string, remoteType: string, error: unknown): void {
    const unknown = isApiError(error) ? error.outcomeUnknown : false;
    this.#audit({
      action: 'create',
      remoteType,
      outcome: unknown ? 'unknown' : 'failed',
      detail: `${step}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500),
    });
  }

  /**
   * Runs a step again after a transient failure (network, timeout, 5xx, 429), with backoff, a
   * few times before the run gives up and the outbox takes over. Each attempt reads the journal
   * afresh, so a step whose last request had no answer is reconciled first.
   */
  async #retrying<T>(work: () => Promise<T>): Promise<T> {
    const { options, control } = this.#ctx;
    for (let round = 1; ; round++) {
      try {
        return await work();
      } catch (error) {
        if (
          !isApiError(error) ||
          !isTransient(error.kind) ||
          round > options.maxFailedRounds ||
          control.stop
        )
          throw error;
        this.#ctx.onRetry();
        await sleep(
          error.retryAfterMs ?? backoff(round, options.timing),
          control.signal,
          options.timing,
        );
      }
    }
  }

  async #sequence(): Promise<RunOutcome> {
    const { ctx } = { ctx: this.#ctx };
    const { journal, campaign } = ctx;
    try {
      ctx.onStep('checks');
      const callerId = await this.#retrying(() => this.#callerId());
      const slots = messageSlots(campaign);
      if (slots.length === 0)
        throw new AppError(
          'invalid_input',
          'The campaign has no message. Write or choose one first.',
        );

      // The voice messages and the engagement do not depend on each other: made side by side.
      const templates = new Map<string, { id: string; kind: TemplateKind }>();
      const makeTemplates = async () => {
        for (const { slot, message } of slots) {
          if (message.kind === 'audio') {
            ctx.onStep('upload');
            const uploadId = await this.#retrying(() =>
              this.#ensure(`upload:${slot}`, 'uploads', () =>
                this.#upload(message.file, message.fileName),
              ),
            );
            ctx.onStep('templates');
            const id = await this.#retrying(() =>
              this.#ensure(`template:${slot}`, 'voice-templates', async () =>
                this.#client.voiceTemplates.createAudio({ label: this.#label(slot), uploadId }),
              ),
            );
            templates.set(slot, { id, kind: 'audio' });
          } else {
            ctx.onStep('templates');
            const id = await this.#retrying(() =>
              this.#ensure(`template:${slot}`, 'voice-templates', async () =>
                this.#client.voiceTemplates.createText({
                  label: this.#label(slot),
                  body: message.body,
                  voice: message.voice || DEFAULT_VOICE,
                }),
              ),
            );
            templates.set(slot, { id, kind: 'text' });
          }
        }
      };
      const makeEngagement = () =>
        this.#retrying(() =>
          this.#ensure('engagement', 'engagements', () =>
            this.#client.engagements.create({ name: campaign.name }),
          ),
        );
      const [, engagementId] = await allOrFirstError([makeTemplates(), makeEngagement()] as const);
      ctx.onStep('engagement');
      if (ctx.send.engagement_id !== engagementId) {
        journal.update(this.#id, { engagement_id: engagementId });
        ctx.send.engagement_id = engagementId;
      }

      ctx.onStep('activity');
      const activityId = await this.#retrying(() => this.#activity(engagementId, callerId));

      ctx.onStep('triggers');
      const human = templates.get('human')!;
      const machine = templates.get('machine') ?? human;
      // Each trigger is its own journal step (reconciled by its event): both go out together.
      await allOrFirstError(
        (['voice-human', 'voice-machine'] as TriggerEvent[]).map((event) =>
          this.#retrying(() =>
            this.#trigger(activityId, event, event === 'voice-human' ? human : machine),
          ),
        ),
      );

      ctx.onStep('envelopes');
      await this.#retrying(() => this.#envelopes(engagementId));

      // A "send at" time is kept by the app (docs/omnigage-api.md, decision 7): everything is ready in
      // Omnigage, and the schedule waits for that time.
      // Past the time by more than a few minutes (the computer was off or asleep): ask first.
      const at = campaign.delivery.type === 'at' ? Date.parse(campaign.delivery.at) : Number.NaN;
      if (Number.isFinite(at) && journal.step(this.#id, 'schedule') === undefined) {
        const now = this.#ctx.now();
        if (at > now) return { kind: 'waiting', until: at };
        if (now - at > LATE_AFTER_MS && journal.step(this.#id, LATE_OK)?.state !== 'done')
          return { kind: 'late', at };
      }

      ctx.onStep('schedule');
      await this.#retrying(() => this.#schedule(engagementId));
      ctx.onStep('done');
      return { kind: 'scheduled' };
    } catch (error) {
      if (error instanceof StopSignal) return { kind: 'stopped', reason: error.reason };
      throw error;
    }
  }

  #label(slot: 'human' | 'machine'): string {
    return `${this.#ctx.campaign.name} (${slot === 'human' ? 'person' : 'voicemail'})`;
  }

  /** Credentials work and the caller ID is verified: one listing proves both. */
  async #callerId(): Promise<string> {
    const { campaign, journal } = this.#ctx;
    if (!campaign.callerId)
      throw new AppError('invalid_input', 'Choose the caller ID the calls come from.');
    if (this.#ctx.checkedCallerId) {
      if (this.#ctx.send.caller_id !== this.#ctx.checkedCallerId) {
        journal.update(this.#id, { caller_id: this.#ctx.checkedCallerId });
        this.#ctx.send.caller_id = this.#ctx.checkedCallerId;
      }
      return this.#ctx.checkedCallerId;
    }
    const verified = await this.#client.callerIds.list({ verifiedOnly: true });
    const match = matchCallerId(
      campaign.callerId,
      verified.filter((c) => c.status === null || c.status === 'success'),
    );
    if (!match) {
      throw new AppError(
        'remote_validation',
        `The caller ID ${campaign.callerId} is not verified in this Omnigage account. Verify it in Omnigage (Account → Telephony → Caller IDs), or choose another.`,
      );
    }
    if (this.#ctx.send.caller_id !== match.id) {
      journal.update(this.#id, { caller_id: match.id });
      this.#ctx.send.caller_id = match.id;
    }
    return match.id;
  }

  async #upload(file: string, fileName?: string): Promise<{ id: string; detail: unknown }> {
    let data: Uint8Array;
    try {
      data = (this.#ctx.readFile ?? readFileSync)(file);
    } catch (error) {
      throw new AppError(
        'invalid_input',
        `The audio file ${file} cannot be read: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return uploadAudio(this.#client, data, fileName || basename(file));
  }

  async #activity(engagementId: string, callerId: string): Promise<string> {
    const { journal } = this.#ctx;
    const step = journal.step(this.#id, 'activity');
    if (step?.state === 'in_flight') {
      // The last attempt's outcome is unknown: the engagement says whether it has an activity.
      const engagement = await this.#client.engagements.get(engagementId);
      if (engagement.activityId) {
        journal.stepDone(this.#id, 'activity', engagement.activityId, { reconciled: true });
        this.#audit({
          action: 'reconcile',
          remoteType: 'activities',
          remoteId: engagement.activityId,
          outcome: 'ok',
          detail: 'found after an unknown outcome',
        });
        return engagement.activityId;
      }
    }
    return this.#ensure('activity', 'activities', () =>
      this.#client.activities.createVoice({
        name: this.#ctx.campaign.name,
        engagementId,
        callerIdId: callerId,
      }),
    );
  }

  async #trigger(
    activityId: string,
    event: TriggerEvent,
    template: { id: string; kind: TemplateKind },
  ): Promise<string> {
    const { journal } = this.#ctx;
    const key = `trigger:${event}`;
    const step = journal.step(this.#id, key);
    if (step?.state === 'in_flight') {
      const existing = (await this.#client.triggers.listByActivity(activityId)).find(
        (t) => t.onEvent === event,
      );
      if (existing) {
        journal.stepDone(this.#id, key, existing.id, { reconciled: true });
        this.#audit({
          action: 'reconcile',
          remoteType: 'triggers',
          remoteId: existing.id,
          outcome: 'ok',
          detail: `${event} found after an unknown outcome`,
        });
        return existing.id;
      }
    }
    return this.#ensure(key, 'triggers', () =>
      this.#client.triggers.createForTemplate({ activityId, onEvent: event, template }),
    );
  }

  // ---- envelopes ---------------------------------------------------------------------------

  async #envelopes(engagementId: string): Promise<void> {
    const { journal, options, control, onStep } = this.#ctx;
    let open = journal.openBatches(this.#id);
    let reconcile = open.some((b) => b.state === 'in_flight');
    // Opted-out recipients are dropped once what Omnigage already holds is known: an envelope
    // from a request that had no answer is recorded first, never mistaken for a stranger.
    if (!reconcile) this.#holdBack();
    let failedRounds = 0;
    for (;;) {
      this.#stopIfAsked();
      if (reconcile) {
        await this.#reconcile(engagementId);
        this.#holdBack();
        reconcile = false;
        open = journal.openBatches(this.#id);
        // Everything accounted for and nothing sent since: that listing was the verification.
        if (open.length === 0) journal.stepDone(this.#id, 'verify', engagementId);
      }
      const queue = open.map((b) => b.batch);
      if (queue.length === 0) {
        // Something was sent after a reconciliation: list once more before the schedule, so
        // a request that landed late cannot leave a number twice in a scheduled engagement.
        if (journal.step(this.#id, 'verify')?.state === 'in_flight') {
          reconcile = true;
          continue;
        }
        return;
      }
      // Read afresh each wave: a reconciliation may have recorded envelopes since.
      this.#missing.clear();
      onStep('envelopes');

      let fatal: unknown;
      let unknown: unknown;
      /** A 2xx answer that did not account for its batch (settled by the next reconciliation). */
      let unaccounted = false;
      let refused: ApiError | undefined;
      const take = () =>
        fatal || unknown || unaccounted || refused || control.stop ? undefined : queue.shift();
      const prepareNext = (): PreparedBatch | null => {
        for (let batch = take(); batch !== undefined; batch = take()) {
          const prepared = this.#prepareBatch(batch);
          if (prepared) return prepared;
        }
        return null;
      };
      // Each worker keeps its next batch prepared (read and marked in flight, committed) while
      // its request is out, so an answer is followed at once by the next request, and the
      // answer is written down while that one travels. At most `concurrency` requests are out.
      const worker = async () => {
        let current = this.#dispatch(engagementId, prepareNext());
        let upcoming = current ? prepareNext() : null;
        while (current) {
          const answer = await current.answer.then(
            (created) => ({ created, error: undefined }),
            (error: unknown) => ({ created: undefined, error }),
          );
          // An answer naming another count than was sent cannot account for its batch: the
          // next request waits for the reconciliation rather than going out beside it.
          const go =
            answer.error === undefined &&
            answer.created?.length === current.missing.length &&
            !control.stop &&
            !fatal &&
            !unknown &&
            !unaccounted &&
            !refused;
          const next = go ? this.#dispatch(engagementId, upcoming) : null;
          if (next) upcoming = null;
          // One commit writes this answer down and prepares this worker's following batch.
          const launched = current;
          let result: 'done' | 'unknown' | { error: unknown };
          try {
            result = journal.transaction(() => {
              const recorded = this.#recordAnswer(launched, answer.created, answer.error);
              if (recorded === 'done' && next && !upcoming) upcoming = prepareNext();
              return recorded;
            });
          } catch (error) {
            result = { error };
          }
          if (result === 'unknown') unaccounted = true;
          else if (typeof result === 'object') {
            const error = result.error;
            if (isApiError(error) && error.outcomeUnknown) unknown ??= error;
            else if (isApiError(error) && isTransient(error.kind)) refused ??= error;
            else fatal ??= error;
          }
          onStep('envelopes');
          current = next;
          if (current && !upcoming) upcoming = prepareNext();
        }
        // Prepared but never sent (a failure or a pause ended the wave): nothing went out.
        if (upcoming) journal.markBatch(this.#id, upcoming.batch, 'pending');
      };
      await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
      if (fatal) throw fatal;
      if (!unknown && !refused) {
        failedRounds = 0;
        // An answer that did not name every number: reconciled at once (no backoff: the
        // request succeeded), and that listing either accounts for the batch or stops the send.
        if (unaccounted) reconcile = true;
        open = journal.openBatches(this.#id);
        continue;
      }
      failedRounds++;
      this.#ctx.onRetry();
      const last = (refused ?? unknown) as unknown;
      if (failedRounds > options.maxFailedRounds) throw last;
      if (unknown || unaccounted) reconcile = true;
      const wait = refused?.retryAfterMs ?? backoff(failedRounds, options.timing);
      await sleep(wait, control.signal, options.timing);
      open = journal.openBatches(this.#id);
    }
  }

  /** The recipients of a batch still without an envelope, the batch marked in flight (committed); null when none are left. */
  #prepareBatch(batch: number): PreparedBatch | null {
    const { journal } = this.#ctx;
    let missing = this.#missing.get(batch);
    if (!missing) {
      for (const [b, rows] of journal.missingInBatches(
        this.#id,
        batch,
        batch + PREFETCH_BATCHES - 1,
      ))
        this.#missing.set(b, rows);
      missing = this.#missing.get(batch) ?? [];
    }
    this.#missing.delete(batch);
    if (missing.length === 0) {
      journal.markBatch(this.#id, batch, 'done');
      return null;
    }
    journal.markBatch(this.#id, batch, 'in_flight', true);
    return { batch, missing };
  }

  /** Sends one bulk request for a prepared batch. */
  #dispatch(engagementId: string, prepared: PreparedBatch | null): LaunchedBatch | null {
    if (!prepared) return null;
    const answer = this.#client.envelopes.createBulk(
      engagementId,
      prepared.missing.map((r) => ({ phoneNumber: r.e164, meta: this.#meta(r.meta) })),
    );
    // Read by #recordAnswer; this only keeps an early failure from counting as unhandled.
    answer.catch(() => {});
    return { ...prepared, answer };
  }

  /** Writes down a batch's answer: its envelopes by phone number, or why it failed. */
  #recordAnswer(
    { batch, missing }: LaunchedBatch,
    created: CreatedEnvelope[] | undefined,
    error: unknown,
  ): 'done' | 'unknown' | { error: unknown } {
    const { journal } = this.#ctx;
    if (error !== undefined || !created) {
      const unknown = isApiError(error) && error.outcomeUnknown;
      // Known not to be applied: the batch can simply go again.
      if (!unknown) journal.markBatch(this.#id, batch, 'pending');
      this.#audit({
        action: 'create',
        remoteType: 'envelopes',
        count: missing.length,
        outcome: unknown ? 'unknown' : 'failed',
        detail:
          `batch ${batch + 1}: ${error instanceof Error ? error.message : String(error)}`.slice(
            0,
            500,
          ),
      });
      return { error };
    }
    // Matched by number (phoneKey: Omnigage may echo another form), in any order, in one pass:
    // a number is taken off once matched. The app sends E.164, which is its own key.
    const rowOf = new Map<string, number>();
    for (const r of missing) rowOf.set(r.e164, r.row);
    const found: Array<{ row: number; id: string }> = [];
    for (const envelope of created) {
      const key = phoneKey(envelope.phoneNumber);
      const row = key ? rowOf.get(key) : undefined;
      if (row === undefined) continue;
      rowOf.delete(key!);
      found.push({ row, id: envelope.id });
    }
    const complete = found.length === missing.length && created.length === missing.length;
    const added = journal.recordBatch(this.#id, batch, found, complete, () => {
      this.#audit({
        action: 'create',
        remoteType: 'envelopes',
        remoteId: found.map((f) => f.id).join(' '),
        count: found.length,
        outcome: complete ? 'ok' : 'unknown',
        detail: complete
          ? `batch ${batch + 1}`
          : `batch ${batch + 1}: Omnigage answered ${created.length} envelopes for ${missing.length} numbers sent, ${found.length} of them matched`,
      });
      // Accepted (2xx) but not accounted for: the batch stays in flight and is reconciled once;
      // its recipients are never simply sent again (#reconcile stops if they stay unmatched).
      if (!complete) journal.stepInFlight(this.#id, `${ANSWERED_STEP}${batch}`);
    });
    this.#ctx.onSent(added);
    return complete ? 'done' : 'unknown';
  }

  /** A row's envelope meta (journal rows keep every cell locally; only the chosen fields leave). */
  #meta(cellsJson: string): Record<string, string> {
    return envelopeMeta(this.#metaFields, JSON.parse(cellsJson) as string[]);
  }

  /**
   * Lists the engagement's envelopes and records the ones that exist; only the rest go again.
   * The listing counts only as far as it can be checked (docs/omnigage-api.md §7); anything it cannot prove stops the send, because re-sending on the strength of an
   * incomplete or foreign listing calls people twice, and recording a foreign envelope as ours
   * skips them. Marks the journal step `verify` (a listing is due before the schedule).
   */
  async #reconcile(engagementId: string): Promise<void> {
    const { journal, options, control, onStep, log } = this.#ctx;
    onStep('reconcile');
    journal.stepInFlight(this.#id, 'verify');
    // A real wait, never shortened by injected timing: the server may still be applying the request.
    await sleep(options.settleMs, control.signal);
    const listing = await this.#client.envelopes.listChecked(engagementId);
    const todoCheck =
      "Check the engagement in Omnigage. Resume checks again and continues only if Omnigage's list adds up; otherwise cancel the send (nothing is scheduled, nobody is called) and contact Omnigage support.";
    if (!listing.complete) {
      this.#auditCheck(
        engagementId,
        0,
        `listing not trusted after ${listing.passes} readings: ${listing.reason}`,
      );
      throw this.#stop(
        `Omnigage's list of this campaign's envelopes could not be read reliably (${listing.reason}), so the app cannot tell who already has a call waiting.`,
        undefined,
        todoCheck,
      );
    }

    // Only envelopes that name this engagement count; a server that ignores the filter lists
    // other campaigns' envelopes too (last week's, to the same numbers).
    const ours: typeof listing.envelopes = [];
    let foreign = 0;
    let unnamed = 0;
    for (const e of listing.envelopes) {
      if (e.engagementId === engagementId) ours.push(e);
      else if (e.engagementId === null) unnamed++;
      else foreign++;
    }
    if (unnamed > 0) {
      this.#auditCheck(engagementId, ours.length, `${unnamed} listed envelopes name no engagement`);
      throw this.#stop(
        `Omnigage listed ${unnamed} envelope${unnamed === 1 ? '' : 's'} without saying which campaign ${unnamed === 1 ? 'it belongs' : 'they belong'} to, so the app cannot tell which are this campaign's.`,
        undefined,
        todoCheck,
      );
    }

    const recipients = journal.recipientEnvelopes(this.#id);
    const total = recipients.length;
    const byKey = new Map<string, { id: string; count: number }>();
    const strangers: string[] = [];
    const keyed = new Set(recipients.map((r) => phoneKey(r.e164) ?? r.e164));
    for (const e of ours) {
      const key = phoneKey(e.phoneNumber);
      if (!key || !keyed.has(key)) {
        strangers.push(e.phoneNumber ?? '(no number)');
        continue;
      }
      const seen = byKey.get(key);
      if (seen) seen.count++;
      else byKey.set(key, { id: e.id, count: 1 });
    }
    const twice = [...byKey.entries()].filter(([, v]) => v.count > 1);
    const summary = `listed ${listing.envelopes.length} envelopes (${foreign} of other engagements ignored), ${ours.length} of ${engagementId} for ${total} recipients`;
    if (ours.length > total || twice.length > 0) {
      this.#auditCheck(
        engagementId,
        ours.length,
        `${summary}; ${twice.length} numbers more than once`,
      );
      const example = twice[0]?.[0];
      throw this.#stop(
        ours.length > total
          ? `Omnigage holds ${ours.length} envelopes for this campaign, more than its ${total} recipients${example ? ` (${example} more than once)` : ''}; scheduling would call some people twice.`
          : `Omnigage holds more than one envelope for ${twice.length} of this campaign's numbers (for example ${example}); scheduling would call them twice.`,
        ours.length,
        'Remove the extra envelopes (or the whole engagement) in Omnigage, then cancel this send and duplicate the campaign to send it again.',
      );
    }
    if (strangers.length > 0) {
      this.#auditCheck(
        engagementId,
        ours.length,
        `${summary}; ${strangers.length} numbers not on the list, e.g. ${strangers[0]}`,
      );
      throw this.#stop(
        `Omnigage lists ${strangers.length} envelope${strangers.length === 1 ? '' : 's'} in this campaign's engagement with a number the app did not send as written (for example ${strangers[0]}), so it cannot match them to recipients.`,
        ours.length,
        todoCheck,
      );
    }
    // Everything recorded must be there: a listing that lacks a known envelope is incomplete.
    const listedIds = new Set(ours.map((e) => e.id));
    const lost = recipients.filter((r) => r.envelopeId !== null && !listedIds.has(r.envelopeId));
    if (lost.length > 0) {
      this.#auditCheck(
        engagementId,
        ours.length,
        `${summary}; ${lost.length} recorded envelopes missing, e.g. ${lost[0]!.envelopeId}`,
      );
      throw this.#stop(
        `Omnigage's list of this campaign's envelopes lacks ${lost.length} that Omnigage itself created earlier (for example ${lost[0]!.envelopeId}), so the list is incomplete and cannot show who still needs one.`,
        ours.length,
        todoCheck,
      );
    }

    const found = new Map<string, string>();
    for (const [key, { id }] of byKey) found.set(key, id);
    const added = journal.recordFound(this.#id, found);
    this.#ctx.onSent(added);

    // A batch Omnigage accepted (2xx) without naming its numbers is never sent again on a guess.
    for (const step of journal.steps(this.#id)) {
      if (!step.step.startsWith(ANSWERED_STEP) || step.state !== 'in_flight') continue;
      const batch = Number(step.step.slice(ANSWERED_STEP.length));
      const unmatched = journal.missingInBatch(this.#id, batch);
      if (unmatched === 0) {
        journal.stepDone(this.#id, step.step, null, { reconciled: true });
        continue;
      }
      this.#auditCheck(
        engagementId,
        ours.length,
        `${summary}; batch ${batch + 1}: ${unmatched} recipients unmatched after a 2xx answer`,
      );
      log.error('bulk answer left recipients unmatched after reconciliation', {
        campaignId: this.#id,
        batch,
        unmatched,
      });
      throw this.#stop(
        'Omnigage accepted the request but its answer does not name the numbers sent; nothing more was sent.',
        ours.length,
        `${unmatched} recipient${unmatched === 1 ? '' : 's'} of that request ${unmatched === 1 ? 'is' : 'are'} not in Omnigage's list either. Check the engagement in Omnigage before doing anything else; then cancel this send (nothing is scheduled, nobody is called) and contact Omnigage support.`,
      );
    }
    journal.settleInFlightBatches(this.#id);
    this.#audit({
      action: 'reconcile',
      remoteType: 'envelopes',
      count: added,
      outcome: 'ok',
      detail: `${summary}; ${added} matched recipients whose request had no answer`,
    });
    this.#ctx.onRetry();
  }

  #auditCheck(engagementId: string, count: number, detail: string): void {
    this.#audit({
      action: 'reconcile',
      remoteType: 'envelopes',
      remoteId: engagementId,
      count,
      outcome: 'failed',
      detail: detail.slice(0, 1000),
    });
  }

  // ---- schedule ----------------------------------------------------------------------------

  async #schedule(engagementId: string): Promise<void> {
    const { journal, options, control } = this.#ctx;
    const step = journal.step(this.#id, 'schedule');
    if (step?.state === 'done') return;
    if (step?.state === 'in_flight' && (await this.#isScheduled(engagementId)))
      return this.#scheduled(engagementId, true);
    this.#stopIfAsked();
    journal.stepInFlight(this.#id, 'schedule');
    let answer: Engagement;
    try {
      answer = await this.#oneShot.engagements.schedule(engagementId);
    } catch (error) {
      if (isApiError(error) && error.outcomeUnknown) {
        // Did it land? Ask before any second PATCH.
        await sleep(options.settleMs, control.signal);
        if (await this.#isScheduled(engagementId)) return this.#scheduled(engagementId, true);
      }
      this.#audit({
        action: 'schedule',
        remoteType: 'engagements',
        remoteId: engagementId,
        outcome: isApiError(error) && error.outcomeUnknown ? 'unknown' : 'failed',
        detail: error instanceof Error ? error.message.slice(0, 500) : String(error),
      });
      throw error;
    }
    // What Omnigage said about the engagement right away (approval, counts) until results are read.
    this.#ctx.journal.update(this.#id, {
      remote_status: answer.status,
      remote_counts: remoteCounts(answer),
      polled_at: new Date(this.#ctx.now()).toISOString(),
    });
    this.#scheduled(engagementId, false);
  }

  /**
   * Whether an earlier schedule PATCH whose answer was lost landed. Only the statuses the app
   * knows decide it (decisions.ts); any other means it cannot tell, and a second PATCH on a
   * guess is not sent: the send stops and says what Omnigage reported.
   */
  async #isScheduled(engagementId: string): Promise<boolean> {
    const engagement = await this.#client.engagements.get(engagementId);
    if (engagement.status === ENGAGEMENT_SCHEDULED) return true;
    if (engagement.status === ENGAGEMENT_UNSCHEDULED) return false;
    const shown = engagement.status === null ? 'no status' : `the status "${engagement.status}"`;
    this.#audit({
      action: 'schedule',
      remoteType: 'engagements',
      remoteId: engagementId,
      outcome: 'unknown',
      detail: `after a lost answer Omnigage reports ${shown}`,
    });
    throw new ExplainedStop(
      `The request to schedule this campaign got no answer, and Omnigage now reports ${shown} for its engagement ${engagementId}, which this app does not know, so it cannot tell whether the campaign is scheduled. It did not ask again. ${this.#ctx.journal.sentCount(this.#id)} recipients have envelopes there. Check the engagement in Omnigage: if it shows as scheduled or running, the calls are going ahead; if not, schedule it there or cancel this send.`,
    );
  }

  #scheduled(engagementId: string, reconciled: boolean): void {
    this.#ctx.journal.stepDone(
      this.#id,
      'schedule',
      engagementId,
      reconciled ? { reconciled } : undefined,
    );
    this.#audit({
      action: 'schedule',
      remoteType: 'engagements',
      remoteId: engagementId,
      count: this.#ctx.journal.sentCount(this.#id),
      outcome: 'ok',
      detail: reconciled
        ? 'found scheduled after an unknown outcome'
        : 'scheduled, delivery immediately',
    });
  }
}

/**
 * Waits for every step started side by side, then fails with the first failure: no step is left
 * running behind the run's back.
 */
async function allOrFirstError<T extends readonly unknown[]>(work: {
  [K in keyof T]: Promise<T[K]>;
}): Promise<T> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

interface PreparedBatch {
  batch: number;
  missing: BatchRecipient[];
}

interface LaunchedBatch extends PreparedBatch {
  answer: Promise<CreatedEnvelope[]>;
}

/** Journal step of a batch Omnigage accepted without naming all its numbers (`answered:<batch>`). */
const ANSWERED_STEP = 'answered:';

/** Batches read from the journal at once when a worker needs the next one. */
const PREFETCH_BATCHES = 32;

/** A stop whose message already says what happened, what exists in Omnigage and what to do. */
class ExplainedStop extends AppError {
  constructor(message: string) {
    super('remote_error', message);
  }
}

class StopSignal extends Error {
  constructor(readonly reason: StopReason) {
    super(`send stopped: ${reason}`);
  }
}
