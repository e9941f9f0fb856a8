import { describe, expect, it } from 'vitest';
import { NANP_AREA_CODE_ZONES, zonesForAreaCode } from '../../../shared/recipients/nanp-zones';
import {
  callingHoursReport,
  describeWindow,
  isWithinCallingHours,
  localMinutes,
  nextOpening,
  oddHourCall,
  quietHoursReport,
  timeInWords,
  zonesForNumber,
  type CallingWindow,
} from '../../../shared/recipients/quiet-hours';

describe('NANP area code zones table', () => {
  it('has only well-formed geographic codes and zones the runtime knows', () => {
    expect(NANP_AREA_CODE_ZONES.size).toBeGreaterThan(380);
    for (const [code, zones] of NANP_AREA_CODE_ZONES) {
      expect(code).toMatch(/^[2-9][0-8]\d$/);
      expect(zones.length).toBeGreaterThan(0);
      for (const zone of zones) {
        expect(
          () => new Intl.DateTimeFormat('en-US', { timeZone: zone }),
          `${code} → ${zone}`,
        ).not.toThrow();
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
    for (const code of [
      '800',
      '833',
      '844',
      '855',
      '866',
      '877',
      '888',
      '900',
      '500',
      '700',
      '999',
    ]) {
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
    expect(report.zones.find((z) => z.zone === 'America/Chicago')).toMatchObject({
      allowed: false,
      recipients: 8,
      localTime: '07:30',
    });
    expect(report.zones.find((z) => z.zone === 'America/New_York')).toMatchObject({
      allowed: true,
      recipients: 13,
    });
    expect(report.warning).toMatch(
      /^8 recipients would be called outside 08:00–21:00 local time: America\/Chicago \(07:30\)/,
    );
  });

  it('says nothing when everybody is inside calling hours', () => {
    const noon = new Date('2026-07-01T17:00:00Z'); // 13:00 New York, 10:00 Los Angeles
    const report = quietHoursReport(noon, [
      ['212', 1],
      ['415', 1],
    ]);
    expect(report).toMatchObject({ outside: 0, inside: 2, warning: null });
  });

  it('warns in the evening for the east', () => {
    const report = quietHoursReport(winterEvening, [
      ['617', 2],
      ['213', 1],
    ]);
    expect(report).toMatchObject({ outside: 2, inside: 1 });
  });
});

describe('calling hours for every number', () => {
  const group = (e164: string, country: string | undefined, recipients = 1) => ({
    zones: zonesForNumber(e164, country),
    recipients,
  });

  it('checks a London number in London time: 00:38 is outside, and nobody is claimed fine unchecked', () => {
    // 2026-12-02 00:38 UTC is 00:38 in London (GMT) and 19:38 the day before in New York.
    const at = new Date('2026-12-02T00:38:00Z');
    const report = callingHoursReport(at, [
      group('+442079460000', 'GB', 3),
      group('+12125550142', 'US', 2),
      group('+61255501234', 'AU', 4),
    ]);
    expect(report).toMatchObject({ outside: 3, inside: 2, unknown: 4 });
    expect(report.zones.find((z) => z.zone === 'Europe/London')).toMatchObject({
      allowed: false,
      localTime: '00:38',
    });
    expect(report.warning).toBe(
      '3 recipients would be called outside 08:00–21:00 local time: Europe/London (00:38). The local time of 4 numbers cannot be known (a country with several time zones, or a number not tied to a place), so they were not checked.',
    );
  });

  it('follows daylight saving in each zone: London and New York change on different dates', () => {
    const london = [group('+442079460000', 'GB')];
    // 2026-03-29 01:00 UTC London moves to BST. 07:30 UTC the day before is 07:30 GMT (outside); the day after 08:30 BST (inside).
    expect(callingHoursReport(new Date('2026-03-28T07:30:00Z'), london).outside).toBe(1);
    expect(callingHoursReport(new Date('2026-03-29T07:30:00Z'), london).inside).toBe(1);
    // 2026-03-08 New York moves to EDT: 12:30 UTC is 07:30 EST before, 08:30 EDT after.
    const newYork = [group('+12125550142', 'US')];
    expect(callingHoursReport(new Date('2026-03-07T12:30:00Z'), newYork).outside).toBe(1);
    expect(callingHoursReport(new Date('2026-03-09T12:30:00Z'), newYork).inside).toBe(1);
    // In the week between, 13:00 UTC is 09:00 in New York but 13:00 in London: both inside.
    expect(
      callingHoursReport(new Date('2026-03-10T13:00:00Z'), [...london, ...newYork]),
    ).toMatchObject({ inside: 2, outside: 0 });
  });

  it('knows single-zone countries, places +1 by area code, and leaves multi-zone countries unknown', () => {
    expect(zonesForNumber('+33142685300', 'FR')).toEqual(['Europe/Paris']);
    expect(zonesForNumber('+18765550100', 'JM')).toEqual(['America/Jamaica']);
    expect(zonesForNumber('+13125550100', 'US')).toEqual(['America/Chicago']);
    expect(zonesForNumber('+18005550100', 'US')).toEqual([]); // toll free: no place
    expect(zonesForNumber('+74955550100', 'RU')).toEqual([]);
    expect(zonesForNumber('+61255501234', 'AU')).toEqual([]);
  });

  it("honours the window's hours and days in local time", () => {
    const weekdays: CallingWindow = {
      startMinute: 9 * 60,
      endMinute: 17 * 60,
      days: [1, 2, 3, 4, 5],
    };
    // Saturday 2026-12-05 12:00 in Paris: a weekday-only window is closed.
    expect(isWithinCallingHours(new Date('2026-12-05T11:00:00Z'), 'Europe/Paris', weekdays)).toBe(
      false,
    );
    expect(isWithinCallingHours(new Date('2026-12-07T11:00:00Z'), 'Europe/Paris', weekdays)).toBe(
      true,
    );
    expect(describeWindow(weekdays)).toBe('09:00–17:00 on Mon, Tue, Wed, Thu, Fri');
    // A Sunday late evening in Tokyo is already Monday morning there.
    expect(isWithinCallingHours(new Date('2026-12-07T01:00:00Z'), 'Asia/Tokyo', weekdays)).toBe(
      true,
    );
  });

  it('finds when the window opens for everyone checked, to the quarter hour', () => {
    const groups = [group('+442079460000', 'GB'), group('+12125550142', 'US')];
    // 00:38 London: the window opens for both when New York reaches 08:00 (13:00 UTC in winter).
    expect(nextOpening(new Date('2026-12-02T00:38:00Z'), groups)?.toISOString()).toBe(
      '2026-12-02T13:00:00.000Z',
    );
    // Already open: now.
    const noon = new Date('2026-12-02T14:00:00Z');
    expect(nextOpening(noon, groups)).toBe(noon);
    // Windows that never overlap: none.
    const far = [group('+442079460000', 'GB'), { zones: ['Pacific/Honolulu'], recipients: 1 }];
    expect(
      nextOpening(noon, far, {
        startMinute: 9 * 60,
        endMinute: 12 * 60,
        days: [0, 1, 2, 3, 4, 5, 6],
      }),
    ).toBeNull();
  });

  it('puts an odd send time into words for most recipients', () => {
    const groups = [
      { zones: ['America/Chicago'], recipients: 1204 },
      { zones: ['America/Los_Angeles'], recipients: 10 },
    ];
    // 10:30 UTC in winter: 04:30 in Chicago, 02:30 in Los Angeles.
    expect(oddHourCall(new Date('2026-12-02T10:30:00Z'), groups)).toEqual({
      words: '4:30 in the morning',
      recipients: 1214,
    });
    expect(oddHourCall(new Date('2026-12-02T18:00:00Z'), groups)).toBeNull();
    expect(timeInWords(21 * 60 + 15)).toBe('9:15 at night');
    expect(timeInWords(0)).toBe('midnight');
  });
});
