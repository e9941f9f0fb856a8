import { z } from 'zod';
import { detectPhoneColumn } from './columns';

/**
 * Which row of a spreadsheet holds the column names. Office lists often start with a title
 * ("Parent contacts — Fall term"), a date or a blank line above the names; reading the title as
 * the names made the mapping step show nonsense. Pure logic: main guesses while reading, the
 * window and the CLI say what was guessed.
 */

/** A row of column names as a person names it: 1 is the first row (Excel's last is 1,048,576). */
export const headerRowSchema = z
  .number({ error: 'The row of the column names is a number, such as 3.' })
  .int('The row of the column names is a whole number, such as 3.')
  .min(1, 'The rows are numbered from 1.')
  .max(1_048_576, "Excel's last row is 1,048,576.");

/** The column names are looked for among the spreadsheet's first rows only. */
export const HEADER_SEARCH_ROWS = 10;

/** A non-blank row as the spreadsheet numbers it (1-based, blank rows counted). */
export interface NumberedRow {
  sheetRow: number;
  cells: readonly string[];
}

const LETTER = /\p{L}/u;
// A date written with separators has as many digits as a short phone number: never a phone.
const DATE = /^\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?:[ T].*)?$/;
const PHONE_TEXT = /^\s*\+?[\d\s().-]+(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,6})?\s*$/i;

/** A cell that reads like a phone number: 7 to 15 digits with only the usual punctuation. */
export function looksLikePhone(cell: string): boolean {
  if (!PHONE_TEXT.test(cell) || DATE.test(cell)) return false;
  const main = cell.replace(/(?:x|ext\.?|extension|#)\s*\d{1,6}\s*$/i, '');
  const digits = main.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15;
}

const filled = (cell: string | undefined) => cell !== undefined && cell.trim() !== '';

/**
 * Whether a row reads like column names: no phone number in it, and several cells of words
 * (one is enough when it names the phone column, a list of numbers only).
 */
function looksLikeNames(cells: readonly string[]): boolean {
  let words = 0;
  for (const cell of cells) {
    if (!filled(cell)) continue;
    if (looksLikePhone(cell)) return false;
    if (LETTER.test(cell)) words++;
  }
  return words >= 2 || (words === 1 && detectPhoneColumn(cells) >= 0);
}

/** How many of the data row's filled columns a row has a value in. */
function coverage(cells: readonly string[], data: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (filled(data[i]) && filled(cells[i])) n++;
  return n;
}

/**
 * The row holding the column names, from the first non-blank rows in order (a dozen or so: the
 * first rows of data are needed to judge). The names are the row right above the first row
 * with a phone number, when that row reads like names, lies among the first HEADER_SEARCH_ROWS,
 * names the phone number's column, and names more of the data's columns than the first row
 * does, which must not itself name the phone column. Otherwise, unsure, the first non-blank row
 * (what the app always read): a file whose first row is names keeps it even when the people
 * right under it have their numbers missing or written as words.
 */
export function guessHeaderRow(rows: readonly NumberedRow[]): number {
  const first = rows[0];
  if (!first) return 1;
  const dataAt = rows.findIndex((r) =>
    r.cells.some((cell) => filled(cell) && looksLikePhone(cell)),
  );
  if (dataAt <= 1) return first.sheetRow;
  const data = rows[dataAt]!;
  const names = rows[dataAt - 1]!;
  if (names.sheetRow > HEADER_SEARCH_ROWS || !looksLikeNames(names.cells)) return first.sheetRow;
  const phoneAt = data.cells.findIndex((cell) => filled(cell) && looksLikePhone(cell));
  if (!filled(names.cells[phoneAt])) return first.sheetRow;
  // A first row that names the phone column over the numbers, or as many of the data's columns,
  // is the names, and the row found is a person whose number is missing or written as words.
  const firstIsNames =
    first.cells.filter(filled).length >= 2 &&
    looksLikeNames(first.cells) &&
    detectPhoneColumn(first.cells) === phoneAt;
  if (firstIsNames || coverage(names.cells, data.cells) <= coverage(first.cells, data.cells))
    return first.sheetRow;
  return names.sheetRow;
}

/** "Row 1", "Rows 1–2": the rows above the column names, for the sentences below. */
function rowsAbove(headerRow: number): string {
  return headerRow === 2 ? 'Row 1' : `Rows 1–${headerRow - 1}`;
}

/**
 * What the window says when the app took the names from a row below the first: "Rows 1–2 look
 * like a title; the column names are on row 3."
 */
export function describeGuessedHeaderRow(headerRow: number): string {
  const above = rowsAbove(headerRow);
  return `${above} ${headerRow === 2 ? 'looks' : 'look'} like a title; the column names are on row ${headerRow}.`;
}

/** Said once a person chose the row: "Rows 1–3 above the column names are not imported." */
export function describeChosenHeaderRow(headerRow: number): string {
  if (headerRow <= 1) return 'The column names are on row 1.';
  return `${rowsAbove(headerRow)} above the column names ${headerRow === 2 ? 'is' : 'are'} not imported.`;
}
