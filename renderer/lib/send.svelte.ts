import type {
  CancelReport,
  PowerState,
  SendCheck,
  SendProgress,
  SendStatus,
} from '../../shared/send';
import { call as defaultCall, messageOf } from './api';

type Call = typeof defaultCall;

/** What the progress area shows: the full status, or the lighter progress event. */
export type SendView = SendProgress | SendStatus;

const ACTIVE = new Set(['queued', 'sending', 'paused']);

/**
 * One campaign's send as the review tab sees it: the server-side check, Send (which main
 * queues in the outbox when Omnigage cannot be reached), progress events, pause, resume and
 * cancel. Main owns the send; this only mirrors it.
 */
export class SendState {
  status = $state.raw<SendView | null>(null);
  check = $state.raw<SendCheck | null>(null);
  checking = $state(false);
  busy = $state(false);
  error = $state<string | null>(null);
  cancelReport = $state.raw<CancelReport | null>(null);
  /** Whether the app keeps this computer awake for a send time, and whether it is on battery. */
  power = $state.raw<PowerState | null>(null);

  readonly active = $derived(this.status !== null && ACTIVE.has(this.status.state));
  readonly done = $derived(
    this.status !== null &&
      (this.status.state === 'scheduled' || this.status.state === 'completed'),
  );
  /** Blocking problems main found that the checklist cannot see (credentials rejected, caller ID not verified online…). */
  readonly blocking = $derived(
    this.check?.problems.filter(
      (p) => p.blocking && p.code !== 'in_progress' && p.code !== 'already_sent',
    ) ?? [],
  );
  /** Warnings main found besides "offline" (e.g. only an older copy of the office's do-not-call file could be read). */
  readonly warnings = $derived(
    this.check?.problems.filter((p) => !p.blocking && p.code !== 'offline') ?? [],
  );
  /** False only when the check could not reach Omnigage (missing credentials are a blocking problem, not "offline"). */
  readonly reachable = $derived(!(this.check?.problems.some((p) => p.code === 'offline') ?? false));

  campaignId = '';
  readonly #call: Call;

  constructor(call: Call = defaultCall) {
    this.#call = call;
  }

  async load(campaignId: string): Promise<void> {
    this.campaignId = campaignId;
    try {
      this.status = (await this.#call('send:status', { campaignId })).status;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Asks main to check everything now (it contacts Omnigage when it can). */
  async runCheck(): Promise<void> {
    if (!this.campaignId || this.done || this.active) return;
    this.checking = true;
    try {
      this.check = await this.#call(
        'send:check',
        { campaignId: this.campaignId },
        { timeoutMs: 45_000 },
      );
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.checking = false;
    }
  }

  /** A `send:progress` event: only this campaign's. */
  onProgress(progress: SendProgress): void {
    if (progress.campaignId === this.campaignId) this.status = progress;
  }

  async #act(action: () => Promise<SendView>): Promise<boolean> {
    this.busy = true;
    try {
      this.status = await action();
      this.error = null;
      return true;
    } catch (error) {
      this.error = messageOf(error);
      return false;
    } finally {
      this.busy = false;
    }
  }

  start(): Promise<boolean> {
    this.cancelReport = null;
    return this.#act(() =>
      this.#call('send:start', { campaignId: this.campaignId }, { timeoutMs: 60_000 }),
    );
  }

  pause(): Promise<boolean> {
    return this.#act(() =>
      this.#call('send:pause', { campaignId: this.campaignId }, { timeoutMs: 60_000 }),
    );
  }

  /** `callLate`: the send time passed while the computer was off, and the person says call now. */
  resume(callLate = false): Promise<boolean> {
    return this.#act(() =>
      this.#call(
        'send:resume',
        { campaignId: this.campaignId, ...(callLate ? { callLate } : {}) },
        { timeoutMs: 60_000 },
      ),
    );
  }

  /** Asks main about the computer's power now (battery changes; keeping awake follows the sends). */
  async loadPower(): Promise<PowerState | null> {
    try {
      this.power = await this.#call('app:power');
    } catch {
      this.power = null;
    }
    return this.power;
  }

  async cancel(): Promise<boolean> {
    return this.#act(async () => {
      const report = await this.#call(
        'send:cancel',
        { campaignId: this.campaignId },
        { timeoutMs: 60_000 },
      );
      this.cancelReport = report;
      return report.status;
    });
  }
}

/** Share of envelopes handed over, 0..1. */
export function sendFraction(status: SendView): number {
  if (status.state === 'scheduled' || status.state === 'completed') return 1;
  return status.envelopesTotal > 0 ? Math.min(1, status.envelopesSent / status.envelopesTotal) : 0;
}

/** "about 2 minutes left", or null before there is a pace. */
export function timeLeft(status: SendView): string | null {
  // While Omnigage is not answering the pace means nothing: nothing is moving.
  if (
    status.etaSeconds === null ||
    status.state !== 'sending' ||
    status.omnigage === 'not_answering'
  )
    return null;
  const s = Math.max(0, Math.round(status.etaSeconds));
  if (s < 5) return 'a few seconds left';
  if (s < 60) return `about ${s} seconds left`;
  const m = Math.round(s / 60);
  return `about ${m} minute${m === 1 ? '' : 's'} left`;
}
