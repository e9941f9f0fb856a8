import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WRITE_BACK_COLUMNS } from '../../../shared/results-words';
import { ScriptedDialogs } from '../../../electron/dialogs';
import { createHandlers } from '../../../electron/ipc/handlers';
import { writeBack } from '../../../electron/recipients/write-back';
import { readXlsx } from '../../../electron/recipients/xlsx';
import { writeXlsx } from '../recipients/fixtures';
import { ZipReader } from '../../../electron/recipients/zip';
import type { DialOutcome } from '../../../electron/sandbox/dialer';
import { dialOutcome as outcome } from '../../helpers/outcomes';
import { countTurns } from '../../helpers/event-loop';
import { SOURCE_IMPORT_WORKER } from '../../helpers/import-worker';
import { sendFixture, type SendFixture } from './helpers';

const FIXTURES = fileURLToPath(new URL('../../fixtures/write-back/', import.meta.url));

// The sandbox's clock: every call ends at 15:04 UTC, 10:04 in New York.
const NOW = Date.parse('2027-03-01T15:04:00Z');
const CALLED_AT = '2027-03-01 10:04';
const TZ = 'America/New_York';

/** Each number's call, fixed, so the copy's words can be checked one by one. */
const OUTCOMES: Record<string, DialOutcome> = {
  '+12025550101': outcome('human'),
  '+12025550102': outcome('busy', 'busy'),
  '+12025550103': outcome('machine'),
  '+12025550104': outcome('no-answer', 'unanswered'),
};

async function fixture(): Promise<SendFixture> {
  return sendFixture({
    sandbox: { now: () => NOW, dialer: { outcomeFor: (phone) => OUTCOMES[phone] } },
  });
}

/** Imports `list`, sends it through the sandbox, lets every call finish and fetches the results. */
async function sent(
  f: SendFixture,
  list: string,
  before?: (campaignId: string) => void,
  headerRow?: number | 'guess',
): Promise<string> {
  const { id } = f.services.campaigns.create('Call the families');
  f.services.campaigns.update(id, {
    callerId: f.sandbox.callerId.id,
    human: {
      kind: 'text',
      body: 'Hello {{first-name}}, school is closed tomorrow.',
      voice: 'Polly-Joanna',
    },
  });
  f.services.recipients.import({ campaignId: id, filePath: list, headerRow });
  before?.(id);
  await f.services.send.start(id);
  expect((await f.services.send.settled(id))?.state).toBe('scheduled');
  f.sandbox.dialer.runUntilIdle();
  expect((await f.services.results.refresh(id)).state).toBe('completed');
  return id;
}

/** Every row of the first sheet as the importer reads it (the text Excel shows), by sheet row. */
function sheetRows(path: string): Map<number, string[]> {
  const rows = new Map<number, string[]>();
  readXlsx(path, (cells, row) => rows.set(row, [...cells]));
  return rows;
}

/** Each archive entry exactly as stored: local header, compressed bytes, data descriptor. */
function storedEntries(path: string): Map<string, Buffer> {
  const zip = new ZipReader(path);
  try {
    const entries = new Map<string, Buffer>();
    for (const name of zip.entries.keys()) {
      const parts: Buffer[] = [];
      zip.copyEntry(name, (bytes) => parts.push(Buffer.from(bytes)));
      entries.set(name, Buffer.concat(parts));
    }
    return entries;
  } finally {
    zip.close();
  }
}

const NEW = (...cells: string[]) => cells;
// What the copy says for each data row of the fixtures (sheet rows 2, 3, 5, 6, 7, 8; row 4 is blank).
const EXPECTED: Record<number, string[]> = {
  2: NEW('+12025550101', 'Call finished', 'Answered by a person', CALLED_AT),
  3: NEW('+12025550102', 'Call finished', 'Busy', CALLED_AT),
  5: NEW('', 'Not called — invalid number', 'Not called — invalid number', ''),
  // The repeated number names the row it repeats as the spreadsheet numbers it (row 2, the first data row).
  6: NEW('', 'Not called — repeats row 2', 'Not called — repeats row 2', ''),
  7: NEW('+12025550103', 'Call finished', 'Voicemail', CALLED_AT),
  8: NEW('+12025550104', 'Call finished', 'No answer', CALLED_AT),
};

