import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DialOutcome } from '../../electron/sandbox/dialer';
import { dialOutcome as outcome } from '../helpers/outcomes';
import { outputDir } from './browser';
import { campaignWithList, hasChromium, sendAndCall, useE2e } from './fixture';

/** The OS user the backend records as having pressed Send ("unknown" where the system will not say). */
function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** pdftotext and pdftoppm (Debian "poppler-utils") read the PDF back as a person would see it. */
const hasPoppler = existsSync('/usr/bin/pdftotext') && existsSync('/usr/bin/pdftoppm');
if (!hasPoppler) console.log('skipped: no pdftotext (install the Debian package "poppler-utils")');

const OUTCOMES: Record<string, DialOutcome> = {
  '+12125550141': outcome('human'),
  '+12125550142': outcome('human'),
  '+12125550143': outcome('machine'),
  '+12125550144': outcome('busy', 'busy'),
  '+12125550145': outcome('no-answer', 'unanswered'),
  '+12125550146': outcome('failed', 'failed'),
};
const PATIENTS = [
  'Phone,First Name,Appointment',
  '(212) 555-0141,Annabel,Cardiology',
  '(212) 555-0142,Bartholomew,Oncology',
  '(212) 555-0143,Cyrillia,Cardiology',
  '(212) 555-0144,Dorothea,Dermatology',
  '(212) 555-0145,Evangeline,Oncology',
  '(212) 555-0146,Florentyna,Cardiology',
  'unknown,Gwendolyn,Oncology',
].join('\r\n');

