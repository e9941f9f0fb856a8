/**
 * Where the person is in the app. The view is mirrored in the address's #fragment, so a reload
 * (or the app reopening after a crash) comes back to the same campaign and tab.
 */
export const TABS = ['message', 'recipients', 'review', 'results'] as const;
export type Tab = (typeof TABS)[number];

export type View =
  | { name: 'campaigns' }
  | { name: 'settings' }
  | { name: 'library' }
  | { name: 'campaign'; id: string; tab: Tab };

export function parseHash(hash: string): View {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'settings') return { name: 'settings' };
  if (parts[0] === 'library') return { name: 'library' };
  if (parts[0] === 'campaign' && parts[1] && /^[0-9a-f-]{36}$/i.test(parts[1])) {
    const tab = (TABS as readonly string[]).includes(parts[2] ?? '')
      ? (parts[2] as Tab)
      : 'message';
    return { name: 'campaign', id: parts[1], tab };
  }
  return { name: 'campaigns' };
}

export function toHash(view: View): string {
  if (view.name === 'settings') return '#/settings';
  if (view.name === 'library') return '#/library';
  if (view.name === 'campaign') return `#/campaign/${view.id}/${view.tab}`;
  return '#/';
}

export class Navigation {
  view = $state<View>({ name: 'campaigns' });
  /** Runs before the view changes (the editor flushes its autosave here). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- hooks, not state
  #beforeLeave = new Set<() => Promise<void> | void>();

  constructor(initial?: View) {
    if (initial) this.view = initial;
  }

  onLeave(hook: () => Promise<void> | void): () => void {
    this.#beforeLeave.add(hook);
    return () => this.#beforeLeave.delete(hook);
  }

  async go(view: View): Promise<void> {
    for (const hook of this.#beforeLeave) await hook();
    this.view = view;
    if (typeof location !== 'undefined' && location.hash !== toHash(view))
      history.replaceState(null, '', toHash(view));
  }

  openCampaign(id: string, tab: Tab = 'message') {
    return this.go({ name: 'campaign', id, tab });
  }

  /** Switching tabs inside a campaign keeps the same editor, so nothing needs flushing. */
  setTab(tab: Tab) {
    if (this.view.name !== 'campaign') return;
    this.view = { ...this.view, tab };
    if (typeof location !== 'undefined') history.replaceState(null, '', toHash(this.view));
  }
}
