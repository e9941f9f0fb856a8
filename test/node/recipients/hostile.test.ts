import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CampaignService } from '../../../electron/campaigns/service';
import { openDatabase } from '../../../electron/db/open';
import { readTable } from '../../../electron/recipients/read-table';
import { RecipientService } from '../../../electron/recipients/service';
import { AppError } from '../../../shared/errors';
import {
  writeEndlessCsv,
  writeEntityBomb,
  writeExternalDtd,
  writeFarColumn,
  writeLongCsvCell,
  writeWideCsv,
  writeWorkbookWithSheet,
  writeZipBomb,
} from '../../helpers/hostile';
import { useTempDir } from '../../helpers/temp';

/**
 * The hostile corpus (test/helpers/hostile.ts) against the reader: every file is refused with a
 * message naming it and the limit it hit, and an import that fails keeps the stored list.
 * Time and memory for the same files are measured by `npm run bench:hostile`.
 */
const tempDir = useTempDir();

function refusal(path: string): string {
  try {
    readTable(path, { onHeader() {}, onRow() {} });
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_input');
    return (error as AppError).message;
  }
  throw new Error(`expected ${path} to be refused`);
}

const sheet = (rows: string) =>
  `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
  `<row r="1"><c r="A1" t="inlineStr"><is><t>Phone</t></is></c></row>${rows}</sheetData></worksheet>`;

describe('hostile spreadsheets are refused while reading', () => {
  it('a zip bomb (a sheet inflating to 2 GB) stops at the ratio limit', () => {
    const path = join(tempDir(), 'bomb.xlsx');
    writeZipBomb(path);
    expect(refusal(path)).toMatch(
      /^bomb\.xlsx: the app stopped reading this file because its part xl\/worksheets\/sheet1\.xml expands to more than 200 times its stored size, which is how a "zip bomb" is made/,
    );
  });

  it('a cell past column XFD is refused before the row is widened; XFD itself is read', () => {
    const dir = tempDir();
    writeFarColumn(join(dir, 'far.xlsx'));
    expect(refusal(join(dir, 'far.xlsx'))).toMatch(
      /^far\.xlsx: .*row 2 has a cell \(ZZZZZZ2\) past column XFD, Excel's last column \(16,384\)/,
    );
    writeFarColumn(join(dir, 'xfe.xlsx'), 'XFE2');
    expect(refusal(join(dir, 'xfe.xlsx'))).toMatch(/row 2 has a cell \(XFE2\) past column XFD/);
    writeFarColumn(join(dir, 'xfd.xlsx'), 'XFD2');
    const rows: string[][] = [];
    readTable(join(dir, 'xfd.xlsx'), { onHeader() {}, onRow: (cells) => void rows.push(cells) });
    expect(rows[0]).toHaveLength(16_384);
    expect(rows[0]![16_383]).toBe('x');
  });

  it('a DTD is refused, with or without an entity bomb in it', () => {
    const dir = tempDir();
    writeEntityBomb(join(dir, 'lol.xlsx'));
    expect(refusal(join(dir, 'lol.xlsx'))).toMatch(
      /^lol\.xlsx: .*its part xl\/sharedStrings\.xml declares a DTD \(<!DOCTYPE>\)/,
    );
    writeExternalDtd(join(dir, 'ext.xlsx'));
    expect(refusal(join(dir, 'ext.xlsx'))).toMatch(
      /^ext\.xlsx: .*its part xl\/worksheets\/sheet1\.xml declares a DTD/,
    );
  });

  it('a row past Excel last row, or one text run longer than the XML limit, is refused', () => {
    const dir = tempDir();
    writeWorkbookWithSheet(
      join(dir, 'deep.xlsx'),
      sheet('<row r="1048577"><c r="A1048577"><v>1</v></c></row>'),
    );
    expect(refusal(join(dir, 'deep.xlsx'))).toMatch(
      /^deep\.xlsx: .*goes past row 1,048,576, Excel's last row/,
    );
    // Random text does not compress, so this one is not caught as a bomb: the token limit stops it.
    const text = randomBytes(1.6 * 1024 * 1024).toString('base64');
    writeWorkbookWithSheet(
      join(dir, 'token.xlsx'),
      sheet(`<row r="2"><c r="A2" t="inlineStr"><is><t>${text}</t></is></c></row>`),
    );
    expect(refusal(join(dir, 'token.xlsx'))).toMatch(
      /^token\.xlsx: .*holds a value or tag longer than 2 million characters/,
    );
  });

  it('a cell or a row too long is refused as it grows', () => {
    const dir = tempDir();
    // Random text, so neither part looks like a zip bomb: the cell and row limits must stop them.
    const mb = randomBytes(786_432).toString('base64');
    expect(mb).toHaveLength(1024 * 1024);
    writeWorkbookWithSheet(
      join(dir, 'cell.xlsx'),
      sheet(
        `<row r="2"><c r="A2" t="inlineStr"><is><r><t>${mb}</t></r><r><t>b</t></r></is></c></row>`,
      ),
    );
    expect(refusal(join(dir, 'cell.xlsx'))).toMatch(
      /^cell\.xlsx: .*row 2 holds a cell longer than 1 million characters/,
    );
    // One long shared string used by nine cells: a small file, a long row.
    const cells = Array.from(
      { length: 9 },
      (_, i) => `<c r="${String.fromCharCode(65 + i)}2" t="s"><v>0</v></c>`,
    );
    writeWorkbookWithSheet(join(dir, 'row.xlsx'), sheet(`<row r="2">${cells.join('')}</row>`), {
      'xl/sharedStrings.xml': `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>${mb.slice(1)}</t></si></sst>`,
    });
    expect(refusal(join(dir, 'row.xlsx'))).toMatch(
      /^row\.xlsx: .*row 2 is longer than 8 million characters/,
    );
  });
});

describe('hostile CSV files are refused while reading', () => {
  it('a line of millions of commas stops at 16,384 values', () => {
    const path = join(tempDir(), 'wide.csv');
    writeWideCsv(path, 4);
    expect(refusal(path)).toMatch(
      /^wide\.csv: the app stopped reading this file because line 2 has more than 16,384 values/,
    );
  });

  it('exactly 16,384 values are read', () => {
    const path = join(tempDir(), 'xfd.csv');
    writeFileSync(path, `Phone${',h'.repeat(16_383)}\n2125550142${',v'.repeat(16_383)}\n`);
    const rows: string[][] = [];
    readTable(path, { onHeader() {}, onRow: (cells) => void rows.push(cells) });
    expect(rows[0]).toHaveLength(16_384);
  });

  it('a quoted value that never ends, a line too long, too many lines', () => {
    const dir = tempDir();
    writeLongCsvCell(join(dir, 'cell.csv'), 3);
    expect(refusal(join(dir, 'cell.csv'))).toMatch(
      /^cell\.csv: .*a value on line 2 is longer than 1024 KB/,
    );
    const value = 'c'.repeat(1000 * 1000);
    writeFileSync(join(dir, 'line.csv'), `Phone,Note\n2125550142${`,${value}`.repeat(9)}\n`);
    expect(refusal(join(dir, 'line.csv'))).toMatch(
      /^line\.csv: .*line 2 is longer than 8 million characters/,
    );
    writeEndlessCsv(join(dir, 'endless.csv'));
    expect(refusal(join(dir, 'endless.csv'))).toMatch(
      /^endless\.csv: .*more than 1,048,576 lines, Excel's last row/,
    );
  });
});

describe('a hostile file imported over a stored list', () => {
  it('leaves the previous list exactly as it was', () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'db.sqlite'));
    const campaign = new CampaignService({ db }).create('Clinic reminders');
    const recipients = new RecipientService({ db });
    writeFileSync(join(dir, 'good.csv'), 'Phone,Name\n2125550142,Ann\n3125550142,Bob\n');
    recipients.import({ campaignId: campaign.id, filePath: join(dir, 'good.csv') });
    const before = recipients.page(campaign.id, { limit: 10 });
    const listBefore = recipients.getList(campaign.id);
    writeZipBomb(join(dir, 'bomb.xlsx'), 64);
    writeWideCsv(join(dir, 'wide.csv'), 1);
    for (const name of ['bomb.xlsx', 'wide.csv']) {
      expect(() =>
        recipients.import({ campaignId: campaign.id, filePath: join(dir, name) }),
      ).toThrow(new RegExp(`^${name.replace('.', '\\.')}: the app stopped reading`));
      expect(recipients.page(campaign.id, { limit: 10 })).toEqual(before);
      expect(recipients.getList(campaign.id)).toEqual(listBefore);
    }
    db.close();
  });
});