describe.each(['openpyxl.xlsx', 'libreoffice.xlsx'])(
  'results written into a copy of %s',
  (name) => {
    it('keeps every part and cell of the workbook and appends the four columns after the last one', async () => {
      const f = await fixture();
      const source = join(f.dir, name);
      copyFileSync(join(FIXTURES, name), source);
      const before = readFileSync(source);
      const id = await sent(f, source);
      const out = join(f.dir, `results ${name}`);

      expect(f.services.results.writeBack(id, source, out, { timeZone: TZ })).toEqual({
        path: out,
        rows: 6,
      });
      // The original is untouched.
      expect(readFileSync(source).equals(before)).toBe(true);

      // Every part but the list's worksheet is the same, byte for byte, even compressed.
      const original = storedEntries(source);
      const copy = storedEntries(out);
      expect([...copy.keys()]).toEqual([...original.keys()]);
      for (const [part, bytes] of original) {
        if (part === 'xl/worksheets/sheet1.xml') continue;
        expect(copy.get(part)!.equals(bytes), part).toBe(true);
      }
      // Other programs read the archive: every part inflates (CRCs are checked by fflate).
      const unzipped = unzipSync(readFileSync(out));
      const originalParts = unzipSync(before);
      expect(Object.keys(unzipped).sort()).toEqual(Object.keys(originalParts).sort());

      // The worksheet: without the new cells and the widened range it is the original XML exactly,
      // so every cell, style, width, frozen pane, filter and comment anchor is as it was.
      const sheetBefore = Buffer.from(originalParts['xl/worksheets/sheet1.xml']!).toString('utf8');
      const sheetAfter = Buffer.from(unzipped['xl/worksheets/sheet1.xml']!).toString('utf8');
      const added =
        sheetAfter.match(
          /<c r="[G-J]\d+" t="inlineStr"><is><t(?: xml:space="preserve")?>[^<]*<\/t><\/is><\/c>/g,
        ) ?? [];
      expect(added).toHaveLength(4 + 4 * 4 + 2 * 2);
      let stripped = sheetAfter;
      for (const cell of added) stripped = stripped.replace(cell, '');
      expect(stripped.replace('<dimension ref="A1:J8"/>', '<dimension ref="A1:F8"/>')).toBe(
        sheetBefore,
      );

      // Read back cell by cell as Excel shows them: the original cells unchanged, the new ones right.
      const rowsBefore = sheetRows(source);
      const rowsAfter = sheetRows(out);
      expect([...rowsAfter.keys()]).toEqual([...rowsBefore.keys()]);
      for (const [row, cells] of rowsBefore) {
        const now = rowsAfter.get(row)!;
        expect(now.slice(0, cells.length), `row ${row}`).toEqual(cells);
        const appended = now.slice(6);
        if (row === 1) expect(now).toEqual([...cells, ...WRITE_BACK_COLUMNS]);
        else if (EXPECTED[row]) {
          const expected = [...EXPECTED[row]!];
          while (expected.at(-1) === '') expected.pop();
          expect(now.slice(cells.length, 6).every((c) => c === '')).toBe(true);
          expect(appended, `row ${row}`).toEqual(expected);
        } else expect(appended, `blank row ${row}`).toEqual([]);
      }
      // Number formats still apply to the original cells (the reader shows them through styles.xml).
      expect(rowsAfter.get(2)!.slice(0, 6)).toEqual([
        '(202) 555-0101',
        'Ann',
        '$1,234.50',
        'Friday, March 5, 2027 2:30 PM',
        '02134',
        'Prefers mornings',
      ]);
    });
  },
);

