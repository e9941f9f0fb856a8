import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CampaignService } from '../../../electron/campaigns/service';
import { openDatabase } from '../../../electron/db/open';
import {
  builtInFormat,
  compileFormat,
  formatGeneral,
  formatNumber,
} from '../../../electron/recipients/number-format';
import { readTable, type CellProblem } from '../../../electron/recipients/read-table';
import { RecipientService } from '../../../electron/recipients/service';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();
const FIXTURES = fileURLToPath(new URL('../../fixtures/number-formats/', import.meta.url));

const show = (code: string, value: number, date1904 = false) =>
  formatNumber(compileFormat(code), value, date1904);

describe('General, as Excel shows it', () => {
  it('keeps at most 15 significant digits and 11 characters after the point', () => {
    expect(formatGeneral(99.98999999999999)).toBe('99.99');
    expect(formatGeneral(0.1 + 0.2)).toBe('0.3');
    expect(formatGeneral(1234.5)).toBe('1234.5');
    expect(formatGeneral(-1234.5)).toBe('-1234.5');
    expect(formatGeneral(0.6041666666666666)).toBe('0.604166667');
    expect(formatGeneral(3.14159265358979)).toBe('3.141592654');
    expect(formatGeneral(12345678.123456)).toBe('12345678.12');
    expect(formatGeneral(0.001234567891)).toBe('0.001234568');
    expect(formatGeneral(0)).toBe('0');
    expect(formatGeneral(-0)).toBe('0');
  });

  it('switches to scientific notation where Excel does', () => {
    expect(formatGeneral(1e21)).toBe('1E+21');
    expect(formatGeneral(1.5e20)).toBe('1.5E+20');
    expect(formatGeneral(1.2345678901234568e17)).toBe('1.23457E+17');
    expect(formatGeneral(0.0000123)).toBe('1.23E-05');
    expect(formatGeneral(1e-10)).toBe('1E-10');
    expect(formatGeneral(0.0001)).toBe('0.0001');
  });

  it('keeps every digit of a phone or account number up to 15 digits', () => {
    expect(formatGeneral(2125550100)).toBe('2125550100');
    expect(formatGeneral(12125550100)).toBe('12125550100');
    expect(formatGeneral(447911123456)).toBe('447911123456');
    expect(formatGeneral(123456789012345)).toBe('123456789012345');
    expect(formatGeneral(123456789012.5)).toBe('123456789012.5');
  });
});

