import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../shared/errors';
import { CsvLimitError, CsvParser, CsvSyntaxError, detectDelimiter } from './csv';
import { LIMITS, TableLimitError } from './limits';
import { HEADER_SEARCH_ROWS, guessHeaderRow } from '../../shared/recipients/header-row';
import { XlsxFormatError, readXlsx, type CellProblem } from './xlsx';

export type { CellProblem };

/**
 * Opens a spreadsheet a person brought (CSV in any of the usual encodings and delimiters, or
 * .xlsx), streams it, and hands over the header once and then each non-blank data row with its
 * 1-based data-row number. Everything is synchronous so the caller can hold one transaction.
 */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface TableInfo {
  fileName: string;
  format: 'csv' | 'xlsx';
  encoding: TextEncoding | null;
  delimiter: string | null;
}

export interface TableHandlers {
  /** Called once with the header row; throw to refuse the file. */
  onHeader(headers: string[], info: TableInfo, sheetRow: number): void;
  /**
   * Called, before onHeader, for each non-blank row above the column names (a title, a date)
   * when they are not on the first non-blank row: those rows are not imported.
   */
  onAbove?(cells: string[], sheetRow: number): void;
  /**
   * Called for each non-blank data row; `row` is 1-based, header excluded, blanks skipped.
   * `problems` lists the cells of an .xlsx row that could not be shown (an error such as #N/A,
   * or a formula saved without its result); those cells are empty. CSV rows have none.
   * `sheetRow` is the row as a spreadsheet program numbers it: the CSV record (blank ones
   * counted), or the .xlsx row's own number (what writing results back aligns to).
   * `line` is where a person finds the row: the physical line of a CSV where its record starts
   * (the header and every line of a multi-line quoted cell counted, as a text editor numbers
   * them), or the .xlsx row's number.
   */
  onRow(
    cells: string[],
    row: number,
    problems: readonly CellProblem[] | undefined,
    sheetRow: number,
    line: number,
  ): void;
  /** A CSV's bytes parsed so far and its size, after each chunk (for a progress bar; .xlsx has none). */
  onBytes?(read: number, size: number): void;
}

/**
 * Rows of a CSV whose decoded text holds replacement characters (U+FFFD): bytes the encoding
 * could not read (a UTF-8 BOM in front of Windows-1252 accents, say), or a file already damaged.
 */
export interface EncodingDoubt {
  /** The first few affected rows, as a spreadsheet program numbers them (the header is row 1). */
  sheetRows: number[];
  /** How many rows are affected. */
  count: number;
}

export interface TableResult {
  info: TableInfo;
  headers: string[];
  /** The row holding the column names, as the spreadsheet numbers it. */
  headerRow: number;
  /** Non-blank rows above the column names, not read as data. */
  skippedRows: number;
  rows: number;
  sha256: string;
  /** Null when every character was read (always null for .xlsx, which has no encoding to doubt). */
  encodingDoubt: EncodingDoubt | null;
}

export interface ReadOptions {
  /** Read a CSV in this encoding instead of the one guessed from its bytes (a BOM is still skipped). */
  encoding?: TextEncoding;
  /**
   * Where the column names are: a row as the spreadsheet numbers it (rows above it are not
   * read as data), or 'guess' (guessHeaderRow on the first rows). Without it, the first
   * non-blank row, as lists were always read.
   */
  headerRow?: number | 'guess';
}

const DOUBT_ROWS_KEPT = 5;

const CHUNK = 1 << 16;

/** The file's problem, in words that name the file (and the line or row where there is one). */
export function importError(fileName: string, message: string, cause?: unknown): AppError {
  return new AppError('invalid_input', `${fileName}: ${message}`, cause ? { cause } : undefined);
}

/** A file past one of LIMITS: refused as soon as it is seen, before it can fill memory. */
function limitError(fileName: string, error: Error): AppError {
  return importError(
    fileName,
    `the app stopped reading this file because ${error.message}. If it is the list you meant, open it in Excel, keep only the recipients' columns and rows, and save it again.`,
    error,
  );
}

