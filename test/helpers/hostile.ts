import { closeSync, openSync, writeSync } from 'node:fs';
import { constants, deflateRawSync } from 'node:zlib';

/**
 * The hostile corpus: files made to hurt a reader, generated at test time (nothing big or binary
 * lives in git). Each writer produces a file of a few megabytes at most that would, read
 * naively, take gigabytes or minutes. Used by the unit tests and by `npm run bench:hostile`.
 */

const WORKBOOK_PARTS: Record<string, string> = {
  '[Content_Types].xml':
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
  'xl/workbook.xml':
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="List" sheetId="1" r:id="rId1"/></sheets></workbook>',
  'xl/_rels/workbook.xml.rels':
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
};

const SHEET_START =
  '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_END = '</sheetData></worksheet>';
const HEADER_ROW =
  '<row r="1"><c r="A1" t="inlineStr"><is><t>Phone</t></is></c><c r="B1" t="inlineStr"><is><t>Name</t></is></c></row>';

interface Part {
  name: string;
  /** Raw deflate data, or the bytes to store uncompressed. */
  data: Buffer;
  method: 0 | 8;
}

/**
 * A ZIP archive from parts as given (the deflate stream is written as is, so a part can claim
 * any size). CRC fields are zero: the app's reader does not check them, and computing one over
 * 2 GB would make the generator as slow as the attack.
 */
