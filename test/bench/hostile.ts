/**
 * npm run bench:hostile — the hostile corpus (test/helpers/hostile.ts) imported the way the app
 * imports, each file in a fresh child process, against floors measured in the same run.
 *
 *   floor:  a normal list of similar size (100,000 rows as CSV, and as .xlsx) imported by the same
 *           RecipientService into the same kind of database, in the same kind of child;
 *   cases:  each hostile file imported over a stored list: it must be refused with a message that
 *           names the file, leave the stored list as it was, end within its time bound, and keep
 *           peak RSS (the child's own, as the OS counts it) under 400 MB.
 *
 * Bounds: 400 MB for every case; time: 5 s, or 3× the floor when the floor is slower (a loaded
 * machine slows both). A child that runs past 4× its bound or 1 GB is killed and counts as a miss.
 * Flags: --check (exit 1 on a miss), --only <name>.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CampaignService } from '../../electron/campaigns/service';
import { openDatabase } from '../../electron/db/open';
import { RecipientService } from '../../electron/recipients/service';
import { HOSTILE_TABLES, type HostileTable } from '../helpers/hostile';
import { writeXlsx, type XlsxCell } from '../node/recipients/fixtures';
import { phoneFor, rng, writeRecipientCsv } from './generate';

const RSS_BOUND_MB = 400;
const TIME_BOUND_MS = 5000;

interface Report {
  elapsedMs: number;
  maxRssMb: number;
  refused: string | null;
  rows: number;
  kept: boolean;
}

/** Child mode: store a small list, import `path` over it, report time, peak RSS and the outcome. */
function child(path: string, dir: string): void {
  const db = openDatabase(join(dir, `child-${process.pid}.sqlite`));
  const campaign = new CampaignService({ db }).create('Bench');
  const recipients = new RecipientService({ db });
  const stored = join(dir, `stored-${process.pid}.csv`);
  writeFileSync(stored, 'Phone,Name\n2125550142,Ann\n3125550142,Bob\n');
  recipients.import({ campaignId: campaign.id, filePath: stored });
  const before = JSON.stringify(recipients.page(campaign.id, { limit: 10 }));
  let refused: string | null = null;
  let rows = 0;
  const started = performance.now();
  try {
    rows = recipients.import({ campaignId: campaign.id, filePath: path }).counts.total;
  } catch (error) {
    refused = (error as Error).message;
  }
  const elapsedMs = performance.now() - started;
  const kept =
    refused === null || JSON.stringify(recipients.page(campaign.id, { limit: 10 })) === before;
  db.close();
  const report: Report = {
    elapsedMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    refused,
    rows,
    kept,
  };
  process.stdout.write(JSON.stringify(report));
}

/** Runs one import in a child, killing it if it runs far past its bounds (the old reader did). */
function runChild(
  path: string,
  dir: string,
  timeBoundMs: number,
): Promise<Report | { killed: string }> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [...process.execArgv, self, '--child', path, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed: string | null = null;
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const started = Date.now();
    const watch = setInterval(() => {
      let rssMb = 0;
      try {
        const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
        rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      } catch {
        // not on Linux, or already gone: only the time limit applies
      }
      const elapsed = Date.now() - started;
      if (rssMb > 1024 || elapsed > timeBoundMs * 4 + 10_000) {
        killed =
          rssMb > 1024
            ? `killed at ${rssMb.toFixed(0)} MB after ${(elapsed / 1000).toFixed(1)} s`
            : `killed after ${(elapsed / 1000).toFixed(1)} s`;
        proc.kill('SIGKILL');
      }
    }, 100);
    proc.on('close', () => {
      clearInterval(watch);
      if (killed) resolve({ killed });
      else if (!out)
        resolve({ killed: `child failed: ${err.trim().split('\n').slice(-3).join(' ')}` });
      else resolve(JSON.parse(out) as Report);
    });
  });
}

function writeNormalWorkbook(path: string, rows: number): void {
  const random = rng(9);
  const sheet: XlsxCell[][] = [['Phone', 'First Name', 'Last Name', 'City', 'Balance']];
  for (let i = 0; i < rows; i++)
    sheet.push([
      phoneFor(random),
      `Name${i % 500}`,
      `Last${i % 300}`,
      `City${i % 40}`,
      Math.round(random() * 1e6) / 100,
    ]);
  writeXlsx(path, sheet);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'omnigage-hostile-'));
  let ok = true;
  try {
    console.log(
      `Hostile files benchmark — Node ${process.version}, ${cpus().length} CPU(s): ${cpus()[0]?.model ?? '?'}\n`,
    );
    const floorCsv = join(dir, 'normal-100k.csv');
    writeRecipientCsv(floorCsv, 100_000);
    const floorXlsx = join(dir, 'normal-100k.xlsx');
    writeNormalWorkbook(floorXlsx, 100_000);
    const floors: Record<'csv' | 'xlsx', Report> = { csv: null!, xlsx: null! };
    for (const [kind, path] of [
      ['csv', floorCsv],
      ['xlsx', floorXlsx],
    ] as const) {
      const report = await runChild(path, dir, 60_000);
      if ('killed' in report) throw new Error(`floor ${kind}: ${report.killed}`);
      if (report.refused) throw new Error(`floor ${kind} refused: ${report.refused}`);
      floors[kind] = report;
      console.log(
        `floor ${kind.padEnd(4)} normal list, ${report.rows.toLocaleString('en-US')} rows, ${mb(statSync(path).size)}: ${secs(report.elapsedMs)}, peak RSS ${report.maxRssMb.toFixed(0)} MB`,
      );
    }
    console.log('');
    console.log('case                size      time     bound    peak RSS  result');
    for (const [name, write] of Object.entries(HOSTILE_TABLES) as Array<
      [HostileTable, (path: string) => void]
    >) {
      if (only && name !== only) continue;
      const path = join(dir, name);
      write(path);
      const floor = floors[name.endsWith('.csv') ? 'csv' : 'xlsx'];
      const bound = Math.max(TIME_BOUND_MS, floor.elapsedMs * 3);
      const report = await runChild(path, dir, bound);
      const size = mb(statSync(path).size).padStart(8);
      if ('killed' in report) {
        ok = false;
        console.log(`${name.padEnd(18)}  ${size}  ${report.killed}  MISSED`);
        continue;
      }
      const misses: string[] = [];
      if (report.elapsedMs > bound) misses.push('time');
      if (report.maxRssMb > RSS_BOUND_MB) misses.push('memory');
      if (report.refused === null) misses.push('not refused');
      else if (!report.refused.startsWith(`${name}: `))
        misses.push('message does not name the file');
      if (!report.kept) misses.push('stored list changed');
      ok &&= misses.length === 0;
      console.log(
        `${name.padEnd(18)}  ${size}  ${secs(report.elapsedMs).padStart(7)}  ≤ ${secs(bound).padStart(6)}  ${`${report.maxRssMb.toFixed(0)} MB`.padStart(7)}   ${misses.length ? `MISSED (${misses.join(', ')})` : 'refused, list kept'}`,
      );
      if (report.refused)
        console.log(
          `${''.padEnd(20)}“${report.refused.slice(0, 150)}${report.refused.length > 150 ? '…' : ''}”`,
        );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    ok ? `\nall cases refused within bounds (time, ${RSS_BOUND_MB} MB)` : '\nSOME CASES MISSED',
  );
  if (!ok && args.includes('--check')) process.exitCode = 1;
}

if (process.argv[2] === '--child') child(process.argv[3]!, process.argv[4]!);
else await main();
