import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DialOutcome } from '../../electron/sandbox/dialer';
import { dialOutcome as outcome } from '../helpers/outcomes';
import { campaignWithList, hasChromium, sendAndCall, useE2e } from './fixture';

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
  const e2e = useE2e({
    sandbox: { seed: 'results-e2e', dialer: { outcomeFor: (phone) => OUTCOMES[phone] } },
  });
  let campaignId: string;
  let files: string;

  // Full page, but for a dialog, which covers the window as it is.
  const shot = async (name: string) =>
    e2e.axeShot(`results-${name}`, {
      fullPage: (await e2e.page.getByRole('dialog').count()) === 0,
    });

  beforeAll(async () => {
    const { services, sandbox } = e2e;
    const made = campaignWithList(services, {
      callerId: sandbox.callerId.id,
      name: 'Snow day',
      body: 'Hello {{first-name}}, school is closed today.',
      list: 'Phone;First Name;Class\r\n(212) 555-0141;Ann;3B\r\n(212) 555-0142;Bo;3B\r\n(212) 555-0143;Cy;4A\r\nnone;Dee;4A\r\n(212) 555-0144;Eve;5C\r\n(212) 555-0145;Flo;5C\r\n',
      fileName: 'families.csv',
    });
    files = made.dir;
    campaignId = made.id;
    await sendAndCall(services, sandbox, campaignId);
  });

  it('saves the results into a copy of the spreadsheet: asks for the imported file, then where to save', async () => {
    const { page, harness } = e2e;
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
    const { page } = e2e;
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

  it('fetches from the keyboard and leaves the focus on Fetch now, to press again', async () => {
    const { page } = e2e;
    const fetch = page.getByRole('button', { name: 'Fetch now' });
    await fetch.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('Results fetched from Omnigage just now.').waitFor();
    // A button disabled while it works drops the focus to the page's top.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? null)).toBe(
      'Fetch now',
    );
    expect(await page.getByTestId('result-row').count()).toBe(6);
  });

  it('shows each sent campaign’s outcomes in the campaigns list', async () => {
    const { page, harness } = e2e;
    await page.getByRole('button', { name: '← All campaigns' }).click();
    const row = page.getByTestId('campaign-row').filter({ hasText: 'Snow day' });
    await row.first().waitFor();
    expect(await row.first().getByTestId('campaign-totals').textContent()).toBe(
      '1 answered · 1 voicemail · 1 busy · 1 no answer · 1 failed · 1 not called',
    );
    await shot('campaigns-totals');
    await page.goto(`${harness.url}#/campaign/${campaignId}/results`);
    await page.getByRole('heading', { name: 'Outcomes' }).waitFor();
    await page.getByTestId('result-row').nth(5).waitFor();
  });

  it('says so when the file chosen is not the one imported', async () => {
    const { page, harness } = e2e;
    const other = join(files, 'other.csv');
    writeFileSync(other, 'Phone;First Name;Class\r\n(212) 555-0199;Zed;1A\r\n');
    harness.dialogs.willOpen(other);
    await page.getByRole('button', { name: 'Save results into a copy of my spreadsheet…' }).click();
    await page
      .getByRole('alert')
      .getByText(/other\.csv is not the file this list was imported from/)
      .waitFor();
    // And what to do when the spreadsheet has been edited since: the way out that needs no file.
    expect(await page.getByRole('alert').textContent()).toMatch(
      /If you no longer have it as it was, “Export results \(CSV\)…” saves each recipient's outcome/,
    );
  });

  it('looks right in the dark theme too, the Call again dialog included', async () => {
    const { page } = e2e;
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
    const { page, services } = e2e;
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
    // From the keyboard: Enter on the button, and the focus is on the next step once it is made.
    await dialog.getByRole('button', { name: 'Make a draft for 3 recipients' }).focus();
    await page.keyboard.press('Enter');
    const made = page.getByTestId('call-again-made');
    await made.waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim() ?? null))
      .toBe('Open the draft');
    expect(await made.textContent()).toMatch(/Made “Snow day — call again” with 3 recipients/);
    expect(await made.textContent()).toMatch(
      /1 of them is on the\s+do-not-call list now and will not be called/,
    );
    await shot('call-again-made');

    await page.keyboard.press('Enter');
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

    // Back on the first campaign's results, Call again says it was done already before a second.
    await page.goto(`${e2e.harness.url}#/campaign/${campaignId}/results`);
    await page.getByRole('button', { name: 'Call again…' }).click();
    const again = page.getByRole('dialog', { name: 'Call again' });
    const earlier = again.getByTestId('call-again-earlier');
    await earlier.waitFor();
    expect(await earlier.textContent()).toMatch(
      /“Snow day — call again” was already made from these results \(draft, .+\)\. Anyone in both would be called twice if both are sent\./,
    );
    await again.getByRole('button', { name: /^Make another draft for/ }).waitFor();
    await shot('call-again-earlier');
    await again.getByRole('button', { name: 'Open “Snow day — call again”' }).click();
    await page.getByRole('heading', { name: 'Snow day — call again' }).waitFor();
    expect(
      services.campaigns.list().filter((c) => c.name === 'Snow day — call again'),
    ).toHaveLength(1);
  });

  it('ran without page errors, and every screen passed axe-core', () => {
    expect(e2e.pageErrors).toEqual([]);
    expect(e2e.a11y).toEqual({});
  });
});

/** More rows than one page: Previous and Next from the keyboard. */
describe.skipIf(!hasChromium)('Results a page at a time', () => {
  const e2e = useE2e({ sandbox: { seed: 'results-pages-e2e' } });
  let campaignId: string;

  beforeAll(async () => {
    const { services, sandbox } = e2e;
    const phones = Array.from({ length: 130 }, (_, i) =>
      i < 100 ? `(212) 555-01${String(i).padStart(2, '0')}` : `(646) 555-01${i - 100 + 10}`,
    );
    campaignId = campaignWithList(services, {
      callerId: sandbox.callerId.id,
      name: 'Open day',
      body: 'Hello, the open day is on Saturday.',
      list: `Phone\r\n${phones.join('\r\n')}\r\n`,
    }).id;
    await sendAndCall(services, sandbox, campaignId);
  });

  it('keeps the focus on the pager when the last or first page disables the button pressed', async () => {
    const { page, harness } = e2e;
    await page.goto(`${harness.url}#/campaign/${campaignId}/results`);
    await page.getByText('Rows 1–100 of 130').waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);
    await page.getByRole('button', { name: 'Next' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Rows 101–130 of 130').waitFor();
    // Next is disabled on the last page; the focus is on Previous, not dropped to the page.
    await expect.poll(focused).toBe('Previous');
    await page.keyboard.press('Enter');
    await page.getByText('Rows 1–100 of 130').waitFor();
    await expect.poll(focused).toBe('Next');
    expect(e2e.pageErrors).toEqual([]);
  });
});