describe('results written into a copy of a CSV list', () => {
  it('keeps the bytes of LibreOffice’s semicolon, Windows-1252 CSV and appends in its delimiter and encoding', async () => {
    const f = await fixture();
    const source = join(f.dir, 'families.csv');
    copyFileSync(join(FIXTURES, 'libreoffice-1252.csv'), source);
    const id = await sent(f, source);
    const out = join(f.dir, 'families with results.csv');
    expect(f.services.results.writeBack(id, source, out, { timeZone: TZ })).toEqual({
      path: out,
      rows: 6,
    });

    const originalLines = readFileSync(source).toString('latin1').split('\n');
    const copyLines = readFileSync(out).toString('latin1').split('\n');
    expect(copyLines).toHaveLength(originalLines.length);
    const appended = (cells: string[]) =>
      // Windows-1252: the em dash is byte 0x97 (latin1 "\x97" when read back as bytes).
      cells.map((c) => `;${c.replace(/—/g, '\x97')}`).join('');
    copyLines.forEach((line, i) => {
      const before = originalLines[i]!;
      if (i === 0) expect(line).toBe(`${before}${appended([...WRITE_BACK_COLUMNS])}`);
      else if (before === '' || before === ';;;;;') expect(line, `line ${i + 1}`).toBe(before);
      else expect(line, `line ${i + 1}`).toBe(`${before}${appended(EXPECTED[i + 1]!)}`);
    });
    // "É" stays one Windows-1252 byte; no BOM was added.
    expect(readFileSync(out).includes(Buffer.from([0xc9]))).toBe(true);
    expect(readFileSync(out).subarray(0, 1)[0]).toBe(0x22);
  });

  it.each([
    ['UTF-8 with a BOM, CRLF', 'utf8', true, '\r\n'],
    ['UTF-8 without a BOM, LF', 'utf8', false, '\n'],
    ['UTF-16 LE with a BOM, CRLF', 'utf16le', true, '\r\n'],
  ] as const)(
    '%s: every original byte kept, quoting as the file does it',
    async (_label, encoding, bom, eol) => {
      const f = await fixture();
      const lines = [
        'Phone,First Name,"Note, quoted"',
        '(202) 555-0101,Ann,"He said ""hi""',
        'over two lines"',
        '"202-555-0102",Bo',
        '',
        'n/a,Cy,x',
        '+12025550101,Ann,',
        '202 555 0103,"Dee, Eve",ok',
        '202.555.0104,Émile,last',
      ];
      const text = lines.join(eol);
      // A record split over two lines is one row; the last record has no line ending.
      const bytes = Buffer.concat([
        bom
          ? Buffer.from(encoding === 'utf8' ? [0xef, 0xbb, 0xbf] : [0xff, 0xfe])
          : Buffer.alloc(0),
        Buffer.from(text, encoding),
      ]);
      const source = join(f.dir, 'list.csv');
      writeFileSync(source, bytes);
      const id = await sent(f, source);
      const out = join(f.dir, 'copy.csv');
      expect(f.services.results.writeBack(id, source, out, { timeZone: TZ })).toEqual({
        path: out,
        rows: 6,
      });

      const copy = readFileSync(out);
      const decoded = copy.toString(encoding);
      const expected = [
        `${lines[0]},Number called,Call status,Outcome,Called at`,
        `${lines[1]}`,
        // The short row ("Bo" has no note) is padded so the new columns line up under their names.
        `${lines[2]},+12025550101,Call finished,Answered by a person,${CALLED_AT}`,
        `${lines[3]},,+12025550102,Call finished,Busy,${CALLED_AT}`,
        '',
        `${lines[5]},,Not called — invalid number,Not called — invalid number,`,
        `${lines[6]},,Not called — repeats row 2,Not called — repeats row 2,`,
        `${lines[7]},+12025550103,Call finished,Voicemail,${CALLED_AT}`,
        `${lines[8]},+12025550104,Call finished,No answer,${CALLED_AT}`,
      ].join(eol);
      expect(decoded).toBe(`${bom ? '\uFEFF' : ''}${expected}`);
    },
  );

  it('says why a row was not called: opted out, removed from the list in the app', async () => {
    const f = await fixture();
    const source = join(f.dir, 'list.csv');
    writeFileSync(
      source,
      'Phone,First Name\n(202) 555-0101,Ann\n(202) 555-0102,Bo\n(202) 555-0103,Cy\n',
    );
    const profile = await f.services.profiles.addSandbox(f.sandbox.baseUrl);
    const id = await sent(f, source, (campaignId) => {
      f.services.profiles.useForCampaign(campaignId, profile.id);
      f.services.optOuts.add(['+12025550102']);
      f.services.recipientEditor.removeRows(campaignId, [3]);
    });
    const out = join(f.dir, 'copy.csv');
    expect(f.services.results.writeBack(id, source, out, { timeZone: TZ }).rows).toBe(3);
    expect(readFileSync(out, 'utf8').split('\n')).toEqual([
      'Phone,First Name,Number called,Call status,Outcome,Called at',
      `(202) 555-0101,Ann,+12025550101,Call finished,Answered by a person,${CALLED_AT}`,
      '(202) 555-0102,Bo,,Not called — opted out,Not called — opted out,',
      '(202) 555-0103,Cy,,Not called — removed from the list,Not called — removed from the list,',
      '',
    ]);
  });
});