describe('number formats', () => {
  const day = 46451; // Friday, March 5, 2027
  const halfPastTwo = 0.6041666666666666; // 14:30

  it('has the English (US) built-in formats by id, and General for ids reserved to other locales', () => {
    expect(show(builtInFormat(14), day)).toBe('3/5/2027');
    expect(show(builtInFormat(22), day + halfPastTwo)).toBe('3/5/2027 14:30');
    expect(show(builtInFormat(5), -1234)).toBe('($1,234)');
    expect(show(builtInFormat(8), -1234.5)).toBe('($1,234.50)');
    expect(show(builtInFormat(37), -1234)).toBe('(1,234)');
    expect(show(builtInFormat(42), 1234)).toBe('$1,234');
    expect(show(builtInFormat(43), 0)).toBe('-');
    expect(show(builtInFormat(45), halfPastTwo)).toBe('30:00');
    expect(show(builtInFormat(47), 0.00001)).toBe('00:00.9');
    expect(show(builtInFormat(48), 12345.678)).toBe('12.3E+3');
    expect(show(builtInFormat(11), 12345.678)).toBe('1.23E+04');
    expect(show(builtInFormat(12), 1.25)).toBe('1 1/4');
    expect(show(builtInFormat(13), 0.3)).toBe('3/10');
    expect(builtInFormat(30)).toBe('General');
    expect(builtInFormat(163)).toBe('General');
  });

  it('dates in both date systems, with the 1900 leap-year bug', () => {
    expect(show('dddd, mmmm d, yyyy', day)).toBe('Friday, March 5, 2027');
    expect(show('ddd mmm d', day)).toBe('Fri Mar 5');
    expect(show('mmmmm', day)).toBe('M');
    expect(show('yy-mm-dd', day)).toBe('27-03-05');
    expect(show('m/d/yyyy', 60)).toBe('2/29/1900');
    expect(show('m/d/yyyy', 61)).toBe('3/1/1900');
    expect(show('m/d/yyyy', 1)).toBe('1/1/1900');
    expect(show('m/d/yyyy', 0)).toBe('1/0/1900');
    expect(show('dddd', 1)).toBe('Sunday'); // Excel's weekday for 1/1/1900, one off the calendar
    expect(show('m/d/yyyy', day - 1462, true)).toBe('3/5/2027');
    expect(show('dddd, mmmm d, yyyy', 0, true)).toBe('Friday, January 1, 1904');
    expect(show('m/d/yyyy', 2958465)).toBe('12/31/9999');
    // Excel shows ##### for a date it cannot show: the number is more use than that.
    expect(show('m/d/yyyy', -1)).toBe('-1');
    expect(show('m/d/yyyy', 2958466)).toBe('2958466');
    // "Long date" as Excel writes it: the system's own long form.
    expect(show('[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy', day)).toBe('Friday, March 5, 2027');
    expect(show('[$-F400]h:mm:ss\\ AM/PM', halfPastTwo)).toBe('2:30:00 PM');
  });

  it('times: 12 and 24 hours, AM/PM and A/P, minutes told from months, elapsed time, rounding', () => {
    expect(show('h:mm AM/PM', halfPastTwo)).toBe('2:30 PM');
    expect(show('h:mm am/pm', halfPastTwo)).toBe('2:30 pm');
    expect(show('h:mm A/P', 0.25)).toBe('6:00 A');
    expect(show('hh:mm', 0.375)).toBe('09:00');
    expect(show('h:mm AM/PM', 0)).toBe('12:00 AM');
    expect(show('h AM/PM', 0.5)).toBe('12 PM');
    expect(show('m/d h:mm', day + halfPastTwo)).toBe('3/5 14:30');
    expect(show('mm:ss', halfPastTwo + 45 / 86400)).toBe('30:45');
    expect(show('[h]:mm:ss', 1.5)).toBe('36:00:00');
    expect(show('[h]:mm:ss', 1.5, true)).toBe('36:00:00');
    expect(show('[mm]:ss', 1 / 24)).toBe('60:00');
    expect(show('h:mm:ss.00', 0.5 + 1.234 / 86400)).toBe('12:00:01.23');
    // Seconds round to what is shown, carrying into the next day; a date alone does not round up.
    expect(show('m/d/yyyy h:mm:ss', day + 0.99999999)).toBe('3/6/2027 0:00:00');
    expect(show('m/d/yyyy', day + 0.99999999)).toBe('3/5/2027');
    expect(show('h:mm', 29.5 / 86400)).toBe('0:00');
    expect(show('h:mm:ss', 29.5 / 86400)).toBe('0:00:30');
  });

  it('money, literal text, thousands, fixed decimals and percentages', () => {
    expect(show('"$"#,##0.00', 1234.5)).toBe('$1,234.50');
    expect(show('$#,##0.00', -1234.5)).toBe('-$1,234.50');
    expect(show('[$$-409]#,##0.00;[RED]\\-[$$-409]#,##0.00', -12)).toBe('-$12.00');
    expect(show('[$€-407]#,##0.00', 12.5)).toBe('€12.50');
    expect(show('#,##0.00 "USD"', 99.5)).toBe('99.50 USD');
    expect(show('"Acct "0000', 42)).toBe('Acct 0042');
    expect(show('\\N\\o\\. 0', 7)).toBe('No. 7');
    expect(show('#,##0', 1234567.5)).toBe('1,234,568');
    expect(show('#,##0,"K"', 1234567)).toBe('1,235K');
    expect(show('#,##0.0,,"M"', 1234567)).toBe('1.2M');
    expect(show('0.00', 1.005)).toBe('1.01');
    expect(show('0.00', 2.675)).toBe('2.68');
    expect(show('0.00', -0.001)).toBe('0.00');
    expect(show('#.##', 0.5)).toBe('.5');
    expect(show('0.###', 2)).toBe('2.');
    expect(show('00000', 2134)).toBe('02134');
    expect(show('000-00-0000', 123456789)).toBe('123-45-6789');
    expect(show('0%', 0.125)).toBe('13%');
    expect(show('0.0%', 0.125)).toBe('12.5%');
    expect(show('0.00%', -0.125)).toBe('-12.50%');
  });

  it('sections, conditions, colours and the text format', () => {
    const sections = '0.00;(0.00);"zero";"text"';
    expect(show(sections, 3)).toBe('3.00');
    expect(show(sections, -3)).toBe('(3.00)');
    expect(show(sections, 0)).toBe('zero');
    expect(show('[Red]0;[Blue]-0', -5)).toBe('-5');
    expect(show('[Color10]0.0', 5)).toBe('5.0');
    const phone = '[<=9999999]###-####;(###) ###-####';
    expect(show(phone, 5550100)).toBe('555-0100');
    expect(show(phone, 2125550100)).toBe('(212) 555-0100');
    expect(show('[>=100]"big";"small"', 50)).toBe('small');
    expect(show('[>=100]"big";"small"', -5)).toBe('-small');
    expect(show('@', 123.456)).toBe('123.456');
    expect(show('General" items"', 3)).toBe('3 items');
    expect(show(';;;', 5)).toBe(''); // Excel's way to hide a value
    expect(show('', 1234.5)).toBe('1234.5'); // an empty code is General
  });

  it('never throws on a malformed code', () => {
    for (const code of [
      '[',
      '"unterminated',
      '0.0.0',
      'E+',
      '?/0',
      '[h',
      '@@@',
      '\\',
      'yyyy"',
      '#,##0.00,,,,,,',
    ]) {
      for (const value of [-1234.5678, 0, 46451.5]) expect(typeof show(code, value)).toBe('string');
    }
  });
});

