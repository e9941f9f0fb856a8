import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../../electron/send/csv';

/** The one CSV cell writer every export uses (results, audit trail, a campaign file's list). */
describe('csvCell', () => {
  it('defuses every cell a spreadsheet could run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x","click")')).toBe(`"'=HYPERLINK(""http://x"",""click"")"`);
    expect(csvCell('+SUM(A1:A9)')).toBe(`'+SUM(A1:A9)`);
    expect(csvCell("-2+3+cmd|' /C calc'!A0")).toBe(`'-2+3+cmd|' /C calc'!A0`);
    expect(csvCell('@SUM(1)')).toBe(`'@SUM(1)`);
    expect(csvCell('\t=1+1')).toBe(`'\t=1+1`);
    expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`);
    expect(csvCell('\t5')).toBe(`'\t5`);
    expect(csvCell('-')).toBe(`'-`);
    expect(csvCell('+')).toBe(`'+`);
  });

  it('leaves phone numbers and plain numbers readable', () => {
    expect(csvCell('+12125550142')).toBe('+12125550142');
    expect(csvCell('+1 (212) 555-0142')).toBe('+1 (212) 555-0142');
    expect(csvCell('+44 7911 123456')).toBe('+44 7911 123456');
    expect(csvCell('-42.50')).toBe('-42.50');
    expect(csvCell('2125550142')).toBe('2125550142');
  });

  it('quotes delimiters, quotes and line breaks, and ends a line with CRLF', () => {
    expect(csvCell('Ann, Jr.')).toBe('"Ann, Jr."');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvLine(['=1', '+12125550142', 'Ann'])).toBe(`'=1,+12125550142,Ann\r\n`);
  });

  it("quotes the file's own delimiter when writing into a list that uses another (results written back)", () => {
    expect(csvCell('Dee; Eve', ';')).toBe('"Dee; Eve"');
    expect(csvCell('Dee, Eve', ';')).toBe('Dee, Eve');
    expect(csvCell('a\tb', '\t')).toBe('"a\tb"');
    // A line's cells are written with the comma, whatever the cell's position.
    expect(csvLine(['10', '0', 'x0'])).toBe('10,0,x0\r\n');
  });
});