/** The report a manager gets: Results → Save report as PDF…, printed by Chromium, read back. */
describe.skipIf(!hasChromium || !hasPoppler)('Results → Save report as PDF', () => {
  const e2e = useE2e({
    sandbox: { seed: 'report-e2e', dialer: { outcomeFor: (phone) => OUTCOMES[phone] } },
  });
  let campaignId: string;
  let files: string;
  const shot = (name: string) => e2e.axeShot(`report-${name}`);

  beforeAll(async () => {
    const { services, sandbox, page } = e2e;
    const profile = services.profiles.list().find((p) => p.id === e2e.profileId)!;
    await services.profiles.save({ ...profile, name: 'Front desk (Main St clinic)' });
    // Test connection: the caller IDs are cached, so the report can name the number and label.
    await services.connection.test(profile.id);
    const made = campaignWithList(services, {
      callerId: sandbox.callerId.id,
      name: 'Flu clinic reminder',
      body: 'Hello {{first-name}}, this is a reminder of your {{appointment}} appointment.',
      list: PATIENTS,
      fileName: 'patients.csv',
    });
    files = made.dir;
    campaignId = made.id;
    await sendAndCall(services, sandbox, campaignId);
    // Main prints the window as Electron's printToPDF would: the page as it is, in print media.
    e2e.harness.printPdf = () =>
      page.pdf({
        format: 'Letter',
        printBackground: true,
        margin: { top: '0.5in', bottom: '0.5in', left: '0.5in', right: '0.5in' },
      });
  });

  it('shows the report first, then saves the PDF where the person chose', async () => {
    const { page, harness, sandbox } = e2e;
    await page.goto(`${harness.url}#/campaign/${campaignId}/results`);
    await page.getByRole('heading', { name: 'Outcomes' }).waitFor();
    await page.getByTestId('result-row').nth(6).waitFor();
    await page.getByRole('button', { name: 'Save report as PDF…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Report preview' });
    await dialog.waitFor();
    const sheet = dialog.getByTestId('report-sheet');
    await sheet.getByRole('heading', { name: 'Flu clinic reminder' }).waitFor();
    // The keyboard starts in the dialog.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
    await shot('preview-light');

    const out = join(files, 'Flu clinic reminder report.pdf');
    harness.dialogs.willSave(out);
    await dialog.getByRole('button', { name: 'Save as PDF…' }).click();
    await page.getByText('Saved the report as a PDF: Flu clinic reminder report.pdf.').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');

    // What the manager reads: pdftotext of the file as saved.
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
    const line = (label: string) =>
      text
        .split('\n')
        .find((l) => l.trim().startsWith(label))
        ?.replace(/\s+/g, ' ')
        .trim();
    expect(text).toContain('Flu clinic reminder');
    expect(text).toContain('Front desk (Main St clinic)');
    // Who pressed Send: this computer's user, as the harness's backend records it.
    expect(text).toMatch(new RegExp(`by ${escapeRegExp(osUser())}\\b`));
    // The caller ID's number, then its label in Omnigage.
    expect(text).toContain(`${sandbox.callerId.phoneNumber} · Sandbox`);
    expect(line('In the list')).toBe('In the list 7');
    expect(line('Called, with an outcome')).toBe('Called, with an outcome 6 86% of the list');
    // Each outcome's share of the calls made, as the chart has it.
    expect(line('Answered')).toBe('Answered 2 33% of calls');
    expect(line('Voicemail')).toBe('Voicemail 1 17% of calls');
    expect(line('Busy')).toBe('Busy 1 17% of calls');
    expect(line('No answer')).toBe('No answer 1 17% of calls');
    expect(line('Failed')).toBe('Failed 1 17% of calls');
    expect(line('Not called')).toBe('Not called 1 14% of the list');
    expect(line('Invalid number')).toBe('Invalid number 1 14% of the list');
    // Nobody on the list is in it: no number, name, appointment or message text.
    for (const leak of ['555-014', '2125550', 'Annabel', 'Gwendolyn', 'Oncology', 'reminder of'])
      expect(text).not.toContain(leak);
    // Only the report is printed: none of the app's buttons, tabs or table.
    for (const app of ['Call again', 'Fetch now', 'Outcome per recipient', 'Review & send'])
      expect(text).not.toContain(app);
    // One page, looked at as an image (test-output/e2e/report-page-1.png).
    const pages = execFileSync('pdfinfo', [out], { encoding: 'utf8' }).match(/Pages:\s+(\d+)/);
    expect(pages?.[1]).toBe('1');
    execFileSync('pdftoppm', ['-png', '-r', '80', out, join(outputDir, 'report-page')]);
    expect(existsSync(join(outputDir, 'report-page-1.png'))).toBe(true);
  });

  it('cancelling the save dialog keeps the preview open and writes nothing', async () => {
    const { page, harness } = e2e;
    await page.getByRole('button', { name: 'Save report as PDF…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Report preview' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Save as PDF…' }).click();
    await dialog.getByRole('button', { name: 'Save as PDF…' }).waitFor();
    expect(harness.dialogs.asked.at(-1)).toEqual({ kind: 'save', title: 'Save report as PDF' });
    expect(await dialog.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('is a white sheet in the dark theme and on a narrow window too', async () => {
    const { page, harness } = e2e;
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: 'Save report as PDF…' }).click();
    await page.getByRole('dialog', { name: 'Report preview' }).waitFor();
    const paper = await page
      .getByTestId('report-sheet')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(paper).toBe('rgb(255, 255, 255)');
    await shot('preview-dark');
    // Printed from a dark window: white paper, and only the sheet (test-output/e2e/report-dark-1.png).
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    expect(
      await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
    ).toBe('rgb(255, 255, 255)');
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    expect(await page.getByTestId('report-sheet').isVisible()).toBe(true);
    await page.emulateMedia({ media: null, colorScheme: 'dark' });
    const dark = join(files, 'dark.pdf');
    harness.dialogs.willSave(dark);
    await page.getByRole('button', { name: 'Save as PDF…' }).click();
    await page.getByText('Saved the report as a PDF: dark.pdf.').waitFor();
    const darkPages = execFileSync('pdfinfo', [dark], { encoding: 'utf8' }).match(/Pages:\s+(\d+)/);
    expect(darkPages?.[1]).toBe('1');
    execFileSync('pdftoppm', ['-png', '-r', '60', dark, join(outputDir, 'report-dark')]);
    await page.getByRole('button', { name: 'Save report as PDF…' }).click();
    await page.getByRole('dialog', { name: 'Report preview' }).waitFor();
    await page.setViewportSize({ width: 900, height: 700 });
    await shot('preview-dark-narrow');
    await page.emulateMedia({ colorScheme: 'light' });
    await shot('preview-light-narrow');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('ran without page errors, and every screen passed axe-core', () => {
    expect(e2e.pageErrors).toEqual([]);
    expect(e2e.a11y).toEqual({});
  });
});