/** Every data row of a workbook: the case name (column B), the shown value (C), the row's problems. */
function readFixture(name: string) {
  const rows = new Map<
    string,
    { phone: string; shown: string; problems: readonly CellProblem[] | undefined }
  >();
  let headers: string[] = [];
  readTable(join(FIXTURES, name), {
    onHeader: (h) => void (headers = h),
    onRow: (cells, _row, problems) =>
      void rows.set(cells[1]!, { phone: cells[0]!, shown: cells[2] ?? '', problems }),
  });
  expect(headers).toEqual(['Phone', 'Case', 'Shown']);
  return rows;
}

// What Excel (English, US) shows for each case of openpyxl_workbooks.py, worked out by hand.
// Where Excel's display depends on the column width (accounting alignment, General in a narrow
// column) the text is the one without padding; see formatGeneral for the one deliberate choice.
const EXCEL: Record<string, string> = {
  'date builtin 14': '3/5/2027',
  'date builtin 15': '5-Mar-27',
  'date long': 'Friday, March 5, 2027',
  'date iso': '2027-03-05',
  'day name short': 'Fri',
  'month name': 'March',
  'month day': 'Mar 5',
  'leap bug 60': '2/29/1900',
  'leap bug 61': '3/1/1900',
  'python datetime': 'Friday, March 5, 2027 2:30 PM',
  'time builtin 18': '2:30 PM',
  'time builtin 19': '2:30:00 PM',
  'time builtin 20': '14:30',
  'time padded': '09:00',
  'time midnight': '12:00 AM',
  'time noon hour': '12 PM',
  'time elapsed 46': '36:00:00',
  'datetime builtin 22': '3/5/2027 14:30',
  'datetime ampm': 'Mar 5, 2027 2:30 PM',
  'datetime carry': '3/6/2027 0:00:00',
  money: '$1,234.50',
  'money builtin 7 negative': '($1,234.50)',
  'money dollar unquoted': '$1,234.50',
  'accounting builtin 44': '$1,234.50',
  'accounting zero': '$-',
  'currency code': '99.50 USD',
  'currency tag': '€12.50',
  'literal quoted': 'Acct 0042',
  'literal backslash': 'No. 7',
  'thousands builtin 3': '1,234,567',
  'thousands builtin 4': '1,234,567.89',
  'thousands scaled': '1,235K',
  'fixed builtin 2': '2.50',
  'fixed half up': '1.01',
  'fixed three': '3.142',
  'fixed builtin 1': '3',
  'zip code': '02134',
  'percent builtin 9': '13%',
  'percent one decimal': '12.5%',
  'percent builtin 10': '12.50%',
  'text builtin 49 number': '123.456',
  'text builtin 49 string': '00123',
  'sections zero': 'zero',
  'sections negative': '(3.00)',
  colour: '-5',
  'phone condition long': '(212) 555-0100',
  'phone condition short': '555-0100',
  'general float noise': '99.99',
  'general sum noise': '0.3',
  'general decimal': '1234.5',
  'general fraction of day': '0.604166667',
  'general fourteen digits': '12345678901234',
  'general huge': '1E+21',
  'general tiny': '1.23E-05',
  'boolean true': 'TRUE',
  'boolean false': 'FALSE',
  'error na': '',
  'error div0': '',
  'formula number': '5.00',
  'formula text': 'ab',
};
const CASES = Object.keys(EXCEL);
// In the 1904 workbooks the same calendar days are stored 1462 lower; serials 60 and 61 are
// written as they are, so they fall in 1904 (a real leap year) and no leap-day bug applies.
const EXCEL_1904: Record<string, string> = {
  ...EXCEL,
  'leap bug 60': '3/1/1904',
  'leap bug 61': '3/2/1904',
};

