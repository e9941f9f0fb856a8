/**
 * npm run bench:million — one million recipients end to end: imported (on the import worker, as
 * the window imports), validated (the summary Review and `validate` show) and sent to the
 * sandbox by the send engine, each stage timed against its floor, with the peak RSS.
 *
 *   app child:   import 1M rows (ImportJobs + the bundled worker thread), the validation summary,
 *                then the send engine (batches of 100, 3 in flight) until scheduled;
 *   floor child: the same file read and stored with one INSERT per row in one transaction (no
 *                validation); the stored rows read once in row order; the same batches posted
 *                with plain fetch from rows read in blocks (no journal, audit or checks).
 *
 * Each child is this file bundled by esbuild (as the app's main process is) and runs alone, so
 * its peak RSS (process.resourceUsage().maxRSS, the worker thread included) is its own. Each has
 * its own sandbox process (the stand-in for Omnigage, which keeps every envelope in memory).
 * Target (issue 15): the app child's peak RSS ≤ 400 MB. Flags: --rows N (default 1,000,000), --check.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CampaignService } from '../../electron/campaigns/service';
import { openDatabase } from '../../electron/db/open';
import { createMemoryLogger } from '../../electron/logging/logger';
import { readTable } from '../../electron/recipients/read-table';
import { DEMO_CREDENTIALS, startSandbox } from '../../electron/sandbox';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import { createServices } from '../../electron/services';
import { writeValidCsv } from './generate';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BATCH = 100;
const CONCURRENCY = 3;
const TARGET_RSS_MB = 400;
const BODY = 'Hello {{first-name}}, your balance is {{account-balance}}.';

interface Stage {
  name: string;
  ms: number;
  cpuMs: number;
  /** Peak RSS of the process so far, MB. */
  rssMB: number;
}

const rssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function stage(stages: Stage[], name: string, run: () => unknown): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  stages.push({
    name,
    ms: performance.now() - started,
    cpuMs: (used.user + used.system) / 1000,
    rssMB: rssMB(),
  });
  process.stderr.write(
    `    ${name}: ${Math.round(performance.now() - started)} ms, peak RSS ${rssMB()} MB\n`,
  );
}

// ---- children --------------------------------------------------------------------------

async function sandboxProcess(): Promise<void> {
  const sandbox = await startSandbox({ seed: 'million', dialer: { autoRun: false } });
  process.stdout.write(
    `${JSON.stringify({ baseUrl: sandbox.baseUrl, callerId: sandbox.callerId.id })}\n`,
  );
  process.stdin.resume();
  process.stdin.on('end', () => {
    process.stderr.write(`    (sandbox peak RSS ${rssMB()} MB)\n`);
    void sandbox.close().then(() => process.exit(0));
  });
}

async function appRun(csv: string, dataDir: string, worker: string): Promise<void> {
  const services = createServices({
    dataDir,
    log: createMemoryLogger(),
    secrets: new MemorySecretStore(),
    env: process.env,
    send: { batchSize: BATCH, concurrency: CONCURRENCY },
    importWorker: { file: worker },
  });
  const campaign = services.campaigns.create('One million');
  services.campaigns.update(campaign.id, {
    callerId: process.env.BENCH_CALLER_ID!,
    human: { kind: 'text', body: BODY, voice: 'Polly-Joanna' },
    machine: null,
  });
  const stages: Stage[] = [];
  let rows = 0;
  await stage(stages, 'import', async () => {
    rows = (await services.imports.run({ campaignId: campaign.id, filePath: csv })).counts.valid;
  });
  await stage(stages, 'validate', () => {
    const summary = services.recipients.summary(campaign.id, { texts: [BODY] });
    if (!summary.ok || summary.recipients.valid !== rows)
      throw new Error(`summary: ${JSON.stringify(summary.recipients)}`);
  });
  let envelopes = 0;
  await stage(stages, 'send', async () => {
    await services.send.start(campaign.id);
    const status = await services.send.settled(campaign.id);
    if (status?.state !== 'scheduled')
      throw new Error(`send ended ${status?.state}: ${status?.message}`);
    envelopes = status.envelopesSent;
  });
  services.close();
  process.stdout.write(`${JSON.stringify({ stages, rows, envelopes })}\n`);
}

