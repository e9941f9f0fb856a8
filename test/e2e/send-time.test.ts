import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Power } from '../../electron/power';
import { campaignWithList, hasChromium, shoot, useE2e } from './fixture';

const HOUR = 60 * 60_000;

/** "At a set time" in the real renderer: the warnings at Send, keeping awake, and a missed time. */
describe.skipIf(!hasChromium)('Send at a set time', () => {
  let offset = 0;
  let holds = 0;
  const power: Power = {
    preventSleep: () => (holds++, () => void holds--),
    onBattery: () => true,
  };

  /** A draft to Ann and Bo, both in New York (or, given, another list). */
  const campaign = (
    name: string,
    list = 'Phone,First Name\n(212) 555-0142,Ann\n(212) 555-0143,Bo\n',
  ) =>
    campaignWithList(e2e.services, {
      callerId: e2e.sandbox.callerId.id,
      name,
      body: 'Hello {{first-name}}, branch hours change.',
      list,
    }).id;

  /**
   * A campaign for New York and Los Angeles sent at the next 13:30 UTC at least an hour away:
   * 08:30 in New York, 05:30 in Los Angeles, so one of the two is outside the calling hours.
   */
  const acrossZones = (name: string) => {
    offset = 0;
    const services = e2e.services;
    const id = campaign(name, 'Phone,First Name\n(212) 555-0142,Ann\n(415) 555-0143,Bo\n');
    const at = new Date(Date.now() + 24 * HOUR);
    at.setUTCHours(13, 30, 0, 0);
    if (at.getTime() < Date.now() + HOUR) at.setTime(at.getTime() + 24 * HOUR);
    services.campaigns.update(id, { delivery: { type: 'at', at: at.toISOString() } });
    return { services, id };
  };

  const e2e = useE2e({
    sandbox: { seed: 'send-time-e2e' },
    harness: { clock: () => new Date(Date.now() + offset), power },
  });
  // One test swaps in a fresh window for a while; the screenshots follow it.
  let page: Page;
  beforeAll(() => {
    page = e2e.page;
  });

  it('warns at Send that the time is days away and the computer is on battery, then says it keeps the computer awake', async () => {
    const id = campaign('Branch hours');
    // Two days ahead, at noon in New York (inside everyone's calling hours).
    const at = new Date(Date.now() + 2 * 24 * HOUR);
    at.setUTCHours(17, 0, 0, 0);
    // Run after 16:00 UTC, that is under 49 hours away (under 48, "47 hours", by the time the
    // window reads it when run just before 17:00): a day later, it is days whenever it runs.
    if (at.getTime() < Date.now() + 2 * 24 * HOUR + HOUR) at.setTime(at.getTime() + 24 * HOUR);
    e2e.services.campaigns.update(id, {
      delivery: { type: 'at', at: at.toISOString() },
    });
    await page.goto(`${e2e.harness.url}#/campaign/${id}/review`);
    await page.getByText('the app itself starts the calls on').waitFor();
    await page.getByRole('button', { name: 'Schedule for 2 recipients' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('send-warnings').getByText('running on battery').waitFor();
    const warnings = await dialog.getByTestId('send-warnings').innerText();
    expect(warnings).toMatch(
      /The calls start in \d days?( and \d+ hours?)?\. The app starts them itself, so it must be open then/,
    );
    expect(warnings).toContain('This computer is running on battery. Plug it in');
    await shoot(page, 'send-time-confirm');
    await dialog.getByRole('button', { name: 'Schedule' }).click();

    // Handed over, waiting for its time: the app says it keeps the computer awake, and does.
    await page
      .getByTestId('send-queued')
      .getByText('it keeps the computer from going to sleep by itself')
      .waitFor();
    expect(await page.getByRole('button', { name: 'Try now' }).count()).toBe(0);
    // Nothing runs while it waits: Cancel stops it, there is nothing to pause.
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel the send…' }).waitFor();
    expect(holds).toBe(1);
    expect(e2e.sandbox.state.envelopes).toHaveLength(2);
    expect(e2e.sandbox.state.schedulePatchCount()).toBe(0);
    // Its people are in Omnigage, so a cancelled send is kept as it is: the banner above the
    // tabs no longer promises "Cancel the send … to edit it again".
    const locked = page.getByText(/^This campaign is waiting in the outbox/);
    await expect
      .poll(() => locked.innerText())
      .toMatch(
        /2 of its people are already in Omnigage, so a cancelled send cannot be edited again/,
      );
    await page.getByTestId('send-queued').scrollIntoViewIfNeeded();
    await shoot(page, 'send-time-waiting');
  });

  it('a time that passed while the computer was off: nobody is called until the person says "call now"', async () => {
    const id = campaign('Branch hours, missed');
    const at = new Date(Date.now() + HOUR);
    const services = e2e.services;
    services.campaigns.update(id, { delivery: { type: 'at', at: at.toISOString() } });
    await services.send.start(id);
    expect(await services.send.settled(id)).toMatchObject({ state: 'queued' });
    const before = e2e.sandbox.state.schedulePatchCount();

    // Five hours later the outbox looks at it again (the computer was off meanwhile).
    offset = 5 * HOUR;
    services.db.prepare('UPDATE sends SET next_attempt_at = 0 WHERE campaign_id = ?').run(id);
    services.send.startOutbox({ intervalMs: 20 });
    await expect.poll(() => services.send.status(id)?.errorCode, { timeout: 20_000 }).toBe('late');

    // The window's clock is pinned to 2:30 in the morning in New York: calling late needs the tick.
    await page.clock.setFixedTime(new Date('2026-12-03T07:30:00Z'));
    await page.goto(`${e2e.harness.url}#/campaign/${id}/review`);
    const banner = page.getByTestId('send-late');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/passed while this computer was off or asleep/);
    expect(await banner.innerText()).toContain('nobody has been called');
    const callNow = page.getByRole('button', { name: 'Call 2 recipients now' });
    await banner.getByText('Yes, call at 2:30 in the morning for 2 people').waitFor();
    expect(await callNow.isEnabled()).toBe(false);
    await banner.scrollIntoViewIfNeeded();
    await shoot(page, 'send-time-late');
    expect(e2e.sandbox.state.schedulePatchCount()).toBe(before);

    await banner.getByRole('checkbox').check();
    await callNow.click();
    await page.getByTestId('send-done').waitFor({ timeout: 30_000 });
    expect(e2e.sandbox.state.schedulePatchCount()).toBe(before + 1);
    expect(services.send.status(id)?.state).toBe('scheduled');
    expect(e2e.pageErrors).toEqual([]);
  });

  it('calling hours edited in Review: those outside them at the send time are left out, and every count says so', async () => {
    const { services, id } = acrossZones('Branch hours, by zone');
    const fresh = await e2e.browser.newPage({ viewport: { width: 1280, height: 900 } });
    fresh.on('pageerror', (error) => e2e.pageErrors.push(error.message));
    const previous = page;
    page = fresh;
    try {
      await page.goto(`${e2e.harness.url}#/campaign/${id}/review`);
      const hours = page.getByTestId('calling-hours');
      await hours.waitFor();
      await page.getByTestId('outside-hours').waitFor();
      expect(await page.getByTestId('outside-hours').innerText()).toContain(
        '1 recipient is outside 08:00–21:00 their time at the send time.',
      );
      await hours.getByLabel('leave them out').check();
      await page.getByRole('button', { name: 'Schedule for 1 recipient' }).waitFor();
      expect(await page.getByTestId('outside-hours').innerText()).toContain(
        'and will be left out: they get no call.',
      );
      // The billable count agrees with the Send button: the one left out costs nothing.
      await expect
        .poll(() => page.getByTestId('billable').innerText())
        .toMatch(/^1\s+Recipients to call .*and 1 left out for their calling hours\)$/s);
      await hours.scrollIntoViewIfNeeded();
      await shoot(page, 'calling-hours-leave-out');
      // Stored with the campaign (the delivery's window), so main judges the same.
      await expect
        .poll(() => services.campaigns.detail(id).delivery.window?.outside)
        .toBe('leave-out');

      await hours.getByLabel("don't send").check();
      expect(await page.getByRole('button', { name: /Schedule for/ }).isDisabled()).toBe(true);
      await hours.getByLabel('leave them out').check();
      await page.getByRole('button', { name: 'Schedule for 1 recipient' }).click();
      const dialog = page.getByRole('dialog');
      expect(await dialog.getByTestId('left-out').innerText()).toContain(
        '1 more recipient is outside their calling hours then and will be left out',
      );
      await dialog.getByRole('button', { name: 'Schedule' }).click();
      await page.getByTestId('send-queued').waitFor();
      const engagement = services.send.status(id)!.engagementId!;
      expect(
        e2e.sandbox.state.envelopesOf(engagement).map((e) => String(e.attributes['phone-number'])),
      ).toEqual(['+12125550142']);
    } finally {
      page = previous;
      await fresh.close();
    }
  });
  it('calling hours set to "call them when their hours open": a follow-up campaign holds them, and the Send card links to it', async () => {
    const { services, id } = acrossZones('Branch hours, held');
    await page.goto(`${e2e.harness.url}#/campaign/${id}/review`);
    const hours = page.getByTestId('calling-hours');
    await hours.waitFor();
    await hours.getByLabel('call them when their hours open').check();
    await page.getByRole('button', { name: 'Schedule for 1 recipient' }).waitFor();
    expect(await page.getByTestId('outside-hours').innerText()).toContain(
      'and will be called when their hours open, by a follow-up campaign made at Send.',
    );
    await expect.poll(() => services.campaigns.detail(id).delivery.window?.outside).toBe('hold');
    await page.getByRole('button', { name: 'Schedule for 1 recipient' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByTestId('held').innerText()).toContain(
      '1 more recipient is outside their calling hours then. They are moved into a follow-up campaign',
    );
    await dialog.getByRole('button', { name: 'Schedule' }).click();

    const heldBox = page.getByTestId('held-follow-ups');
    await heldBox.waitFor({ timeout: 30_000 });
    const link = heldBox.getByRole('link', { name: 'Branch hours, held — held for Los Angeles' });
    await link.waitFor();
    expect(await heldBox.innerText()).toMatch(/1 recipient, from .+ \(your time\)/);
    await heldBox.scrollIntoViewIfNeeded();
    await shoot(page, 'calling-hours-held');
    const followId = services.send.status(id)!.held[0]!.campaignId;
    // Both sends hold one person each, and nobody is in both.
    await expect.poll(() => services.send.status(followId)?.envelopesSent).toBe(1);
    const numbers = [id, followId].flatMap((c) =>
      e2e.sandbox.state
        .envelopesOf(services.send.status(c)!.engagementId!)
        .map((e) => String(e.attributes['phone-number'])),
    );
    expect(numbers).toEqual(['+12125550142', '+14155550143']);
    // The link opens the follow-up, sent and waiting for its time.
    await link.click();
    await expect.poll(() => page.url()).toContain(`#/campaign/${followId}/review`);
    await page
      .getByRole('heading', { name: 'Branch hours, held — held for Los Angeles' })
      .waitFor();
    expect(e2e.pageErrors).toEqual([]);
  });
});
