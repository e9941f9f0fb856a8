import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasChromium, shoot, useE2e } from './fixture';

/** An office list with a title above its column names, through the real page, by keyboard. */
describe.skipIf(!hasChromium)('The row of the column names', () => {
  const e2e = useE2e();

  it('shows the guess under the title, lets the row be chosen with the keyboard, and imports with spreadsheet row numbers', async () => {
    const { harness, page, pageErrors, services } = e2e;
    const dir = mkdtempSync(join(tmpdir(), 'omnigage-header-row-'));
    const file = join(dir, 'Fall term.xlsx');
    // Written by openpyxl (test/fixtures/header-row/make.sh): a title, row 2 empty, names on row 3.
    copyFileSync(
      fileURLToPath(new URL('../fixtures/header-row/titled.xlsx', import.meta.url)),
      file,
    );
    const id = services.campaigns.create('Fall term').id;
    await page.goto(`${harness.url}#/campaign/${id}/recipients`);
    harness.dialogs.willOpen(file);
    await page.getByRole('button', { name: 'Choose a file…' }).click();

    const note = page.getByTestId('header-row-note');
    await note.waitFor();
    expect(await note.innerText()).toBe(
      'Rows 1–2 look like a title; the column names are on row 3. If they are on another row, choose it below.',
    );
    const choice = page.getByLabel('Column names are on row');
    expect(await choice.inputValue()).toBe('3');
    expect(await page.getByTestId('skipped-rows').innerText()).toContain(
      'Parent contacts — Fall term',
    );
    await e2e.axeShot('header-row-guessed', { fullPage: true });
    await shoot(page, 'header-row-step');

    // Up one choice with the keyboard: row 1, the title, read as the names.
    await choice.focus();
    await page.keyboard.press('ArrowUp');
    await page.getByRole('columnheader', { name: /^Parent contacts — Fall term/ }).waitFor();
    expect(await choice.inputValue()).toBe('1');
    expect(await page.getByTestId('skipped-rows').count()).toBe(0);
    // And back down to the names: the keyboard is still on the choice.
    await page.keyboard.press('ArrowDown');
    await page.getByRole('columnheader', { name: 'First Name' }).waitFor();
    expect(await choice.inputValue()).toBe('3');
    expect(await note.innerText()).toBe('Rows 1–2 above the column names are not imported.');
    await e2e.axeShot('header-row-chosen', { fullPage: true });

    await page.getByRole('button', { name: 'Import this list' }).click();
    await page.getByText('Imported 4 rows from Fall term.xlsx.').waitFor();
    const rows = page.getByTestId('recipient-row');
    expect(await rows.count()).toBe(4);
    const numbers = await rows.evaluateAll((els) =>
      els.map((el) => el.querySelector('.num')?.textContent?.trim()),
    );
    expect(numbers).toEqual(['4', '5', '6', '8']);
    expect(pageErrors).toEqual([]);
    expect(e2e.a11y).toEqual({});
  });
});
