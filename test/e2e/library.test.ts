import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../helpers/audio';
import { hasChromium, useE2e } from './fixture';

const SNOW = 'Hello {{first-name}}, school is closed today because of snow.';

/** The message library in the real renderer: save from one campaign, insert into another, manage. */
describe.skipIf(!hasChromium)('The message library', () => {
  const e2e = useE2e();
  let snowDay: string;
  let closing: string;
  let next: string;
  let recording: string;

  const shot = (name: string) => e2e.axeShot(`library-${name}`);
  const detail = (id: string) => e2e.services.campaigns.detail(id);
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(check()).toBe(true);
  };

  beforeAll(async () => {
    const services = e2e.services;
    snowDay = services.campaigns.create('Snow day').id;
    services.campaigns.update(snowDay, {
      human: { kind: 'text', body: SNOW, voice: 'Polly-Matthew' },
    });
    const files = mkdtempSync(join(tmpdir(), 'omnigage-library-e2e-'));
    writeFileSync(join(files, 'closing.wav'), wavBytes(3));
    const stored = services.audio.import(join(files, 'closing.wav'));
    recording = stored.file;
    closing = services.campaigns.create('Closing early').id;
    services.campaigns.update(closing, {
      human: { kind: 'audio', file: stored.file, fileName: 'closing.wav', durationMs: 3000 },
    });
    next = services.campaigns.create('Snow day — Tuesday').id;
  });

  it('saves a message with its merge fields under a name, from the keyboard', async () => {
    const { harness, page, services } = e2e;
    await page.goto(`${harness.url}#/campaign/${snowDay}/message`);
    const save = page.getByRole('button', { name: 'Save to library…' }).first();
    await save.waitFor();
    await shot('message-tab');
    await save.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Save to the message library' });
    await dialog.waitFor();
    const name = dialog.getByLabel('Name in the library');
    expect(await name.inputValue()).toBe('Snow day');
    // The field has the keyboard: type over the name and press Enter.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Snow day closure');
    await shot('save-dialog');
    await page.keyboard.press('Enter');
    await page.getByText('Saved “Snow day closure” to the message library.').waitFor();
    const items = services.library.list();
    expect(items.map((i) => [i.name, i.message])).toEqual([
      ['Snow day closure', { kind: 'text', body: SNOW, voice: 'Polly-Matthew' }],
    ]);

    // The same name again is refused in the dialog, which stays open to fix it.
    await save.click();
    await dialog.waitFor();
    await dialog.getByLabel('Name in the library').fill('snow day CLOSURE');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog
      .getByRole('alert')
      .getByText('The library already has a message named “snow day CLOSURE”. Choose another name.')
      .waitFor();
    await page.keyboard.press('Escape');
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('keeps a recording that outlives the campaign it came from', async () => {
    const { harness, page, services } = e2e;
    await page.goto(`${harness.url}#/campaign/${closing}/message`);
    await page.getByRole('button', { name: 'Save to library…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Save to the message library' });
    await dialog.getByLabel('Name in the library').fill('Closing early (recording)');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved “Closing early (recording)” to the message library.').waitFor();
    await page.goto(`${harness.url}#/`);
    services.campaigns.delete(closing);
    expect(existsSync(recording)).toBe(true);
  });

  it('inserts saved messages into another campaign, which keeps its own copy', async () => {
    const { harness, page } = e2e;
    await page.goto(`${harness.url}#/campaign/${next}/message`);
    await page.getByRole('button', { name: 'Insert from library…' }).first().click();
    const picker = page.getByRole('dialog', { name: 'Insert from the message library' });
    await picker.waitFor();
    await picker.getByText('Snow day closure').waitFor();
    const use = picker.getByRole('button', { name: 'Use this message' });
    expect(await use.isDisabled()).toBe(true);
    await shot('picker');
    // The search box has the keyboard; Tab reaches the list, arrows choose.
    await page.keyboard.type('snow');
    expect(await picker.getByRole('radio').count()).toBe(1);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await use.click();
    await page.getByText('Inserted “Snow day closure” from the message library.').waitFor();
    expect(await page.getByLabel('What the person hears').inputValue()).toBe(SNOW);
    await until(() => detail(next).human?.kind === 'text');
    expect(detail(next).human).toEqual({ kind: 'text', body: SNOW, voice: 'Polly-Matthew' });

    // The recording for voicemail.
    await page.getByRole('checkbox', { name: /Same message for voicemail/ }).uncheck();
    await page.getByRole('button', { name: 'Insert from library…' }).nth(1).click();
    await picker.waitFor();
    await picker.getByRole('radio', { name: /Closing early \(recording\)/ }).check();
    await picker.getByRole('button', { name: 'Use this message' }).click();
    await page
      .getByText('Inserted “Closing early (recording)” from the message library.')
      .waitFor();
    await until(() => detail(next).machine?.kind === 'audio');
    expect(detail(next).machine).toEqual({
      kind: 'audio',
      file: recording,
      fileName: 'closing.wav',
      durationMs: 3000,
    });
    await shot('inserted');

    // Editing the campaign's copy leaves the library as it was.
    await page.getByLabel('What the person hears').fill('Hello, school is closed on Tuesday too.');
    const tuesday = {
      kind: 'text',
      body: 'Hello, school is closed on Tuesday too.',
      voice: 'Polly-Matthew',
    };
    await until(() => JSON.stringify(detail(next).human) === JSON.stringify(tuesday));
    const saved = harness.backend
      .services!.library.list()
      .find((i) => i.name === 'Snow day closure');
    expect(saved?.message).toEqual({ kind: 'text', body: SNOW, voice: 'Polly-Matthew' });
  });

  it('renames and deletes in the library screen, from the keyboard', async () => {
    const { page, services } = e2e;
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: 'Library' })
      .click();
    await page.getByRole('heading', { name: 'Message library', level: 1 }).waitFor();
    await page.getByTestId('library-item').nth(1).waitFor();
    expect(await page.getByTestId('library-item').locator('h2').allInnerTexts()).toEqual([
      'Closing early (recording)',
      'Snow day closure',
    ]);
    await shot('screen-light');

    const rename = page.getByRole('button', { name: 'Rename Snow day closure' });
    await rename.focus();
    await page.keyboard.press('Enter');
    const field = page.getByLabel('New name for Snow day closure');
    await field.waitFor();
    await field.fill('Closing early (recording)');
    await page.keyboard.press('Enter');
    await page
      .getByRole('alert')
      .getByText(/already has a message named/)
      .waitFor();
    await shot('rename-refused');
    await field.fill('Snow closure — all schools');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Snow closure — all schools' }).waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Rename Snow closure — all schools');

    // Escape leaves a rename without changing anything.
    await page.keyboard.press('Enter');
    await page.keyboard.type(' (draft)');
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Snow closure — all schools' }).waitFor();

    await page.getByRole('button', { name: 'Delete Closing early (recording)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete “Closing early (recording)”?' });
    await confirm.waitFor();
    await shot('delete-confirm');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByText(/Deleted “Closing early \(recording\)” from the library/).waitFor();
    expect(services.library.list().map((i) => i.name)).toEqual(['Snow closure — all schools']);
    // The campaign that uses the recording still has it, and so does the data folder.
    expect(existsSync(recording)).toBe(true);
    expect(detail(next).machine).toMatchObject({ kind: 'audio', file: recording });
  });

  it('looks right in the dark theme and in a narrow window', async () => {
    const { harness, page } = e2e;
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('screen-dark');
    // The window's narrowest (electron/main.ts minWidth).
    await page.setViewportSize({ width: 900, height: 700 });
    await shot('screen-dark-narrow');
    await page.goto(`${harness.url}#/campaign/${next}/message`);
    await page.getByRole('button', { name: 'Insert from library…' }).first().click();
    await page.getByRole('dialog', { name: 'Insert from the message library' }).waitFor();
    await shot('picker-dark-narrow');
    await page.keyboard.press('Escape');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'Save to library…' }).first().click();
    await page.getByRole('dialog', { name: 'Save to the message library' }).waitFor();
    await shot('save-dialog-narrow');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('ran without page errors, and every screen passed axe-core', () => {
    const { pageErrors, a11y } = e2e;
    expect(pageErrors).toEqual([]);
    expect(a11y).toEqual({});
  });
});
