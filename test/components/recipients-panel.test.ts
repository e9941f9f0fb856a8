import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { RecipientsState } from '../../renderer/lib/recipients.svelte';
import RecipientsPanel from '../../renderer/panels/RecipientsPanel.svelte';
import { realBackend } from './helpers';

afterEach(() => cleanup());

// jsdom has no layout, so no ResizeObserver: the table keeps its default height.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

/** A campaign whose 300-row list has one bad number, near the end (row 290). */
async function imported() {
  const { call, dataDir, backend } = realBackend();
  const campaign = await call('campaigns:create', { name: 'Rows' });
  const file = join(dataDir, 'list.csv');
  const rows = ['Phone,First Name'];
  for (let i = 1; i <= 300; i++)
    rows.push(`${i === 290 ? '555' : `212555${String(1000 + i)}`},P${i}`);
  writeFileSync(file, rows.join('\n'));
  const recipients = new RecipientsState(call);
  await recipients.load(campaign.id, ['Hi {{first-name}}'], ['What they will hear']);
  await recipients.choose(backend.services!.fileHandles.issue(file), 'US');
  expect(await recipients.confirmImport()).toBe(true);
  render(RecipientsPanel, { props: { recipients, editable: true, defaultCountry: 'US' } });
  return { recipients, call, campaignId: campaign.id };
}

const rowEl = (n: number) =>
  document.querySelector<HTMLElement>(`[data-testid="recipient-row"][data-row="${n}"]`);

/** The mapping step of a file not imported yet, with the panel on screen. */
async function mapping(name: string, content: Buffer | string) {
  const { call, dataDir, backend } = realBackend();
  const campaign = await call('campaigns:create', { name: 'Mapping' });
  const file = join(dataDir, name);
  writeFileSync(file, content);
  const recipients = new RecipientsState(call);
  await recipients.load(campaign.id, [], []);
  render(RecipientsPanel, { props: { recipients, editable: true, defaultCountry: 'US' } });
  await recipients.choose(backend.services!.fileHandles.issue(file), 'US');
  return { recipients, call, campaignId: campaign.id };
}

