/**
 * npm run bench:write-back — results written into a copy of the imported spreadsheet
 * (electron/recipients/write-back.ts), against floors measured in the same run.
 *
 *   write-back: check the SHA-256, read the file once for its layout (the importer's reader),
 *               then copy it with four new cells on every data row.
 *   floor:      the importer reading the same file once (readTable, cells discarded) plus a plain
 *               copy of the file (copyFileSync): what any write-back must at least do.
 *
 * No target is set by the issue; the figures say what a person waits for, and that the copy is
 * a small multiple of one reading. Flags: --rows N (default 100000), --rounds N (default 3).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTable } from '../../electron/recipients/read-table';
import { writeBack } from '../../electron/recipients/write-back';
import { writeXlsx, type XlsxCell } from '../node/recipients/fixtures';
import { phoneFor, rng, writeRecipientCsv } from './generate';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rows = option('--rows', 100_000);
const rounds = option('--rounds', 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'omnigage-bench-write-back-'));
try {
  const csv = join(dir, 'list.csv');
  writeRecipientCsv(csv, rows);
  const xlsx = join(dir, 'list.xlsx');
  {
    const random = rng(7);
    const sheet: XlsxCell[][] = [['Phone', 'First Name', 'Balance', 'Appointment']];
    for (let i = 0; i < rows; i++) {
      sheet.push([
        phoneFor(random),
        `Name ${i}`,
        { value: Math.round(random() * 100_000) / 100, format: '"$"#,##0.00' },
        { value: 46451 + (i % 30), format: 'dddd, mmmm d, yyyy' },
      ]);
    }
    writeXlsx(xlsx, sheet, { level: 6 });
  }

  const columns = {
    headers: ['Number called', 'Call status', 'Outcome', 'Called at'],
    cells: (row: number, sheetRowOf: (row: number) => number) =>
      row % 10 === 0
        ? [
            '',
            `Not called — repeats row ${sheetRowOf(Math.max(1, row - 5))}`,
            'Not called — repeats row 2',
            '',
          ]
        : ['+12125550142', 'Call finished', 'Answered by a person', '2027-03-05 14:32'],
  };

  for (const source of [csv, xlsx]) {
    const sha256 = createHash('sha256').update(readFileSync(source)).digest('hex');
    const out = join(dir, `copy-${source.endsWith('.xlsx') ? 'list.xlsx' : 'list.csv'}`);
    const floor: number[] = [];
    const full: number[] = [];
    let written = 0;
    for (let round = 0; round <= rounds; round++) {
      let t = performance.now();
      readTable(source, { onHeader() {}, onRow() {} });
      copyFileSync(source, join(dir, 'plain-copy'));
      const f = performance.now() - t;
      t = performance.now();
      written = writeBack({ source, sha256, out, columns }).rows;
      const w = performance.now() - t;
      // Round 0 warms up.
      if (round > 0) {
        floor.push(f);
        full.push(w);
      }
    }
    const rss = process.memoryUsage().rss;
    console.log(
      `${source.endsWith('.xlsx') ? 'xlsx' : 'csv '}: ${written.toLocaleString('en-US')} rows, ` +
        `${(statSync(source).size / 1e6).toFixed(1)} MB → ${(statSync(out).size / 1e6).toFixed(1)} MB\n` +
        `  floor (one reading + a plain copy): median ${ms(median(floor))}  [${floor.map(ms).join(', ')}]\n` +
        `  write-back:                         median ${ms(median(full))}  [${full.map(ms).join(', ')}]` +
        `  = ${(median(full) / median(floor)).toFixed(2)}× the floor; process RSS ${(rss / 1e6).toFixed(0)} MB`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
