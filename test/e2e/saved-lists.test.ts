import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasChromium, shoot, useE2e } from './fixture';

/** Saved lists in the real renderer: saved at import, used by a later campaign, a changed file said and read again when asked, deleted after saying what that does. */
describe.skipIf(!hasChromium)('Saved lists', () => {
  const e2e = useE2e();

  it('saves a list at import, another campaign uses it, a changed file is read again only when asked, and the list is deleted from the keyboard', async () => {
    const { harness, page, pageErrors, services } = e2e;
    const dir = mkdtempSync(join(tmpdir(), 'omnigage-saved-lists-'));
    const file = join(dir, 'parents.csv');
    writeFileSync(
      file,
      'Phone,First Name\n(212) 555-0142,Ann\n(212) 555-0143,Bo\n(212) 555-0144,Cy\n',
    );

    const first = services.campaigns.create('Snow day').id;
    await page.goto(`${harness.url}#/campaign/${first}/recipients`);
    harness.dialogs.willOpen(file);
    await page.getByRole('button', { name: 'Choose a file…' }).click();
    await page.getByText('Keep this list for later campaigns, named').click();
    expect(await page.getByLabel('Name of the saved list').inputValue()).toBe('parents');
    await page.getByLabel('Name of the saved list').fill('Parents, year 3');
    await page.locator('.save-as').scrollIntoViewIfNeeded();
    await shoot(page, 'saved-list-import');
    await page.getByRole('button', { name: 'Import this list' }).click();
    await page.getByText('Saved as “Parents, year 3” for later campaigns.').waitFor();

    const later = services.campaigns.create('Snow day, again').id;
    await page.goto(`${harness.url}#/campaign/${later}/recipients`);
    await page.reload();
    const use = page.getByTestId('use-saved');
    await use.waitFor();
    await use
      .getByRole('combobox')
      .selectOption({ label: 'Parents, year 3 (parents.csv, 3 rows)' });
    await use.getByRole('button', { name: 'Use this list' }).click();
    await page.getByText('from the saved list “Parents, year 3”').waitFor();
    expect(await page.getByTestId('recipient-row').count()).toBe(3);

    // The office edits the file: Bo leaves, Di and Ed arrive.
    writeFileSync(
      file,
      'Phone,First Name\n(212) 555-0142,Ann\n(212) 555-0144,Cy\n(212) 555-0145,Di\n(212) 555-0146,Ed\n',
    );
    await page.reload();
    const banner = page.getByTestId('saved-changed');
    await banner.waitFor();
    expect(await banner.innerText()).toContain(
      '“Parents, year 3” changed since this campaign read it: 2 numbers are new in parents.csv, and 1 on this list is no longer in it (4 rows in the file, 3 here). Nothing changes here until you read it again.',
    );
    expect(await page.getByTestId('recipient-row').count()).toBe(3);
    await banner.scrollIntoViewIfNeeded();
    await shoot(page, 'saved-list-changed');
    await banner.getByRole('button', { name: 'Read the file again…' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByTestId('refresh-loses').innerText()).toContain(
      "The file's 4 rows take the place of the 3 rows read before: 2 new numbers, 1 gone. Numbers corrected here are lost",
    );
    await shoot(page, 'saved-list-refresh-confirm');
    await dialog.getByRole('button', { name: 'Read it again' }).click();
    await page.getByText('Read 4 rows from parents.csv').waitFor();
    expect(await page.getByTestId('saved-changed').count()).toBe(0);
    expect(await page.getByTestId('recipient-row').count()).toBe(4);

    // Deleting it, from where saved lists are chosen, with the keyboard only.
    const third = services.campaigns.create('Bake sale').id;
    await page.goto(`${harness.url}#/campaign/${third}/recipients`);
    await page.reload();
    await use.waitFor();
    const remove = use.getByRole('button', { name: 'Delete this saved list…' });
    expect(await remove.isDisabled()).toBe(true);
    await use.getByRole('combobox').focus();
    await page.keyboard.press('ArrowDown');
    expect(await use.getByRole('combobox').inputValue()).not.toBe('');
    await page.keyboard.press('Tab'); // Use this list
    await page.keyboard.press('Tab'); // Delete this saved list…
    await expect.poll(() => remove.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    const ask = page.getByRole('dialog', { name: 'Delete the saved list “Parents, year 3”?' });
    await ask.waitFor();
    expect(await ask.getByTestId('delete-saved-says').innerText()).toBe(
      // The two campaigns that read it (the first at its import, the second by choosing it).
      `“Parents, year 3” is no longer offered to new campaigns. 2 campaigns follow it: they keep their rows, but a change to parents.csv is no longer said there. The file itself stays where it is: ${file}.`,
    );
    // The safe answer has focus; Escape keeps the list.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Keep it');
    await shoot(page, 'saved-list-delete-confirm', { narrow: 560 });
    await page.keyboard.press('Escape');
    expect(await ask.count()).toBe(0);
    expect(services.savedLists.all()).toHaveLength(1);
    await expect.poll(() => remove.evaluate((el) => el === document.activeElement)).toBe(true);

    await page.keyboard.press('Enter');
    await ask.waitFor();
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Delete the saved list');
    await page.keyboard.press('Enter');
    await page
      .getByText(
        'Deleted the saved list “Parents, year 3”. Campaigns that used it keep their rows.',
      )
      .waitFor();
    expect(services.savedLists.all()).toEqual([]);
    // The saved lists are read again before the notice shows: the chooser is gone with it.
    expect(await use.count()).toBe(0);
    // The choice continues at "Choose a file…", the one way left to add people.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
      .toBe('Choose a file…');
    await shoot(page, 'saved-list-deleted');

    // The campaign that used it keeps its 4 rows, and no longer says where they came from.
    await page.goto(`${harness.url}#/campaign/${later}/recipients`);
    await page.reload();
    await page.getByTestId('recipient-row').first().waitFor();
    expect(await page.getByTestId('recipient-row').count()).toBe(4);
    expect(await page.getByText('from the saved list').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('offers deleting a saved list whose file cannot be read, from the campaign that used it', async () => {
    const { harness, page, pageErrors, services } = e2e;
    const dir = mkdtempSync(join(tmpdir(), 'omnigage-saved-lists-'));
    const file = join(dir, 'staff.csv');
    writeFileSync(file, 'Phone\n(212) 555-0170\n(212) 555-0171\n');
    const campaign = services.campaigns.create('Staff meeting').id;
    await page.goto(`${harness.url}#/campaign/${campaign}/recipients`);
    await page.reload();
    harness.dialogs.willOpen(file);
    await page.getByRole('button', { name: 'Choose a file…' }).click();
    await page.getByText('Keep this list for later campaigns, named').click();
    await page.getByRole('button', { name: 'Import this list' }).click();
    await page.getByText('Saved as “staff” for later campaigns.').waitFor();

    renameSync(file, join(dir, 'moved.csv'));
    await page.reload();
    const banner = page.getByTestId('saved-changed');
    await banner.waitFor();
    expect(await banner.innerText()).toContain(`${file} is not there any more`);
    await banner.getByRole('button', { name: 'Delete the saved list…' }).click();
    const ask = page.getByRole('dialog', { name: 'Delete the saved list “staff”?' });
    expect(await ask.getByTestId('delete-saved-says').innerText()).toContain(
      'This campaign follows it: it keeps its rows, but a change to staff.csv is no longer said there.',
    );
    await ask.getByRole('button', { name: 'Delete the saved list' }).click();
    await page
      .getByText('Deleted the saved list “staff”. Campaigns that used it keep their rows.')
      .waitFor();
    expect(await banner.count()).toBe(0);
    expect(await page.getByTestId('recipient-row').count()).toBe(2);
    // Focus moves once the panel has drawn the list without the banner (a tick after the notice).
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
      .toBe('Replace the list…');
    expect(services.savedLists.all().map((l) => l.name)).not.toContain('staff');
    expect(pageErrors).toEqual([]);
  });
});