describe.each([
  ['openpyxl.xlsx', EXCEL, false],
  ['openpyxl-1904.xlsx', EXCEL_1904, false],
  ['libreoffice.xlsx', EXCEL, true],
  ['libreoffice-1904.xlsx', EXCEL_1904, true],
])('%s: every cell reads as Excel shows it', (name, expected, calculated) => {
  const rows = readFixture(name);

  it('has every case, each with its phone number intact', () => {
    expect([...rows.keys()]).toEqual(CASES);
    CASES.forEach((c, i) => expect(rows.get(c)!.phone).toBe(String(2125550100 + i)));
  });

  it('shows each value as Excel does', () => {
    const shown = Object.fromEntries(
      CASES.filter((c) => !c.startsWith('formula')).map((c) => [c, rows.get(c)!.shown]),
    );
    expect(shown).toEqual(
      Object.fromEntries(Object.entries(expected).filter(([c]) => !c.startsWith('formula'))),
    );
  });

  it('leaves error cells empty with the error Excel shows as the row problem', () => {
    expect(rows.get('error na')!.problems).toEqual([
      { column: 2, code: 'cell_error', shown: '#N/A' },
    ]);
    expect(rows.get('error div0')!.problems).toEqual([
      { column: 2, code: 'cell_error', shown: '#DIV/0!' },
    ]);
    expect(rows.get('money')!.problems).toBeUndefined();
  });

  if (calculated) {
    it('reads formulas by the result Calc saved with them', () => {
      expect(rows.get('formula number')).toEqual({
        phone: '2125550158',
        shown: '5.00',
        problems: undefined,
      });
      expect(rows.get('formula text')).toEqual({
        phone: '2125550159',
        shown: 'ab',
        problems: undefined,
      });
    });
  } else {
    it('flags formulas openpyxl saved without a result', () => {
      for (const c of ['formula number', 'formula text']) {
        expect(rows.get(c)!.shown).toBe('');
        expect(rows.get(c)!.problems).toEqual([{ column: 2, code: 'formula_without_value' }]);
      }
    });
  }
});

