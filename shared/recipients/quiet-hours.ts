import { zonesForAreaCode } from './nanp-zones';

/** Calls are acceptable from 08:00 up to (not including) 21:00 local time. */
export const QUIET_HOURS = { startMinute: 8 * 60, endMinute: 21 * 60 } as const;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Minutes since local midnight in the zone at the instant `now`. */
export function localMinutes(now: Date, zone: string): number {
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(zone).formatToParts(now)) {
    if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return hour * 60 + minute;
}

export function isWithinCallingHours(now: Date, zone: string): boolean {
  const minutes = localMinutes(now, zone);
  return minutes >= QUIET_HOURS.startMinute && minutes < QUIET_HOURS.endMinute;
}

const clockText = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export interface QuietHoursZone {
  zone: string;
  localTime: string;
  allowed: boolean;
  /** Recipients whose area code reaches this zone. */
  recipients: number;
}

export interface QuietHoursReport {
  checkedAt: string;
  /** Recipients for whom now is outside 08:00–21:00 in at least one zone of their area code. */
  outside: number;
  /** Recipients with a known zone for whom now is inside calling hours everywhere. */
  inside: number;
  /** Recipients with no known zone (outside the NANP, or a non-geographic area code). */
  unknown: number;
  zones: QuietHoursZone[];
  /** A sentence for the send screen, or null when nobody is affected. */
  warning: string | null;
}

/**
 * Quiet hours for a list, given how many sendable recipients have each NANP area code
 * (area code "" or absent for numbers outside the plan). A recipient is outside calling hours
 * when any zone of its area code is, i.e. the most restrictive zone decides.
 */
export function quietHoursReport(now: Date, areaCodeCounts: Iterable<readonly [string, number]>): QuietHoursReport {
  const zoneInfo = new Map<string, QuietHoursZone>();
  let outside = 0;
  let inside = 0;
  let unknown = 0;
  for (const [areaCode, count] of areaCodeCounts) {
    const zones = zonesForAreaCode(areaCode);
    if (zones.length === 0) {
      unknown += count;
      continue;
    }
    let allowedEverywhere = true;
    for (const zone of zones) {
      let info = zoneInfo.get(zone);
      if (!info) {
        const minutes = localMinutes(now, zone);
        info = {
          zone,
          localTime: clockText(minutes),
          allowed: minutes >= QUIET_HOURS.startMinute && minutes < QUIET_HOURS.endMinute,
          recipients: 0,
        };
        zoneInfo.set(zone, info);
      }
      info.recipients += count;
      if (!info.allowed) allowedEverywhere = false;
    }
    if (allowedEverywhere) inside += count;
    else outside += count;
  }
  const zones = [...zoneInfo.values()].sort((a, b) => b.recipients - a.recipients || a.zone.localeCompare(b.zone));
  const closed = zones.filter((z) => !z.allowed).map((z) => `${z.zone} (${z.localTime})`);
  const warning =
    outside > 0
      ? `${outside} recipient${outside === 1 ? '' : 's'} would be called outside 08:00–21:00 local time: ${closed.join(', ')}.`
      : null;
  return { checkedAt: now.toISOString(), outside, inside, unknown, zones, warning };
}
