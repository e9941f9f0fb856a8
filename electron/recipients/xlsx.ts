import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { LIMITS, TableLimitError } from './limits';
import {
  DATE_1904_OFFSET,
  builtInFormat,
  compileFormat,
  formatGeneral,
  formatNumber,
  type CompiledFormat,
} from './number-format';
import { ZipFormatError, ZipReader } from './zip';

/**
 * Reads the first worksheet of an .xlsx workbook row by row. Each cell's value is the text Excel
 * shows for it: a number through the cell's number format (xl/styles.xml) in the workbook's date
 * system, booleans as TRUE/FALSE, shared and inline strings as written (rich-text runs joined),
 * a formula by the result Excel saved with it.
 */
export type RowHandler = (
  cells: string[],
  rowNumber: number,
  problems: readonly CellProblem[] | undefined,
) => void;

/**
 * A cell whose value cannot be shown: it is left empty and the row carries this. `column` is
 * 0-based; `shown` is the error Excel displays (#N/A, #DIV/0!, …).
 */
export type CellProblem =
  | { column: number; code: 'cell_error'; shown: string }
  | { column: number; code: 'formula_without_value' };

export class XlsxFormatError extends Error {}

/** A tag as the handlers see it: the local name, without any namespace prefix ("x:row" → "row"). */
interface Tag {
  name: string;
  attributes: SaxesTagPlain['attributes'];
}

const localName = (name: string) => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};

function parseXml(
  zip: ZipReader,
  name: string,
  handlers: {
    open?: (tag: Tag) => void;
    close?: (tag: Tag) => void;
    text?: (text: string) => void;
  },
): void {
  const parser = new SaxesParser({ xmlns: false, position: false });
  // Some writers (the OpenXML SDK, for one) prefix every element: <x:row>, <x:c>.
  const { open, close } = handlers;
  if (open)
    parser.on('opentag', (tag) => open({ name: localName(tag.name), attributes: tag.attributes }));
  if (close)
    parser.on('closetag', (tag) =>
      close({ name: localName(tag.name), attributes: tag.attributes }),
    );
  if (handlers.text) parser.on('text', handlers.text);
  parser.on('error', (error) => {
    throw new XlsxFormatError(`its part ${name} is not well-formed XML (${error.message})`);
  });
  const guard = xmlGuard(name);
  parser.on('doctype', guard.refuseDoctype);
  parser.on('opentagstart', () => {
    guard.rootStarted();
    parser.off('opentagstart');
  });
  const decoder = new TextDecoder('utf-8');
  zip.readEntry(name, (chunk) => {
    const text = decoder.decode(chunk, { stream: true });
    guard.check(text);
    parser.write(text);
  });
  parser.write(decoder.decode());
  parser.close();
}

/**
 * Checks the XML text before saxes buffers it: no DTD (Excel never writes one; entity bombs need
 * one), and no run longer than LIMITS.xmlToken between two '<', which bounds every text node and
 * every tag saxes would otherwise hold in one string.
 */
function xmlGuard(name: string) {
  let run = 0;
  let tail = '';
  let prolog = true;
  const refuseDoctype = () => {
    throw new XlsxFormatError(
      `its part ${name} declares a DTD (<!DOCTYPE>), which Excel never writes and which can hide an "entity bomb"`,
    );
  };
  const tooLong = () => {
    throw new TableLimitError(
      `its part ${name} holds a value or tag longer than ${LIMITS.xmlToken / (1024 * 1024)} million characters`,
    );
  };
  return {
    refuseDoctype,
    rootStarted: () => void (prolog = false),
    check(text: string): void {
      // A DTD may only come before the first element, so only the prolog is searched (saxes
      // would report it only after buffering all of it).
      if (prolog) {
        if ((tail + text).includes('<!DOCTYPE')) refuseDoctype();
        tail = text.slice(-8);
      }
      let lt = text.indexOf('<');
      if (lt < 0) {
        run += text.length;
        if (run > LIMITS.xmlToken) tooLong();
        return;
      }
      if (run + lt > LIMITS.xmlToken) tooLong();
      // Only a chunk longer than the limit can hide a long run between two of its own '<'.
      if (text.length > LIMITS.xmlToken) {
        for (
          let next = text.indexOf('<', lt + 1);
          next >= 0;
          lt = next, next = text.indexOf('<', lt + 1)
        ) {
          if (next - lt > LIMITS.xmlToken) tooLong();
        }
      }
      run = text.length - text.lastIndexOf('<') - 1;
    },
  };
}

function attr(tag: Tag, name: string): string | undefined {
  const value = tag.attributes[name];
  return typeof value === 'string' ? value : undefined;
}

/** The relationship id of a <sheet>: r:id, whatever prefix the writer bound to the namespace. */
function relationshipId(tag: Tag): string | undefined {
  for (const [key, value] of Object.entries(tag.attributes)) {
    if (key.endsWith(':id') && typeof value === 'string') return value;
  }
  return undefined;
}

