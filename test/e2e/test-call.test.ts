import { beforeAll, describe, expect, it } from 'vitest';
import { oddHourCall } from '../../shared/recipients/quiet-hours';
import { screenshotPath } from './browser';
import { campaignWithList, hasChromium, useE2e } from './fixture';

/** Review & send → "Call me first", in the real renderer against the sandbox. */
describe.skipIf(!hasChromium)('Call me first', () => {
  const e2e = useE2e({ sandbox: { seed: 'test-call-e2e' } });
  let campaignId: string;

  beforeAll(() => {
    const { services, sandbox } = e2e;
    campaignId = campaignWithList(services, {
      name: 'Snow day',
      callerId: sandbox.callerId.id,
      body: 'Hello {{first-name}}, school is closed today.',
      list: 'Phone,First Name\n(212) 555-0142,Ann\n(212) 555-0143,Bo\n',
      fileName: 'families.csv',
    }).id;
    const profile = services.profiles.list().find((p) => p.isLocal)!;
    services.settings.update({ profilePreferences: { [profile.id]: { ratePerMinute: 0.05 } } });
  });

  it('calls the typed number once with the chosen row, remembers it for the profile, and leaves Send as it was', async () => {
    const { harness, page, pageErrors, sandbox, services } = e2e;
    await page.goto(`${harness.url}#/campaign/${campaignId}/review`);
    await page.getByRole('heading', { name: 'Call me first' }).waitFor();
    await page.getByLabel('Your number').fill('(303) 555-0199');
    // Rows as the Recipients table numbers them, the spreadsheet's: row 3 is Bo (row 1: column names).
    await page.getByLabel('Values of row').fill('3');
    // From the keyboard: Enter in the field; the fields are disabled while the call is placed,
    // and the focus comes back to the card instead of falling to the page.
    await page.getByLabel('Values of row').press('Enter');
    await page.getByTestId('test-call-placed').waitFor({ timeout: 60_000 });
    await expect
      .poll(() =>
        page.evaluate(() => Boolean(document.activeElement?.closest('section.test-call'))),
      )
      .toBe(true);
    await page.screenshot({ path: screenshotPath('test-call-placed'), fullPage: true });
    expect(await page.getByTestId('test-call-placed').innerText()).toMatch(
      /Calling \+13035550199 now with the values of row 3/,
    );

    const envelopes = sandbox.state.list('envelopes');
    expect(envelopes).toHaveLength(1);
    expect(envelopes[0]!.attributes.meta).toEqual({ 'first-name': 'Bo' });
    // The campaign is still a draft that sends to both recipients.
    await page.getByRole('button', { name: 'Send to 2 recipients' }).waitFor();
    expect(services.campaigns.get(campaignId).status).not.toBe('sending');

    // The number was saved for the profile: a fresh window fills it in.
    await page.reload();
    await page.getByRole('heading', { name: 'Call me first' }).waitFor();
    await page.waitForFunction(
      () =>
        (document.querySelector('input[autocomplete="tel"]') as HTMLInputElement | null)?.value ===
        '+13035550199',
    );
    expect(pageErrors).toEqual([]);
  });

  it("shows billable recipients, minutes and the cost at the profile's rate, and asks in words before calling at an odd hour", async () => {
    const { page, sandbox } = e2e;
    // After the reload above the list's summary arrives a moment after the tile is drawn.
    await expect.poll(() => page.getByTestId('billable').innerText()).toMatch(/^\s*2\s/);
    // "Hello Ann, school is closed today." is a few seconds: two calls round up to one minute, at 0.05.
    expect(await page.getByTestId('minutes').innerText()).toContain('~1 min');
    expect(await page.getByTestId('cost').innerText()).toContain('~0.05');
    expect(await page.getByTestId('cost').innerText()).toContain('Estimated cost at 0.05 a minute');

    // Both numbers are in New York. The window's clock is pinned, first to 2:30 a.m. there, then
    // to noon, so both answers are checked whenever the test runs.
    const confirmAt = async (instant: Date) => {
      await page.clock.setFixedTime(instant);
      await page.getByRole('button', { name: 'Send to 2 recipients' }).click();
      const dialog = page.getByRole('dialog', { name: 'Send to 2 recipients?' });
      await dialog.waitFor();
      return { dialog, confirm: dialog.getByRole('button', { name: 'Send to 2 recipients' }) };
    };

    const night = new Date('2026-12-02T07:30:00Z');
    const odd = oddHourCall(night, [{ zones: ['America/New_York'], recipients: 2 }]);
    expect(odd?.words).toBeTruthy();
    let { dialog, confirm } = await confirmAt(night);
    expect(await dialog.getByTestId('odd-hour').innerText()).toContain(
      `Yes, call at ${odd!.words} for 2 people`,
    );
    expect(await confirm.isEnabled()).toBe(false);
    await dialog.getByTestId('odd-hour').getByRole('checkbox').check();
    expect(await confirm.isEnabled()).toBe(true);
    await page.screenshot({ path: screenshotPath('test-call-confirm') });
    await dialog.getByRole('button', { name: 'Not yet' }).click();

    ({ dialog, confirm } = await confirmAt(new Date('2026-12-02T17:00:00Z')));
    expect(await dialog.getByTestId('odd-hour').count()).toBe(0);
    expect(await confirm.isEnabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Not yet' }).click();
    expect(sandbox.state.schedulePatchCount()).toBe(1);
  });
});
