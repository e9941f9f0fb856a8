import { tick } from 'svelte';

/**
 * Where the keyboard goes when a screen or panel is replaced under it. Without this, focus falls
 * to the page and a keyboard or screen-reader user starts again from the top.
 */

/** True when focus is already somewhere inside `container` (a shortcut moved it there first). */
export function focusIsInside(container: Element | null | undefined): boolean {
  const active = document.activeElement;
  return Boolean(active && active !== document.body && container?.contains(active));
}

/**
 * Focuses a heading (or a panel): made focusable from script only (tabindex -1), so it is not
 * added to the Tab order.
 */
export function focusHeading(target: HTMLElement | null | undefined): void {
  if (!target) return;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus();
}

/**
 * Runs an action a button in `container` started. A button disabled while it works, or replaced
 * when it is done (Pause by Resume), drops the keyboard's focus to the page; then the focus goes
 * back to that button when it can be pressed again, else to the first control in `container`
 * that can (or its heading), so Tab and Enter go on from where the person was.
 */
export async function keepingFocus(
  container: HTMLElement | null | undefined,
  action: () => unknown,
): Promise<void> {
  // The button pressed: focused again when it is still there and can be pressed.
  const origin = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const lost = () => !document.activeElement || document.activeElement === document.body;
  try {
    await action();
  } finally {
    await tick();
    if (lost() && origin?.isConnected && !(origin as HTMLButtonElement).disabled) origin.focus();
    if (lost() && container?.isConnected) {
      const next = container.querySelector<HTMLElement>(
        'button:not(:disabled), a[href], input:not(:disabled)',
      );
      // Nothing left to press (a cancelled send): its heading, so reading goes on from there.
      if (next) next.focus();
      else focusHeading(container.querySelector<HTMLElement>('h2, h3'));
    }
  }
}
