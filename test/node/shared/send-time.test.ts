import { describe, expect, it } from 'vitest';
import { FAR_OFF_MS, howLong, sendTimeWarnings } from '../../../shared/send-time';

const now = new Date('2026-03-06T12:00:00Z');
const after = (ms: number) => new Date(now.getTime() + ms);
const HOUR = 60 * 60_000;

describe('what Send says about a send time the app must be awake for', () => {
  it('warns about a far-off time only past the limit, and about the battery only when on it', () => {
    expect(sendTimeWarnings({ at: after(FAR_OFF_MS - HOUR), now, onBattery: false })).toEqual([]);
    expect(sendTimeWarnings({ at: after(FAR_OFF_MS + HOUR), now, onBattery: false })).toEqual([
      expect.stringMatching(/^The calls start in 13 hours\. The app starts them itself/),
    ]);
    expect(sendTimeWarnings({ at: after(HOUR), now, onBattery: true })).toEqual([
      expect.stringMatching(/^This computer is running on battery/),
    ]);
    expect(sendTimeWarnings({ at: after(HOUR), now, onBattery: null })).toEqual([]);
    // A time already past calls at once: nothing to stay awake for.
    expect(sendTimeWarnings({ at: after(-HOUR), now, onBattery: true })).toEqual([]);
  });

  it('says how long in hours, then days and hours', () => {
    expect(howLong(20 * 60_000)).toBe('1 hour');
    expect(howLong(13 * HOUR)).toBe('13 hours');
    expect(howLong(48 * HOUR)).toBe('2 days');
    expect(howLong(73 * HOUR)).toBe('3 days and 1 hour');
  });
});
