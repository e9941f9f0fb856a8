import { describe, expect, it, vi } from 'vitest';
import type { CampaignCallingWindow } from '../../../shared/campaign';
import { outsideCallingHours } from '../../../shared/recipients/quiet-hours';
import { sendFixture, until } from './helpers';

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
const window = (
  outside: CampaignCallingWindow['outside'],
  days = EVERY_DAY,
): CampaignCallingWindow => ({ startMinute: 8 * 60, endMinute: 21 * 60, days, outside });

// New York (212), Los Angeles (415) and London: three local times for one instant.
const ROWS = ['+12125550142,Ann', '+14155550143,Bo', '+442079460123,Cy'];

async function fixture(at: string) {
  let now = new Date(at);
  const f = await sendFixture({ clock: () => now });
  const id = f.campaign({ count: 0, extraRows: ROWS.map((r) => `${r},London`) });
  return { f, id, setNow: (iso: string) => (now = new Date(iso)) };
}

describe("calling hours per campaign, in each recipient's own time", () => {
  it('leaves out those outside the window when the calls start, says how many, and Results says why', async () => {
    // Wednesday 13:30 UTC: New York 09:30 (summer time), Los Angeles 06:30, London 14:30.
    const { f, id } = await fixture('2026-07-15T13:30:00Z');
    f.services.campaigns.update(id, {
      delivery: { type: 'immediately', window: window('leave-out') },
    });
    const check = await f.services.send.check(id);
    expect(check.problems).toContainEqual({
      code: 'calling_hours',
      blocking: false,
      message:
        '1 recipient is outside their calling hours (08:00–21:00 their time) now and will be left out: they get no call.',
    });

    await f.services.send.start(id);
    expect(await f.services.send.settled(id)).toMatchObject({
      state: 'scheduled',
      envelopesTotal: 2,
    });
    const called = f.sandbox.state.envelopes
      .map((e) => String(e.attributes['phone-number']))
      .sort();
    expect(called).toEqual(['+12125550142', '+442079460123']);

    const page = f.services.results.page(id, 0, 10);
    const la = page.rows.find((r) => r.e164 === '+14155550143')!;
    expect(la.outcome).toBe('not called: outside calling hours');
    expect(page.outcomes['not called: outside calling hours']).toBe(1);
    expect(page.outcomes['not called: opted out']).toBeUndefined();
    expect(f.services.send.status(id)!.journal.map((s) => s.step)).toContain('calling-window');
  });

  it('refuses the send with the count and what to change when the campaign says so', async () => {
    const { f, id, setNow } = await fixture('2026-07-15T13:30:00Z');
    f.services.campaigns.update(id, {
      delivery: { type: 'immediately', window: window('refuse') },
    });
    await expect(f.services.send.start(id)).rejects.toThrow(
      '1 recipient would be called outside their calling hours (08:00–21:00 their time) now. Change the calling hours or the send time, or choose to leave them out.',
    );
    expect(f.sandbox.state.requests.filter((r) => r.method === 'POST')).toEqual([]);

    // Three hours later Los Angeles is at 09:30 too: nothing stands in the way.
    setNow('2026-07-15T16:30:00Z');
    await f.services.send.start(id);
    await until(() => f.services.send.status(id)?.state === 'scheduled');
    expect(f.sandbox.state.envelopes).toHaveLength(3);
  });

  it('a send time is judged at that time, and leaving everyone out is refused', async () => {
    // Now it is noon in New York; the send time is 03:00 there (07:00 UTC), also night in Los
    // Angeles, while London is at 08:00.
    const { f, id } = await fixture('2026-07-15T16:00:00Z');
    f.services.campaigns.update(id, {
      delivery: { type: 'at', at: '2026-07-16T07:00:00Z', window: window('leave-out') },
    });
    const check = await f.services.send.check(id);
    expect(check.problems.find((p) => p.code === 'calling_hours')?.message).toBe(
      '2 recipients are outside their calling hours (08:00–21:00 their time) at the send time and will be left out: they get no call.',
    );
    f.services.campaigns.update(id, {
      delivery: { type: 'at', at: '2026-07-16T06:00:00Z', window: window('leave-out') },
    });
    await expect(f.services.send.start(id)).rejects.toThrow(
      /Every recipient is outside their calling hours \(08:00–21:00 their time\) at the send time, so nobody would be called/,
    );
  });

  it('follows daylight saving: the same UTC hour is outside before New York springs forward and inside after', async () => {
    const { f, id } = await fixture('2026-03-07T12:30:00Z');
    const ny = (at: string, days = EVERY_DAY) =>
      f.services.recipients
        .outsideWindow(id, null, new Date(at), window('leave-out', days))
        .prefixes.includes('+1212');
    // Saturday 7 March, 12:30 UTC = 07:30 EST: outside. Monday 9 March (clocks went forward on
    // the 8th), 12:30 UTC = 08:30 EDT: inside. London stays on GMT (12:30) both days.
    expect(ny('2026-03-07T12:30:00Z')).toBe(true);
    expect(ny('2026-03-09T12:30:00Z')).toBe(false);
    expect(outsideCallingHours(new Date('2026-03-09T12:30:00Z'), ['Europe/London'])).toBe(false);
    // Europe changes on 29 March: 20:30 UTC is 21:30 in London after it (outside), 20:30 before.
    expect(outsideCallingHours(new Date('2026-03-28T20:30:00Z'), ['Europe/London'])).toBe(false);
    expect(outsideCallingHours(new Date('2026-03-30T20:30:00Z'), ['Europe/London'])).toBe(true);
    // Days of the week are the recipient's: Monday to Friday leaves out Saturday morning in New
    // York, and Monday 00:30 UTC is still Sunday evening there.
    const weekdays = [1, 2, 3, 4, 5];
    expect(ny('2026-03-07T15:00:00Z', weekdays)).toBe(true);
    expect(ny('2026-03-09T00:30:00Z', weekdays)).toBe(true);
    expect(ny('2026-03-09T15:00:00Z', weekdays)).toBe(false);
  });
});

