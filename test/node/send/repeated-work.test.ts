import { describe, expect, it, vi } from 'vitest';
import { sendFixture, until } from './helpers';

/**
 * One press of Send, and the window's lists, do each piece of work once: these count the reads
 * (through spies on the very objects the send service was given) rather than time them.
 */
describe('work done once per press of Send', () => {
  it('judges the calling hours with one reading of the recipients by zone, and records it', async () => {
    // Wednesday 13:30 UTC: New York 09:30, Los Angeles 06:30 (outside 08:00–21:00), London 14:30.
    let now = new Date('2026-07-15T13:30:00Z');
    const f = await sendFixture({ clock: () => now });
    const rows = ['+12125550142,Ann,NY', '+14155550143,Bo,LA', '+442079460123,Cy,London'];
    const id = f.campaign({ count: 0, extraRows: rows });
    f.services.campaigns.update(id, {
      delivery: {
        type: 'immediately',
        window: {
          startMinute: 8 * 60,
          endMinute: 21 * 60,
          days: [0, 1, 2, 3, 4, 5, 6],
          outside: 'leave-out',
        },
      },
    });
    const outside = vi.spyOn(f.services.recipients, 'outsideWindow');
    const zones = vi.spyOn(f.services.recipients, 'zoneGroups');

    await f.services.send.start(id);
    // Later than the check: the journal keeps the reading the check made, not a new one.
    now = new Date('2026-07-15T13:31:00Z');
    expect(await f.services.send.settled(id)).toMatchObject({
      state: 'scheduled',
      envelopesTotal: 2,
    });
    expect(outside).toHaveBeenCalledTimes(1);
    expect(zones).not.toHaveBeenCalled();
    const step = f.services.send.journal.step(id, 'calling-window');
    expect(JSON.parse(step!.detail!)).toMatchObject({
      prefixes: ['+1415'],
      recipients: 1,
      at: '2026-07-15T13:30:00.000Z',
    });
  });

  it("reads the office's shared do-not-call file once when Send goes at once, and again when a waiting send goes on", async () => {
    let offset = 0;
    const f = await sendFixture({ clock: () => new Date(Date.now() + offset) });
    const reads = vi.spyOn(f.services.optOuts, 'beforeSend');

    const id = f.campaign({ count: 3 });
    await f.services.send.start(id);
    expect(await f.services.send.settled(id)).toMatchObject({ state: 'scheduled' });
    expect(reads).toHaveBeenCalledTimes(1);

    // A send waiting for its time: read at Send, and again hours later right before it goes on.
    reads.mockClear();
    const waiting = f.campaign({ count: 2 });
    const at = new Date(Date.now() + 60 * 60_000).toISOString();
    f.services.campaigns.update(waiting, { delivery: { type: 'at', at } });
    await f.services.send.start(waiting);
    expect(await f.services.send.settled(waiting)).toMatchObject({ state: 'queued' });
    expect(reads).toHaveBeenCalledTimes(1);
    offset = 61 * 60_000;
    f.services.send.wake();
    await until(() => f.services.send.status(waiting)?.state === 'scheduled');
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('lists the sends waiting for their time without reading each campaign', async () => {
    const f = await sendFixture();
    const later = new Date(Date.now() + 3 * 60 * 60_000).toISOString();
    const soon = new Date(Date.now() + 60 * 60_000).toISOString();
    const waiting = [f.campaign({ count: 2 }), f.campaign({ count: 2 })];
    f.services.campaigns.update(waiting[0]!, { delivery: { type: 'at', at: later } });
    f.services.campaigns.update(waiting[1]!, { delivery: { type: 'at', at: soon } });
    const now = f.campaign({ count: 2 });
    for (const id of [...waiting, now]) {
      await f.services.send.start(id);
      await f.services.send.settled(id);
    }
    expect(f.services.send.status(waiting[0]!)!.state).toBe('queued');
    expect(f.services.send.status(now)!.state).toBe('scheduled');

    const detail = vi.spyOn(f.services.campaigns, 'detail');
    const listed = f.services.send.waitingForTime();
    expect(listed).toEqual([
      { campaignId: waiting[0], at: later },
      { campaignId: waiting[1], at: soon },
    ]);
    expect(detail).not.toHaveBeenCalled();
  });

  it("counts the sent campaigns' outcomes for the campaigns list in one statement", async () => {
    const f = await sendFixture();
    const small = f.campaign({ count: 3 });
    const large = f.campaign({ count: 5 });
    for (const id of [small, large]) {
      await f.services.send.start(id);
      await f.services.send.settled(id);
    }
    const draft = f.services.campaigns.create('Not sent');

    const prepare = vi.spyOn(f.services.db, 'prepare');
    const totals = f.services.results.totals([small, large, draft.id]);
    expect(totals).toEqual({ [small]: { pending: 3 }, [large]: { pending: 5 } });
    expect(prepare).toHaveBeenCalledTimes(1);
  });
});
