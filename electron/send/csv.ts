import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * The one CSV writer for every export (results, audit trail, a campaign file's recipient list):
 * files people open in Excel, so no cell may run as a formula there.
 */

/** One CSV line (RFC 4180: quotes when needed, CRLF), each cell through csvCell. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((cell) => csvCell(cell)).join(',')}\r\n`;
}

// What a spreadsheet may take as the start of a formula (tab and CR too: Excel trims them).
const FORMULA_START = /^[=+\-@\t\r]/;
// A number or a phone number as people write it (+12125550142, -42.5, +1 (212) 555-0142):
// a sign, then only digits, spaces and ( ) . -. Nothing a formula needs to call a function or
// reach a cell or another program fits in that, so it is left readable.
const PLAIN_NUMBER = /^[+-]?[\d ().-]*\d[\d ().-]*$/;

/**
 * One cell: a value that could start a formula gets a leading single quote (the OWASP advice;
 * Excel shows it as part of the text), except plain numbers and phone numbers, which stay as
 * they are; then quoted when it holds the delimiter (a comma unless the file uses another), a
 * quote or a line break.
 */
export function csvCell(value: string, delimiter = ','): string {
  const text = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
  const needsQuotes = /["\r\n]/.test(text) || text.includes(delimiter);
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes lines to `path` through a temporary file renamed into place, so a half-written export
 * never replaces a good one. A UTF-8 BOM lets Excel read accents correctly.
 */
export function writeLines(path: string, lines: Iterable<string>): number {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  let count = 0;
  try {
    writeSync(fd, '\uFEFF');
    let buffer = '';
    for (const line of lines) {
      buffer += line;
      count++;
      if (buffer.length > 64 * 1024) {
        writeSync(fd, buffer);
        buffer = '';
      }
    }
    writeSync(fd, buffer);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  return count;
}
