import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import type { DialOutcome } from '../../electron/sandbox/dialer';
import { axeViolations, type A11yViolation } from './a11y';
import { hasChromium, launchBrowser, screenshotPath } from './browser';
import { startHarness, type Harness } from './harness';

if (!hasChromium)
  console.log('skipped: no Chromium at /usr/bin/chromium (install the Debian package "chromium")');

const outcome = (resultKind: string, callStatus = 'completed'): DialOutcome => ({
  callStatus,
  resultKind,
  answered: callStatus === 'completed',
  durationSeconds: callStatus === 'completed' ? 20 : 0,
  envelopeStatus: 'completed',
});
/** One family per outcome, so each shows on the screen and in the copy. */
const OUTCOMES: Record<string, DialOutcome> = {
  '+12125550141': outcome('human'),
  '+12125550142': outcome('machine'),
  '+12125550143': outcome('busy', 'busy'),
  '+12125550144': outcome('no-answer', 'unanswered'),
  '+12125550145': outcome('failed', 'failed'),
};

/** Results after the send, in the real renderer against the sandbox: the copy of the spreadsheet. */
describe.skipIf(!hasChromium)('Results after the send', () => {
  let harness: Harness;
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  let campaignId: string;
  let files: string;
  const pageErrors: string[] = [];
  const a11y: Record<string, A11yViolation[]> = {};

  const shot = async (name: string) => {
    const dialogOpen = (await page.getByRole('dialog').count()) > 0;
    await page.screenshot({ path: screenshotPath(`results-${name}`), fullPage: !dialogOpen });
    const found = await axeViolations(page);
    if (found.length > 0) a11y[name] = found;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({
      seed: 'results-e2e',
      dialer: { outcomeFor: (phone) => OUTCOMES[phone] },
    });
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
    files = mkdtempSync(join(tmpdir(), 'omnigage-results-e2e-'));
    writeFileSync(
      join(files, 'families.csv'),
      'Phone;First Name;Class\r\n(212) 555-0141;Ann;3B\r\n(212) 555-0142;Bo;3B\r\n(212) 555-0143;Cy;4A\r\nnone;Dee;4A\r\n(212) 555-0144;Eve;5C\r\n(212) 555-0145;Flo;5C\r\n',
    );
    services.recipients.import({ campaignId: campaign.id, filePath: join(files, 'families.csv') });
    campaignId = campaign.id;
    await services.send.start(campaignId);
    expect((await services.send.settled(campaignId))?.state).toBe('scheduled');
    sandbox.dialer.runUntilIdle();
    await services.results.refresh(campaignId);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await sandbox?.close();
  });

  it('saves the results into a copy of the spreadsheet: asks for the imported file, then where to save', async () => {
    await page.goto(`${harness.url}#/campaign/${campaignId}/results`);
    await page.getByRole('heading', { name: 'Outcomes' }).waitFor();
    await page.getByTestId('result-row').nth(5).waitFor();
    expect(await page.getByTestId('result-row').count()).toBe(6);
    await shot('light');

    const out = join(files, 'families with results.csv');
    harness.dialogs.willOpen(join(files, 'families.csv')).willSave(out);
    await page.getByRole('button', { name: 'Save results into a copy of my spreadsheet…' }).click();
    await page.getByText(/Saved the results of 6 rows into a copy of your spreadsheet/).waitFor();
    expect(harness.dialogs.asked.slice(-2).map((a) => a.kind)).toEqual(['open', 'save']);
    const lines = readFileSync(out, 'utf8').split('\r\n');
    // The list's semicolons and CRLF line endings, the four columns after its own.
    expect(lines[0]).toBe('Phone;First Name;Class;Number called;Call status;Outcome;Called at');
    expect(lines[1]).toMatch(
      /^\(212\) 555-0141;Ann;3B;\+12125550141;Call finished;Answered by a person;\d{4}-\d\d-\d\d \d\d:\d\d$/,
    );
    expect(lines[4]).toBe('none;Dee;4A;;Not called — invalid number;Not called — invalid number;');
    await shot('copy-saved');
  });

  it('shows the outcomes and when the calls ended as charts a screen reader can read', async () => {
    const chart = page.getByTestId('outcome-chart');
    await chart.waitFor();
    const outcomes = chart.getByRole('img').first();
    expect(await outcomes.getAttribute('aria-labelledby')).toBeTruthy();
    const label = await outcomes.locator('title').textContent();
    expect(label).toBe(
      'Answered: 1 (20%); Voicemail: 1 (20%); Busy: 1 (20%); No answer: 1 (20%); Failed: 1 (20%).',
    );
    const when = await chart.getByRole('img').nth(1).locator('title').textContent();
    expect(when).toMatch(/^5 calls ended between .+ and .+; the most, 5, in the 1 minute from/);
    expect(await chart.locator('rect.bar').count()).toBe(5 + 1);
  });

  it('shows each sent campaign’s outcomes in the campaigns list', async () => {
    await page.getByRole('button', { name: '← All campaigns' }).click();
    const row = page.getByTestId('campaign-row').filter({ hasText: 'Snow day' });
    await row.first().waitFor();
    expect(await row.first().getByTestId('campaign-totals').textContent()).toBe(
      '1 answered · 1 voicemail · 1 busy · 1 no answer · 1 failed',
    );
    await shot('campaigns-totals');
    await page.goto(`${harness.url}#/campaign/${campaignId}/results`);
    await page.getByRole('heading', { name: 'Outcomes' }).waitFor();
    await page.getByTestId('result-row').nth(5).waitFor();
  });

  it('says so when the file chosen is not the one imported', async () => {
    const other = join(files, 'other.csv');
    writeFileSync(other, 'Phone;First Name;Class\r\n(212) 555-0199;Zed;1A\r\n');
    harness.dialogs.willOpen(other);
    await page.getByRole('button', { name: 'Save results into a copy of my spreadsheet…' }).click();
    await page
      .getByRole('alert')
      .getByText(/other\.csv is not the file this list was imported from/)
      .waitFor();
  });

  it('looks right in the dark theme too, the Call again dialog included', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.getByRole('heading', { name: 'Outcomes' }).waitFor();
    await page.getByTestId('result-row').nth(5).waitFor();
    await page.getByTestId('outcome-chart').waitFor();
    await shot('dark');
    await page.getByRole('button', { name: 'Call again…' }).click();
    await page.getByRole('dialog', { name: 'Call again' }).waitFor();
    await shot('dark-call-again');
    await page.keyboard.press('Escape');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('calls again only those ticked: a new draft with the same messages, the do-not-call list applied again', async () => {
    const services = harness.backend.services!;
    // Cy (busy) asked not to be called after the first campaign.
    services.optOuts.add(['+12125550143']);
    await page.getByRole('button', { name: 'Call again…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Call again' });
    await dialog.waitFor();
    // Not reached, busy and failed are ticked to start with; voicemail is a choice.
    const box = (name: RegExp) => dialog.getByRole('checkbox', { name });
    expect(await box(/Not reached/).isChecked()).toBe(true);
    expect(await box(/Busy/).isChecked()).toBe(true);
    expect(await box(/Failed/).isChecked()).toBe(true);
    expect(await box(/Voicemail/).isChecked()).toBe(false);
    await dialog.getByRole('button', { name: 'Make a draft for 3 recipients' }).waitFor();
    await box(/Failed/).uncheck();
    await box(/Voicemail/).check();
    await shot('call-again');
    await dialog.getByRole('button', { name: 'Make a draft for 3 recipients' }).click();
    const made = page.getByTestId('call-again-made');
    await made.waitFor();
    expect(await made.textContent()).toMatch(/Made “Snow day — call again” with 3 recipients/);
    expect(await made.textContent()).toMatch(
      /1 of them is on the\s+do-not-call list now and will not be called/,
    );
    await shot('call-again-made');

    await page.getByRole('button', { name: 'Open the draft' }).click();
    await page.getByRole('heading', { name: 'Snow day — call again' }).waitFor();
    await page.getByText('Draft', { exact: true }).waitFor();
    const draft = services.campaigns.list().find((c) => c.name === 'Snow day — call again')!;
    expect(page.url()).toContain(`#/campaign/${draft.id}/message`);
    const rows = services.recipients.page(draft.id, { limit: 10 }).rows;
    expect(rows.map((r) => [r.row, r.e164, r.status])).toEqual([
      [2, '+12125550142', 'valid'],
      [3, '+12125550143', 'opted-out'],
      [5, '+12125550144', 'valid'],
    ]);
    expect(services.campaigns.detail(draft.id).human).toEqual(
      services.campaigns.detail(campaignId).human,
    );
    await shot('call-again-draft');
  });

  it('ran without page errors, and every screen passed axe-core', () => {
    expect(pageErrors).toEqual([]);
    expect(a11y).toEqual({});
  });
});
