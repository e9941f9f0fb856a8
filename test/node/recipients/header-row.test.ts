import { appendFileSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTable, type ReadOptions } from '../../../electron/recipients/read-table';
import {
  describeChosenHeaderRow,
  describeGuessedHeaderRow,
  guessHeaderRow,
  looksLikePhone,
  type NumberedRow,
} from '../../../shared/recipients/header-row';
import type { SheetPeek } from '../../../shared/workspace';
import { ipcWindow } from '../../helpers/ipc-window';
import { useTempDir } from '../../helpers/temp';

/** Files written by openpyxl and Python's csv module (test/fixtures/header-row/make.sh). */
const FIXTURES = fileURLToPath(new URL('../../fixtures/header-row/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);

const tempDir = useTempDir();

/** The non-blank rows of a sheet written as lines ('' is a blank row), as the guess is given them. */
function numbered(lines: string[]): NumberedRow[] {
  return lines.flatMap((line, i) =>
    line === '' ? [] : [{ sheetRow: i + 1, cells: line.split('|') }],
  );
}

describe('guessHeaderRow', () => {
  it('keeps row 1 for an ordinary list', () => {
    expect(guessHeaderRow(numbered(['Phone|First Name', '2125550101|Ann', '2125550102|Bo']))).toBe(
      1,
    );
  });

  it('keeps row 1 when the names are followed by a blank row', () => {
    expect(guessHeaderRow(numbered(['Phone|First Name', '', '2125550101|Ann']))).toBe(1);
  });

  it('takes the names under a title and a blank row', () => {
    const rows = numbered([
      'Parent contacts — Fall term',
      '',
      'Phone|First Name|Last Name',
      '2125550101|Ann|Lee',
      '(212) 555-0102|Bo|Park',
    ]);
    expect(guessHeaderRow(rows)).toBe(3);
  });

  it('takes the names under a title that spreads over two cells and two rows', () => {
    const rows = numbered([
      'Fall term — parent contacts|9/3/2027',
      'Room 12',
      '',
      'First Name|Last Name|Cell Phone|Grade',
      'Ann|Lee|212-555-0101|3',
    ]);
    expect(guessHeaderRow(rows)).toBe(4);
  });

  it('keeps row 1 when a person right above the first number has no number (written as words)', () => {
    const rows = numbered(['First|Last|Phone', 'Ann|Lee|n/a', 'Bo|Park|2125550102']);
    expect(guessHeaderRow(rows)).toBe(1);
  });

  it('keeps row 1 when the person above the first number has the phone cell empty', () => {
    const rows = numbered(['First|Last|Phone', 'Ann|Lee|', 'Bo|Park|2125550102']);
    expect(guessHeaderRow(rows)).toBe(1);
  });

  it('keeps row 1 when it names the phone column, even with a blank name and a person without a number under it', () => {
    const rows = numbered(['Phone||Name', 'n/a|x|Ann', '2125550102|y|Bo']);
    expect(guessHeaderRow(rows)).toBe(1);
  });

  it('takes the names under a one-cell title that mentions phones', () => {
    const rows = numbered(['Phone list — Fall term', 'Phone|First Name', '2125550101|Ann']);
    expect(guessHeaderRow(rows)).toBe(2);
  });

  it('keeps the first row when no row has a number, or the numbers start on it', () => {
    expect(guessHeaderRow(numbered(['Title', '', 'Name|City', 'Ann|Boston']))).toBe(1);
    expect(guessHeaderRow(numbered(['2125550101|Ann', '2125550102|Bo']))).toBe(1);
    expect(guessHeaderRow([])).toBe(1);
  });

  it('keeps the first non-blank row when only blank rows are above it', () => {
    expect(guessHeaderRow(numbered(['', '', 'Phone|Name', '2125550101|Ann']))).toBe(3);
  });

  it('looks for the names among the first ten rows only', () => {
    const lines = ['Title', ...Array.from({ length: 10 }, () => 'note|more'), 'Phone|Name'];
    lines.push('2125550101|Ann');
    expect(guessHeaderRow(numbered(lines))).toBe(1);
  });

  it('reads dates, zip codes and amounts as no phone number', () => {
    expect(looksLikePhone('9/3/2027')).toBe(false);
    expect(looksLikePhone('2027-09-03')).toBe(false);
    expect(looksLikePhone('02134')).toBe(false);
    expect(looksLikePhone('1,234.50')).toBe(false);
    expect(looksLikePhone('(212) 555-0102')).toBe(true);
    expect(looksLikePhone('+44 7911 123456')).toBe(true);
    expect(looksLikePhone('212.555.0142 ext 4')).toBe(true);
  });

  it('says the guess and the choice in plain words', () => {
    expect(describeGuessedHeaderRow(3)).toBe(
      'Rows 1–2 look like a title; the column names are on row 3.',
    );
    expect(describeGuessedHeaderRow(2)).toBe(
      'Row 1 looks like a title; the column names are on row 2.',
    );
    expect(describeChosenHeaderRow(4)).toBe('Rows 1–3 above the column names are not imported.');
  });
});

/** What readTable hands over for a file: names, their row, skipped rows and each data row's numbers. */
function read(path: string, options: ReadOptions) {
  let headers: string[] = [];
  const above: number[] = [];
  const rows: Array<{ row: number; sheetRow: number; line: number; cells: string[] }> = [];
  const result = readTable(
    path,
    {
      onAbove: (_cells, sheetRow) => above.push(sheetRow),
      onHeader: (h) => (headers = h),
      onRow: (cells, row, _problems, sheetRow, line) => rows.push({ row, sheetRow, line, cells }),
    },
    options,
  );
  return { headers, above, rows, result };
}

describe('reading a list whose column names are below a title', () => {
  it.each(['titled.xlsx', 'titled.csv'])(
    '%s: the names from row 3, the people under them numbered as the spreadsheet numbers them',
    (name) => {
      const { headers, above, rows, result } = read(fixture(name), { headerRow: 'guess' });
      expect(headers.slice(0, 3)).toEqual(['Phone', 'First Name', 'Last Name']);
      expect(result).toMatchObject({ headerRow: 3, skippedRows: 1, rows: 4 });
      expect(above).toEqual([1]);
      // Row 7 is blank; the data rows keep their spreadsheet numbers, not 1, 2, 3, 4.
      expect(rows.map((r) => [r.row, r.sheetRow, r.line])).toEqual([
        [1, 4, 4],
        [2, 5, 5],
        [3, 6, 6],
        [4, 8, 8],
      ]);
      expect(rows[0]!.cells.slice(0, 3)).toEqual(['2125550101', 'Ann', 'Lee']);
    },
  );

  it('report-title.xlsx: two report lines and a blank row above the names on row 4', () => {
    const { headers, above, rows, result } = read(fixture('report-title.xlsx'), {
      headerRow: 'guess',
    });
    expect(headers).toEqual(['First Name', 'Last Name', 'Cell Phone', 'Grade']);
    expect(result).toMatchObject({ headerRow: 4, skippedRows: 2, rows: 3 });
    expect(above).toEqual([1, 2]);
    expect(rows.map((r) => r.sheetRow)).toEqual([5, 6, 7]);
  });

  it('names-then-blank.xlsx: the names stay on row 1 when row 2 is empty', () => {
    const { headers, rows, result } = read(fixture('names-then-blank.xlsx'), {
      headerRow: 'guess',
    });
    expect(headers).toEqual(['Phone', 'First Name']);
    expect(result).toMatchObject({ headerRow: 1, skippedRows: 0, rows: 2 });
    expect(rows.map((r) => r.sheetRow)).toEqual([3, 4]);
  });

  it('reads an ordinary CSV as before: the names on row 1', () => {
    const path = join(tempDir(), 'plain.csv');
    writeFileSync(path, 'Phone,First Name\r\n2125550101,Ann\r\n2125550102,Bo\r\n');
    const { result, rows } = read(path, { headerRow: 'guess' });
    expect(result).toMatchObject({ headers: ['Phone', 'First Name'], headerRow: 1, rows: 2 });
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
  });

  it('reads the names from the row asked for, and without a row from the first non-blank one', () => {
    expect(read(fixture('titled.xlsx'), { headerRow: 3 }).result.headerRow).toBe(3);
    const first = read(fixture('titled.xlsx'), {});
    expect(first.result).toMatchObject({ headerRow: 1, skippedRows: 0 });
    expect(first.headers).toEqual(['Parent contacts — Fall term']);
    // Row 4 asked for: row 3's names are skipped like the title, and the people start on row 5.
    const lower = read(fixture('titled.xlsx'), { headerRow: 4 });
    expect(lower.above).toEqual([1, 3]);
    expect(lower.rows.map((r) => r.sheetRow)).toEqual([5, 6, 8]);
  });

  it.each([
    ['titled.xlsx', 2, /row 2 was to hold the column names, but it is blank/],
    ['titled.csv', 2, /row 2 was to hold the column names, but it is blank/],
    ['titled.xlsx', 7, /row 7 was to hold the column names, but it is blank/],
    ['titled.csv', 40, /row 40 was to hold the column names, but the file ends on row 8/],
  ])('%s: refuses row %i of the names, saying why', (name, headerRow, message) => {
    expect(() => read(fixture(name), { headerRow })).toThrow(message);
  });
});

function setup() {
  const dir = tempDir();
  const { services, call, answer } = ipcWindow(join(dir, 'data'));
  const copy = (name: string) => {
    const path = join(dir, name);
    copyFileSync(fixture(name), path);
    return path;
  };
  /** The words a refusal says, as the window shows them. */
  const refusal = async (channel: string, input: unknown): Promise<string> => {
    const result = await answer(channel, input);
    if (result.ok) throw new Error(`expected ${channel} to be refused`);
    return result.error.message;
  };
  return { dir, services, call, refusal, copy };
}

describe('the mapping step and the import', () => {
  it('peeks at the guessed row, with the rows above it, and again at a row the person chose', async () => {
    const { services, call, refusal, copy } = setup();
    const file = services.fileHandles.issue(copy('titled.xlsx')).handle;
    const guessed = await call<SheetPeek>('recipients:peek', { file, rows: 6 });
    expect(guessed).toMatchObject({
      headers: ['Phone', 'First Name', 'Last Name'],
      headerRow: 3,
      headerRowGuessed: true,
      detectedPhoneColumn: 'Phone',
      totalRows: 4,
    });
    expect(guessed.firstRows.map((r) => r.row)).toEqual([1, 3, 4, 5, 6, 8]);
    expect(guessed.firstRows[0]!.cells[0]).toBe('Parent contacts — Fall term');
    expect(guessed.rows[0]).toEqual(['2125550101', 'Ann', 'Lee']);

    const chosen = await call<SheetPeek>('recipients:peek', { file, rows: 6, headerRow: 1 });
    expect(chosen).toMatchObject({
      headers: ['Parent contacts — Fall term'],
      headerRow: 1,
      headerRowGuessed: false,
      detectedPhoneColumn: null,
      totalRows: 5,
    });
    const refused = await refusal('recipients:peek', { file, headerRow: 0 });
    expect(refused).toMatch(/numbered from 1/);
  });

  it.each(['titled.xlsx', 'titled.csv'])(
    'imports %s from the row shown, every row named by its spreadsheet number',
    async (name) => {
      const { services, call, copy } = setup();
      const campaign = services.campaigns.create('Fall term');
      const path = copy(name);
      const result = await call<{
        headerRow: number;
        skippedRows: number;
        counts: { total: number };
      }>('recipients:import', {
        campaignId: campaign.id,
        file: services.fileHandles.issue(path).handle,
        headerRow: 3,
      });
      expect(result).toMatchObject({ headerRow: 3, skippedRows: 1, counts: { total: 4 } });
      const page = services.recipients.page(campaign.id, { offset: 0, limit: 10 });
      expect(page.rows.map((r) => [r.row, r.line, r.phone])).toEqual([
        [1, 4, '2125550101'],
        [2, 5, '(212) 555-0102'],
        [3, 6, '212.555.0103'],
        [4, 8, '+1 212 555 0104'],
      ]);
      expect(services.recipients.getList(campaign.id)).toMatchObject({
        headerRow: 3,
        phoneColumn: 'Phone',
        mergeFields: expect.arrayContaining(['first-name', 'last-name']),
      });
      // A row the spreadsheet shows as the names, or above them, holds nobody.
      expect(() => services.recipients.rowCells(campaign.id, undefined, 3)).toThrow(
        'No recipient is on row 3 of the spreadsheet (row 3 holds the column names; blank rows hold nobody).',
      );
      expect(services.recipients.rowCells(campaign.id, undefined, 8).row).toBe(4);
      // Dee's note sits in column D. The CSV's names row ends with a comma, so D is a column
      // (with a blank name); in the workbook D has no name cell at all: said on her row.
      const unnamed = services.recipients
        .summary(campaign.id)
        .problems.filter((p) => p.code === 'unnamed_cell');
      if (name.endsWith('.csv')) expect(unnamed).toEqual([]);
      else
        expect(unnamed).toEqual([
          {
            row: 4,
            line: 8,
            column: 'column D',
            code: 'unnamed_cell',
            message:
              'Row 8 has "call after 5" in column D, which has no name in the row of column names, so it is not imported and no message can use it. To use it, give the column a name in the file and import it again.',
            blocking: false,
          },
        ]);
    },
  );

  it('says which row was taken as names when it holds a phone number', async () => {
    const { services, refusal, copy } = setup();
    const campaign = services.campaigns.create('Fall term');
    const file = services.fileHandles.issue(copy('titled.csv')).handle;
    const message = await refusal('recipients:import', {
      campaignId: campaign.id,
      file,
      headerRow: 4,
    });
    expect(message).toBe(
      'titled.csv: row 4, chosen as the column names, holds a phone number ("2125550101"). Choose the row that holds the column names, such as "Phone" and "First Name".',
    );
  });

  it('a saved list keeps its row of names: its file changed is compared, and read again, from that row', async () => {
    const { services, call, copy } = setup();
    const first = services.campaigns.create('Fall term');
    const path = copy('titled.csv');
    const { saved } = await call<{ saved: { id: string } }>('recipients:import', {
      campaignId: first.id,
      file: services.fileHandles.issue(path).handle,
      headerRow: 3,
      saveAs: 'Parents',
    });
    // A new family added at the bottom of the office's file.
    appendFileSync(path, '2125550105,Eve,Stone,\r\n');
    const status = services.savedLists.status(first.id);
    expect(status?.changed).toMatchObject({
      unreadable: null,
      rowsInFile: 5,
      added: 1,
      removed: 0,
    });

    const later = services.campaigns.create('Spring term');
    const used = await call<{ headerRow: number; counts: { total: number } }>('lists:use', {
      campaignId: later.id,
      listId: saved.id,
    });
    expect(used).toMatchObject({ headerRow: 3, counts: { total: 5 } });
    const lines = services.recipients
      .page(later.id, { offset: 0, limit: 10 })
      .rows.map((r) => r.line);
    expect(lines).toEqual([4, 5, 6, 8, 9]);
  });
});

describe('values past the last named column', () => {
  it('are said on their row (at most three a row), never dropped silently, and block nothing', async () => {
    const { dir, services, call } = setup();
    const campaign = services.campaigns.create('Notes');
    const path = join(dir, 'notes.csv');
    writeFileSync(
      path,
      'Phone,First Name\n2125550101,Ann,call after 5,, ,late\n2125550102,Bo\n2125550103,Cy,a,b,c,d\n',
    );
    await call('recipients:import', {
      campaignId: campaign.id,
      file: services.fileHandles.issue(path).handle,
    });
    const summary = services.recipients.summary(campaign.id);
    expect(summary.recipients).toMatchObject({ total: 3, valid: 3 });
    const unnamed = summary.problems.filter((p) => p.code === 'unnamed_cell');
    expect(unnamed.map((p) => [p.line, p.column, p.blocking])).toEqual([
      [2, 'column C', false],
      [2, 'column F', false],
      [4, 'column C', false],
      [4, 'column D', false],
      [4, 'column E', false],
    ]);
    expect(unnamed[1]!.message).toMatch(/^Row 2 has "late" in column F, which has no name/);
    // The row's own fields stay as wide as the names (the phone is the row's number).
    expect(services.recipients.page(campaign.id, { offset: 0, limit: 1 }).rows[0]!.fields).toEqual({
      'first-name': 'Ann',
    });
  });
});
