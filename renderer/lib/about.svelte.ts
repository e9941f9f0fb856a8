import type { AboutInfo, Licence, UpdateStatus } from '../../shared/app-info';
import { call as defaultCall, messageOf, subscribe as defaultSubscribe } from './api';

type Call = typeof defaultCall;
type Subscribe = typeof defaultSubscribe;

/** Settings → About and updates: the version, the update state (live) and the organisation's settings. */
export class AboutState {
  info = $state.raw<AboutInfo | null>(null);
  checking = $state(false);
  licences = $state.raw<Licence[] | null>(null);
  error = $state<string | null>(null);

  readonly #call: Call;
  readonly #subscribe: Subscribe;
  /** An update change that arrived before the facts did: newer than what the load returns. */
  #early: UpdateStatus | null = null;

  constructor(call: Call = defaultCall, subscribe: Subscribe = defaultSubscribe) {
    this.#call = call;
    this.#subscribe = subscribe;
  }

  /** Loads the facts and follows update changes until the returned function is called. */
  start(): () => void {
    void this.#load();
    return this.#subscribe('app:updates', (update) => this.#setUpdate(update));
  }

  async #load(): Promise<void> {
    try {
      const info = await this.#call('app:about');
      this.info = this.#early ? { ...info, update: this.#early } : info;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  async loadLicences(): Promise<void> {
    try {
      this.licences = await this.#call('app:licences');
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      this.#setUpdate(await this.#call('app:checkForUpdates', undefined, { timeoutMs: 60_000 }));
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.checking = false;
    }
  }

  #setUpdate(update: UpdateStatus): void {
    if (this.info) this.info = { ...this.info, update };
    else this.#early = update;
  }
}
