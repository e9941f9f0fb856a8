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
