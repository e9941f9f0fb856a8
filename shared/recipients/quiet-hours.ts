import { zonesForCountry } from './country-zones';
import { zonesForAreaCode } from './nanp-zones';

/**
 * Calling hours: whether "now" (or a send time) falls inside a campaign's calling window in each
 * recipient's own local time. Local time comes from Intl.DateTimeFormat with the zone, so
 * daylight saving is the tz database's, never an offset computed here.
 *
 * A number's zones: NANP (+1) by area code (nanp-zones.ts; an area code across a zone line lists
 * each zone, and the most restrictive decides), else by the country libphonenumber-js names
 * when that country has one zone (country-zones.ts). Numbers with no known zone are counted as
 * "could not be checked" and said so, never counted as fine.
 */

/** Days as Intl names them (en-US short), Sunday = 0. */
export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

export interface CallingWindow {
  /** Minutes after local midnight: calls from startMinute up to (not including) endMinute. */
  startMinute: number;
  endMinute: number;
  /** Local weekdays calls may happen on, Sunday = 0. */
  days: readonly number[];
}

/** Calls are acceptable from 08:00 up to (not including) 21:00 local time, every day. */
export const DEFAULT_CALLING_WINDOW: CallingWindow = {
  startMinute: 8 * 60,
  endMinute: 21 * 60,
  days: [0, 1, 2, 3, 4, 5, 6],
};

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      // A zone this runtime's tz data does not know: treated as unknown, not as fine.
      formatter = null;
    }
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Local minutes since midnight and weekday in the zone at the instant `now`; null for a zone Intl does not know. */
export function localClock(now: Date, zone: string): { minutes: number; weekday: number } | null {
  const formatter = formatterFor(zone);
  if (!formatter) return null;
  let hour = 0;
  let minute = 0;
  let weekday = 0;
  for (const part of formatter.formatToParts(now)) {
    if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
    else if (part.type === 'weekday')
      weekday = Math.max(0, WEEKDAYS.indexOf(part.value as (typeof WEEKDAYS)[number]));
  }
  return { minutes: hour * 60 + minute, weekday };
}

/** Minutes since local midnight in the zone at the instant `now`. */
export function localMinutes(now: Date, zone: string): number {
  return localClock(now, zone)?.minutes ?? 0;
}

function open(clock: { minutes: number; weekday: number }, window: CallingWindow): boolean {
  return (
    window.days.includes(clock.weekday) &&
    clock.minutes >= window.startMinute &&
    clock.minutes < window.endMinute
  );
}

export function isWithinCallingHours(
  now: Date,
  zone: string,
  window: CallingWindow = DEFAULT_CALLING_WINDOW,
): boolean {
  const clock = localClock(now, zone);
  return clock !== null && open(clock, window);
}

/**
 * Is a number with these possible zones outside the window at `now`? The most restrictive known
 * zone decides (as in callingHoursReport); a number with no known zone is not "outside" (it is
 * counted as not checked).
 */
export function outsideCallingHours(
  now: Date,
  zones: readonly string[],
  window: CallingWindow = DEFAULT_CALLING_WINDOW,
): boolean {
  return zones.some((zone) => {
    const clock = localClock(now, zone);
    return clock !== null && !open(clock, window);
  });
}

