import type { UpdateState, UpdateStatus } from '../../shared/app-info';
import type { Logger } from '../logging/logger';
import type { Policy } from '../policy';
import { systemClock } from '../clock';

/**
 * Keeping installed copies current. The work is electron-updater's (feed, background download,
 * the sha512 check of every download and, on Windows, the installer's publisher signature); this
 * service decides when it may run: not at all when the organisation turned updates off, from the
 * feed and channel the organisation chose, and never installing while a campaign is being sent.
 *
 * An update is downloaded in the background and installed when the app next quits. If that quit
 * happens during a send, the update waits for a later quit: installing would stop the app in the
 * middle of handing recipients over (the send would resume, but not while the installer runs).
 */

/** The part of electron-updater's AppUpdater this service uses (the app passes the real one). */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  channel: string | null;
  setFeedURL(options: { provider: 'generic'; url: string; channel?: string }): void;
  checkForUpdates(): Promise<unknown>;
  on(
    event: 'checking-for-update' | 'update-not-available' | 'download-progress',
    listener: (info: unknown) => void,
  ): unknown;
  on(
    event: 'update-available' | 'update-downloaded',
    listener: (info: { version: string }) => void,
  ): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export const DEFAULT_UPDATE_URL = 'https://updates.omnigage-campaigns.example/';
const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

export interface UpdateServiceOptions {
  updater: Updater | null;
  currentVersion: string;
  policy: Policy;
  /** Whether a campaign is being sent right now. */
  isSending: () => boolean;
  log: Logger;
  now?: () => Date;
  setInterval?: (fn: () => void, ms: number) => { unref?: () => void };
  onChange?: (status: UpdateStatus) => void;
}

export class UpdateService {
  readonly #o: UpdateServiceOptions;
  #state: UpdateState = { state: 'idle' };
  #readyVersion: string | null = null;

  constructor(options: UpdateServiceOptions) {
    this.#o = options;
    const { updater, policy } = options;
    if (policy.updates === 'off') this.#state = { state: 'off', reason: 'organisation' };
    else if (!updater) this.#state = { state: 'off', reason: 'development' };
  }

  status(): UpdateStatus {
    const { policy, currentVersion } = this.#o;
    return {
      currentVersion,
      channel: policy.updateChannel ?? 'stable',
      channelSetBy: policy.updateChannel ? 'organisation' : 'default',
      update: this.#state,
    };
  }

  /** Points the updater at the feed, checks now and then every few hours. Does nothing when off. */
  start(): void {
    const { updater, policy, log } = this.#o;
    if (!updater || this.#state.state === 'off') {
      log.info('updates off', {
        reason: this.#state.state === 'off' ? this.#state.reason : 'none',
      });
      return;
    }
    const channel = policy.updateChannel === 'beta' ? 'beta' : 'latest';
    updater.setFeedURL({
      provider: 'generic',
      url: policy.updateUrl ?? DEFAULT_UPDATE_URL,
      channel,
    });
    updater.channel = channel;
    // A beta copy moved back to stable must be able to take the (lower) stable version.
    updater.allowDowngrade = channel === 'latest';
    updater.autoDownload = true;
    // Decided by this service on every change: never while a send runs.
    updater.autoInstallOnAppQuit = false;
    updater.on('checking-for-update', () => this.#set({ state: 'checking' }));
    updater.on('update-not-available', () =>
      this.#set({ state: 'up-to-date', checkedAt: this.#now().toISOString() }),
    );
    updater.on('update-available', (info) =>
      this.#set({ state: 'downloading', version: info.version, percent: null }),
    );
    updater.on('download-progress', (progress) => {
      if (this.#state.state !== 'downloading') return;
      const percent = (progress as { percent?: number }).percent;
      this.#set({
        ...this.#state,
        percent: typeof percent === 'number' ? Math.round(percent) : null,
      });
    });
    updater.on('update-downloaded', (info) => {
      this.#readyVersion = info.version;
      this.sendingChanged();
    });
    updater.on('error', (error) => {
      log.warn('update failed', { error });
      this.#set({ state: 'error', message: updateErrorMessage(error) });
    });
    void this.check();
    const timer = (this.#o.setInterval ?? setInterval)(() => void this.check(), CHECK_EVERY_MS);
    timer.unref?.();
  }

  /** Checks the feed (also from Settings → "Check for updates"). */
  async check(): Promise<UpdateStatus> {
    const { updater } = this.#o;
    if (!updater || this.#state.state === 'off' || this.#state.state === 'ready')
      return this.status();
    try {
      const result = (await updater.checkForUpdates()) as {
        downloadPromise?: Promise<unknown>;
      } | null;
      // A failed background download is reported through the 'error' event as well.
      result?.downloadPromise?.catch(() => {});
    } catch (error) {
      // Also reported through the 'error' event; this keeps a failed check from being unhandled.
      if (this.#state.state !== 'error')
        this.#set({ state: 'error', message: updateErrorMessage(error as Error) });
    }
    return this.status();
  }

  /** Call when a send starts or ends: the install on quit is allowed only when none runs. */
  sendingChanged(): void {
    const { updater, isSending } = this.#o;
    if (!updater || !this.#readyVersion) return;
    const sending = isSending();
    updater.autoInstallOnAppQuit = !sending;
    this.#set({ state: 'ready', version: this.#readyVersion, waitingForSend: sending });
  }

  #now(): Date {
    return this.#o.now?.() ?? systemClock();
  }

  #set(state: UpdateState): void {
    this.#state = state;
    this.#o.onChange?.(this.status());
  }
}

/** An updater error in words for Settings; the details go to the log. */
export function updateErrorMessage(error: Error): string {
  const code = (error as Error & { code?: string }).code ?? '';
  if (/sha512 checksum mismatch/i.test(error.message) || code === 'ERR_CHECKSUM_MISMATCH') {
    return 'The downloaded update did not match its checksum, so it was not installed. It will be downloaded again later.';
  }
  if (/not signed|publisherName|signature/i.test(error.message)) {
    return 'The downloaded update is not signed by the publisher, so it was not installed.';
  }
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|ECONNRESET|net::/i.test(error.message)) {
    return 'The update server could not be reached. The app checks again later.';
  }
  return 'Checking for updates failed. The app checks again later.';
}