describe('RecipientsPanel mapping step', () => {
  it('flags letters a UTF-8 BOM could not read, and imports the file read again as Windows-1252', async () => {
    // A UTF-8 BOM in front of Windows-1252 bytes: "José Núñez" on row 3 of the spreadsheet.
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('Name,Phone\r\nAnn,2125550100\r\nJos\xe9 N\xfa\xf1ez,2125550101\r\n', 'latin1'),
    ]);
    const { recipients, call, campaignId } = await mapping('bom.csv', bytes);
    // The keyboard is on the step that replaced the screen.
    await waitFor(() => expect(document.activeElement?.id).toBe('mapping-title'));
    const warning = await screen.findByTestId('encoding-doubt');
    expect(warning.getAttribute('role')).toBe('alert');
    expect(warning.textContent).toContain('Some letters in row 3 could not be read as UTF-8');
    expect(screen.getByRole('cell', { name: 'Jos\uFFFD N\uFFFD\uFFFDez' })).toBeTruthy();
    const select = screen.getByRole('combobox', { name: 'Read the file as' }) as HTMLSelectElement;
    expect(select.value).toBe('windows-1252');

    const readAgain = screen.getByRole('button', { name: 'Read again' });
    readAgain.focus();
    await fireEvent.click(readAgain);
    await screen.findByRole('cell', { name: 'José Núñez' });
    expect(screen.getByTestId('encoding-doubt').textContent).toContain(
      'Read as Windows-1252: every letter was read',
    );
    // The choice shows the encoding used (it offered UTF-8 beside "Read as Windows-1252"), and
    // the keyboard is back on the button it pressed (disabled meanwhile, it had dropped focus).
    expect(select.value).toBe('windows-1252');
    await waitFor(() => expect(document.activeElement).toBe(readAgain));

    await fireEvent.click(screen.getByRole('button', { name: 'Import this list' }));
    await waitFor(() => expect(recipients.list?.encoding).toBe('windows-1252'));
    // The step went with the import: the keyboard goes to the list that replaced it.
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'bom.csv' })),
    );
    const page = await call('recipients:page', { campaignId, offset: 0, limit: 5 });
    expect(page.rows.map((r) => Object.values(r.fields)[0])).toEqual(['Ann', 'José Núñez']);
  });

  it('says a file of column names only has no rows, and does not offer to import it', async () => {
    await mapping('empty.csv', 'Name,Phone\n');
    const alert = await screen.findByTestId('no-rows');
    expect(alert.textContent).toContain('This file has column names but no rows');
    const importButton = screen.getByRole('button', {
      name: 'Import this list',
    }) as HTMLButtonElement;
    expect(importButton.disabled).toBe(true);
    expect(screen.queryByTestId('encoding-doubt')).toBeNull();

    // Cancel leaves the step for the empty list: the keyboard goes to "Choose a file…".
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Choose a file…' })),
    );
  });

  it('shows a file whose header has blank or repeated names (trailing commas) and imports it', async () => {
    // Excel's CSV of a sheet with formatted empty columns: the header ends in blank names. The
    // step keyed its columns by name and the whole window fell over on the repeated "".
    const { recipients } = await mapping(
      'trailing.csv',
      'Name,Phone,,,Name\r\nAnn,2125550100,,,A\r\nBo,2125550101,,,B\r\n',
    );
    await screen.findByRole('cell', { name: 'Bo' });
    expect(screen.getAllByRole('columnheader').map((th) => th.textContent)).toEqual([
      'Name',
      'Phone ☎',
      '',
      '',
      'Name',
    ]);
    // A column without a name cannot be chosen by its name: only named ones are offered.
    const phone = screen.getByRole('combobox', {
      name: 'Phone number column',
    }) as HTMLSelectElement;
    expect([...phone.options].map((o) => o.value)).toEqual(['Name', 'Phone', 'Name']);
    expect(phone.value).toBe('Phone');
    await fireEvent.click(screen.getByRole('button', { name: 'Import this list' }));
    await waitFor(() =>
      expect(recipients.summary?.recipients).toMatchObject({ total: 2, valid: 2 }),
    );
  });
});

describe('RecipientsPanel mapping step: the row of the column names', () => {
  // Written by openpyxl (test/fixtures/header-row/make.sh); the tests run from the project folder.
  const TITLED = join(process.cwd(), 'test/fixtures/header-row/titled.xlsx');

  it('finds the names under a title, shows the rows above as not imported, and imports from the row chosen', async () => {
    const { recipients, call, campaignId } = await mapping('titled.xlsx', readFileSync(TITLED));
    const note = await screen.findByTestId('header-row-note');
    expect(note.getAttribute('role')).toBe('status');
    expect(note.textContent).toBe(
      'Rows 1–2 look like a title; the column names are on row 3. If they are on another row, choose it below.',
    );
    const choice = screen.getByRole('combobox', {
      name: 'Column names are on row',
    }) as HTMLSelectElement;
    expect(choice.value).toBe('3');
    expect([...choice.options].map((o) => o.textContent)).toEqual([
      '1: Parent contacts — Fall term',
      '3: Phone · First Name · Last Name',
      '4: 2125550101 · Ann · Lee',
      '5: (212) 555-0102 · Bo · Park',
      '6: 212.555.0103 · Cy · Diaz',
      '8: +1 212 555 0104 · Dee · Oduya · call after 5',
    ]);
    expect(screen.getByTestId('skipped-rows').textContent).toContain(
      'Row 1 Parent contacts — Fall term',
    );
    expect(screen.getAllByRole('columnheader').map((th) => th.textContent)).toEqual([
      'Phone ☎',
      'First Name',
      'Last Name',
    ]);

    // The person picks row 1 (the title): the step reads the file again from it, and the
    // keyboard stays on the choice (disabled while reading, it had dropped focus).
    choice.focus();
    await fireEvent.change(choice, { target: { value: '1' } });
    // (No column is named as a phone: the first stands in, marked ☎, as for any file.)
    await screen.findByRole('columnheader', { name: 'Parent contacts — Fall term ☎' });
    expect(screen.queryByTestId('skipped-rows')).toBeNull();
    expect(screen.queryByTestId('header-row-note')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(choice));

    // And back to row 3, now as the person's own choice.
    await fireEvent.change(choice, { target: { value: '3' } });
    await waitFor(() =>
      expect(screen.getByTestId('header-row-note').textContent).toBe(
        'Rows 1–2 above the column names are not imported.',
      ),
    );
    await fireEvent.click(screen.getByRole('button', { name: 'Import this list' }));
    await waitFor(() => expect(recipients.list?.headerRow).toBe(3));
    const page = await call('recipients:page', { campaignId, offset: 0, limit: 10 });
    expect(page.rows.map((r) => r.line)).toEqual([4, 5, 6, 8]);
  });

  it('offers no note for an ordinary list, its choice on row 1', async () => {
    await mapping('plain.csv', 'Phone,First Name\r\n2125550101,Ann\r\n');
    const choice = (await screen.findByRole('combobox', {
      name: 'Column names are on row',
    })) as HTMLSelectElement;
    expect(choice.value).toBe('1');
    expect(screen.queryByTestId('header-row-note')).toBeNull();
    expect(screen.queryByTestId('skipped-rows')).toBeNull();
  });
});

