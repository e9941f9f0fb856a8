import type { PowerState } from '../../shared/send';
import type { Logger } from '../logging/logger';
import type { Power } from '../power';
import type { SendService } from './service';

/**
 * "At a set time" is kept by the app (docs/omnigage-api.md, decision 7): everything is handed to
 * Omnigage at Send, and the app schedules the engagement when the time comes, so the app must be
 * awake then. While any send waits for its time (or is on its way there), the computer is kept
 * from sleeping by itself; once every such send has started (or stopped), it may sleep again.
 */
export class KeepAwake {
  readonly #send: SendService;
  readonly #power: Power;
  readonly #log: Logger;
  #release: (() => void) | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(deps: { send: SendService; power: Power; log: Logger }) {
    this.#send = deps.send;
    this.#power = deps.power;
    this.#log = deps.log;
  }

  /** Follows the sends from now on (and looks once at once: a send may be waiting since start-up). */
  start(): void {
    this.#unsubscribe ??= this.#send.subscribe((event) => {
      if (event.type === 'changed') this.update();
    });
    this.update();
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#let();
  }

  update(): void {
    const waiting = this.#send.waitingForTime();
    if (waiting.length > 0 && !this.#release) {
      this.#release = this.#power.preventSleep();
      if (this.#release)
        this.#log.info('keeping the computer awake until a send time', {
          campaigns: waiting.length,
          until: waiting.map((w) => w.at).sort()[0],
        });
    } else if (waiting.length === 0) this.#let();
  }

  status(): PowerState {
    return { keepingAwake: this.#release !== null, onBattery: this.#power.onBattery() };
  }

  #let(): void {
    if (!this.#release) return;
    this.#release();
    this.#release = null;
    this.#log.info('the computer may sleep again');
  }
}
