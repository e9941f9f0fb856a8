import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable, type TableInfo } from '../../../electron/recipients/read-table';
import { AppError } from '../../../shared/errors';
import { useTempDir } from '../../helpers/temp';
import { utf16, windows1252, writeXlsx } from './fixtures';

const tempDir = useTempDir();

function read(name: string, content: string | Buffer) {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return readPath(path);
}

function readPath(path: string) {
  let headers: string[] = [];
  let info: TableInfo | null = null;
  const rows: Array<{ row: number; cells: string[] }> = [];
  const result = readTable(path, {
    onHeader: (h, i) => {
      headers = h;
      info = i;
    },
    onRow: (cells, row) => rows.push({ row, cells }),
  });
  return { headers, info: info as TableInfo | null, rows, result };
}

function refusal(name: string, content: string | Buffer): AppError {
  try {
    read(name, content);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the file to be refused');
}

describe('CSV reading', () => {
  it('reads a plain comma file', () => {
    const { headers, rows, info, result } = read(
      'list.csv',
      'Phone,First Name\n2125550100,Ann\n2125550101,Bob\n',
    );
    expect(headers).toEqual(['Phone', 'First Name']);
    expect(rows).toEqual([
      { row: 1, cells: ['2125550100', 'Ann'] },
      { row: 2, cells: ['2125550101', 'Bob'] },
    ]);
    expect(info).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ',' });
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('drops a UTF-8 BOM and handles CRLF', () => {
    const { headers, rows, info } = read(
      'bom.csv',
      '\uFEFFPhone,Name\r\n2125550100,Ann\r\n2125550101,Bob\r\n',
    );
    expect(headers).toEqual(['Phone', 'Name']);
    expect(rows.map((r) => r.cells)).toEqual([
      ['2125550100', 'Ann'],
      ['2125550101', 'Bob'],
    ]);
    expect(info?.encoding).toBe('utf-8');
  });

  it('keeps quoted commas, quotes and line breaks inside one value', () => {
    const { rows } = read(
      'quoted.csv',
      'Phone,Note,City\r\n2125550100,"Hello, ""friend""\r\nsecond line","Fairview, OR"\r\n"2125550101",plain,\n',
    );
    expect(rows).toEqual([
      { row: 1, cells: ['2125550100', 'Hello, "friend"\r\nsecond line', 'Fairview, OR'] },
      { row: 2, cells: ['2125550101', 'plain', ''] },
    ]);
  });

  it('skips blank lines (and rows of empty cells) without counting them', () => {
    const { rows, result } = read(
      'blank.csv',
      '\n\nPhone,Name\n\n2125550100,Ann\n   \n,,\n\n2125550101,Bob\n\n',
    );
    expect(rows).toEqual([
      { row: 1, cells: ['2125550100', 'Ann'] },
      { row: 2, cells: ['2125550101', 'Bob'] },
    ]);
    expect(result.rows).toBe(2);
  });

  it('detects semicolons and tabs, even with the other delimiters inside values', () => {
    const semi = read(
      'semi.csv',
      'Phone;Name;Amount\n2125550100;"Smith, Ann";1,50\n2125550101;Bob;2,00\n',
    );
    expect(semi.info?.delimiter).toBe(';');
    expect(semi.rows[0]?.cells).toEqual(['2125550100', 'Smith, Ann', '1,50']);
    const tab = read('tab.txt', 'Phone\tName\tNote\n2125550100\tAnn\ta, b; c\n');
    expect(tab.info?.delimiter).toBe('\t');
    expect(tab.rows[0]?.cells).toEqual(['2125550100', 'Ann', 'a, b; c']);
  });

  it('reads UTF-16 LE and BE with a BOM, and UTF-16 LE without one', () => {
    const text = 'Phone,Name\r\n2125550100,Zoë Ålund\r\n';
    for (const [content, encoding] of [
      [utf16(text, 'le'), 'utf-16le'],
      [utf16(text, 'be'), 'utf-16be'],
      [utf16(text, 'le', false), 'utf-16le'],
    ] as const) {
      const { rows, info, headers } = read('u16.csv', content);
      expect(info?.encoding).toBe(encoding);
      expect(headers).toEqual(['Phone', 'Name']);
      expect(rows[0]?.cells).toEqual(['2125550100', 'Zoë Ålund']);
    }
  });

  it('reads Windows-1252 when the bytes are not UTF-8', () => {
    const { rows, info } = read(
      'ansi.csv',
      windows1252('Phone,Name,Note\r\n2125550100,José Müller,“50 €” – ok\r\n'),
    );
    expect(info?.encoding).toBe('windows-1252');
    expect(rows[0]?.cells).toEqual(['2125550100', 'José Müller', '“50 €” – ok']);
  });

  it('keeps a 100 KB value intact', () => {
    const big = 'x'.repeat(100 * 1024);
    const { rows } = read('big.csv', `Phone,Note\n2125550100,"${big}"\n2125550101,${big}\n`);
    expect(rows[0]?.cells[1]).toHaveLength(100 * 1024);
    expect(rows[1]?.cells[1]).toBe(big);
  });

  it('streams a file larger than one read without losing records at the seams', () => {
    const lines = ['Phone,Name,Note'];
    for (let i = 0; i < 20_000; i++)
      lines.push(`212555${String(i % 10000).padStart(4, '0')},"Name ${i}","a, ""b""\r\nc"`);
    const { rows } = read('many.csv', `${lines.join('\r\n')}\r\n`);
    expect(rows).toHaveLength(20_000);
    expect(rows[19_999]).toEqual({
      row: 20_000,
      cells: ['2125559999', 'Name 19999', 'a, "b"\r\nc'],
    });
  });

  it('refuses an empty file, a BOM-only file and a blank file, naming the file', () => {
    expect(refusal('empty.csv', '').message).toBe('empty.csv: the file is empty.');
    expect(refusal('bom.csv', Buffer.from([0xef, 0xbb, 0xbf])).message).toBe(
      'bom.csv: the file is empty.',
    );
    expect(refusal('blank.csv', '\r\n \r\n\r\n').message).toMatch(/^blank\.csv: .*empty/);
  });

  it('refuses a binary file and an old .xls, naming the file', () => {
    const binary = Buffer.alloc(2048);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 37) % 256;
    expect(refusal('photo.csv', binary).message).toMatch(/^photo\.csv: .*binary file/);
    const xls = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(512),
    ]);
    expect(refusal('old.xls', xls).message).toMatch(/^old\.xls: .*\.xls.*save it as/i);
  });

  it('refuses an unclosed quote, naming the line where it starts', () => {
    expect(
      refusal('quote.csv', 'Phone,Name\n2125550100,Ann\n2125550101,"Bob\n2125550102,Cy\n').message,
    ).toMatch(/^quote\.csv: a quoted value that starts on line 3 is never closed/);
  });

  it('refuses a missing file and a folder with the file name', () => {
    const dir = tempDir();
    expect(() => readPath(join(dir, 'gone.csv'))).toThrow(/^gone\.csv: the file does not exist/);
    expect(() => readPath(dir)).toThrow(/this is a folder/);
  });
});

