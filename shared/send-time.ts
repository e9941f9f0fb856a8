/**
 * "At a set time" is kept by the app itself (docs/omnigage-api.md, decision 7): at that time the
 * app must be open on a computer that is on and awake. What Send says about that, in words.
 */

/** Further off than this, Send says how long the computer must stay on and awake. */
export const FAR_OFF_MS = 12 * 60 * 60_000;

/** "14 hours", "2 days and 3 hours": how far off a send time is, roughly. */
export function howLong(ms: number): string {
  const hours = Math.round(ms / (60 * 60_000));
  const n = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
  if (hours < 48) return n(Math.max(1, hours), 'hour');
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest === 0 ? n(days, 'day') : `${n(days, 'day')} and ${n(rest, 'hour')}`;
}

/** The warnings Send repeats for a send time still ahead: far off, or a computer on battery. */
export function sendTimeWarnings(input: {
  at: Date;
  now: Date;
  onBattery: boolean | null;
}): string[] {
  const ahead = input.at.getTime() - input.now.getTime();
  if (ahead <= 0) return [];
  const out: string[] = [];
  if (ahead > FAR_OFF_MS)
    out.push(
      `The calls start in ${howLong(ahead)}. The app starts them itself, so it must be open then, on this computer, switched on and awake. If that is unlikely, send closer to the time.`,
    );
  if (input.onBattery)
    out.push(
      'This computer is running on battery. Plug it in: if it runs down or sleeps past the send time, nobody is called until it is back, and then the app asks before calling late.',
    );
  return out;
}