/** Column letters of a 0-based index (0 → A, 26 → AA), as a sheet names its columns. */
export function columnLetters(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Column index (0-based) from a reference such as "AB12" (columnLetters' inverse). */
export function columnIndex(ref: string): number {
  let index = 0;
  for (let i = 0; i < ref.length && index <= LIMITS.columns; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    index = index * 26 + (c - 64);
  }
  return index - 1;
}

const cellTooLong = (where: string) =>
  new TableLimitError(
    `${where} holds a cell longer than ${LIMITS.cellLength / (1024 * 1024)} million characters`,
  );

interface WorkbookInfo {
  sheetPath: string;
  /** Dates counted from 1/1/1904 (old Mac Excel) instead of 1/0/1900. */
  date1904: boolean;
}

/** The part of the worksheet the reader reads (the workbook's first sheet). */
export function worksheetPath(zip: ZipReader): string {
  return readWorkbookInfo(zip).sheetPath;
}

function readWorkbookInfo(zip: ZipReader): WorkbookInfo {
  let relId: string | undefined;
  let date1904 = false;
  if (zip.entries.has('xl/workbook.xml')) {
    parseXml(zip, 'xl/workbook.xml', {
      open: (tag) => {
        if (tag.name === 'sheet' && relId === undefined) relId = relationshipId(tag);
        else if (tag.name === 'workbookPr') {
          const flag = attr(tag, 'date1904');
          date1904 = flag === '1' || flag === 'true';
        }
      },
    });
  }
  return { sheetPath: firstSheetPath(zip, relId), date1904 };
}

function firstSheetPath(zip: ZipReader, relId: string | undefined): string {
  if (relId && zip.entries.has('xl/_rels/workbook.xml.rels')) {
    let target: string | undefined;
    parseXml(zip, 'xl/_rels/workbook.xml.rels', {
      open: (tag) => {
        if (tag.name === 'Relationship' && attr(tag, 'Id') === relId) target = attr(tag, 'Target');
      },
    });
    if (target) {
      const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
      if (zip.entries.has(path)) return path;
    }
  }
  const fallback = [...zip.entries.keys()].find((name) =>
    /^xl\/worksheets\/[^/]+\.xml$/.test(name),
  );
  if (!fallback) throw new XlsxFormatError('it has no worksheet');
  return fallback;
}

/**
 * The number format of each cell style (the `s` attribute indexes cellXfs), compiled; null
 * where it is General, so plain numbers take the short path.
 */
function readStyles(zip: ZipReader): Array<CompiledFormat | null> {
  const name = [...zip.entries.keys()].find((n) => n.toLowerCase() === 'xl/styles.xml');
  if (!name) return [];
  const custom = new Map<number, string>();
  const xfFormats: number[] = [];
  let inCellXfs = false;
  parseXml(zip, name, {
    open: (tag) => {
      if (tag.name === 'numFmt') {
        const id = Number(attr(tag, 'numFmtId'));
        const code = attr(tag, 'formatCode');
        if (Number.isInteger(id) && code !== undefined) custom.set(id, code);
      } else if (tag.name === 'cellXfs') {
        inCellXfs = true;
      } else if (tag.name === 'xf' && inCellXfs) {
        xfFormats.push(Number(attr(tag, 'numFmtId') ?? 0));
      }
    },
    close: (tag) => {
      if (tag.name === 'cellXfs') inCellXfs = false;
    },
  });
  return xfFormats.map((id) => {
    const code = custom.get(id) ?? builtInFormat(Number.isInteger(id) ? id : 0);
    return /^(general)?$/i.test(code.trim()) ? null : compileFormat(code);
  });
}

/** An ISO 8601 date-time (a t="d" cell) as a serial number in the 1900 system, or null. */
function isoToSerial(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?/.exec(
    text.trim(),
  );
  if (!m) return null;
  const ms =
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)) +
    Number(m[6] ?? 0) * 1000;
  const days = (ms - Date.UTC(1899, 11, 30)) / 86400000;
  // Before 3/1/1900 Excel's serials are one lower (its 2/29/1900 does not exist in the calendar).
  return days < 61 ? days - 1 : days;
}

function readSharedStrings(zip: ZipReader): string[] {
  const strings: string[] = [];
  const name = [...zip.entries.keys()].find((n) => n.toLowerCase() === 'xl/sharedstrings.xml');
  if (!name) return strings;
  let current = '';
  let total = 0;
  let inText = false;
  let phoneticDepth = 0;
  parseXml(zip, name, {
    open: (tag) => {
      if (tag.name === 'si') current = '';
      else if (tag.name === 'rPh') phoneticDepth++;
      else if (tag.name === 't' && phoneticDepth === 0) inText = true;
    },
    text: (text) => {
      if (!inText) return;
      current += text;
      if (current.length > LIMITS.cellLength) throw cellTooLong(`its part ${name}`);
    },
    close: (tag) => {
      if (tag.name === 't') inText = false;
      else if (tag.name === 'rPh') phoneticDepth--;
      else if (tag.name === 'si') {
        strings.push(current);
        total += current.length;
        if (total > LIMITS.sharedStringChars) {
          throw new TableLimitError(
            `its shared text (${name}) is longer than ${LIMITS.sharedStringChars / (1024 * 1024)} million characters`,
          );
        }
      }
    },
  });
  return strings;
}

