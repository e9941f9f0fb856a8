import type { ConnectionState } from '../../shared/send';

/**
 * What the window knows about the connection: whether this computer has a network at all
 * (the browser's own flag) and whether Omnigage answers (main asks it; `connection:changed`).
 * One instance, kept up to date by App.svelte and read wherever words depend on it, so "You
 * are offline" is said only when the computer is offline.
 */
export class ConnectionView {
  networkUp = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  state = $state.raw<ConnectionState | null>(null);

  readonly omnigageDown = $derived(this.state?.reach === 'not_answering');
  /** True when a send now would wait in the outbox. */
  readonly usable = $derived(this.networkUp && !this.omnigageDown);
  /** The header's words. */
  readonly text = $derived(
    !this.networkUp
      ? 'Offline — your work is saved on this computer'
      : this.state?.reach === 'answering'
        ? 'Omnigage answers'
        : this.state?.reach === 'not_answering'
          ? 'Omnigage is not answering — your work is saved'
          : this.state?.reach === 'no_profile'
            ? 'No Omnigage profile yet'
            : 'Checking Omnigage…',
  );

  /** Why a send would wait, in the words that fit what is actually wrong. */
  readonly whyWaiting = $derived(
    !this.networkUp ? 'You are offline.' : 'Omnigage is not answering right now.',
  );
}

export const connection = new ConnectionView();
