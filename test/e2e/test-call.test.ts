import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { oddHourCall } from '../../shared/recipients/quiet-hours';
import { hasChromium, launchBrowser, screenshotPath } from './browser';
import { startHarness, type Harness } from './harness';

if (!hasChromium)
  console.log('skipped: no Chromium at /usr/bin/chromium (install the Debian package "chromium")');

/** Review & send → "Call me first", in the real renderer against the sandbox. */
describe.skipIf(!hasChromium)('Call me first', () => {
  let harness: Harness;
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  let campaignId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'test-call-e2e' });
    harness = await startHarness({ secrets: new MemorySecretStore() });
    const services = harness.backend.services!;
    await services.profiles.addSandbox(sandbox.baseUrl);
    const campaign = services.campaigns.create('Snow day');
    services.campaigns.update(campaign.id, {
      callerId: sandbox.callerId.id,
      human: {
        kind: 'text',
        body: 'Hello {{first-name}}, school is closed today.',
        voice: 'Polly-Joanna',
      },
    });
    const files = mkdtempSync(join(tmpdir(), 'omnigage-test-call-'));
    writeFileSync(
      join(files, 'families.csv'),
      'Phone,First Name\n(212) 555-0142,Ann\n(212) 555-0143,Bo\n',
    );
    services.recipients.import({ campaignId: campaign.id, filePath: join(files, 'families.csv') });
    campaignId = campaign.id;
    const profile = services.profiles.list().find((p) => p.isLocal)!;
    services.settings.update({ profilePreferences: { [profile.id]: { ratePerMinute: 0.05 } } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await sandbox?.close();
  });

  it('calls the typed number once with the chosen row, remembers it for the profile, and leaves Send as it was', async () => {
    await page.goto(`${harness.url}#/campaign/${campaignId}/review`);
    await page.getByRole('heading', { name: 'Call me first' }).waitFor();
    await page.getByLabel('Your number').fill('(303) 555-0199');
    // Rows as the Recipients table numbers them, the spreadsheet's: row 3 is Bo (row 1: column names).
    await page.getByLabel('Values of row').fill('3');
    await page.getByRole('button', { name: 'Call me first' }).click();
    await page.getByTestId('test-call-placed').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: screenshotPath('test-call-placed'), fullPage: true });
    expect(await page.getByTestId('test-call-placed').innerText()).toMatch(
      /Calling \+13035550199 now with the values of row 3/,
    );

    const envelopes = sandbox.state.list('envelopes');
    expect(envelopes).toHaveLength(1);
    expect(envelopes[0]!.attributes.meta).toEqual({ 'first-name': 'Bo' });
    // The campaign is still a draft that sends to both recipients.
    await page.getByRole('button', { name: 'Send to 2 recipients' }).waitFor();
    expect(harness.backend.services!.campaigns.get(campaignId).status).not.toBe('sending');

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
