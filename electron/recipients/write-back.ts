import {
  closeSync,
  fsyncSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { constants as zlib, crc32, deflateRawSync } from 'node:zlib';
import { AppError } from '../../shared/errors';
import { csvCell } from '../send/csv';
import { hashFile, readTable, type TableInfo } from './read-table';
import { columnIndex, columnLetters, worksheetPath, XlsxFormatError } from './xlsx';
import { ZipFormatError, ZipReader } from './zip';

/**
 * Results written into a copy of the spreadsheet a list was imported from: the same format,
 * every original byte kept, and new columns appended after the sheet's last column on the header
 * row and on every data row. Blank rows, rows above the header and everything else stay as
 * they are.
 *
 * - CSV: the file is copied record by record as bytes (delimiter, quoting, encoding and BOM, and
 *   each record's own line ending untouched); the new cells go just before each record's line
 *   ending, in the file's delimiter and encoding.
 * - .xlsx: every part of the archive is copied as stored (styles, widths, other sheets, number
 *   formats, even the compressed bytes), except the worksheet the list was read from, where the
 *   new cells go in as inline strings (so the shared strings stay untouched) at the end of their
 *   rows, and the dimension and row spans are widened to include them.
 *
 * Rows are matched as the import numbered them (readTable); the copy is written only from the
 * very file that was imported (same SHA-256), and a file whose rows cannot be matched one to
 * one stops the copy instead of writing results next to the wrong people.
 */

export interface WriteBackColumns {
  /** The new columns' names. */
  headers: readonly string[];
  /**
   * The new cells of data row `row` (1-based, as imported), asked once per data row in order.
   * `sheetRowOf` gives an earlier data row's number as the spreadsheet shows it.
   */
  cells(row: number, sheetRowOf: (row: number) => number): readonly string[];
}

export interface WriteBackOptions {
  /** The spreadsheet the list was imported from. */
  source: string;
  /** The list's SHA-256 as imported: any other file is refused. */
  sha256: string;
  /** A CSV's encoding as imported (it may have been chosen over the guess); guessed when null. */
  encoding?: TableInfo['encoding'];
  /**
   * The row that held the column names when the list was imported; null or absent: the first
   * non-blank row (lists imported before it was kept). Rows above it are copied as they are.
   */
  headerRow?: number | null;
  /** Where the copy goes (written through a temporary file renamed into place). */
  out: string;
  columns: WriteBackColumns;
}

export interface WriteBackResult {
  format: 'csv' | 'xlsx';
  /** Data rows written (the header not counted). */
  rows: number;
}

/** How the file's rows lie, from a first reading with the importer's own reader. */
interface Layout {
  info: TableInfo;
  headerRow: number;
  headerWidth: number;
  /** Spreadsheet row of each data row, in order. */
  dataRows: number[];
  /** Cells of each data row as read (CSV: used to check the second pass lines up). */
  dataWidths: number[];
  /** Cells on the widest row: the new columns start after it. */
  width: number;
}

/** The copy could not be matched to the list row for row: nothing is written. */
function mismatch(fileName: string, detail: string): AppError {
  return new AppError(
    'invalid_input',
    `${fileName}: the results could not be matched to its rows one for one (${detail}), so no copy was written. Choose the file exactly as it was imported.`,
  );
}

/** Whether two paths name the same file (through links, and case-blind where the disk is). */
export function sameFile(a: string, b: string): boolean {
  const real = (path: string) => {
    const full = resolve(path);
    try {
      return realpathSync(full);
    } catch {
      try {
        return join(realpathSync(dirname(full)), basename(full));
      } catch {
        return full;
      }
    }
  };
  const [x, y] = [real(a), real(b)];
  if (x === y) return true;
  if (
    (process.platform === 'win32' || process.platform === 'darwin') &&
    x.toLowerCase() === y.toLowerCase()
  )
    return true;
  try {
    const [s, t] = [statSync(x), statSync(y)];
    return s.dev === t.dev && s.ino === t.ino;
  } catch {
    return false;
  }
}

function sha256Of(path: string): string {
  const fd = openSync(path, 'r');
  try {
    return hashFile(fd);
  } finally {
    closeSync(fd);
  }
}

function readLayout(
  source: string,
  encoding: TableInfo['encoding'] | undefined,
  headerRow: number | null | undefined,
): Layout {
  let namesRow = 0;
  let headerWidth = 0;
  let width = 0;
  const dataRows: number[] = [];
  const dataWidths: number[] = [];
  const table = readTable(
    source,
    {
      onHeader: (headers, _info, sheetRow) => {
        namesRow = sheetRow;
        headerWidth = headers.length;
        width = headers.length;
      },
      onRow: (cells, _row, _problems, sheetRow) => {
        dataRows.push(sheetRow);
        dataWidths.push(cells.length);
        if (cells.length > width) width = cells.length;
      },
    },
    { ...(encoding ? { encoding } : {}), ...(headerRow ? { headerRow } : {}) },
  );
  return { info: table.info, headerRow: namesRow, headerWidth, dataRows, dataWidths, width };
}

/**
 * Refuses any file but the one the list was imported from (by its SHA-256), in words that say
 * why: results sit next to the right people only in a copy of that very file.
 */
export function assertImported(path: string, sha256: string): void {
  const fileName = basename(path);
  let actual: string;
  try {
    actual = sha256Of(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError(
      'invalid_input',
      code === 'ENOENT'
        ? `${fileName}: the file does not exist (it may have been moved or renamed). Choose the spreadsheet the list was imported from.`
        : `${fileName}: the file cannot be read (${code ?? (error as Error).message}).`,
    );
  }
  if (actual !== sha256) {
    throw new AppError(
      'invalid_input',
      `${fileName} is not the file this list was imported from: its content differs (it may have been edited and saved since). Results are written only into a copy of that very file, so they sit next to the right people. Choose the spreadsheet as it was imported.`,
    );
  }
}

export function writeBack(options: WriteBackOptions): WriteBackResult {
  const fileName = basename(options.source);
  assertImported(options.source, options.sha256);
  const layout = readLayout(options.source, options.encoding, options.headerRow);
  const temp = `${options.out}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = openSync(temp, 'w');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError(
      'invalid_input',
      `${options.out} cannot be written (${code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'the app is not allowed to write there' : (code ?? (error as Error).message)}). Choose another place.`,
    );
  }
  const sheetRowOf = (row: number): number => layout.dataRows[row - 1] ?? row;
  try {
    if (layout.info.format === 'csv') writeCsvCopy(options, layout, fd, sheetRowOf);
    else writeXlsxCopy(options, layout, fd, sheetRowOf);
    fsyncSync(fd);
    closeSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    if (error instanceof XlsxFormatError || error instanceof ZipFormatError) {
      throw new AppError(
        'invalid_input',
        `${fileName}: this Excel file cannot be copied: ${error.message}.`,
      );
    }
    throw error;
  }
  renameSync(temp, options.out);
  return { format: layout.info.format, rows: layout.dataRows.length };
}

/** Buffered writes to a file descriptor; `position` counts every byte handed over. */
class Output {
  position = 0;
  readonly #fd: number;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(fd: number) {
    this.#fd = fd;
  }

  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#chunks.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    this.#size += bytes.length;
    this.position += bytes.length;
    if (this.#size >= 1 << 20) this.flush();
  }

  flush(): void {
    if (this.#size === 0) return;
    const all =
      this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size);
    let done = 0;
    while (done < all.length) done += writeSync(this.#fd, all, done, all.length - done);
    this.#chunks = [];
    this.#size = 0;
  }

  /** Overwrites bytes already written (a ZIP local header once its sizes are known). */
  patch(at: number, bytes: Buffer): void {
    this.flush();
    writeSync(this.#fd, bytes, 0, bytes.length, at);
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

const WINDOWS_1252: Map<number, number> = (() => {
  const decoder = new TextDecoder('windows-1252');
  const table = new Map<number, number>();
  for (let b = 0; b < 256; b++) table.set(decoder.decode(Uint8Array.of(b)).charCodeAt(0), b);
  return table;
})();

/** Text in the file's own encoding (a character Windows-1252 lacks becomes "?"). */
function encoderFor(encoding: TableInfo['encoding']): (text: string) => Buffer {
  switch (encoding) {
    case 'utf-16le':
      return (text) => Buffer.from(text, 'utf16le');
    case 'utf-16be':
      return (text) => Buffer.from(text, 'utf16le').swap16();
    case 'windows-1252':
      return (text) =>
        Buffer.from(Array.from(text, (ch) => WINDOWS_1252.get(ch.charCodeAt(0)) ?? 0x3f));
    default:
      return (text) => Buffer.from(text, 'utf8');
  }
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Walks the file's records the way CsvParser splits them (quotes only open a field at its start;
 * "" inside quotes is a quote; CRLF, LF and a lone CR end a record), over the raw bytes: one
 * byte per character in UTF-8 and Windows-1252 (every byte of a multi-byte UTF-8 character is
 * above 0x7F, so none is mistaken for a comma or a quote), two in UTF-16.
 */
function writeCsvCopy(
  options: WriteBackOptions,
  layout: Layout,
  fd: number,
  sheetRowOf: (row: number) => number,
): void {
  const { info } = layout;
  const fileName = info.fileName;
  const encode = encoderFor(info.encoding);
  const delimiter = info.delimiter ?? ',';
  const delimiterCode = delimiter.charCodeAt(0);
  const unit = info.encoding === 'utf-16le' || info.encoding === 'utf-16be' ? 2 : 1;
  const bigEndian = info.encoding === 'utf-16be';
  const out = new Output(fd);
  const cellsText = (cells: readonly string[], pad: number) =>
    encode(delimiter.repeat(pad) + cells.map((c) => delimiter + csvCell(c, delimiter)).join(''));

  let record = 1;
  let fields = 1;
  let consumed = 0;
  let unitsInRecord = 0;
  let inQuotes = false;
  let afterQuote = false;
  let skipLf = false;
  let nextData = 0;
  let headerDone = false;

  /** What goes before the line ending of the record that just ended. */
  const insertion = (): Buffer | null => {
    if (record === layout.headerRow) {
      headerDone = true;
      if (fields !== layout.headerWidth)
        throw mismatch(fileName, `the header has ${fields} columns on a second reading`);
      return cellsText(options.columns.headers, layout.width - fields);
    }
    if (nextData < layout.dataRows.length && record === layout.dataRows[nextData]) {
      const width = layout.dataWidths[nextData]!;
      if (fields !== width)
        throw mismatch(
          fileName,
          `line ${record} has ${fields} values on a second reading, ${width} on the first`,
        );
      nextData++;
      return cellsText(options.columns.cells(nextData, sheetRowOf), layout.width - fields);
    }
    return null;
  };

  const input = openSync(options.source, 'r');
  try {
    const head = Buffer.alloc(4);
    const headLength = readSync(input, head, 0, 4, 0);
    let skip = 0;
    if (headLength >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) skip = 3;
    else if (
      headLength >= 2 &&
      ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
    )
      skip = 2;
    // The importer also drops one U+FEFF right after the BOM (a BOM saved twice): not a character of the first cell.
    let firstUnit = true;

    const buffer = Buffer.allocUnsafe(1 << 16);
    let carry: Buffer | null = null;
    let position = 0;
    for (;;) {
      const n = readSync(input, buffer, 0, buffer.length, position);
      if (n === 0) break;
      position += n;
      let chunk: Buffer = buffer.subarray(0, n);
      if (carry) {
        chunk = Buffer.concat([carry, chunk]);
        carry = null;
      }
      let i = 0;
      let emitted = 0;
      if (skip > 0) {
        i = Math.min(skip, chunk.length);
        skip -= i;
      }
      const usable = chunk.length - ((chunk.length - i) % unit);
      for (; i < usable; i += unit) {
        const c =
          unit === 1
            ? chunk[i]!
            : bigEndian
              ? (chunk[i]! << 8) | chunk[i + 1]!
              : chunk[i]! | (chunk[i + 1]! << 8);
        if (firstUnit) {
          firstUnit = false;
          if (
            c === 0xfeff ||
            (unit === 1 && c === 0xef && chunk[i + 1] === 0xbb && chunk[i + 2] === 0xbf)
          ) {
            i += unit === 1 ? 2 : 0;
            continue;
          }
        }
        if (skipLf) {
          skipLf = false;
          if (c === LF) continue;
        }
        if (inQuotes) {
          if (c === QUOTE) {
            inQuotes = false;
            afterQuote = true;
          }
          unitsInRecord++;
          continue;
        }
        if (afterQuote) {
          afterQuote = false;
          if (c === QUOTE) {
            inQuotes = true;
            unitsInRecord++;
            continue;
          }
        }
        if (c === delimiterCode) {
          fields++;
          consumed = 0;
          unitsInRecord++;
        } else if (c === LF || c === CR) {
          const add = insertion();
          if (add) {
            out.write(chunk.subarray(emitted, i));
            out.write(add);
            emitted = i;
          }
          record++;
          fields = 1;
          consumed = 0;
          unitsInRecord = 0;
          if (c === CR) skipLf = true;
        } else {
          if (c === QUOTE && consumed === 0) inQuotes = true;
          consumed++;
          unitsInRecord++;
        }
      }
      out.write(chunk.subarray(emitted, usable));
      if (usable < chunk.length) carry = Buffer.from(chunk.subarray(usable));
    }
    if (carry) out.write(carry);
    // A last record without a line ending.
    if (unitsInRecord > 0 || fields > 1) {
      const add = insertion();
      if (add) out.write(add);
      record++;
    }
  } finally {
    closeSync(input);
  }
  out.flush();
  if (!headerDone || nextData !== layout.dataRows.length) {
    throw mismatch(
      fileName,
      `${nextData} of ${layout.dataRows.length} rows were found on a second reading`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// .xlsx

/** A character XML 1.0 cannot hold at all (control characters other than tab and line breaks). */
const notXml = (code: number) =>
  (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
  code === 0xfffe ||
  code === 0xffff;

const escapeXml = (text: string) =>
  Array.from(text, (ch) => (notXml(ch.charCodeAt(0)) ? '' : ch))
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');

function writeXlsxCopy(
  options: WriteBackOptions,
  layout: Layout,
  fd: number,
  sheetRowOf: (row: number) => number,
): void {
  const fileName = layout.info.fileName;
  const zip = new ZipReader(options.source);
  try {
    // Every entry is copied; an archive that names one twice could not be copied faithfully.
    const declared = zip.endRecord.readUInt16LE(10);
    if (declared !== zip.entries.size)
      throw new ZipFormatError('its archive lists the same part twice');
    const sheet = worksheetPath(zip);
    const out = new Output(fd);
    const offsets = new Map<string, number>();
    let sheetCentral: Buffer | null = null;
    for (const entry of zip.entries.values()) {
      offsets.set(entry.name, out.position);
      if (entry.name !== sheet) {
        zip.copyEntry(entry.name, (bytes) => out.write(bytes));
        continue;
      }
      // The worksheet: a new local header (sizes and CRC patched in once known), then the part deflated.
      const original = zip.localHeader(entry.name);
      const nameLength = original.readUInt16LE(26);
      const header = Buffer.alloc(30 + nameLength);
      original.copy(header, 0, 0, 30);
      original.copy(header, 30, 30, 30 + nameLength);
      const flags = original.readUInt16LE(6) & 0x0800;
      header.writeUInt16LE(20, 4);
      header.writeUInt16LE(flags, 6);
      header.writeUInt16LE(8, 8);
      header.writeUInt32LE(0, 14);
      header.writeUInt32LE(0, 18);
      header.writeUInt32LE(0, 22);
      header.writeUInt16LE(0, 28);
      const at = out.position;
      out.write(header);
      let crc = 0;
      let size = 0;
      let compressed = 0;
      // The rewriter hands over many small pieces; they are compressed a megabyte at a time by
      // zlib. Each block ends on a sync flush (byte-aligned, not final) and the last one finishes
      // the stream, so the blocks put end to end are one deflate stream.
      let pieces: Buffer[] = [];
      let gathered = 0;
      const compress = (final: boolean) => {
        const block = Buffer.concat(pieces, gathered);
        pieces = [];
        gathered = 0;
        crc = crc32(block, crc);
        size += block.length;
        const data = deflateRawSync(block, {
          level: 6,
          finishFlush: final ? zlib.Z_FINISH : zlib.Z_SYNC_FLUSH,
        });
        compressed += data.length;
        out.write(data);
      };
      const rewriter = new SheetRewriter(layout, options.columns, sheetRowOf, fileName, (bytes) => {
        if (bytes.length === 0) return;
        // Copied: the reader reuses its chunk once the piece is handed over.
        pieces.push(Buffer.from(bytes));
        gathered += bytes.length;
        if (gathered >= 1 << 20) compress(false);
      });
      zip.readEntry(sheet, (chunk) =>
        rewriter.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)),
      );
      rewriter.end();
      compress(true);
      if (size > 0xffffffff || compressed > 0xffffffff)
        throw new ZipFormatError('its worksheet would be larger than 4 GB');
      const sizes = Buffer.alloc(12);
      sizes.writeUInt32LE(crc >>> 0, 0);
      sizes.writeUInt32LE(compressed, 4);
      sizes.writeUInt32LE(size, 8);
      out.patch(at + 14, sizes);
      sheetCentral = Buffer.from(entry.central);
      sheetCentral.writeUInt16LE(flags, 8);
      sheetCentral.writeUInt16LE(8, 10);
      sizes.copy(sheetCentral, 16);
    }
    const directoryAt = out.position;
    for (const entry of zip.entries.values()) {
      const record = entry.name === sheet ? sheetCentral! : Buffer.from(entry.central);
      record.writeUInt32LE(offsets.get(entry.name)!, 42);
      out.write(record);
    }
    const end = Buffer.from(zip.endRecord);
    end.writeUInt32LE(out.position - directoryAt, 12);
    end.writeUInt32LE(directoryAt, 16);
    out.write(end);
    out.flush();
  } finally {
    zip.close();
  }
}

const LT = 0x3c;
const GT = 0x3e;

/**
 * Rewrites a worksheet's XML as it streams through, as bytes: everything is passed on unchanged
 * except the <dimension> (widened), the header and data <row> start tags (spans widened) and the
 * new cells put in front of those rows' end tags. Tags are found by their '<' and '>' (a '>' in
 * a quoted attribute value is skipped; comments, CDATA and processing instructions are passed over).
 */
class SheetRewriter {
  readonly #layout: Layout;
  readonly #columns: WriteBackColumns;
  readonly #sheetRowOf: (row: number) => number;
  readonly #fileName: string;
  readonly #emit: (bytes: Buffer) => void;
  /** First new column (0-based): after the widest row and the dimension. */
  #first: number;
  #pending: Buffer = Buffer.alloc(0);
  #rowNumber = 0;
  #nextData = 0;
  #headerDone = false;
  /** The row being passed through, when it gets new cells. */
  #current: { cells: readonly string[]; row: number; prefix: string } | null = null;

  constructor(
    layout: Layout,
    columns: WriteBackColumns,
    sheetRowOf: (row: number) => number,
    fileName: string,
    emit: (bytes: Buffer) => void,
  ) {
    this.#layout = layout;
    this.#columns = columns;
    this.#sheetRowOf = sheetRowOf;
    this.#fileName = fileName;
    this.#emit = emit;
    this.#first = layout.width;
  }

  push(chunk: Buffer): void {
    this.#process(chunk, false);
  }

  end(): void {
    this.#process(Buffer.alloc(0), true);
    if (this.#pending.length > 0) {
      // Only a tag that never closes can be left (the reader refuses such XML): passed on as it is.
      this.#emit(this.#pending);
      this.#pending = Buffer.alloc(0);
    }
    if (!this.#headerDone || this.#nextData !== this.#layout.dataRows.length) {
      throw mismatch(
        this.#fileName,
        `${this.#nextData} of ${this.#layout.dataRows.length} rows were found in the worksheet on a second reading`,
      );
    }
  }

  #process(chunk: Buffer, final: boolean): void {
    const buf = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    let i = 0;
    let emitted = 0;
    for (;;) {
      const lt = buf.indexOf(LT, i);
      if (lt < 0) break;
      // Too few bytes to tell a comment or CDATA from a tag: wait for more (unless there is no more).
      if (!final && buf.length - lt < 9) break;
      let end: number;
      if (startsWith(buf, lt, '<!--')) end = after(buf, lt + 4, '-->');
      else if (startsWith(buf, lt, '<![CDATA[')) end = after(buf, lt + 9, ']]>');
      else if (startsWith(buf, lt, '<?')) end = after(buf, lt + 2, '?>');
      else end = tagEnd(buf, lt + 1);
      if (end < 0) break;
      // Only <row>, </row> and <dimension> can change: other tags (a hundred thousand <c>, <v>…)
      // are told apart by their bytes, without making a string of each.
      const replaced =
        buf[lt + 1] === 0x21 || buf[lt + 1] === 0x3f || !mayChange(buf, lt + 1, end)
          ? null
          : this.#tag(buf.subarray(lt, end));
      if (replaced) {
        this.#emit(buf.subarray(emitted, lt));
        this.#emit(replaced);
        emitted = end;
      }
      i = end;
    }
    // Whatever may be the start of an unfinished tag waits for the next chunk.
    const keepFrom = Math.max(emitted, firstIndexOrEnd(buf, i));
    this.#emit(buf.subarray(emitted, keepFrom));
    this.#pending = Buffer.from(buf.subarray(keepFrom));
  }

  /** A start or end tag: its replacement (with any cells in front of it), or null to pass it on. */
  #tag(tag: Buffer): Buffer | null {
    const text = tag.toString('utf8');
    const closing = text.charCodeAt(1) === 0x2f;
    const nameMatch = /^<\/?([^\s/>]+)/.exec(text);
    if (!nameMatch) return null;
    const fullName = nameMatch[1]!;
    const colon = fullName.indexOf(':');
    const name = colon < 0 ? fullName : fullName.slice(colon + 1);
    const prefix = colon < 0 ? '' : fullName.slice(0, colon + 1);
    if (closing) {
      if (name !== 'row' || !this.#current) return null;
      const { cells, row, prefix: p } = this.#current;
      this.#current = null;
      return Buffer.from(this.#cellsXml(cells, row, p) + text, 'utf8');
    }
    if (name === 'dimension') return this.#dimension(text);
    if (name !== 'row') return null;
    const r = attribute(text, 'r');
    this.#rowNumber = r !== undefined ? Number(r) : this.#rowNumber + 1;
    const selfClosing = text.endsWith('/>');
    let cells: readonly string[] | null = null;
    if (!this.#headerDone && this.#rowNumber === this.#layout.headerRow) {
      this.#headerDone = true;
      cells = this.#columns.headers;
    } else if (this.#headerDone && this.#rowNumber === this.#layout.dataRows[this.#nextData]) {
      this.#nextData++;
      cells = this.#columns.cells(this.#nextData, this.#sheetRowOf);
    }
    if (cells === null) return null;
    if (selfClosing)
      throw mismatch(
        this.#fileName,
        `row ${this.#rowNumber} of the worksheet is empty on a second reading`,
      );
    this.#current = { cells, row: this.#rowNumber, prefix };
    const spans = attribute(text, 'spans');
    if (spans === undefined) return null;
    const last = this.#first + this.#columns.headers.length;
    const widened = spans.replace(/(\d+)$/, (max) => String(Math.max(Number(max), last)));
    return Buffer.from(withAttribute(text, 'spans', widened), 'utf8');
  }

  #cellsXml(cells: readonly string[], row: number, prefix: string): string {
    let xml = '';
    cells.forEach((value, index) => {
      if (value === '') return;
      const space = /^\s|\s$/.test(value) ? ' xml:space="preserve"' : '';
      xml += `<${prefix}c r="${columnLetters(this.#first + index)}${row}" t="inlineStr"><${prefix}is><${prefix}t${space}>${escapeXml(value)}</${prefix}t></${prefix}is></${prefix}c>`;
    });
    return xml;
  }

  /** The used range, widened to the new columns; the new columns start after its last column too. */
  #dimension(text: string): Buffer | null {
    const ref = attribute(text, 'ref');
    const m = ref ? /^([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?$/.exec(ref) : null;
    if (!m) return null;
    const lastColumn = columnIndex(m[3] ?? m[1]!) + 1;
    this.#first = Math.max(this.#first, lastColumn);
    const newLast = columnLetters(this.#first + this.#columns.headers.length - 1);
    const widened = `${m[1]}${m[2]}:${newLast}${m[4] ?? m[2]}`;
    return Buffer.from(withAttribute(text, 'ref', widened), 'utf8');
  }
}

/** Whether the tag whose name starts at `from` is a row or dimension tag (any namespace prefix). */
function mayChange(buf: Buffer, from: number, end: number): boolean {
  let start = buf[from] === 0x2f ? from + 1 : from;
  let stop = start;
  while (stop < end) {
    const c = buf[stop]!;
    if (c === 0x20 || c === 0x2f || c === GT || c === 0x09 || c === 0x0a || c === 0x0d) break;
    if (c === 0x3a) start = stop + 1;
    stop++;
  }
  const length = stop - start;
  return (
    (length === 3 && startsWith(buf, start, 'row')) ||
    (length === 9 && startsWith(buf, start, 'dimension'))
  );
}

function startsWith(buf: Buffer, at: number, text: string): boolean {
  for (let k = 0; k < text.length; k++) if (buf[at + k] !== text.charCodeAt(k)) return false;
  return true;
}

/** The index just past `marker` from `from`, or -1 when it is not in the buffer yet. */
function after(buf: Buffer, from: number, marker: string): number {
  const at = buf.indexOf(marker, from, 'latin1');
  return at < 0 ? -1 : at + marker.length;
}

/** The index just past a tag's '>' (skipping quoted attribute values), or -1. */
function tagEnd(buf: Buffer, from: number): number {
  let quote = 0;
  for (let j = from; j < buf.length; j++) {
    const c = buf[j]!;
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === GT) return j + 1;
  }
  return -1;
}

/** Where unfinished markup may start: the first '<' at or after `from`, else the end. */
function firstIndexOrEnd(buf: Buffer, from: number): number {
  const lt = buf.indexOf(LT, from);
  return lt < 0 ? buf.length : lt;
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The tag with one attribute's value replaced (the attribute is known to be there). */
function withAttribute(tag: string, name: string, value: string): string {
  return tag.replace(new RegExp(`(\\s${name}\\s*=\\s*)(?:"[^"]*"|'[^']*')`), `$1"${value}"`);
}
