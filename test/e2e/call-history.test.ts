import { describe, expect, it } from 'vitest';
import { acceptOddHour, campaignWithList, hasChromium, shoot, useE2e } from './fixture';

/** The frequency rule and a number's call history in the real renderer. */
describe.skipIf(!hasChromium)('How often a number is called', () => {
  const e2e = useE2e({ sandbox: { seed: 'call-history-e2e' } });

  const campaign = (name: string, rows: string) =>
    campaignWithList(e2e.services, {
      callerId: e2e.sandbox.callerId.id,
      name,
      body: 'Hello {{first-name}}, school is closed.',
      list: `Phone,First Name\n${rows}`,
      profileId: e2e.profileId,
    }).id;

  it('the rule is set with the profile; Send holds back and says so; the row shows its calls', async () => {
    const { page, harness, sandbox, services, profileId, pageErrors } = e2e;
    await page.goto(`${harness.url}#/settings`);
    const rule = page.getByTestId('call-limit');
    await rule.waitFor();
    expect(await rule.getByLabel(/Calls allowed per number/).isDisabled()).toBe(true);
    await rule.getByLabel(/Limit how often/).check();
    await page.getByText('Saved: no more than 3 calls to a number in 7 days.').waitFor();
    await rule.getByLabel(/Calls allowed per number/).fill('1');
    await rule.getByLabel(/Calls allowed per number/).press('Tab');
    await page.getByText('Saved: no more than 1 call to a number in 7 days.').waitFor();
    expect(services.send.history.limit(profileId)).toEqual({ maxCalls: 1, days: 7 });
    // Out of range: refused, saying why, and the stored rule stays.
    await rule.getByLabel(/Days the limit covers/).fill('400');
    await rule.getByLabel(/Days the limit covers/).press('Tab');
    await page.getByText('The call limit was not saved: Days: at most 365.').waitFor();
    expect(services.send.history.limit(profileId)).toEqual({ maxCalls: 1, days: 7 });
    await rule.scrollIntoViewIfNeeded();
    await shoot(page, 'call-limit-settings');

    // Last week's closure called Ann and Bo.
    const first = campaign('Snow day', '(212) 555-0142,Ann\n(212) 555-0143,Bo\n');
    await services.send.start(first, { profileId });
    expect((await services.send.settled(first))?.state).toBe('scheduled');

    const again = campaign(
      'Snow day, day two',
      '(212) 555-0142,Ann\n(212) 555-0143,Bo\n(212) 555-0144,Cy\n',
    );
    await page.goto(`${harness.url}#/campaign/${again}/recipients`);
    await page.getByTestId('recipient-row').first().click();
    const history = page.getByTestId('call-history');
    await history.waitFor();
    expect(await history.innerText()).toContain('Snow day');
    expect(await history.innerText()).toContain('Waiting for the call');
    await history.scrollIntoViewIfNeeded();
    await shoot(page, 'call-history-row');

    await page.getByRole('tab', { name: /Review/ }).click();
    await page
      .getByText(
        "2 recipients are not called: already called 1 time or more in the last 7 days (this profile's limit: no more than 1 call to a number in 7 days).",
      )
      .waitFor();
    // The checklist and the billable count say the same as the Send card.
    await page
      .getByText(
        '1 recipient will be called; 2 already called as often as this profile allows (no more than 1 call to a number in 7 days) will not.',
      )
      .waitFor();
    expect(await page.getByTestId('billable').innerText()).toMatch(/^1\b/);
    await page.getByRole('button', { name: 'Send to 1 recipient' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('held-back').waitFor();
    expect(await dialog.getByTestId('held-back').innerText()).toContain(
      '2 more recipients were already called 1 time or more in the last 7 days and will not be called',
    );
    await shoot(page, 'call-limit-confirm');
    await acceptOddHour(page);
    await dialog.getByRole('button', { name: 'Send to 1 recipient' }).click();
    await page.getByTestId('send-done').waitFor({ timeout: 30_000 });
    const sent = services.send.status(again)!;
    expect(sent.envelopesSent).toBe(1);
    expect(
      sandbox.state.envelopesOf(sent.engagementId!).map((e) => e.attributes['phone-number']),
    ).toEqual(['+12125550144']);
    expect(pageErrors).toEqual([]);
  });
});
