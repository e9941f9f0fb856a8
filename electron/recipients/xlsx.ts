import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { ZipFormatError, ZipReader } from './zip';

/**
 * Reads the first worksheet of an .xlsx workbook row by row. Cell values are taken as the text
 * Excel stored (a number cell's digits exactly as written, never reformatted), shared strings
 * resolved, rich-text runs joined.
 */
export type RowHandler = (cells: string[], rowNumber: number) => void;

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

function parseXml(zip: ZipReader, name: string, handlers: {
  open?: (tag: Tag) => void;
  close?: (tag: Tag) => void;
  text?: (text: string) => void;
}): void {
  const parser = new SaxesParser({ xmlns: false, position: false });
  // Some writers (the OpenXML SDK, for one) prefix every element: <x:row>, <x:c>.
  const { open, close } = handlers;
  if (open) parser.on('opentag', (tag) => open({ name: localName(tag.name), attributes: tag.attributes }));
  if (close) parser.on('closetag', (tag) => close({ name: localName(tag.name), attributes: tag.attributes }));
  if (handlers.text) parser.on('text', handlers.text);
  parser.on('error', (error) => {
    throw new XlsxFormatError(`its part ${name} is not well-formed XML (${error.message})`);
  });
  const decoder = new TextDecoder('utf-8');
  zip.readEntry(name, (chunk) => {
    parser.write(decoder.decode(chunk, { stream: true }));
  });
  parser.write(decoder.decode());
  parser.close();
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

/** Column index (0-based) from a reference such as "AB12". */
function columnIndex(ref: string): number {
  let index = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    index = index * 26 + (c - 64);
  }
  return index - 1;
}

function firstSheetPath(zip: ZipReader): string {
  let relId: string | undefined;
  if (zip.entries.has('xl/workbook.xml')) {
    parseXml(zip, 'xl/workbook.xml', {
      open: (tag) => {
        if (tag.name === 'sheet' && relId === undefined) relId = relationshipId(tag);
      },
    });
  }
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
  const fallback = [...zip.entries.keys()].find((name) => /^xl\/worksheets\/[^/]+\.xml$/.test(name));
  if (!fallback) throw new XlsxFormatError('it has no worksheet');
  return fallback;
}

function readSharedStrings(zip: ZipReader): string[] {
  const strings: string[] = [];
  const name = [...zip.entries.keys()].find((n) => n.toLowerCase() === 'xl/sharedstrings.xml');
  if (!name) return strings;
  let current = '';
  let inText = false;
  let phoneticDepth = 0;
  parseXml(zip, name, {
    open: (tag) => {
      if (tag.name === 'si') current = '';
      else if (tag.name === 'rPh') phoneticDepth++;
      else if (tag.name === 't' && phoneticDepth === 0) inText = true;
    },
    text: (text) => {
      if (inText) current += text;
    },
    close: (tag) => {
      if (tag.name === 't') inText = false;
      else if (tag.name === 'rPh') phoneticDepth--;
      else if (tag.name === 'si') strings.push(current);
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
    const sheet = firstSheetPath(zip);
    let cells: string[] = [];
    let rowNumber = 0;
    let col = 0;
    let type = 'n';
    let value = '';
    let collecting = false;
    let inInline = false;
    parseXml(zip, sheet, {
      open: (tag) => {
        switch (tag.name) {
          case 'row': {
            const r = attr(tag, 'r');
            rowNumber = r ? Number(r) : rowNumber + 1;
            cells = [];
            col = 0;
            break;
          }
          case 'c': {
            const ref = attr(tag, 'r');
            if (ref) col = columnIndex(ref);
            type = attr(tag, 't') ?? 'n';
            value = '';
            break;
          }
          case 'v':
            collecting = true;
            break;
          case 'is':
            inInline = true;
            break;
          case 't':
            if (inInline) collecting = true;
            break;
        }
      },
      text: (text) => {
        if (collecting) value += text;
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
            let text = value;
            if (type === 's') text = shared[Number(value)] ?? '';
            else if (type === 'b') text = value === '1' ? 'TRUE' : 'FALSE';
            while (cells.length < col) cells.push('');
            cells[col] = text;
            col++;
            break;
          }
          case 'row':
            onRow(cells, rowNumber);
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