function writeZip(path: string, parts: Part[]): void {
  const fd = openSync(path, 'w');
  const central: Buffer[] = [];
  let offset = 0;
  const write = (buffer: Buffer) => {
    writeSync(fd, buffer);
    offset += buffer.length;
  };
  try {
    for (const part of parts) {
      const name = Buffer.from(part.name, 'utf8');
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(part.method, 8);
      local.writeUInt32LE(part.data.length, 18);
      local.writeUInt32LE(0xffffffff, 22); // uncompressed size: not trusted by the reader anyway
      local.writeUInt16LE(name.length, 26);
      const entry = Buffer.alloc(46);
      entry.writeUInt32LE(0x02014b50, 0);
      entry.writeUInt16LE(20, 4);
      entry.writeUInt16LE(20, 6);
      entry.writeUInt16LE(part.method, 10);
      entry.writeUInt32LE(part.data.length, 20);
      entry.writeUInt32LE(0xffffffff, 24);
      entry.writeUInt16LE(name.length, 28);
      entry.writeUInt32LE(offset, 42);
      central.push(entry, name);
      write(local);
      write(name);
      write(part.data);
    }
    const directory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(parts.length, 8);
    end.writeUInt16LE(parts.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    write(directory);
    write(end);
  } finally {
    closeSync(fd);
  }
}

/** A workbook whose first sheet is the given XML (deflated normally). */
export function writeWorkbookWithSheet(
  path: string,
  sheetXml: string,
  extra: Record<string, string> = {},
): void {
  const parts: Part[] = Object.entries({
    ...WORKBOOK_PARTS,
    ...extra,
    'xl/worksheets/sheet1.xml': sheetXml,
  }).map(([name, xml]) => ({
    name,
    data: deflateRawSync(Buffer.from(xml, 'utf8')),
    method: 8,
  }));
  writeZip(path, parts);
}

/**
 * A zip bomb: a sheet of `inflatedMb` megabytes of identical rows, stored in about a thousandth
 * of that. Each megabyte is deflated once with a full flush (which byte-aligns the output and
 * forgets the history), so the same compressed block can simply be repeated.
 */
export function writeZipBomb(path: string, inflatedMb = 2048): void {
  const row =
    '<row><c t="inlineStr"><is><t>2125550142</t></is></c><c t="inlineStr"><is><t>Ann</t></is></c></row>';
  const megabyte = Buffer.from(row.repeat(Math.ceil((1024 * 1024) / row.length)), 'utf8');
  const flushed = (data: Buffer) => deflateRawSync(data, { finishFlush: constants.Z_FULL_FLUSH });
  const block = flushed(megabyte);
  const sheet = Buffer.concat([
    flushed(Buffer.from(SHEET_START + HEADER_ROW, 'utf8')),
    ...Array.from({ length: inflatedMb }, () => block),
    deflateRawSync(Buffer.from(SHEET_END, 'utf8')),
  ]);
  writeZip(path, [
    ...Object.entries(WORKBOOK_PARTS).map(([name, xml]) => ({
      name,
      data: Buffer.from(xml, 'utf8'),
      method: 0 as const,
    })),
    { name: 'xl/worksheets/sheet1.xml', data: sheet, method: 8 },
  ]);
}

/** A cell far past Excel's last column (XFD): a naive reader widens the row to reach it. */
export function writeFarColumn(path: string, ref = 'ZZZZZZ2'): void {
  writeWorkbookWithSheet(
    path,
    `${SHEET_START}${HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>2125550142</t></is></c><c r="${ref}" t="inlineStr"><is><t>x</t></is></c></row>${SHEET_END}`,
  );
}

/** The "billion laughs": nested entities declared in a DTD, used in a shared string. */
export function writeEntityBomb(path: string): void {
  const levels = ['<!ENTITY lol0 "lollollollollollollollollollol">'];
  for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  const sst = `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [${levels.join('')}]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>`;
  writeWorkbookWithSheet(
    path,
    `${SHEET_START}${HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>2125550142</t></is></c><c r="B2" t="s"><v>0</v></c></row>${SHEET_END}`,
    { 'xl/sharedStrings.xml': sst },
  );
}

/** A sheet that names an external DTD (a reader that fetched it would call out to that host). */
export function writeExternalDtd(path: string): void {
  writeWorkbookWithSheet(
    path,
    `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet SYSTEM "http://attacker.invalid/x.dtd"><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${HEADER_ROW}</sheetData></worksheet>`,
  );
}

/** Writes text to a file in pieces, so a generator never holds the whole file. */
function writePieces(path: string, pieces: Iterable<string>): void {
  const fd = openSync(path, 'w');
  try {
    for (const piece of pieces) writeSync(fd, piece);
  } finally {
    closeSync(fd);
  }
}

function* repeated(text: string, times: number): Generator<string> {
  for (let i = 0; i < times; i++) yield text;
}

/** One CSV line of `megabytes` MB of commas: tens of millions of empty cells. */
export function writeWideCsv(path: string, megabytes = 64): void {
  writePieces(path, [
    'Phone,Name\n2125550142,',
    ...repeated(','.repeat(1024 * 1024), megabytes),
    '\n',
  ]);
}

/** One quoted CSV value of `megabytes` MB (a missing quote does the same to a real file). */
export function writeLongCsvCell(path: string, megabytes = 64): void {
  writePieces(path, [
    'Phone,Name\n2125550142,"',
    ...repeated('a'.repeat(1024 * 1024), megabytes),
    '"\n',
  ]);
}

/** More lines than Excel has rows (blank ones: each costs nothing to write but must be counted). */
export function writeEndlessCsv(path: string, lines = 1_100_000): void {
  writePieces(path, [
    'Phone,Name\n2125550142,Ann\n',
    ...repeated('\n'.repeat(100_000), Math.ceil(lines / 100_000)),
  ]);
}

/** Every spreadsheet case, by name, for tests and the benchmark. */
export const HOSTILE_TABLES = {
  'zip-bomb.xlsx': (path: string) => writeZipBomb(path),
  'far-column.xlsx': (path: string) => writeFarColumn(path),
  'entity-bomb.xlsx': (path: string) => writeEntityBomb(path),
  'external-dtd.xlsx': (path: string) => writeExternalDtd(path),
  'wide-line.csv': (path: string) => writeWideCsv(path),
  'long-cell.csv': (path: string) => writeLongCsvCell(path),
  'endless.csv': (path: string) => writeEndlessCsv(path),
} as const;

export type HostileTable = keyof typeof HOSTILE_TABLES;