describe('calling hours set to hold: those outside are called when their hours open', () => {
  const HELD = 'not called: held for their calling hours, called by a follow-up campaign';

  it('moves them into a follow-up campaign scheduled for the moment their hours open, and nobody is called twice', async () => {
    // Wednesday 13:30 UTC: New York 09:30, London 14:30, Los Angeles 06:30 (opens 15:00 UTC).
    const { f, id, setNow } = await fixture('2026-07-15T13:30:00Z');
    const name = f.services.campaigns.get(id).name;
    f.services.campaigns.update(id, { delivery: { type: 'immediately', window: window('hold') } });
    const check = await f.services.send.check(id);
    expect(check.problems).toContainEqual({
      code: 'calling_hours',
      blocking: false,
      message:
        '1 recipient is outside their calling hours (08:00–21:00 their time) now and will be held: a follow-up campaign calls them when their hours open.',
    });

    await f.services.send.start(id);
    const original = await f.services.send.settled(id);
    expect(original).toMatchObject({ state: 'scheduled', envelopesTotal: 2 });
    expect(original!.held).toEqual([
      {
        campaignId: expect.any(String),
        name: `${name} — held for Los Angeles`,
        at: '2026-07-15T15:00:00.000Z',
        recipients: 1,
      },
    ]);
    const followId = original!.held[0]!.campaignId;
    // The campaigns list counts the held row in the follow-up; the original keeps its three.
    expect(f.services.campaigns.get(followId).recipientCount).toBe(1);
    expect(f.services.campaigns.get(id).recipientCount).toBe(3);

    // The follow-up is an ordinary campaign with only the held row, its send handed over and
    // waiting for the time; Results of the original say where that person went.
    const follow = await f.services.send.settled(followId);
    expect(follow).toMatchObject({ state: 'queued', envelopesTotal: 1, envelopesSent: 1 });
    expect(follow!.message).toContain('it will be scheduled at 2026-07-15T15:00:00.000Z');
    expect(f.services.campaigns.detail(followId).delivery).toEqual({
      type: 'at',
      at: '2026-07-15T15:00:00.000Z',
      window: window('leave-out'),
    });
    expect(f.services.recipients.page(followId).rows.map((r) => [r.row, r.e164])).toEqual([
      [2, '+14155550143'],
    ]);
    const page = f.services.results.page(id, 0, 10);
    expect(page.rows.find((r) => r.e164 === '+14155550143')!.outcome).toBe(HELD);
    expect(page.outcomes[HELD]).toBe(1);
    expect(f.sandbox.state.schedulePatchCount()).toBe(1);

    // 15:00 UTC comes: the follow-up is scheduled; three people, three envelopes, two schedules.
    setNow('2026-07-15T15:00:30Z');
    f.services.db.prepare('UPDATE sends SET next_attempt_at = 0').run();
    f.services.send.startOutbox({ intervalMs: 10 });
    await until(() => f.services.send.status(followId)?.state === 'scheduled');
    const numbers = f.sandbox.state.envelopes.map((e) => String(e.attributes['phone-number']));
    expect(numbers.sort()).toEqual(['+12125550142', '+14155550143', '+442079460123']);
    expect(f.sandbox.state.schedulePatchCount()).toBe(2);
    await f.services.send.stopOutbox();
  });

  it('creates the send and its follow-ups together or not at all', async () => {
    const { f, id } = await fixture('2026-07-15T13:30:00Z');
    f.services.campaigns.update(id, { delivery: { type: 'immediately', window: window('hold') } });
    const before = f.services.campaigns.list().length;
    const duplicate = vi.spyOn(f.services.campaigns, 'duplicate').mockImplementationOnce(() => {
      throw new Error('disk full');
    });
    await expect(f.services.send.start(id)).rejects.toThrow('disk full');
    duplicate.mockRestore();
    // No send, no follow-up, nothing asked of Omnigage: Send can simply be pressed again.
    expect(f.services.send.status(id)).toBeNull();
    expect(f.services.campaigns.list()).toHaveLength(before);
    expect(f.sandbox.state.requests.filter((r) => r.method === 'POST')).toEqual([]);
    await f.services.send.start(id);
    expect(await f.services.send.settled(id)).toMatchObject({ state: 'scheduled' });
    expect(f.services.send.status(id)!.held).toHaveLength(1);
  });
  it('cancelling the send cancels its follow-ups, so sending it again cannot call anyone twice', async () => {
    // Now 12:00 UTC; the send time 13:30 UTC is 06:30 in Los Angeles (held until 15:00 UTC).
    const { f, id } = await fixture('2026-07-15T12:00:00Z');
    f.services.campaigns.update(id, {
      delivery: { type: 'at', at: '2026-07-15T13:30:00Z', window: window('hold') },
    });
    await f.services.send.start(id);
    expect(await f.services.send.settled(id)).toMatchObject({ state: 'queued' });
    const followId = f.services.send.status(id)!.held[0]!.campaignId;
    await f.services.send.settled(followId);

    const report = await f.services.send.cancel(id);
    expect(report.message).toContain(
      `The follow-up for those held for their calling hours ("${f.services.campaigns.get(followId).name}") was cancelled too.`,
    );
    expect(f.services.send.status(followId)?.state).toBe('cancelled');
    expect(f.sandbox.state.schedulePatchCount()).toBe(0);
  });
});
