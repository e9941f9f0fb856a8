import { describe, expect, it } from 'vitest';
import { OUTCOME_GROUPS, outcomeTone, outcomeTotals } from '../../../shared/results-words';
import { timeline } from '../../../renderer/lib/chart';

describe('outcome totals for the chart and the campaigns list', () => {
  it('gathers the names Omnigage may use into five groups, and keeps waiting, not called and others apart', () => {
    const totals = outcomeTotals({
      human: 4,
      completed: 1,
      machine: 2,
      busy: 1,
      'no-answer': 2,
      unanswered: 1,
      failed: 1,
      cancelled: 1,
      pending: 3,
      'not called: invalid number': 2,
      'not called: opted out': 1,
      'not sent': 1,
      'fax-tone': 1,
    });
    expect(totals.groups.map((g) => [g.id, g.count])).toEqual([
      ['answered', 5],
      ['voicemail', 2],
      ['busy', 1],
      ['no-answer', 3],
      ['failed', 2],
    ]);
    expect(totals).toMatchObject({ waiting: 3, notCalled: 4, other: 1 });
  });
});

describe('when the calls ended, in at most 24 columns', () => {
  const minute = Date.UTC(2027, 2, 1, 15, 0) / 60_000;

  it('keeps one-minute columns for a short campaign, gaps included', () => {
    const t = timeline([
      [minute, 3],
      [minute + 2, 5],
    ]);
    expect(t.bucketMinutes).toBe(1);
    expect(t.bars.map((b) => b.count)).toEqual([3, 0, 5]);
    expect(t.bars[0]!.start).toBe(minute * 60_000);
    expect(t.peak).toEqual({ start: (minute + 2) * 60_000, count: 5 });
    expect(t.total).toBe(8);
  });

  it('gathers a long campaign into round columns, counting every call once', () => {
    const calledAt: Array<[number, number]> = [];
    for (let m = 0; m < 6 * 60; m += 7) calledAt.push([minute + m, 1 + (m % 3)]);
    const t = timeline(calledAt);
    expect(t.bars.length).toBeLessThanOrEqual(24);
    // Six hours (358 minutes from first to last) fit 24 columns of 15 minutes.
    expect(t.bucketMinutes).toBe(15);
    expect(t.total).toBe(calledAt.reduce((sum, [, n]) => sum + n, 0));
    expect(t.bars.reduce((sum, b) => sum + b.count, 0)).toBe(t.total);
    // Columns start on the quarter hour and follow each other.
    for (const [i, bar] of t.bars.entries()) expect(bar.start).toBe((minute + i * 15) * 60_000);
  });

  it('has nothing to draw before any call ended', () => {
    expect(timeline([])).toEqual({ bucketMinutes: 1, bars: [], peak: null, total: 0 });
  });
});

describe('outcomeTone', () => {
  it('colours each outcome as its chart group, and leaves waiting and never-called rows plain', () => {
    for (const group of OUTCOME_GROUPS)
      for (const outcome of group.outcomes) expect(outcomeTone(outcome), outcome).toBe(group.tone);
    expect(outcomeTone('pending')).toBe('');
    expect(outcomeTone('not called: opted out')).toBe('');
    expect(outcomeTone('not sent')).toBe('');
    expect(outcomeTone('transferred')).toBe('warn');
  });
});