async function floorRun(csv: string, dataDir: string): Promise<void> {
  const db = openDatabase(join(dataDir, 'floor.sqlite'));
  const campaignId = new CampaignService({ db }).create('Floor').id;
  const stages: Stage[] = [];
  let rows = 0;
  await stage(stages, 'import', () => {
    const insert = db.prepare(
      `INSERT INTO recipients (campaign_id, row, phone_raw, e164, status, problem, duplicate_of, line_type, fields, cell_problems)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      readTable(csv, {
        onHeader() {},
        onRow(cells, row) {
          // The number as E.164 the cheapest way (the file's are valid): what sending needs.
          insert.run(
            campaignId,
            row,
            cells[0]!,
            `+1${cells[0]!.replace(/\D/g, '').slice(-10)}`,
            'valid',
            null,
            null,
            null,
            JSON.stringify(cells),
            null,
          );
          rows++;
        },
      });
    })();
  });
  const read = db
    .prepare(
      'SELECT row, e164, fields FROM recipients WHERE campaign_id = ? AND row > ? ORDER BY row LIMIT 2000',
    )
    .raw();
  await stage(stages, 'validate', () => {
    let seen = 0;
    for (let after = 0; ;) {
      const block = read.all(campaignId, after) as Array<[number, string, string]>;
      for (const r of block) if (JSON.parse(r[2]).length > 0) seen++;
      if (block.length < 2000) break;
      after = block.at(-1)![0];
    }
    if (seen !== rows) throw new Error(`read ${seen} of ${rows}`);
  });
  const base = process.env.OMNIGAGE_API_URL!;
  const auth = `Basic ${Buffer.from(`${DEMO_CREDENTIALS.tokenKey}:${DEMO_CREDENTIALS.tokenSecret}`).toString('base64')}`;
  const bulk = 'application/vnd.api+json; ext=bulk';
  let envelopes = 0;
  await stage(stages, 'send', async () => {
    const engagement = (await (
      await fetch(`${base}engagements`, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          data: { type: 'engagements', attributes: { name: 'Floor', direction: 'outbound' } },
        }),
      })
    ).json()) as { data: { id: string } };
    let after = 0;
    let buffered: Array<[number, string, string]> = [];
    const nextBatch = () => {
      if (buffered.length < BATCH) {
        buffered = buffered.concat(read.all(campaignId, after) as Array<[number, string, string]>);
        if (buffered.length > 0) after = buffered.at(-1)![0];
      }
      return buffered.splice(0, BATCH);
    };
    const worker = async () => {
      for (let batch = nextBatch(); batch.length > 0; batch = nextBatch()) {
        const data = batch.map(([, e164, fields]) => {
          const cells = JSON.parse(fields) as string[];
          return {
            type: 'envelopes',
            attributes: {
              'phone-number': e164,
              meta: { 'first-name': cells[1], 'account-balance': cells[4] },
            },
            relationships: {
              engagement: { data: { type: 'engagements', id: engagement.data.id } },
            },
          };
        });
        const response = await fetch(`${base}envelopes`, {
          method: 'POST',
          headers: { Authorization: auth, 'Content-Type': bulk, Accept: bulk },
          body: JSON.stringify({ data }),
        });
        if (response.status !== 201) throw new Error(`floor batch failed: ${response.status}`);
        // Awaited first: `envelopes += await …` would read `envelopes` before the wait.
        const created = ((await response.json()) as { data: unknown[] }).data.length;
        envelopes += created;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  });
  db.close();
  process.stdout.write(`${JSON.stringify({ stages, rows, envelopes })}\n`);
}

// ---- parent ----------------------------------------------------------------------------

async function bundle(): Promise<{ self: string; worker: string }> {
  const dir = join(ROOT, 'node_modules', '.cache', 'bench-million');
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node24',
    logLevel: 'warning',
    minify: true,
  } as const;
  await build({
    ...common,
    entryPoints: [SELF],
    outfile: join(dir, 'million.mjs'),
    format: 'esm',
    external: ['better-sqlite3', 'keytar', 'esbuild'],
  });
  // The import worker as build/bundle-electron.mjs bundles it for the app.
  await build({
    ...common,
    entryPoints: [join(ROOT, 'electron/recipients/import-worker.ts')],
    outfile: join(dir, 'import-worker.cjs'),
    format: 'cjs',
    external: ['better-sqlite3', 'keytar', 'electron'],
  });
  return { self: join(dir, 'million.mjs'), worker: join(dir, 'import-worker.cjs') };
}

interface ChildReport {
  stages: Stage[];
  rows: number;
  envelopes: number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--rows');
  const rows = at >= 0 ? Number(args[at + 1]) : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'omnigage-bench-million-'));
  const { self, worker } = await bundle();
  try {
    const csv = join(dir, 'recipients.csv');
    writeValidCsv(csv, rows);
    console.log(
      `${rows.toLocaleString('en-US')} recipients end to end (${(statSync(csv).size / 1e6).toFixed(0)} MB CSV, phone + 4 columns, two used in the message) — ` +
        `Node ${process.version}, ${cpus().length} CPU(s), load ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    const runChild = async (mode: '--app' | '--floor', n: number): Promise<ChildReport> => {
      const sandboxProc = spawn(
        process.execPath,
        ['--max-old-space-size=4096', self, '--sandbox'],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      try {
        const first = await new Promise<string>((resolve) =>
          createInterface({ input: sandboxProc.stdout! }).once('line', resolve),
        );
        const { baseUrl, callerId } = JSON.parse(first) as { baseUrl: string; callerId: string };
        const env = {
          ...process.env,
          OMNIGAGE_API_URL: baseUrl,
          OMNIGAGE_API_KEY: DEMO_CREDENTIALS.tokenKey,
          OMNIGAGE_API_SECRET: DEMO_CREDENTIALS.tokenSecret,
          OMNIGAGE_ACCOUNT_KEY: DEMO_CREDENTIALS.accountKey,
          BENCH_CALLER_ID: callerId,
        };
        process.stderr.write(`  ${mode === '--app' ? 'app' : 'floor'}:\n`);
        return await new Promise<ChildReport>((resolve, reject) => {
          const proc = spawn(process.execPath, [self, mode, csv, join(dir, `data-${n}`), worker], {
            env,
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
          proc.on('close', (code) =>
            code === 0
              ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildReport)
              : reject(new Error(`${mode} exited ${code}`)),
          );
        });
      } finally {
        sandboxProc.stdin!.end();
        await new Promise((resolve) => sandboxProc.once('close', resolve));
      }
    };
    const floor = await runChild('--floor', 1);
    const app = await runChild('--app', 2);
    if (app.envelopes !== rows || floor.envelopes !== rows)
      throw new Error(`envelopes: app ${app.envelopes}, floor ${floor.envelopes}, rows ${rows}`);
    console.log(
      `\n${'stage'.padEnd(10)}${'app'.padStart(12)}${'floor'.padStart(12)}${'ratio'.padStart(8)}${'app CPU'.padStart(12)}${'floor CPU'.padStart(12)}${'app peak RSS'.padStart(15)}`,
    );
    for (const [i, s] of app.stages.entries()) {
      const f = floor.stages[i]!;
      console.log(
        `${s.name.padEnd(10)}${`${(s.ms / 1000).toFixed(1)} s`.padStart(12)}${`${(f.ms / 1000).toFixed(1)} s`.padStart(12)}${`${(s.ms / f.ms).toFixed(2)}×`.padStart(8)}` +
          `${`${(s.cpuMs / 1000).toFixed(1)} s`.padStart(12)}${`${(f.cpuMs / 1000).toFixed(1)} s`.padStart(12)}${`${s.rssMB} MB`.padStart(15)}`,
      );
    }
    const peak = Math.max(...app.stages.map((s) => s.rssMB));
    const met = peak <= TARGET_RSS_MB;
    console.log(
      `\n${app.envelopes.toLocaleString('en-US')} envelopes scheduled; app peak RSS ${peak} MB (target ≤ ${TARGET_RSS_MB} MB): ${met ? 'met' : 'MISSED'}; floor peak RSS ${Math.max(...floor.stages.map((s) => s.rssMB))} MB`,
    );
    if (!met && args.includes('--check')) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mode = process.argv[2];
if (mode === '--sandbox') await sandboxProcess();
else if (mode === '--app') await appRun(process.argv[3]!, process.argv[4]!, process.argv[5]!);
else if (mode === '--floor') await floorRun(process.argv[3]!, process.argv[4]!);
else await main();
