import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** One CSV line (RFC 4180: quotes when needed, CRLF), with formula-looking cells defused. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: string): string {
  // A cell starting with = + - @ would run as a formula when the export is opened in a
  // spreadsheet; phone numbers (+1…) are the exception people expect to see as they are.
  let text = value;
  if (/^[=@]/.test(text) || (/^[+-]/.test(text) && !/^[+-]?[\d\s().-]+$/.test(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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
