import type { SendProgress } from '../../shared/send';
import type { Logger } from '../logging/logger';

export type SendEvent =
  | { type: 'progress'; progress: SendProgress }
  | { type: 'changed'; campaignId: string }
  | { type: 'results'; campaignId: string };

/**
 * What the send modules tell the window, the CLI and the keep-awake guard. Listeners come in
 * only through `subscribe` (which hands back the way out); a listener that throws is logged
 * and the others still hear the event.
 */
export class SendEvents {
  readonly #listeners = new Set<(event: SendEvent) => void>();
  readonly #log: Logger;
  /** The send's progress as the window shows it (status.ts); null when there is no send. */
  readonly #progressOf: (campaignId: string) => SendProgress | null;

  constructor(deps: { log: Logger; progressOf: (campaignId: string) => SendProgress | null }) {
    this.#log = deps.log;
    this.#progressOf = deps.progressOf;
  }

  subscribe(listener: (event: SendEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: SendEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#log.warn('send listener failed', { error });
      }
    }
  }

  /** The send's state changed: listeners hear it, then its progress now. */
  changed(campaignId: string): void {
    this.emit({ type: 'changed', campaignId });
    this.progress(campaignId);
  }

  /** The send's progress now, when it has a send. */
  progress(campaignId: string): void {
    const progress = this.#progressOf(campaignId);
    if (progress) this.emit({ type: 'progress', progress });
  }
}
