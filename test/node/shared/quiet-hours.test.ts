import { describe, expect, it } from 'vitest';
import { NANP_AREA_CODE_ZONES, zonesForAreaCode } from '../../../shared/recipients/nanp-zones';
import { isWithinCallingHours, localMinutes, quietHoursReport } from '../../../shared/recipients/quiet-hours';

describe('NANP area code zones table', () => {
  it('has only well-formed geographic codes and zones the runtime knows', () => {
    expect(NANP_AREA_CODE_ZONES.size).toBeGreaterThan(380);
    for (const [code, zones] of NANP_AREA_CODE_ZONES) {
      expect(code).toMatch(/^[2-9][0-8]\d$/);
      expect(zones.length).toBeGreaterThan(0);
      for (const zone of zones) {
        expect(() => new Intl.DateTimeFormat('en-US', { timeZone: zone }), `${code} → ${zone}`).not.toThrow();
      }
    }
  });

  it.each([
    ['212', ['America/New_York']],
    ['312', ['America/Chicago']],
    ['303', ['America/Denver']],
    ['602', ['America/Phoenix']],
    ['415', ['America/Los_Angeles']],
    ['907', ['America/Anchorage', 'America/Adak']],
    ['808', ['Pacific/Honolulu']],
    ['787', ['America/Puerto_Rico']],
    ['416', ['America/Toronto']],
    ['604', ['America/Vancouver']],
    ['876', ['America/Jamaica']],
    ['850', ['America/New_York', 'America/Chicago']],
    ['915', ['America/Denver']],
  ])('%s → %j', (code, zones) => {
    expect(zonesForAreaCode(code)).toEqual(zones);
  });

  it('has no zone for non-geographic codes', () => {
    for (const code of ['800', '833', '844', '855', '866', '877', '888', '900', '500', '700', '999']) {
      expect(zonesForAreaCode(code)).toEqual([]);
    }
  });
});

describe('quiet hours', () => {
  // 2026-07-01 12:30 UTC: 08:30 in New York (EDT), 07:30 Chicago, 05:30 Los Angeles, 05:30 Phoenix.
  const summerMorning = new Date('2026-07-01T12:30:00Z');
  // 2026-01-15 02:30 UTC: 21:30 the day before in New York (EST), 20:30 Chicago, 18:30 Los Angeles.
  const winterEvening = new Date('2026-01-15T02:30:00Z');

  it('reads local time with daylight saving', () => {
    expect(localMinutes(summerMorning, 'America/New_York')).toBe(8 * 60 + 30);
    expect(localMinutes(summerMorning, 'America/Phoenix')).toBe(5 * 60 + 30);
    expect(localMinutes(winterEvening, 'America/New_York')).toBe(21 * 60 + 30);
    expect(isWithinCallingHours(new Date('2026-01-15T13:00:00Z'), 'America/New_York')).toBe(true); // 08:00
    expect(isWithinCallingHours(new Date('2026-01-15T12:59:00Z'), 'America/New_York')).toBe(false); // 07:59
    expect(isWithinCallingHours(new Date('2026-01-16T02:00:00Z'), 'America/New_York')).toBe(false); // 21:00
  });

  it('counts recipients outside 08:00–21:00 by the most restrictive zone of their area code', () => {
    const report = quietHoursReport(summerMorning, [
      ['212', 10], // New York 08:30: fine
      ['312', 5], // Chicago 07:30: too early
      ['850', 3], // Eastern and Central: Central is too early, so all 3 are held to it
      ['800', 2], // toll free: no zone
      ['', 4], // outside the NANP
    ]);
    expect(report).toMatchObject({ outside: 8, inside: 10, unknown: 6 });
    expect(report.zones.find((z) => z.zone === 'America/Chicago')).toMatchObject({ allowed: false, recipients: 8, localTime: '07:30' });
    expect(report.zones.find((z) => z.zone === 'America/New_York')).toMatchObject({ allowed: true, recipients: 13 });
    expect(report.warning).toMatch(/^8 recipients would be called outside 08:00–21:00 local time: America\/Chicago \(07:30\)/);
  });

  it('says nothing when everybody is inside calling hours', () => {
    const noon = new Date('2026-07-01T17:00:00Z'); // 13:00 New York, 10:00 Los Angeles
    const report = quietHoursReport(noon, [['212', 1], ['415', 1]]);
    expect(report).toMatchObject({ outside: 0, inside: 2, warning: null });
  });

  it('warns in the evening for the east', () => {
    const report = quietHoursReport(winterEvening, [['617', 2], ['213', 1]]);
    expect(report).toMatchObject({ outside: 2, inside: 1 });
  });
});