describe('results written into a copy of a list with a title above its column names', () => {
  it('adds the new column names on the row the names were read from and leaves the title as it is', async () => {
    const f = await fixture();
    const source = join(f.dir, 'titled.csv');
    // Excel's "CSV UTF-8" of a sheet with a title in A1, row 2 empty, the names on row 3.
    copyFileSync(
      fileURLToPath(new URL('../../fixtures/header-row/titled.csv', import.meta.url)),
      source,
    );
    const id = await sent(f, source, undefined, 'guess');
    expect(f.services.recipients.getList(id)?.headerRow).toBe(3);
    const out = join(f.dir, 'titled with results.csv');
    expect(f.services.results.writeBack(id, source, out, { timeZone: TZ }).rows).toBe(4);

    const before = readFileSync(source, 'utf8').split('\r\n');
    const after = readFileSync(out, 'utf8').split('\r\n');
    expect(after).toHaveLength(before.length);
    // The title and the empty row under it: not a byte changed.
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after[2]).toBe(`${before[2]},${WRITE_BACK_COLUMNS.join(',')}`);
    for (const [i, number] of [
      [3, '+12125550101'],
      [4, '+12125550102'],
      [5, '+12125550103'],
      [7, '+12125550104'],
    ] as const)
      expect(after[i], `line ${i + 1}`).toMatch(
        new RegExp(`^${escapeRegExp(before[i]!)},\\${number},Call finished,`),
      );
    expect(after[6]).toBe(before[6]);
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('what writing back refuses', () => {
  it('refuses the original as the copy, another file, the wrong extension, and a campaign not sent', async () => {
    const f = await fixture();
    const source = join(f.dir, 'list.csv');
    writeFileSync(source, 'Phone,First Name\n(202) 555-0101,Ann\n');
    const draft = f.services.campaigns.create('Not sent');
    f.services.recipients.import({ campaignId: draft.id, filePath: source });
    expect(() => f.services.results.writeBack(draft.id, source, join(f.dir, 'x.csv'))).toThrow(
      /has not been sent/,
    );

    const id = await sent(f, source);
    const before = readFileSync(source);
    expect(() => f.services.results.writeBack(id, source, source)).toThrow(/is the list itself/);
    // Through a link too.
    symlinkSync(source, join(f.dir, 'link.csv'));
    expect(() => f.services.results.writeBack(id, source, join(f.dir, 'link.csv'))).toThrow(
      /is the list itself/,
    );
    expect(() => f.services.results.writeBack(id, source, join(f.dir, 'copy.xlsx'))).toThrow(
      /name it ending in \.csv/,
    );
    expect(readFileSync(source).equals(before)).toBe(true);

    // The file was edited since the import: its rows may not be the ones called.
    const edited = join(f.dir, 'edited.csv');
    writeFileSync(edited, 'Phone,First Name\n(202) 555-0199,Zed\n');
    expect(() => f.services.results.writeBack(id, edited, join(f.dir, 'copy.csv'))).toThrow(
      /is not the file this list was imported from/,
    );
    expect(() =>
      f.services.results.writeBack(id, join(f.dir, 'gone.csv'), join(f.dir, 'copy.csv')),
    ).toThrow(/does not exist/);
    expect(() =>
      f.services.results.writeBack(id, source, join(f.dir, 'no such folder', 'copy.csv')),
    ).toThrow(/its folder does not exist/);
  });
});

describe('Results → "Save results into a copy of my spreadsheet…" over IPC', () => {
  it('asks for the imported file, refuses another, then asks where to save and writes the copy', async () => {
    const f = await fixture();
    const source = join(f.dir, 'families.xlsx');
    copyFileSync(join(FIXTURES, 'libreoffice.xlsx'), source);
    const id = await sent(f, source);
    const dialogs = new ScriptedDialogs();
    const handlers = createHandlers({
      services: f.services,
      emit: () => {},
      version: 'test',
      dialogs,
    });

    expect(
      (await handlers['results:get']({ campaignId: id, offset: 0, limit: 10 })).listFile,
    ).toEqual({
      name: 'families.xlsx',
      format: 'xlsx',
    });
    // Cancelled at the first dialog: nothing asked further, nothing written.
    expect(await handlers['results:saveCopy']({ campaignId: id })).toEqual({ saved: null });
    expect(dialogs.asked.map((a) => a.kind)).toEqual(['open']);
    expect(dialogs.asked[0]!.title).toMatch(
      /Choose families\.xlsx, the spreadsheet this list was imported from/,
    );

    // Another workbook: refused before asking where to save.
    dialogs.willOpen(join(FIXTURES, 'openpyxl.xlsx'));
    await expect(handlers['results:saveCopy']({ campaignId: id })).rejects.toThrow(
      /is not the file this list was imported from/,
    );
    expect(dialogs.asked.map((a) => a.kind)).toEqual(['open', 'open']);

    // The right file, then cancelled where to save.
    dialogs.willOpen(source);
    expect(await handlers['results:saveCopy']({ campaignId: id })).toEqual({ saved: null });
    expect(dialogs.asked.at(-1)).toEqual({
      kind: 'save',
      title: 'Save results into a copy of your spreadsheet',
    });

    const out = join(f.dir, 'families with results.xlsx');
    dialogs.willOpen(source).willSave(out);
    expect(await handlers['results:saveCopy']({ campaignId: id })).toEqual({
      saved: { path: out, rows: 6 },
    });
    expect(sheetRows(out).get(1)!.slice(6)).toEqual([...WRITE_BACK_COLUMNS]);
  });
});

describe('the window’s copy is written on the worker thread', () => {
  /** The sandbox's fixed calls, the services with their worker thread as the app has, the window's handlers. */
  async function onWorker() {
    const f = await sendFixture({
      sandbox: { now: () => NOW, dialer: { outcomeFor: (phone) => OUTCOMES[phone] } },
      importWorker: SOURCE_IMPORT_WORKER,
    });
    const dialogs = new ScriptedDialogs();
    const handlers = createHandlers({
      services: f.services,
      emit: () => {},
      version: 'test',
      dialogs,
    });
    return { f, dialogs, handlers };
  }

  it('the same cells as on this thread, while this thread keeps answering', async () => {
    const { f, dialogs, handlers } = await onWorker();
    const source = join(f.dir, 'families.xlsx');
    copyFileSync(join(FIXTURES, 'libreoffice.xlsx'), source);
    const id = await sent(f, source);

    const out = join(f.dir, 'on the worker.xlsx');
    dialogs.willOpen(source).willSave(out);
    const turns = countTurns();
    expect(await handlers['results:saveCopy']({ campaignId: id })).toEqual({
      saved: { path: out, rows: 6 },
    });
    expect(turns()).toBeGreaterThan(1);

    const here = join(f.dir, 'here.xlsx');
    f.services.results.writeBack(id, source, here);
    expect([...sheetRows(out)]).toEqual([...sheetRows(here)]);
    expect(sheetRows(out).get(1)!.slice(6)).toEqual([...WRITE_BACK_COLUMNS]);
  });

  it('the results export too: the same lines as on this thread', async () => {
    const { f, dialogs, handlers } = await onWorker();
    const source = join(f.dir, 'families.csv');
    writeFileSync(source, 'Phone,First Name\n2025550101,Ann\nnope,Bo\n2025550103,Cy\n');
    const id = await sent(f, source);
    const out = join(f.dir, 'results.csv');
    dialogs.willSave(out);
    const turns = countTurns();
    expect(await handlers['results:export']({ campaignId: id })).toEqual({
      saved: { path: out, rows: 3 },
    });
    expect(turns()).toBeGreaterThan(1);
    // The file as main would have written it: a BOM, then the same lines.
    expect(readFileSync(out, 'utf8')).toBe(`\uFEFF${[...f.services.results.csv(id)].join('')}`);
    expect(readFileSync(out, 'utf8')).toContain('Not called — invalid number');
  });

  it('a refusal found on the worker reaches the window as one, and no copy is left', async () => {
    const { f } = await onWorker();
    const source = join(f.dir, 'families.csv');
    writeFileSync(source, 'Phone,First Name\n2025550101,Ann\n2025550102,Bo\n');
    const id = await sent(f, source);
    // Edited and saved since the import: the worker's pass finds it is not the same file.
    writeFileSync(source, 'Phone,First Name\n2025550101,Ann\n2025550102,Bob\n');
    const out = join(f.dir, 'copy.csv');
    await expect(f.services.results.writeBackInBackground(id, source, out)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^families\.csv is not the file this list was imported from/),
    });
    expect(readdirSync(f.dir).filter((name) => name.startsWith('copy'))).toEqual([]);
  });
});

describe('a worksheet of several megabytes', () => {
  it('is compressed in blocks that inflate back to one sheet, every row with its new cells', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnigage-write-back-big-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const source = join(dir, 'big.xlsx');
    const rows = 30_000;
    writeXlsx(source, [
      ['Phone', 'First Name', 'Balance'],
      ...Array.from({ length: rows }, (_, i) => [
        `(212) 555-${String(i % 10_000).padStart(4, '0')}`,
        `Name ${i}`,
        { value: i / 4, format: '"$"#,##0.00' },
      ]),
    ]);
    const sha256 = createHash('sha256').update(readFileSync(source)).digest('hex');
    const out = join(dir, 'copy.xlsx');
    const written = writeBack({
      source,
      sha256,
      out,
      columns: { headers: WRITE_BACK_COLUMNS, cells: (row) => [`#${row}`, '', 'Busy', ''] },
    });
    expect(written).toEqual({ format: 'xlsx', rows });
    // The list's sheet is stored as sheet2.xml in this workbook (see fixtures.ts).
    const sheet = unzipSync(readFileSync(out))['xl/worksheets/sheet2.xml']!;
    // More than one megabyte: written as several zlib blocks put end to end.
    expect(sheet.length).toBeGreaterThan(3 << 20);
    const zip = new ZipReader(out);
    const central = zip.entries.get('xl/worksheets/sheet2.xml')!.central;
    zip.close();
    expect(central.readUInt32LE(16)).toBe(crc32(sheet) >>> 0);
    expect(central.readUInt32LE(24)).toBe(sheet.length);
    const read = sheetRows(out);
    expect(read.size).toBe(rows + 1);
    expect(read.get(rows + 1)).toEqual([
      `(212) 555-${String((rows - 1) % 10_000).padStart(4, '0')}`,
      `Name ${rows - 1}`,
      `$${((rows - 1) / 4).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`,
      `#${rows}`,
      '',
      'Busy',
    ]);
  });
});
