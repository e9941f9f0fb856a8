import { existsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { screenshotPath } from './browser';
import { hasChromium, useE2e } from './fixture';

describe.skipIf(!hasChromium)('campaigns screen in a real browser', () => {
  // A CSP violation or a failed call shows up as a console error; the app must run without any.
  const e2e = useE2e({ viewport: { width: 1200, height: 800 }, consoleErrors: true });

  const rows = () => e2e.page.getByTestId('campaign-row');

  it('starts empty and says what to do next', async () => {
    const { harness, page } = e2e;
    await page.goto(harness.url);
    await page.getByRole('heading', { name: 'No campaigns yet' }).waitFor();
    expect(await rows().count()).toBe(0);
    await page.screenshot({ path: screenshotPath('01-empty'), fullPage: true });
  });

  it('creates a campaign, which is still there after a reload and a restart', async () => {
    const { harness, page } = e2e;
    await page.getByRole('button', { name: 'Create your first campaign' }).click();
    const name = page.getByLabel('Campaign name');
    await name.fill('Weekly specials');
    await page.keyboard.press('Enter');
    // A new campaign opens at once, ready for its message; the list has it too.
    await page.getByRole('heading', { name: 'Weekly specials' }).waitFor();
    expect(new URL(page.url()).hash).toMatch(/^#\/campaign\/[0-9a-f-]{36}\/message$/);
    await page.getByRole('button', { name: '← All campaigns' }).click();
    await rows().first().waitFor();
    expect(await rows().count()).toBe(1);
    await expect(rows().first().textContent()).resolves.toContain('Weekly specials');

    await page.reload();
    await rows().first().waitFor();
    await expect(rows().first().textContent()).resolves.toContain('Weekly specials');

    harness.restart();
    await page.reload();
    await rows().first().waitFor();
    await expect(rows().first().textContent()).resolves.toContain('Weekly specials');
    await page.screenshot({ path: screenshotPath('02-campaigns'), fullPage: true });
  });

  it('opens the new-campaign dialog from the keyboard, and keeps the keyboard on each new place', async () => {
    const { page } = e2e;
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el ? `${el.tagName}:${el.textContent?.trim() ?? ''}` : 'none';
      });
    await page.keyboard.press('Control+N');
    await page.getByLabel('Campaign name').fill('School closure');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'School closure' }).waitFor();
    // The new campaign's name has the focus, not the page or the top bar's Settings.
    await page.waitForFunction(() => document.activeElement?.id === 'campaign-title');
    expect(await focused()).toBe('H1:School closure');

    // Next leads to the recipients: the keyboard goes with it, to that panel's heading.
    await page.getByRole('button', { name: 'Next: recipients →' }).click();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H3');
    expect(await focused()).toBe('H3:Add the people to call');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('BUTTON:Choose a file…');

    await page.getByRole('button', { name: 'Campaigns', exact: true }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'campaigns-title');
    await page.getByRole('row', { name: /School closure/ }).waitFor();
    expect(await rows().count()).toBe(2);
  });

  it('renames, duplicates and deletes with confirmation', async () => {
    const { harness, page } = e2e;
    await page.getByRole('button', { name: 'Rename School closure' }).click();
    await page.getByLabel('Campaign name').fill('Snow day closure');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.getByRole('row', { name: /Snow day closure/ }).waitFor();

    await page.getByRole('button', { name: 'Duplicate Weekly specials' }).click();
    await page.getByRole('row', { name: /Weekly specials \(copy\)/ }).waitFor();
    expect(await rows().count()).toBe(3);

    await page.getByRole('button', { name: 'Delete Snow day closure' }).click();
    await page.screenshot({ path: screenshotPath('03-confirm-delete'), fullPage: true });
    await page.getByRole('button', { name: 'Keep it' }).click();
    expect(await rows().count()).toBe(3);

    await page.getByRole('button', { name: 'Delete Snow day closure' }).click();
    await page.getByRole('button', { name: 'Delete campaign' }).click();
    await page.getByRole('row', { name: /Snow day closure/ }).waitFor({ state: 'detached' });
    expect(await rows().count()).toBe(2);

    const stored = harness.backend
      .services!.campaigns.list()
      .map((c) => c.name)
      .sort();
    expect(stored).toEqual(['Weekly specials', 'Weekly specials (copy)']);
    await page.screenshot({ path: screenshotPath('04-after-actions'), fullPage: true });
  });

  it('ran without page errors or CSP violations, and saved its screenshots', () => {
    const { pageErrors } = e2e;
    expect(pageErrors).toEqual([]);
    for (const name of ['01-empty', '02-campaigns', '03-confirm-delete', '04-after-actions']) {
      expect(existsSync(screenshotPath(name))).toBe(true);
      expect(statSync(screenshotPath(name)).size).toBeGreaterThan(1000);
    }
  });
});