describe('XLSX reading', () => {
  it('reads the first sheet: shared, inline and rich strings, numbers as Excel General shows them, booleans', () => {
    const path = join(tempDir(), 'list.xlsx');
    writeXlsx(path, [
      ['Phone', 'First Name', 'Balance', 'VIP', 'Note'],
      [2125550100, 'Ann', 12.5, { bool: true }, { inline: 'a < b & c' }],
      [null, null, null, null, null],
      ['0044 7911 123456', { rich: ['Bo', 'b'] }, 1e21, { bool: false }, null],
      [12125550102, 'Cy', null, null, 'last'],
    ]);
    const { headers, rows, info } = readPath(path);
    expect(info).toMatchObject({ format: 'xlsx', encoding: null, delimiter: null });
    expect(headers).toEqual(['Phone', 'First Name', 'Balance', 'VIP', 'Note']);
    expect(rows).toEqual([
      { row: 1, cells: ['2125550100', 'Ann', '12.5', 'TRUE', 'a < b & c'] },
      { row: 2, cells: ['0044 7911 123456', 'Bob', '1E+21', 'FALSE'] },
      { row: 3, cells: ['12125550102', 'Cy', '', '', 'last'] },
    ]);
  });

  it('drops a byte-order mark left in the first column name by the program that saved the file', () => {
    // A UTF-8 CSV opened as Windows-1252 and saved as .xlsx keeps its BOM as the letters "ï»¿";
    // another keeps the mark itself as a character.
    for (const [name, first] of [
      ['mojibake.xlsx', '\u00EF\u00BB\u00BFParent First'],
      ['mark.xlsx', '\uFEFFParent First'],
    ] as const) {
      const path = join(tempDir(), name);
      writeXlsx(path, [
        [first, 'Phone'],
        ['Ann', 2125550100],
      ]);
      const { headers, rows } = readPath(path);
      expect(headers).toEqual(['Parent First', 'Phone']);
      expect(rows[0]?.cells).toEqual(['Ann', '2125550100']);
    }
  });

  it('reads a sheet whose elements carry a namespace prefix (<x:row>)', () => {
    const path = join(tempDir(), 'prefixed.xlsx');
    writeXlsx(
      path,
      [
        ['Phone', 'Name'],
        [2125550100, { inline: 'Ann' }],
        ['3125550142', 'Bob'],
      ],
      { prefix: 'x' },
    );
    const { headers, rows } = readPath(path);
    expect(headers).toEqual(['Phone', 'Name']);
    expect(rows).toEqual([
      { row: 1, cells: ['2125550100', 'Ann'] },
      { row: 2, cells: ['3125550142', 'Bob'] },
    ]);
  });

  it('reads an uncompressed workbook too', () => {
    const path = join(tempDir(), 'stored.xlsx');
    writeXlsx(path, [['Mobile'], ['2125550100']], { level: 0 });
    expect(readPath(path).rows).toEqual([{ row: 1, cells: ['2125550100'] }]);
  });

  it('refuses a damaged workbook with a clear reason', () => {
    const path = join(tempDir(), 'broken.xlsx');
    writeXlsx(path, [['Phone'], ['2125550100']]);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 30));
    expect(() => readPath(path)).toThrow(
      /^broken\.xlsx: this Excel file cannot be read: .*save it again/,
    );
  });

  it('refuses a header-only workbook from the service side, but reads its header here', () => {
    const path = join(tempDir(), 'header.xlsx');
    writeXlsx(path, [['Phone', 'Name']]);
    const { headers, rows } = readPath(path);
    expect(headers).toEqual(['Phone', 'Name']);
    expect(rows).toEqual([]);
  });
});

describe('Excel habits in CSV', () => {
  it('reads ="…" text cells as the text inside', () => {
    const { rows } = read(
      'excel.csv',
      'Phone,Code\n="02125550100",="007"\n"=""2125550101""",="a""b"\n',
    );
    expect(rows.map((r) => r.cells)).toEqual([
      ['02125550100', '007'],
      ['2125550101', 'a"b'],
    ]);
  });
});