describe("LibreOffice's own rendering of its workbooks, as a second opinion", () => {
  // Where Calc shows something else than Excel, and why (everything else must match).
  const CALC_DIFFERS: Record<string, string> = {
    'leap bug 60': '2/28/1900', // Calc has no 2/29/1900: its serials before March 1900 are one day off Excel's
    'accounting builtin 44': ' $1,234.50 ', // the alignment spaces of _( and _), which the app trims
    'accounting zero': ' $- ',
    'general fraction of day': '0.604166666666667', // Calc's General is not limited to Excel's 11 characters
    'general huge': '1E+021', // Calc writes a three-digit exponent
    'general tiny': '0.0000123', // Calc's General goes scientific later than Excel's
    'error na': '#N/A', // the error itself; the app leaves the cell empty and reports the row
    'error div0': '#DIV/0!',
  };

  it.each([
    ['libreoffice.shown.csv', EXCEL, CALC_DIFFERS],
    [
      'libreoffice-1904.shown.csv',
      EXCEL_1904,
      { ...CALC_DIFFERS, 'leap bug 60': '3/1/1904' } as Record<string, string>,
    ],
  ])('%s agrees with Excel except where noted', (name, expected, differs) => {
    const calc = readFixture(name);
    for (const c of CASES) {
      expect([c, calc.get(c)!.shown]).toEqual([c, differs[c] ?? expected[c]]);
    }
  });

  it('a CSV typed into Calc (dates, times, money, percentages detected) reads as Calc shows it', () => {
    const ours = readFixture('libreoffice-from-csv.xlsx');
    const calc = readFixture('libreoffice-from-csv.shown.csv');
    expect([...ours.keys()]).toHaveLength(10);
    for (const [c, row] of ours) expect([c, row.shown]).toEqual([c, calc.get(c)!.shown]);
    expect(ours.get('csv date')!.shown).toBe('03/05/27');
    expect(ours.get('csv time')!.shown).toBe('02:30:00 PM');
    expect(ours.get('csv money')!.shown).toBe('$1,234.50');
    expect(ours.get('csv negative money')!.shown).toBe('-$12.00');
    expect(ours.get('csv percent')!.shown).toBe('12.50%');
  });
});

describe('cells that cannot be shown become row problems', () => {
  it('names the row and the column, says what to do, and leaves the value empty', () => {
    const db = openDatabase(join(tempDir(), 'db.sqlite'));
    const campaign = new CampaignService({ db }).create('Reminders');
    const recipients = new RecipientService({ db });
    const result = recipients.import({
      campaignId: campaign.id,
      filePath: join(FIXTURES, 'openpyxl.xlsx'),
    });
    expect(result.counts).toMatchObject({ total: CASES.length, valid: CASES.length });

    const summary = recipients.summary(campaign.id, { texts: ['Your appointment is {{shown}}'] });
    const cellProblems = summary.problems.filter(
      (p) => p.code === 'cell_error' || p.code === 'formula_without_value',
    );
    const row = (c: string) => CASES.indexOf(c) + 1;
    // Messages name the sheet's own row (the header is row 1): the data row plus one here.
    expect(cellProblems).toEqual([
      {
        row: row('error na'),
        line: row('error na') + 1,
        column: 'Shown',
        code: 'cell_error',
        message: `Excel shows #N/A in column "Shown" on row ${row('error na') + 1}, so that value is left empty. Correct it in the spreadsheet and import the file again.`,
        blocking: false,
      },
      expect.objectContaining({
        row: row('error div0'),
        code: 'cell_error',
        message: expect.stringContaining('#DIV/0!'),
      }),
      {
        row: row('formula number'),
        line: row('formula number') + 1,
        column: 'Shown',
        code: 'formula_without_value',
        message: `Column "Shown" on row ${row('formula number') + 1} holds a formula whose result was not saved in the file, so that value is left empty. Open the file in Excel, save it, and import it again.`,
        blocking: false,
      },
      expect.objectContaining({ row: row('formula text'), code: 'formula_without_value' }),
    ]);
    // The empty values are also gaps in the message, reported as such.
    expect(summary.mergeFields.missing).toEqual([
      {
        field: 'shown',
        rows: [row('error na'), row('error div0'), row('formula number'), row('formula text')],
      },
    ]);
    expect(summary.ok).toBe(true);

    const problemsPage = recipients.page(campaign.id, { filter: 'problems' });
    expect(problemsPage.rows.map((r) => r.row)).toEqual([
      row('error na'),
      row('error div0'),
      row('formula number'),
      row('formula text'),
    ]);
    expect(problemsPage.rows[0]).toMatchObject({
      status: 'valid',
      fields: { case: 'error na', shown: '' },
    });
    expect(problemsPage.rows[0]!.problem).toContain('Excel shows #N/A in column "Shown"');
    const first = recipients.page(campaign.id, { limit: 1 }).rows[0]!;
    expect(first).toMatchObject({
      problem: null,
      fields: { case: 'date builtin 14', shown: '3/5/2027' },
    });
    expect(recipients.preview(campaign.id, row('money'), 'You owe {{shown}}.').text).toBe(
      'You owe $1,234.50.',
    );
    db.close();
  });
});
