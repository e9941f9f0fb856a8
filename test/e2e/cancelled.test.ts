import { beforeAll, describe, expect, it } from 'vitest';
import { campaignWithList, hasChromium, useE2e } from './fixture';

const DAY = 24 * 60 * 60_000;

/**
 * A send the person cancelled, in the real renderer: it says "Cancelled" and who cancelled it
 * when, everywhere, never "Failed" or "Waiting for the call".
 */
describe.skipIf(!hasChromium)('A cancelled send', () => {
  const e2e = useE2e({ sandbox: { seed: 'cancelled-e2e' }, consoleErrors: true });
  let id: string;

  beforeAll(async () => {
    const { services, sandbox } = e2e;
    id = campaignWithList(services, {
      callerId: sandbox.callerId.id,
      name: 'Branch closing',
      body: 'Hello {{first-name}}, the branch closes early today.',
      list: 'Phone,First Name\n(212) 555-0142,Ann\n(212) 555-0143,Bo\nnone,Dee\n',
    }).id;
    // Handed over to wait for its time (noon in New York, two days on), then cancelled: both
    // people stay in Omnigage, not scheduled, so the send is kept as cancelled.
    const at = new Date(Date.now() + 2 * DAY);
    at.setUTCHours(17, 0, 0, 0);
    services.campaigns.update(id, { delivery: { type: 'at', at: at.toISOString() } });
    await services.send.start(id);
    expect((await services.send.settled(id))?.state).toBe('queued');
    await services.send.cancel(id);
    expect(services.send.status(id)).toMatchObject({ state: 'cancelled', envelopesSent: 2 });
  });

  it('Review says it once: who cancelled it, when, and what stays in Omnigage', async () => {
    const { page, harness } = e2e;
    await page.goto(`${harness.url}#/campaign/${id}/review`);
    const banner = page.getByTestId('send-cancelled');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(
      /^You cancelled this send on .+; 2 people had been handed to Omnigage\. Omnigage keeps the campaign \(engagement \w+\), its messages and 2 of the people to call, not scheduled\. Nobody will be called for them\. To send this campaign again, duplicate it: the copy is an editable draft\.$/,
    );
    // One banner, not two: the one above the tabs stands aside on Review.
    expect(await page.getByTestId('locked-banner').count()).toBe(0);
    expect(await page.getByText(/You cancelled this send/).count()).toBe(1);
    expect(await page.getByText(/Sending stopped part-way|The send was cancelled/).count()).toBe(0);
    expect(await page.locator('header.title .pill').innerText()).toBe('Cancelled');
    // Nobody "will be called": no checklist or billable count beside a cancelled send.
    expect(await page.getByTestId('check').count()).toBe(0);
    expect(await page.getByTestId('billable').count()).toBe(0);
    await e2e.axeShot('cancelled-review', { fullPage: true });
  });

  it('Results and the report say nobody was called, never "Waiting for the call"', async () => {
    const { page } = e2e;
    await page.getByRole('tab', { name: /Results/ }).click();
    await page.getByTestId('result-row').nth(2).waitFor();
    expect(await page.getByTestId('locked-banner').innerText()).toMatch(
      /^You cancelled this send on .+; 2 people had been handed to Omnigage\. Nothing was scheduled, so nobody is called\./,
    );
    const rows = page.getByTestId('result-row');
    for (const n of [0, 1])
      expect(await rows.nth(n).innerText()).toMatch(
        /Not called — send cancelled\s+Not called — send cancelled/,
      );
    expect(await rows.nth(2).innerText()).toContain('Not called — invalid number');
    expect(await page.getByText('Waiting for the call').count()).toBe(0);
    expect(await page.getByText(/No calls were made: the send was cancelled/).count()).toBe(1);
    expect(await page.getByTestId('outcome-chart').count()).toBe(0);
    // Nothing to fetch and nobody to call again.
    expect(await page.getByRole('button', { name: 'Fetch now' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Call again…' }).count()).toBe(0);
    await e2e.axeShot('cancelled-results', { fullPage: true });

    await page.getByRole('button', { name: 'Save report as PDF…' }).click();
    const sheet = page.getByTestId('report-sheet');
    await sheet.waitFor();
    expect(await sheet.getByTestId('report-state').innerText()).toMatch(
      /^Cancelled\s*· You cancelled this send on .+; 2 people had been handed to Omnigage, and nobody was called\.$/,
    );
    expect(await sheet.innerText()).toContain('Never: the send was cancelled');
    expect(await sheet.innerText()).not.toMatch(/Still coming in|Not yet/);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('the campaigns list shows it as Cancelled, not Failed', async () => {
    const { page } = e2e;
    await page.getByRole('button', { name: '← All campaigns' }).click();
    const row = page.getByTestId('campaign-row').filter({ hasText: 'Branch closing' });
    await row.waitFor();
    expect(await row.locator('.pill').innerText()).toBe('Cancelled');
    expect(await row.getByText('Failed').count()).toBe(0);
    expect(e2e.pageErrors).toEqual([]);
    expect(e2e.a11y).toEqual({});
  });

  it('a send Omnigage refused says Failed, once on Review with its reason and Try again', async () => {
    const { page, harness, services, sandbox } = e2e;
    const failed = campaignWithList(services, {
      callerId: sandbox.callerId.id,
      name: 'Refused',
      body: 'Hello {{first-name}}.',
      list: 'Phone,First Name\n(212) 555-0142,Ann\n',
    }).id;
    sandbox.faults.add({
      method: 'POST',
      path: 'envelopes',
      action: { type: 'status', status: 422, body: { errors: [{ detail: 'Refused.' }] } },
      times: Infinity,
    });
    try {
      await services.send.start(failed);
      expect((await services.send.settled(failed))?.state).toBe('failed');
    } finally {
      sandbox.faults.clear();
    }
    // Opening Review reads the list's summary once (a long list's is a worker's second of work).
    const summaries: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (decodeURIComponent(request.url()).includes('/__api/recipients:summary'))
        summaries.push(request.url());
    };
    page.on('request', onRequest);
    // Review's send check is the last thing it asks for on opening: the count is settled then.
    const checked = page.waitForResponse((response) =>
      decodeURIComponent(response.url()).includes('/__api/send:check'),
    );
    await page.goto(`${harness.url}#/campaign/${failed}/review`);
    await checked;
    page.off('request', onRequest);
    expect(summaries).toHaveLength(1);
    await page.getByText(/^The send stopped: /).waitFor();
    expect(await page.locator('header.title .pill').innerText()).toBe('Failed');
    expect(await page.getByTestId('locked-banner').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    await e2e.axeShot('failed-review', { fullPage: true });
    // Elsewhere the banner above the tabs says it and where to go.
    await page.getByRole('tab', { name: /Message/ }).click();
    expect(await page.getByTestId('locked-banner').innerText()).toContain(
      'Review & send says why and can try again.',
    );
    expect(e2e.a11y).toEqual({});
  });
});