describe('RecipientsPanel', () => {
  it("moves focus to a clicked row's details, and Escape closes them and returns to the row", async () => {
    await imported();
    await waitFor(() => expect(rowEl(3)).toBeTruthy());
    await fireEvent.click(rowEl(3)!);
    await waitFor(() => expect(document.activeElement?.id).toBe('row-title'));
    // Named as the spreadsheet numbers it: data row 3 is on line 4, under the column names.
    expect(document.activeElement?.textContent).toBe('Row 4');
    await waitFor(() => expect(screen.getByTestId('rendered-message').textContent).toBe('Hi P3'));

    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('row-panel')).toBeNull());
    expect(document.activeElement).toBe(rowEl(3));
  });

  it('starts "Problems only" at its first row, not at the old scroll position', async () => {
    const { recipients } = await imported();
    const viewport = screen.getByTestId('recipient-viewport');
    viewport.scrollTop = 250 * 36;
    await fireEvent.scroll(viewport);
    await fireEvent.click(screen.getByRole('radio', { name: 'Problems only' }));
    await waitFor(() => expect(recipients.total).toBe(1));
    expect(viewport.scrollTop).toBe(0);
    await waitFor(() => expect(rowEl(290)).toBeTruthy());
    // And the column says what its numbers count.
    expect(screen.getByRole('columnheader', { name: 'Row' }).getAttribute('title')).toMatch(
      /^The row as the spreadsheet numbers it: the column names are row 1/,
    );
  });

  it('removes a row with Undo at hand (focused), and Undo puts it back with its number', async () => {
    const { recipients } = await imported();
    await waitFor(() => expect(rowEl(5)).toBeTruthy());
    await fireEvent.click(rowEl(5)!);
    await fireEvent.click(await screen.findByRole('button', { name: 'Remove this row' }));
    await screen.findByText('Row 6 removed from the list.');
    await waitFor(() => expect(recipients.summary?.recipients.total).toBe(299));
    const undo = await screen.findByRole('button', { name: 'Undo' });
    await waitFor(() => expect(document.activeElement).toBe(undo));

    await fireEvent.click(undo);
    await screen.findByText('Row 6 is back in the list.');
    await waitFor(() =>
      expect(recipients.summary?.recipients).toMatchObject({ total: 300, valid: 299, invalid: 1 }),
    );
    await waitFor(() => expect(rowEl(5)?.textContent).toContain('P5'));
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
  });

  it('selects with the keyboard (Space, Shift+↓, Ctrl+A), counts the selection and removes it with one Undo', async () => {
    const { recipients } = await imported();
    await waitFor(() => expect(rowEl(1)).toBeTruthy());
    rowEl(1)!.focus();
    await fireEvent.keyDown(rowEl(1)!, { key: ' ' });
    await fireEvent.keyDown(rowEl(1)!, { key: 'ArrowDown', shiftKey: true });
    await fireEvent.keyDown(rowEl(2)!, { key: 'ArrowDown', shiftKey: true });
    const count = screen.getByTestId('selection-count');
    await waitFor(() => expect(count.textContent).toBe('3 selected'));
    expect(count.getAttribute('role')).toBe('status');
    expect(rowEl(3)!.getAttribute('aria-selected')).toBe('true');
    expect(rowEl(4)!.getAttribute('aria-selected')).toBe('false');
    // Back up one: the range shrinks with it.
    await fireEvent.keyDown(rowEl(3)!, { key: 'ArrowUp', shiftKey: true });
    await waitFor(() => expect(count.textContent).toBe('2 selected'));

    // Shift-click on the fifth row's box (spreadsheet row 6) extends from the first (the anchor).
    const box5 = screen.getByRole('checkbox', { name: 'Select row 6' }) as HTMLInputElement;
    await fireEvent.click(box5, { shiftKey: true });
    await waitFor(() => expect(count.textContent).toBe('5 selected'));
    expect(box5.checked).toBe(true);

    // Ctrl+A in the table: every row shown; the header box says so.
    await fireEvent.keyDown(rowEl(2)!, { key: 'a', ctrlKey: true });
    await waitFor(() => expect(count.textContent).toBe('300 selected'));
    const all = screen.getByRole('checkbox', {
      name: 'Select all 300 rows shown',
    }) as HTMLInputElement;
    expect(all.checked).toBe(true);
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Select row 2' }));
    await waitFor(() => expect(count.textContent).toBe('299 selected'));
    expect(all.indeterminate).toBe(true);

    await fireEvent.click(screen.getByRole('button', { name: 'Remove 299 selected rows' }));
    await screen.findByText('Removed 299 rows from the list.');
    await waitFor(() => expect(recipients.summary?.recipients.total).toBe(1));
    expect(count.textContent).toBe('');
    const undo = await screen.findByRole('button', { name: 'Undo' });
    await waitFor(() => expect(document.activeElement).toBe(undo));
    await fireEvent.click(undo);
    await screen.findByText('299 rows are back in the list.');
    await waitFor(() => expect(recipients.summary?.recipients.total).toBe(300));
  });

  it('"Problems only" then the header box selects only the problem rows; Escape clears the selection', async () => {
    const { recipients } = await imported();
    await fireEvent.click(screen.getByRole('radio', { name: 'Problems only' }));
    await waitFor(() => expect(recipients.total).toBe(1));
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Select the 1 row shown' }));
    const count = screen.getByTestId('selection-count');
    await waitFor(() => expect(count.textContent).toBe('1 selected'));
    await fireEvent.keyDown(rowEl(290)!, { key: 'Escape' });
    await waitFor(() => expect(count.textContent).toBe(''));
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Select the 1 row shown' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Remove 1 selected row' }));
    await waitFor(() =>
      expect(recipients.summary?.recipients).toMatchObject({ total: 299, invalid: 0 }),
    );
  });

  it('asks before "Replace the list…", saying what is lost, and Keep this list keeps it', async () => {
    const { recipients, call, campaignId } = await imported();
    await call('recipients:removeRows', { campaignId, rows: [1, 2, 3] });
    await recipients.refresh();
    await fireEvent.click(screen.getByRole('button', { name: 'Replace the list…' }));
    const dialog = screen.getByRole('dialog', { name: 'Replace the recipient list?' });
    expect(
      dialog.querySelector('[data-testid="replace-loses"]')!.textContent!.replace(/\s+/g, ' '),
    ).toMatch(
      /take the place of all 300 rows of list\.csv\. Numbers corrected here and the 3 rows removed here are lost/,
    );
    await fireEvent.click(screen.getByRole('button', { name: 'Keep this list' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(recipients.pending).toBeNull();
    expect(recipients.summary?.recipients.total).toBe(297);
  });
});
