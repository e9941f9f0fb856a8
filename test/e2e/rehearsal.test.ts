import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { REHEARSAL_CALLER_ID } from '../../electron/rehearsal';
import { outcomeLabel } from '../../shared/results-words';
import { campaignWithList, hasChromium, shoot, useE2e } from './fixture';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Settings → "Rehearse without calling anyone", in the real renderer, with the real backend. */
describe.skipIf(!hasChromium)('Rehearse without calling anyone', () => {
  let hidden = false;
  const e2e = useE2e({
    harness: {
      rehearsal: {
        hidden: () => hidden,
        sandbox: { dialer: { intervalMs: 50, callsPerStep: 50 } },
      },
    },
  });

  beforeAll(async () => {
    await e2e.services.profiles.save({
      name: 'First Bank',
      apiUrl: 'https://api.omnigage.io/api/v1/',
      accountKey: 'firstbank',
      tokenKey: 'bank-key',
      tokenSecret: 'bank-secret',
    });
  });

  it('starts the sandbox from Settings, sends to it, shows invented outcomes in Results, and stops', async () => {
    const { harness, page, pageErrors } = e2e;
    await page.goto(`${harness.url}#/settings`);
    const card = page.getByRole('region', { name: 'Rehearse without calling anyone' });
    await card.waitFor();
    await card.scrollIntoViewIfNeeded();
    await shoot(page, 'rehearsal-off');
    expect(await page.getByTestId('rehearsing').count()).toBe(0);

    // Pressed from the keyboard: the button is swapped for "Stop rehearsing", which takes focus
    // (it used to fall to the page).
    await card.getByRole('button', { name: 'Rehearse without calling anyone' }).focus();
    await page.keyboard.press('Enter');
    await card.getByTestId('rehearsal-state').waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
      .toBe('Stop rehearsing');
    expect(await card.getByTestId('rehearsal-state').textContent()).toContain('nobody is called');
    expect(await card.textContent()).toContain(
      'It stops when you quit the app. Then new campaigns send with “First Bank” again.',
    );
    expect(await page.getByTestId('rehearsing').textContent()).toContain(
      'Rehearsing — new campaigns call nobody',
    );
    // Every screen says so: the header names the rehearsal.
    await page.getByTestId('rehearsing').waitFor();
    const status = e2e.services.rehearsal.status();
    expect(status.state).toBe('running');
    const port = Number(new URL(status.apiUrl!).port);
    expect(await listening(port)).toBe(true);
    await card.scrollIntoViewIfNeeded();
    await shoot(page, 'rehearsal-running');

    // A campaign sent now goes to the rehearsal, and the pretend dialer's outcomes reach Results.
    const services = e2e.services;
    const campaign = campaignWithList(services, {
      name: 'Snow day rehearsal',
      callerId: REHEARSAL_CALLER_ID,
      body: 'Hello {{first-name}}, school is closed.',
      list: 'Phone,First Name\n(212) 555-0142,Ann\n(212) 555-0143,Bo\n(303) 555-0144,Cy\n',
      fileName: 'families.csv',
    });
    await services.send.start(campaign.id);
    expect(await services.send.settled(campaign.id)).toMatchObject({ state: 'scheduled' });
    const sandbox = services.rehearsal.sandbox!;
    // The dialer runs by itself inside the app; once it is done, "Fetch now" shows every outcome.
    await expect
      .poll(() => sandbox.state.engagements[0]?.attributes.status, { timeout: 20_000 })
      .toBe('completed');
    await page.goto(`${harness.url}#/campaign/${campaign.id}/results`);
    await page.getByTestId('result-row').nth(2).waitFor();
    await page.getByRole('button', { name: 'Fetch now' }).click();
    const expected = ['+12125550142', '+12125550143', '+13035550144'].map((n) =>
      outcomeLabel(sandbox.dialer.outcomeFor(n).resultKind!),
    );
    await expect
      .poll(async () =>
        (await page.getByTestId('result-row').locator('.pill').allTextContents()).map((t) =>
          t.trim(),
        ),
      )
      .toEqual(expected);
    await shoot(page, 'rehearsal-results');

    // "Stop rehearsing": the port closes and new campaigns use First Bank again.
    await page.goto(`${harness.url}#/settings`);
    await card.getByRole('button', { name: 'Stop rehearsing' }).click();
    await page
      .getByText('Stopped rehearsing. New campaigns send with "First Bank" again.')
      .waitFor();
    expect(await listening(port)).toBe(false);
    await page.getByTestId('rehearsing').waitFor({ state: 'detached' });
    expect(services.profiles.active()?.name).toBe('First Bank');
    await card.getByRole('button', { name: 'Rehearse without calling anyone' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('is not offered when the organisation hides it', async () => {
    const { harness, page } = e2e;
    hidden = true;
    await page.goto(`${harness.url}#/settings`);
    await page.reload();
    await page.getByRole('heading', { name: 'API profiles' }).waitFor();
    await page.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor();
    expect(
      await page.getByRole('heading', { name: 'Rehearse without calling anyone' }).count(),
    ).toBe(0);
    expect(await page.getByRole('button', { name: 'Use the sandbox' }).count()).toBe(0);
    hidden = false;
  });
});
