import { writeFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

export type XlsxCell =
  | string
  | number
  | null
  | { inline: string }
  | { rich: string[] }
  | { bool: boolean }
  /** A number shown through a number format code (written to xl/styles.xml). */
  | { value: number; format: string };

/**
 * A minimal but real .xlsx (the parts Excel writes, shared strings after the sheet as Excel
 * orders them), built in the test so no binary fixture lives in git.
 */
export function writeXlsx(
  path: string,
  rows: XlsxCell[][],
  options: { level?: 0 | 6; sheetName?: string; prefix?: string } = {},
): void {
  const strings: string[] = [];
  const richStrings: string[] = [];
  const index = new Map<string, number>();
  const shared = (s: string) => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length + richStrings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  // Number formats: one custom numFmt (from id 164, as Excel numbers them) and one cellXfs entry
  // each; style 0 is General.
  const formats: string[] = [];
  const styleOf = (format: string) => {
    let i = formats.indexOf(format);
    if (i < 0) i = formats.push(format) - 1;
    return i + 1;
  };
  const sheetRows = rows
    .map((row, r) => {
      const cells = row
        .map((cell, c) => {
          const ref = `${columnName(c)}${r + 1}`;
          if (cell === null) return '';
          if (typeof cell === 'number') return `<c r="${ref}"><v>${cell}</v></c>`;
          if (typeof cell === 'string') return `<c r="${ref}" t="s"><v>${shared(cell)}</v></c>`;
          if ('inline' in cell)
            return `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(cell.inline)}</t></is></c>`;
          if ('bool' in cell) return `<c r="${ref}" t="b"><v>${cell.bool ? 1 : 0}</v></c>`;
          if ('format' in cell)
            return `<c r="${ref}" s="${styleOf(cell.format)}"><v>${cell.value}</v></c>`;
          const i = shared(`\u0000rich:${cell.rich.join('\u0001')}`);
          return `<c r="${ref}" t="s"><v>${i}</v></c>`;
        })
        .join('');
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join('');
  const si = strings
    .map((s) =>
      s.startsWith('\u0000rich:')
        ? `<si>${s
            .slice(6)
            .split('\u0001')
            .map((run) => `<r><rPr><b/></rPr><t xml:space="preserve">${escapeXml(run)}</t></r>`)
            .join('')}<rPh sb="0" eb="1"><t>フリガナ</t></rPh></si>`
        : `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`,
    )
    .join('');
  const escapeAttr = (s: string) => escapeXml(s).replace(/"/g, '&quot;');
  const styles =
    `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
    `<numFmts count="${formats.length}">${formats.map((f, i) => `<numFmt numFmtId="${164 + i}" formatCode="${escapeAttr(f)}"/>`).join('')}</numFmts>` +
    `<cellXfs count="${formats.length + 1}"><xf numFmtId="0"/>${formats.map((_, i) => `<xf numFmtId="${164 + i}" applyNumberFormat="1"/>`).join('')}</cellXfs></styleSheet>`;
  const files: Record<string, Uint8Array> = {
    'xl/styles.xml': strToU8(styles),
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ),
    'xl/workbook.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${escapeXml(options.sheetName ?? 'Contacts')}" sheetId="1" r:id="rId7"/><sheet name="Other" sheetId="2" r:id="rId8"/></sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>',
    ),
    // The first sheet in the workbook is stored as sheet2.xml, to prove the reader follows the relationships.
    'xl/worksheets/sheet2.xml': strToU8(
      options.prefix
        ? `<?xml version="1.0" encoding="UTF-8"?><${options.prefix}:worksheet xmlns:${options.prefix}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><${options.prefix}:sheetData>${sheetRows.replace(/<(\/?)(row|c|v|is|t)([ >])/g, `<$1${options.prefix}:$2$3`)}</${options.prefix}:sheetData></${options.prefix}:worksheet>`
        : `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
    ),
    'xl/worksheets/sheet1.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>',
    ),
    'xl/sharedStrings.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${si}</sst>`,
    ),
  };
  writeFileSync(path, zipSync(files, { level: options.level ?? 6 }));
}

export function utf16(text: string, endian: 'le' | 'be', bom = true): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const body = endian === 'le' ? le : Buffer.from(le).swap16();
  const mark = endian === 'le' ? Buffer.from([0xff, 0xfe]) : Buffer.from([0xfe, 0xff]);
  return bom ? Buffer.concat([mark, body]) : body;
}

/** Windows-1252 bytes for text made of Latin-1 letters plus the code page's own extras. */
export function windows1252(text: string): Buffer {
  const extras: Record<string, number> = {
    '€': 0x80,
    '‘': 0x91,
    '’': 0x92,
    '“': 0x93,
    '”': 0x94,
    '–': 0x96,
    '—': 0x97,
  };
  return Buffer.from([...text].map((ch) => extras[ch] ?? ch.charCodeAt(0)));
}
