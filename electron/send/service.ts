import type { CancelReport, SendCheck, SendStatus } from '../../shared/send';
import type { CampaignService } from '../campaigns/service';
import type { Db } from '../db/open';
import type { Logger } from '../logging/logger';
import { resolveCredentials, type Credentials } from '../profiles/credentials';
import type { ProfileService } from '../profiles/service';
import type { RecipientService } from '../recipients/service';
import type { Who } from '../recipients/opt-outs';
import { AuditLog } from './audit';
import { CallHistory } from './call-history';
import { SendChecks, type DoNotCallReader, type SendChecksDeps } from './checks';
import { SendControls } from './controls';
import { SendDriver } from './driver';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './engine';
import { SendEvents, type SendEvent } from './events';
import { Journal } from './journal';
import { Lease } from './lease';
import { Outbox } from './outbox';
import { Reachability } from './reachability';
import { LiveRuns } from './runs';
import { SendStatusBuilder } from './status';
import type { Clock } from '../clock';

export type { SendEvent } from './events';

export interface SendServiceDeps {
  db: Db;
  log: Logger;
  clock: Clock;
  /** Who presses Send here (OS user, computer): recorded with each send for the report. */
  who?: Who;
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
  doNotCall?: DoNotCallReader;
  /** Each outbox tick also polls the results of scheduled sends through this (ResultsService.pollDue). */
  pollResults?: (now: number) => Promise<void>;
  /** Builds the window's whole validation summary (ImportJobs.summary: off the main thread for a long list). */
  summarize?: SendChecksDeps['summarize'];
  /** The frequency rule's count for a send (ImportJobs.callLimit: off the main thread for a long list). */
  wouldHold?: SendChecksDeps['wouldHold'];
}

/**
 * Sending a campaign: what the handlers and the CLI call. It only wires the parts, each of which
 * does one job and is given what it needs when it is made:
 *
 * - checks.ts: the send-time rules (`check`, and the blocking ones again at `start`);
 * - controls.ts: start, resume (call late), pause and cancel;
 * - driver.ts: one run per campaign under the lease, and how it ended;
 * - status.ts: what a send looks like to the window and the CLI;
 * - outbox.ts: the worker that resumes queued sends and polls results;
 * - events.ts: what listeners hear; runs.ts: this process's runs in progress.
 *
 * A campaign's status follows its send: queued → `queued`; sending/paused → `sending`;
 * scheduled → `scheduled`; completed → `completed`; failed or cancelled once envelopes may exist
 * in Omnigage → `failed` (locked; duplicate to send again). A send that failed or was cancelled
 * before any envelope request went out is dropped and the campaign is editable again.
 */
export class SendService {
  readonly journal: Journal;
  readonly audit: AuditLog;
  /** Who was called, and the profiles' frequency rule that reads it (call-history.ts). */
  readonly history: CallHistory;
  /** Whether Omnigage answers: fed by every request the engine and results make, and a probe. */
  readonly reachability: Reachability;
  readonly #deps: SendServiceDeps;
  readonly #options: EngineOptions;
  readonly #lease: Lease;
  readonly #runs = new LiveRuns();
  readonly #events: SendEvents;
  readonly #status: SendStatusBuilder;
  readonly #checks: SendChecks;
  readonly #controls: SendControls;
  readonly #outbox: Outbox;

