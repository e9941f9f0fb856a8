/**
 * npm run bench:campaigns-list — the campaigns list when one campaign has 1,000,000 recipients.
 *
 * The real backend (services, handlers and the dispatcher every IPC call goes through) on a
 * temporary data folder holding 20 campaigns, one of them with a 1,000,000-row list.
 *
 *   floor:  `campaigns:list` of the same 20 campaigns before any of them has a row;
 *   after:  `campaigns:list` with the 1,000,000-row list (the stored count, migration 0014);
 *   before: the statement the list ran until then, a count(*) over each campaign's rows, on
 *           the same database (the statement alone: the dispatch around it is the floor's).
 * The same for `recipients:page` of the big list (its "n rows" was the same count(*)).

 * The big list is stored through the recipients table module the way the import worker stores
 * one (staged, copied in blocks), so the count it leaves is the one the app would keep.
 *
 * Target: `campaigns:list` with the big list at most 2 ms over the floor's median (it no longer
 * grows with the rows) and within the window's 50 ms. Flags: --rows N (default 1,000,000),
 * --calls N (default 30), --check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, type Backend } from '../../electron/backend';
import { createMemoryLogger } from '../../electron/logging/logger';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import { recipientsTable } from '../../electron/db/tables/recipients';
import { phoneFor, rng } from './generate';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROWS = option('--rows', 1_000_000);
const CALLS = option('--calls', 30);
const CAMPAIGNS = 20;
const TARGET_MS = 50;
const OVER_FLOOR_MS = 2;

interface Timing {
  p50: number;
  worst: number;
}

const ms = (x: number) => `${x.toFixed(2)} ms`;
const show = (t: Timing) => `median ${ms(t.p50)}, worst ${ms(t.worst)}`;

async function timed(calls: number, fn: () => unknown): Promise<Timing> {
  await fn(); // warm: statements prepared, pages cached
  const took: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await fn();
    took.push(performance.now() - started);
  }
  took.sort((a, b) => a - b);
  return { p50: took[Math.floor(took.length / 2)]!, worst: took.at(-1)! };
}

async function dispatched(backend: Backend, channel: string, input: unknown): Promise<unknown> {
  const result = await backend.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`);
  return result.value;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'omnigage-bench-campaigns-list-'));
  const backend = createBackend({
    dataDir: dir,
    log: createMemoryLogger(),
    emit: () => {},
    version: 'bench',
    secrets: new MemorySecretStore(),
  });
  let ok = true;
  try {
    const { campaigns, db } = backend.services!;
    console.log(
      `The campaigns list with a ${ROWS.toLocaleString('en-US')}-row campaign among ${CAMPAIGNS} — ` +
        `Node ${process.version}, ${cpus().length} CPU(s), load ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}; ${CALLS} calls each\n`,
    );
    const ids = Array.from(
      { length: CAMPAIGNS },
      (_, i) => campaigns.create(`Campaign ${i + 1}`).id,
    );
    const big = ids[0]!;
    const list = () => dispatched(backend, 'campaigns:list', undefined);
    const floor = await timed(CALLS, list);

    // 1M rows stored the way the import worker stores them: staged, then copied into the list
    // in blocks (the table module counts each block), then the list's file record.
    const random = rng(42);
    const table = recipientsTable(db);
    const blocks = { started: performance.now() };
    table.createStaging();
    db.transaction(() => {
      for (let row = 1; row <= ROWS; row++) {
        const phone = phoneFor(random);
        const digits = phone.replace(/\D/g, '').slice(-10);
        table.insert(true, [
          big,
          row,
          phone,
          `+1${digits}`,
          'valid',
          null,
          null,
          null,
          JSON.stringify([phone, `Name ${row}`, 'Chicago', `${row}.00`]),
          null,
          row + 1,
        ]);
      }
    }).deferred();
    db.transaction(() => {
      table.deleteAll(big);
      for (let done = 0; done < ROWS; done += 50_000) table.copyStaged(big, done, done + 50_000);
      table.saveList({
        campaign_id: big,
        file_name: 'big.csv',
        file_sha256: '',
        format: 'csv',
        encoding: null,
        delimiter: ',',
        headers: '["Phone","Name","City","Balance"]',
        merge_keys: '["phone","name","city","balance"]',
        phone_index: 0,
        default_country: 'US',
        row_count: ROWS,
        imported_at: '',
        header_row: 1,
      });
    })();
    table.dropStaging();
    console.log(
      `(${ROWS.toLocaleString('en-US')} rows stored in ${((performance.now() - blocks.started) / 1000).toFixed(1)} s)\n`,
    );
    const stored = campaigns.get(big).recipientCount;
    if (stored !== ROWS) throw new Error(`the stored count is ${stored}, not ${ROWS}`);

    const after = await timed(CALLS, list);
    const oldList = db.prepare(
      `SELECT c.id, c.name, c.status, c.created_at, c.updated_at,
         (SELECT count(*) FROM recipients r WHERE r.campaign_id = c.id) AS recipient_count
       FROM campaigns c ORDER BY c.updated_at DESC, c.name`,
    );
    const before = await timed(Math.min(CALLS, 10), () => oldList.all());

    const page = () => dispatched(backend, 'recipients:page', { campaignId: big, limit: 100 });
    const pageAfter = await timed(CALLS, page);
    const oldCount = db.prepare('SELECT count(*) FROM recipients r WHERE r.campaign_id = ?');
    const countBefore = await timed(Math.min(CALLS, 10), () => oldCount.get(big));

    console.log(`campaigns:list  floor (no rows yet)        ${show(floor)}`);
    console.log(`                after (stored count)       ${show(after)}`);
    console.log(
      `                before (count(*) per list) ${show(before)}  (the statement alone)`,
    );
    console.log(`recipients:page after (stored count)       ${show(pageAfter)}`);
    console.log(
      `                before: its count(*) alone ${show(countBefore)}  (on top of the page itself)`,
    );
    const met = after.p50 <= floor.p50 + OVER_FLOOR_MS && after.worst <= TARGET_MS;
    ok &&= met;
    console.log(
      `\ncampaigns:list with the big list: median ${ms(after.p50)} against the floor's ${ms(floor.p50)} (target ≤ floor + ${OVER_FLOOR_MS} ms), ` +
        `worst ${ms(after.worst)} (target ≤ ${TARGET_MS} ms): ${met ? 'met' : 'MISSED'}`,
    );
  } finally {
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(ok ? '\nall targets met' : '\nSOME TARGETS MISSED');
  if (!ok && args.includes('--check')) process.exitCode = 1;
}

await main();