/** "08:00" */
export const clockText = (minutes: number) =>
  `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** "08:00–21:00" and, when not every day, the days. */
export function describeWindow(window: CallingWindow): string {
  const hours = `${clockText(window.startMinute)}–${window.endMinute >= 24 * 60 ? '24:00' : clockText(window.endMinute)}`;
  if (window.days.length === 7) return hours;
  const days = [...window.days]
    .sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7))
    .map((d) => WEEKDAYS[d]);
  return `${hours} on ${days.join(', ')}`;
}

/** Recipients whose numbers share the same possible zones (none: not known). */
export interface ZoneGroup {
  zones: readonly string[];
  recipients: number;
}

/**
 * The zones a number may be in, from its E.164 form and the country libphonenumber-js gave it.
 * NANP area codes first; otherwise a single-zone country; otherwise none (unknown).
 */
export function zonesForNumber(e164: string, country: string | undefined): readonly string[] {
  if (e164.startsWith('+1')) {
    const byArea = zonesForAreaCode(e164.slice(2, 5));
    if (byArea.length > 0) return byArea;
  }
  return zonesForCountry(country);
}

export interface QuietHoursZone {
  zone: string;
  localTime: string;
  allowed: boolean;
  /** Recipients who may be in this zone. */
  recipients: number;
}

export interface QuietHoursReport {
  checkedAt: string;
  /** Recipients for whom the moment is outside the window in at least one of their zones. */
  outside: number;
  /** Recipients with a known zone for whom the moment is inside the window everywhere. */
  inside: number;
  /** Recipients whose time zone cannot be known (a multi-zone country, a non-geographic number). */
  unknown: number;
  zones: QuietHoursZone[];
  /** A sentence for the review, or null when every recipient was checked and is inside. */
  warning: string | null;
  /** What the report was made from, so the window can judge another moment (a send time). */
  groups: ZoneGroup[];
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * Calling hours for a list at `now`: each group is outside when any of its zones is (the most
 * restrictive zone decides), inside when all are, unknown when it has none.
 */
export function callingHoursReport(
  now: Date,
  groups: readonly ZoneGroup[],
  window: CallingWindow = DEFAULT_CALLING_WINDOW,
): QuietHoursReport {
  const zoneInfo = new Map<string, QuietHoursZone>();
  let outside = 0;
  let inside = 0;
  let unknown = 0;
  for (const group of groups) {
    if (group.recipients <= 0) continue;
    let known = group.zones.length > 0;
    let allowedEverywhere = true;
    for (const zone of group.zones) {
      let info = zoneInfo.get(zone);
      if (!info) {
        const clock = localClock(now, zone);
        if (!clock) {
          known = false;
          continue;
        }
        info = {
          zone,
          localTime: clockText(clock.minutes),
          allowed: open(clock, window),
          recipients: 0,
        };
        zoneInfo.set(zone, info);
      }
      info.recipients += group.recipients;
      if (!info.allowed) allowedEverywhere = false;
    }
    if (!allowedEverywhere) outside += group.recipients;
    else if (!known) unknown += group.recipients;
    else inside += group.recipients;
  }
  const zones = [...zoneInfo.values()].sort(
    (a, b) => b.recipients - a.recipients || a.zone.localeCompare(b.zone),
  );
  const closed = zones.filter((z) => !z.allowed).map((z) => `${z.zone} (${z.localTime})`);
  const parts: string[] = [];
  if (outside > 0) {
    parts.push(
      `${plural(outside, 'recipient')} would be called outside ${describeWindow(window)} local time: ${closed.join(', ')}.`,
    );
  }
  if (unknown > 0) parts.push(unknownSentence(unknown));
  return {
    checkedAt: now.toISOString(),
    outside,
    inside,
    unknown,
    zones,
    warning: parts.length ? parts.join(' ') : null,
    groups: [...groups],
  };
}

export function unknownSentence(unknown: number): string {
  return `The local time of ${plural(unknown, 'number')} cannot be known (a country with several time zones, or a number not tied to a place), so ${unknown === 1 ? 'it was' : 'they were'} not checked.`;
}

/** The report from NANP area-code counts (area code "" for numbers outside the plan). */
export function quietHoursReport(
  now: Date,
  areaCodeCounts: Iterable<readonly [string, number]>,
  window?: CallingWindow,
): QuietHoursReport {
  return callingHoursReport(
    now,
    [...areaCodeCounts].map(([areaCode, recipients]) => ({
      zones: zonesForAreaCode(areaCode),
      recipients,
    })),
    window,
  );
}

const QUARTER_MS = 15 * 60_000;

/**
 * The first moment from `now` (to the quarter hour, within `withinDays`) at which every
 * recipient with a known zone is inside the window; null when there is none in that time.
 * Every zone offset in use is a multiple of 15 minutes, so quarter-hour steps find a window
 * that opens on a quarter hour exactly.
 */
export function nextOpening(
  now: Date,
  groups: readonly ZoneGroup[],
  window: CallingWindow = DEFAULT_CALLING_WINDOW,
  withinDays = 8,
): Date | null {
  const zones = [...new Set(groups.filter((g) => g.recipients > 0).flatMap((g) => g.zones))];
  const allOpen = (at: Date) =>
    zones.every((zone) => {
      const clock = localClock(at, zone);
      return clock === null || open(clock, window);
    });
  if (allOpen(now)) return now;
  const first = Math.ceil(now.getTime() / QUARTER_MS) * QUARTER_MS;
  for (let t = first; t <= now.getTime() + withinDays * 86_400_000; t += QUARTER_MS) {
    const at = new Date(t);
    if (allOpen(at)) return at;
  }
  return null;
}

/** "4:30 in the morning", "9:15 at night": a local time in words for a confirmation. */
export function timeInWords(minutes: number): string {
  const h = Math.floor(minutes / 60) % 24;
  const m = minutes % 60;
  const twelve = h % 12 === 0 ? 12 : h % 12;
  const clock = `${twelve}:${String(m).padStart(2, '0')}`;
  if (h === 0 && m === 0) return 'midnight';
  if (h < 12) return `${clock} in the morning`;
  if (h === 12 && m === 0) return 'noon';
  if (h < 18) return `${clock} in the afternoon`;
  if (h < 21) return `${clock} in the evening`;
  return `${clock} at night`;
}

/** Outside 7:00–22:00 a call needs the person's explicit word, whatever the campaign's window. */
export const ODD_HOURS = { startMinute: 7 * 60, endMinute: 22 * 60 } as const;

/**
 * When most checked recipients would be called outside 7:00–22:00 at `at`: the most common local
 * time among them and how many, for a confirmation in words; null otherwise.
 */
export function oddHourCall(
  at: Date,
  groups: readonly ZoneGroup[],
): { words: string; recipients: number } | null {
  const byTime = new Map<number, number>();
  let checked = 0;
  let odd = 0;
  for (const group of groups) {
    const clocks = group.zones
      .map((zone) => localClock(at, zone))
      .filter((c): c is NonNullable<typeof c> => c !== null);
    if (clocks.length === 0 || group.recipients <= 0) continue;
    checked += group.recipients;
    const bad = clocks.find(
      (c) => c.minutes < ODD_HOURS.startMinute || c.minutes >= ODD_HOURS.endMinute,
    );
    if (!bad) continue;
    odd += group.recipients;
    byTime.set(bad.minutes, (byTime.get(bad.minutes) ?? 0) + group.recipients);
  }
  if (checked === 0 || odd * 2 <= checked) return null;
  const [minutes] = [...byTime.entries()].sort((a, b) => b[1] - a[1])[0]!;
  return { words: timeInWords(minutes), recipients: odd };
}