  constructor(deps: SendServiceDeps) {
    this.#deps = deps;
    const { clock, db, log, campaigns, recipients, profiles } = deps;
    const runs = this.#runs;
    const journal = (this.journal = new Journal(db, clock, deps.who));
    const audit = (this.audit = new AuditLog(db, clock));
    const history = (this.history = new CallHistory(db, clock));
    const reachability = (this.reachability = new Reachability({
      log: log.child('reachability'),
      clock,
      target: () => profiles.active()?.apiUrl ?? null,
      busy: () => runs.size > 0,
      fetch: deps.engine?.fetch,
    }));
    const options = (this.#options = {
      ...DEFAULT_ENGINE_OPTIONS,
      ...deps.engine,
      // Retry-After dates are judged on the service's clock, unless a test sets its own timing.
      timing: { now: () => clock().getTime(), ...deps.engine?.timing },
      fetch: reachability.wrap(deps.engine?.fetch),
    });
    const lease = (this.#lease = new Lease(db, clock, deps.leaseMs));
    const credentials = (campaignId: string, profileId?: string | null) =>
      this.credentials(campaignId, profileId);
    const status = (this.#status = new SendStatusBuilder({
      db,
      clock,
      journal,
      runs,
      reachability,
    }));
    const events = (this.#events = new SendEvents({
      log,
      progressOf: (campaignId) => status.progress(campaignId),
    }));
    const checks = (this.#checks = new SendChecks({
      db,
      log,
      clock,
      campaigns,
      recipients,
      profiles,
      journal,
      runs,
      credentials,
      options,
      doNotCall: deps.doNotCall,
      history,
      summarize: deps.summarize,
      wouldHold: deps.wouldHold,
    }));
    const driver = new SendDriver({
      db,
      log,
      clock,
      journal,
      audit,
      lease,
      runs,
      events,
      status,
      campaigns,
      recipients,
      credentials,
      options,
      readFile: deps.readFile,
      doNotCall: deps.doNotCall,
      outboxBackoff: deps.outboxBackoff,
      history,
    });
    this.#controls = new SendControls({
      clock,
      journal,
      audit,
      checks,
      driver,
      runs,
      status,
      events,
      campaigns,
      recipients,
      profiles,
      credentials,
      options,
      history,
    });
    this.#outbox = new Outbox({
      db,
      log,
      clock,
      driver,
      runs,
      lease,
      status,
      events,
      reachability,
      pollResults: deps.pollResults,
    });
  }

  get options(): Readonly<EngineOptions> {
    return this.#options;
  }

  subscribe(listener: (event: SendEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** The send's state changed outside a run (results completed it). */
  announceChange(campaignId: string): void {
    this.#events.changed(campaignId);
  }

  /** Results were fetched (ResultsService tells listeners through here). */
  announceResults(campaignId: string): void {
    this.#events.emit({ type: 'results', campaignId });
  }

  async credentials(campaignId: string, profileId?: string | null): Promise<Credentials> {
    return resolveCredentials({
      profiles: this.#deps.profiles,
      log: this.#deps.log,
      profileId: profileId ?? undefined,
      campaignId,
      env: this.#deps.env,
    });
  }

  /**
   * Everything that would stop a send, checked now: content, recipients against today's
   * opt-outs, credentials and (when Omnigage answers) the caller ID. Offline is a warning:
   * Send would queue the campaign in the outbox.
   */
  async check(campaignId: string, profileId?: string | null): Promise<SendCheck> {
    return this.#checks.check(campaignId, profileId, true);
  }

  /** Sends a campaign, or resumes its send (controls.ts). */
  start(campaignId: string, options: { profileId?: string | null } = {}): Promise<SendStatus> {
    return this.#controls.start(campaignId, options);
  }

  /** Continues a paused, queued or failed send; a late one only with `callLate` (controls.ts). */
  resume(campaignId: string, options: { callLate?: boolean } = {}): Promise<SendStatus> {
    return this.#controls.resume(campaignId, options);
  }

  /** Stops after the requests in flight; nothing is scheduled. `send:resume` continues. */
  pause(campaignId: string): Promise<SendStatus> {
    return this.#controls.pause(campaignId);
  }

  /** Cancels before scheduling, saying what already exists in Omnigage (controls.ts). */
  cancel(campaignId: string): Promise<CancelReport> {
    return this.#controls.cancel(campaignId);
  }

  /** Resolves when the current run (if any) ends, with the send's status then. */
  async settled(campaignId: string): Promise<SendStatus | null> {
    const live = this.#runs.get(campaignId);
    if (live) await live.promise;
    return this.status(campaignId);
  }

  /** True while another live process (the app, another CLI run) drives this send. */
  heldElsewhere(campaignId: string): boolean {
    return this.#lease.heldElsewhere(campaignId);
  }

  /** True while this process is sending any campaign (an update waits for it to finish). */
  isSendingAny(): boolean {
    return this.#runs.size > 0;
  }

  /** True while this process is running the campaign's send. */
  isRunning(campaignId: string): boolean {
    return this.#runs.has(campaignId);
  }

  status(campaignId: string): SendStatus | null {
    return this.#status.status(campaignId);
  }

  /** Sends with a "send at" time still to come that will go by themselves (the app stays awake). */
  waitingForTime(): Array<{ campaignId: string; at: string }> {
    return this.#status.waitingForTime();
  }

  /** Sends waiting in the outbox or running. */
  outbox(): SendStatus[] {
    return this.#status.outbox();
  }

  /** Starts the outbox worker (outbox.ts); `wake()` runs it at once. */
  startOutbox(options: { intervalMs?: number } = {}): void {
    this.#outbox.start(options);
  }

  /** Stops the worker and lets running sends stop after their requests in flight (they resume next start). */
  stopOutbox(): Promise<void> {
    return this.#outbox.stop();
  }

  /** The connection is back (or the person asked): try queued sends now, whatever their wait. */
  wake(): void {
    this.#outbox.wake();
  }

  tick(options: { force?: boolean } = {}): Promise<void> {
    return this.#outbox.tick(options);
  }
}