// Excel's way to keep digits as text in a CSV: ="0044 7911 123456". Read it as the text inside.
const EXCEL_TEXT = /^="(.*)"$/s;

function unwrapExcelText(cells: string[]): void {
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (cell.charCodeAt(0) === 61 && cell.charCodeAt(1) === 34) {
      const match = EXCEL_TEXT.exec(cell);
      if (match) cells[i] = match[1]!.replace(/""/g, '"');
    }
  }
}

function isBlank(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell.trim() !== '') return false;
  return true;
}

function* chunks(fd: number, from = 0): Generator<Buffer> {
  let position = from;
  for (;;) {
    const buffer = Buffer.allocUnsafe(CHUNK);
    const n = readSync(fd, buffer, 0, CHUNK, position);
    if (n === 0) return;
    position += n;
    yield n === CHUNK ? buffer : buffer.subarray(0, n);
  }
}

/** The SHA-256 of an open file, read in chunks (the list's identity: write-back checks it). */
export function hashFile(fd: number): string {
  const hash = createHash('sha256');
  for (const chunk of chunks(fd)) hash.update(chunk);
  return hash.digest('hex');
}

function bomLength(head: Buffer): number {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 3;
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return 2;
  return 0;
}

/** The encoding, and how many BOM bytes to skip, from the first bytes and (without a BOM) a UTF-8 check. */
function sniffEncoding(
  fd: number,
  head: Buffer,
  fileName: string,
): { encoding: TextEncoding; skip: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
    return { encoding: 'utf-8', skip: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  let evenZeros = 0;
  let oddZeros = 0;
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0) {
      if (i % 2 === 0) evenZeros++;
      else oddZeros++;
    } else if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) {
      controls++;
    }
  }
  const half = head.length / 2;
  // UTF-16 text without a BOM: ASCII characters leave every other byte zero.
  if (oddZeros > half * 0.4 && evenZeros < half * 0.05) return { encoding: 'utf-16le', skip: 0 };
  if (evenZeros > half * 0.4 && oddZeros < half * 0.05) return { encoding: 'utf-16be', skip: 0 };
  if (evenZeros + oddZeros > 0 || controls > head.length * 0.05) {
    throw importError(
      fileName,
      'this is not a spreadsheet the app can read: it looks like a binary file. Save it from Excel as CSV or Excel Workbook (.xlsx).',
    );
  }
  // No BOM: UTF-8 when every byte sequence is valid UTF-8, otherwise the Windows code page.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for (const chunk of chunks(fd)) decoder.decode(chunk, { stream: true });
    decoder.decode();
    return { encoding: 'utf-8', skip: 0 };
  } catch {
    return { encoding: 'windows-1252', skip: 0 };
  }
}