export function readXlsx(path: string, onRow: RowHandler): void {
  let zip: ZipReader;
  try {
    zip = new ZipReader(path);
  } catch (error) {
    if (error instanceof ZipFormatError) throw new XlsxFormatError(error.message);
    throw error;
  }
  try {
    const shared = readSharedStrings(zip);
    const { sheetPath, date1904 } = readWorkbookInfo(zip);
    const styles = readStyles(zip);
    const show = (value: number, style: number): string => {
      const format = styles[style];
      if (!format) return formatGeneral(value);
      try {
        return formatNumber(format, value, date1904);
      } catch {
        // A format code this reader misunderstands must not stop the import: show the number.
        return formatGeneral(value);
      }
    };
    let cells: string[] = [];
    let problems: CellProblem[] | undefined;
    let rowNumber = 0;
    let rows = 0;
    let rowChars = 0;
    let col = 0;
    let type = 'n';
    let style = 0;
    let value = '';
    let hasValue = false;
    let hasFormula = false;
    let collecting = false;
    let inInline = false;
    parseXml(zip, sheetPath, {
      open: (tag) => {
        switch (tag.name) {
          case 'row': {
            const r = attr(tag, 'r');
            rowNumber = r ? Number(r) : rowNumber + 1;
            if (++rows > LIMITS.rows || rowNumber > LIMITS.rows) {
              throw new TableLimitError(
                `its sheet goes past row ${LIMITS.rows.toLocaleString('en-US')}, Excel's last row`,
              );
            }
            cells = [];
            problems = undefined;
            col = 0;
            rowChars = 0;
            break;
          }
          case 'c': {
            const ref = attr(tag, 'r');
            if (ref) col = columnIndex(ref);
            // Checked before the row array is widened to reach the cell.
            if (col >= LIMITS.columns) {
              throw new TableLimitError(
                `row ${rowNumber} has a cell ${ref ? `(${ref.slice(0, 20)}) ` : ''}past column XFD, Excel's last column (${LIMITS.columns.toLocaleString('en-US')})`,
              );
            }
            type = attr(tag, 't') ?? 'n';
            const s = attr(tag, 's');
            style = s ? Number(s) : 0;
            value = '';
            hasValue = false;
            hasFormula = false;
            break;
          }
          case 'f':
            hasFormula = true;
            break;
          case 'v':
            collecting = true;
            hasValue = true;
            break;
          case 'is':
            inInline = true;
            hasValue = true;
            break;
          case 't':
            if (inInline) collecting = true;
            break;
        }
      },
      text: (text) => {
        if (!collecting) return;
        value += text;
        if (value.length > LIMITS.cellLength) throw cellTooLong(`row ${rowNumber}`);
      },
      close: (tag) => {
        switch (tag.name) {
          case 'v':
          case 't':
            collecting = false;
            break;
          case 'is':
            inInline = false;
            break;
          case 'c': {
            let text = '';
            if (hasFormula && (!hasValue || (value === '' && type !== 'str'))) {
              // Written by a program that does not calculate (a script, an export): Excel would
              // work it out on opening, but the file itself holds no result to show.
              (problems ??= []).push({ column: col, code: 'formula_without_value' });
            } else if (type === 's') text = shared[Number(value)] ?? '';
            else if (type === 'inlineStr' || type === 'str') text = value;
            else if (type === 'b') text = value.trim() === '1' ? 'TRUE' : 'FALSE';
            else if (type === 'e') {
              (problems ??= []).push({
                column: col,
                code: 'cell_error',
                shown: value.trim() || '#VALUE!',
              });
            } else if (type === 'd') {
              // An ISO date cell: shown through its style when it has a date format.
              const serial = isoToSerial(value);
              text =
                serial !== null && styles[style]
                  ? show(serial - (date1904 ? DATE_1904_OFFSET : 0), style)
                  : value;
            } else if (value.trim() !== '') {
              const number = Number(value);
              text = Number.isFinite(number) ? show(number, style) : value;
            }
            rowChars += text.length;
            if (rowChars > LIMITS.recordLength) {
              throw new TableLimitError(
                `row ${rowNumber} is longer than ${LIMITS.recordLength / (1024 * 1024)} million characters`,
              );
            }
            while (cells.length < col) cells.push('');
            cells[col] = text;
            col++;
            break;
          }
          case 'row':
            onRow(cells, rowNumber, problems);
            break;
        }
      },
    });
  } catch (error) {
    if (error instanceof ZipFormatError) throw new XlsxFormatError(error.message);
    throw error;
  } finally {
    zip.close();
  }
}