export function readTable(
  path: string,
  handlers: TableHandlers,
  options: ReadOptions = {},
): TableResult {
  const fileName = basename(path);
  let fd: number;
  try {
    if (statSync(path).isDirectory()) throw importError(fileName, 'this is a folder, not a file.');
    fd = openSync(path, 'r');
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'the file does not exist (it may have been moved or renamed).'
        : code === 'EACCES' || code === 'EPERM'
          ? 'the app is not allowed to read this file.'
          : `the file cannot be opened (${(error as Error).message}).`;
    throw importError(fileName, why, error);
  }
  try {
    const head = Buffer.alloc(4096);
    const headLength = readSync(fd, head, 0, head.length, 0);
    const first = head.subarray(0, headLength);
    if (headLength === 0) throw importError(fileName, 'the file is empty.');
    const sha256 = hashFile(fd);
    if (first[0] === 0x50 && first[1] === 0x4b && first[2] === 0x03 && first[3] === 0x04) {
      return {
        ...readWorkbook(path, fileName, handlers, options.headerRow),
        sha256,
        encodingDoubt: null,
      };
    }
    if (first[0] === 0xd0 && first[1] === 0xcf && first[2] === 0x11 && first[3] === 0xe0) {
      throw importError(
        fileName,
        'this is an old-style Excel file (.xls). Open it in Excel and save it as Excel Workbook (.xlsx) or CSV.',
      );
    }
    const sniffed = sniffEncoding(fd, first, fileName);
    // A person's choice wins over the guess; the BOM's bytes are never text in any encoding.
    const encoding = options.encoding ?? sniffed.encoding;
    const skip = options.encoding ? bomLength(first) : sniffed.skip;
    return {
      ...readCsv(fd, fileName, encoding, skip, handlers, statSync(path).size, options.headerRow),
      sha256,
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * A byte-order mark left in the first column name: a UTF-8 BOM read as Windows-1252 ("ï»¿") by
 * the program that saved the file (LibreOffice or Excel opening a CSV, then saving it as .xlsx),
 * or the mark itself kept as a character. Left in, the column's merge field became
 * {{ï-parent-first}} and the message's {{parent-first}} no longer matched it.
 */
const STRAY_BOM = /^(?:\uFEFF|\u00EF\u00BB\u00BF)+/;

/** Non-blank rows held back for the guess: the first rows, and a few under them to see the data. */
const GUESS_ROWS = HEADER_SEARCH_ROWS + 5;

interface HeldRow {
  cells: string[];
  problems: readonly CellProblem[] | undefined;
  sheetRow: number;
  line: number;
}

/**
 * Feeds header and data rows to the handlers, skipping blank rows and numbering the rest. The
 * column names are the first non-blank row, the row asked for (rows above it go to onAbove), or
 * the row guessed from the first ones, which are held back until the guess is made.
 */
function rowSink(
  fileName: string,
  info: TableInfo,
  handlers: TableHandlers,
  headerRow: ReadOptions['headerRow'],
) {
  let headers: string[] | null = null;
  let headerAt = 0;
  let skipped = 0;
  let row = 0;
  let records = 0;
  let first = true;
  /** The row of the names once known (undefined: the first non-blank row). */
  let wanted = headerRow === 'guess' ? undefined : headerRow;
  let held: HeldRow[] | null = headerRow === 'guess' ? [] : null;

  const blankNames = (at: number) =>
    importError(
      fileName,
      `row ${at} was to hold the column names, but it is blank. Choose the row that holds them (such as "Phone" and "First Name").`,
    );

  const place = (
    cells: string[],
    problems: readonly CellProblem[] | undefined,
    sheetRow: number,
    line: number,
  ): void => {
    if (headers !== null) {
      row++;
      handlers.onRow(cells, row, problems, sheetRow, line);
      return;
    }
    if (wanted !== undefined && sheetRow < wanted) {
      skipped++;
      handlers.onAbove?.(cells, sheetRow);
      return;
    }
    // The row asked for was left out of the sheet (an .xlsx writes no blank rows).
    if (wanted !== undefined && sheetRow > wanted) throw blankNames(wanted);
    headers = cells.map((h) => h.trim());
    headerAt = sheetRow;
    handlers.onHeader(headers, info, sheetRow);
  };

  const decide = (rows: HeldRow[]): void => {
    held = null;
    wanted = guessHeaderRow(rows);
    for (const r of rows) place(r.cells, r.problems, r.sheetRow, r.line);
  };

  return {
    /** One record or sheet row; `sheetRow` defaults to counting them (a CSV's records). */
    take(
      cells: string[],
      problems?: readonly CellProblem[],
      sheetRow: number = records + 1,
      line: number = sheetRow,
    ): void {
      records = sheetRow;
      if (isBlank(cells) && !problems) {
        if (headers === null && sheetRow === wanted) throw blankNames(sheetRow);
        return;
      }
      if (first) {
        first = false;
        if (cells.length > 0) cells[0] = cells[0]!.replace(STRAY_BOM, '');
      }
      if (held) {
        held.push({ cells, problems, sheetRow, line });
        if (held.length >= GUESS_ROWS) decide(held);
        return;
      }
      place(cells, problems, sheetRow, line);
    },
    finish(): { headers: string[]; headerRow: number; skippedRows: number; rows: number } {
      if (held) decide(held);
      if (headers === null) {
        if (wanted !== undefined && records > 0)
          throw importError(
            fileName,
            `row ${wanted} was to hold the column names, but the file ends on row ${records}. Choose the row that holds them.`,
          );
        throw importError(fileName, 'the file has no header row and no data: it is empty.');
      }
      return { headers, headerRow: headerAt, skippedRows: skipped, rows: row };
    },
  };
}

function readCsv(
  fd: number,
  fileName: string,
  encoding: TextEncoding,
  skip: number,
  handlers: TableHandlers,
  size: number,
  headerRow: ReadOptions['headerRow'],
): Omit<TableResult, 'sha256'> {
  const decoder = new TextDecoder(encoding);
  const doubtRows: number[] = [];
  let doubtCount = 0;
  let record = 0;
  let parser: CsvParser | null = null;
  let info: TableInfo | null = null;
  let sink: ReturnType<typeof rowSink> | null = null;
  let read = skip;
  try {
    for (const chunk of chunks(fd, skip)) {
      read += chunk.length;
      let text = decoder.decode(chunk, { stream: true });
      if (!parser) {
        // A UTF-8 BOM can also hide behind a UTF-16 one or reappear after a bad save: drop it.
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        info = { fileName, format: 'csv', encoding, delimiter: detectDelimiter(text) };
        const s = (sink = rowSink(fileName, info, handlers, headerRow));
        parser = new CsvParser(
          info.delimiter!,
          (cells, line) => {
            // Records counted as the sink counts them: the row a spreadsheet program shows.
            record++;
            if (cells.some((cell) => cell.includes('\uFFFD'))) {
              doubtCount++;
              if (doubtRows.length < DOUBT_ROWS_KEPT) doubtRows.push(line);
            }
            unwrapExcelText(cells);
            s.take(cells, undefined, record, line);
          },
          {
            cellLength: LIMITS.cellLength,
            cells: LIMITS.columns,
            recordLength: LIMITS.recordLength,
            records: LIMITS.rows,
          },
        );
      }
      parser.push(text);
      handlers.onBytes?.(read, size);
    }
    if (!parser || !sink || !info) throw importError(fileName, 'the file is empty.');
    parser.push(decoder.decode());
    parser.end();
    const encodingDoubt = doubtCount > 0 ? { sheetRows: doubtRows, count: doubtCount } : null;
    return { info, ...sink.finish(), encodingDoubt };
  } catch (error) {
    if (error instanceof CsvLimitError) throw limitError(fileName, error);
    if (error instanceof CsvSyntaxError) throw importError(fileName, error.message, error);
    throw error;
  }
}

function readWorkbook(
  path: string,
  fileName: string,
  handlers: TableHandlers,
  headerRow: ReadOptions['headerRow'],
): Omit<TableResult, 'sha256' | 'encodingDoubt'> {
  const info: TableInfo = { fileName, format: 'xlsx', encoding: null, delimiter: null };
  const sink = rowSink(fileName, info, handlers, headerRow);
  try {
    // Cell, row and part sizes are checked inside the reader as the bytes arrive.
    readXlsx(path, (cells, sheetRow, problems) => sink.take(cells, problems, sheetRow));
  } catch (error) {
    if (error instanceof TableLimitError) throw limitError(fileName, error);
    if (error instanceof XlsxFormatError) {
      throw importError(
        fileName,
        `this Excel file cannot be read: ${error.message}. Open it in Excel and save it again.`,
        error,
      );
    }
    throw error;
  }
  return { info, ...sink.finish() };
}
