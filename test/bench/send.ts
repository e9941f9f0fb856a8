/**
 * `npm run bench:send`: 20,000 recipients sent to the sandbox by the send engine, against a
 * minimal loop that posts the same batches (same recipients, same merge values, 100 per
 * request, 3 in flight) with plain fetch and nothing else: no journal, no audit, no checks.
 * A third run posts the same batches through the project's API client alone, so the cost of
 * its HTTP layer can be told apart from the engine's own.
 *
 *   npm run bench:send                 # 1 warm-up + 3 rounds (floor, client loop, engine), medians
 *   npm run bench:send -- --rounds 7
 *   npm run bench:send -- --check      # exit 1 when a target is missed
 *
 * The sandbox runs in its own process (as Omnigage would be elsewhere), a fresh one per round.
 * Each measured run is a fresh child process (this file bundled, see bundleSelf) with its own
 * data folder, so its peak RSS is its own. Importing the list happens before the clock starts
 * in all three (it has its own benchmark).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createOmnigageClient } from '../../electron/api/client';
import { createMemoryLogger } from '../../electron/logging/logger';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import { createServices, type Services } from '../../electron/services';
import { DEMO_CREDENTIALS, startSandbox } from '../../electron/sandbox';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RECIPIENTS = 20_000;
const BATCH = 100;
const CONCURRENCY = 3;
const TARGET_RATIO = 1.5;
const TARGET_RSS_MB = 250;

interface RunResult {
  ms: number;
  /** CPU time (user + system) of the measured part: steadier than wall time on a busy machine. */
  cpuMs: number;
  rssMB: number;
  envelopes: number;
  engagementId: string | null;
}

// ---- children --------------------------------------------------------------------------

async function sandboxProcess(): Promise<void> {
  const sandbox = await startSandbox({ seed: 'bench', dialer: { autoRun: false } });
  process.stdout.write(
    `${JSON.stringify({ baseUrl: sandbox.baseUrl, callerId: sandbox.callerId.id })}\n`,
  );
  // Lives until the parent closes stdin.
  process.stdin.resume();
  process.stdin.on('end', () => void sandbox.close().then(() => process.exit(0)));
}

function servicesFor(dataDir: string): Services {
  return createServices({
    dataDir,
    log: createMemoryLogger(),
    secrets: new MemorySecretStore(),
    env: process.env,
    send: { batchSize: BATCH, concurrency: CONCURRENCY },
  });
}

function prepare(services: Services, csv: string): string {
  const campaign = services.campaigns.create('Benchmark');
  services.campaigns.update(campaign.id, {
    callerId: process.env.BENCH_CALLER_ID!,
    human: {
      kind: 'text',
      body: 'Hello {{first-name}} {{last-name}} of {{city}}.',
      voice: 'Polly-Joanna',
    },
    machine: null,
  });
  services.recipients.import({ campaignId: campaign.id, filePath: csv });
  return campaign.id;
}

function report(result: RunResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const rssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function engineRun(csv: string, dataDir: string): Promise<void> {
  const services = servicesFor(dataDir);
  const id = prepare(services, csv);
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await services.send.start(id);
  const status = await services.send.settled(id);
  const ms = performance.now() - started;
  if (status?.state !== 'scheduled')
    throw new Error(`engine ended ${status?.state}: ${status?.message}`);
  report({
    ms,
    cpuMs: cpuMs(cpu0),
    rssMB: rssMB(),
    envelopes: status.envelopesSent,
    engagementId: status.engagementId,
  });
  services.close();
}

/**
 * The floor: the same batches posted with plain fetch. `viaClient` posts them through the
 * project's API client instead (no journal, no audit, no checks), to show what the client's
 * own HTTP layer costs apart from the engine.
 */
async function floorRun(csv: string, dataDir: string, viaClient = false): Promise<void> {
  const services = servicesFor(dataDir);
  const id = prepare(services, csv);
  const recipients = Array.from(services.recipients.sendable(id, null), (r) => ({
    phoneNumber: r.e164,
    meta: r.fields,
  }));
  services.close();
  const base = process.env.OMNIGAGE_API_URL!;
  const auth = `Basic ${Buffer.from(`${DEMO_CREDENTIALS.tokenKey}:${DEMO_CREDENTIALS.tokenSecret}`).toString('base64')}`;
  const bulk = 'application/vnd.api+json; ext=bulk';
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const engagement = (await (
    await fetch(`${base}engagements`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        data: { type: 'engagements', attributes: { name: 'Floor', direction: 'outbound' } },
      }),
    })
  ).json()) as { data: { id: string } };
  const engagementId = engagement.data.id;
  let next = 0;
  let created = 0;
  const client = createOmnigageClient({ baseUrl: base, credentials: DEMO_CREDENTIALS });
  const worker = async () => {
    for (let at = next; at < recipients.length; at = next) {
      next += BATCH;
      if (viaClient) {
        // Awaited first: `created += await …` would read `created` before the wait.
        const got = await client.envelopes.createBulk(
          engagementId,
          recipients.slice(at, at + BATCH),
        );
        created += got.length;
        continue;
      }
      const data = recipients.slice(at, at + BATCH).map((r) => ({
        type: 'envelopes',
        attributes: { 'phone-number': r.phoneNumber, meta: r.meta },
        relationships: { engagement: { data: { type: 'engagements', id: engagementId } } },
      }));
      const response = await fetch(`${base}envelopes`, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': bulk, Accept: bulk },
        body: JSON.stringify({ data }),
      });
      const body = (await response.json()) as { data: unknown[] };
      if (response.status !== 201) throw new Error(`floor batch failed: ${response.status}`);
      created += body.data.length;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ms = performance.now() - started;
  report({ ms, cpuMs: cpuMs(cpu0), rssMB: rssMB(), envelopes: created, engagementId });
}

// ---- parent ----------------------------------------------------------------------------

/**
 * The measured runs execute this file bundled by esbuild, as the app ships its main process
 * (electron/main.ts is bundled the same way), so their memory is the code's and not a
 * TypeScript loader's. The bundle sits under node_modules/.cache so the native addons resolve.
 */
async function bundleSelf(): Promise<string> {
  const outfile = join(ROOT, 'node_modules', '.cache', 'bench-send', 'send.mjs');
  await build({
    entryPoints: [SELF],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    external: ['better-sqlite3', 'keytar', 'esbuild'],
    logLevel: 'warning',
  });
  return outfile;
}

let bundled = '';

function child(args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bundled, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${args[0]} exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as RunResult);
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 3;
  const check = args.includes('--check');
  const dir = mkdtempSync(join(tmpdir(), 'omnigage-bench-send-'));
  bundled = await bundleSelf();
  try {
    const csv = join(dir, 'recipients.csv');
    const lines = ['Phone,First Name,Last Name,City'];
    for (let i = 0; i < RECIPIENTS; i++) {
      // Unique, valid NANP numbers across several area codes (exchange 2xx–9xx).
      const area = ['212', '312', '415', '617', '713'][i % 5];
      const exchange = 200 + Math.floor(i / 5 / 10_000);
      lines.push(
        `+1${area}${exchange}${String(Math.floor(i / 5) % 10_000).padStart(4, '0')},First${i},Last${i},City ${i % 97}`,
      );
    }
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const warmCsv = join(dir, 'warm-up.csv');
    writeFileSync(warmCsv, `${lines.slice(0, 2001).join('\n')}\n`);
    let n = 0;
    // Every measured run gets a sandbox of its own, warmed up by a small run first: no run pays
    // for a cold server or for the envelopes of the runs before it.
    const measure = async (kind: '--engine' | '--floor' | '--client'): Promise<RunResult> => {
      const sandboxProc = spawn(process.execPath, [bundled, '--sandbox'], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      try {
        const first = await new Promise<string>((resolve) =>
          createInterface({ input: sandboxProc.stdout! }).once('line', resolve),
        );
        const { baseUrl, callerId } = JSON.parse(first) as { baseUrl: string; callerId: string };
        const env = {
          OMNIGAGE_API_URL: baseUrl,
          OMNIGAGE_API_KEY: DEMO_CREDENTIALS.tokenKey,
          OMNIGAGE_API_SECRET: DEMO_CREDENTIALS.tokenSecret,
          OMNIGAGE_ACCOUNT_KEY: DEMO_CREDENTIALS.accountKey,
          BENCH_CALLER_ID: callerId,
        };
        await child(['--floor', warmCsv, join(dir, `data-${++n}`)], env);
        return await child([kind, csv, join(dir, `data-${++n}`)], env);
      } finally {
        sandboxProc.stdin!.end();
      }
    };
    const round = async () => ({
      floor: await measure('--floor'),
      client: await measure('--client'),
      engine: await measure('--engine'),
    });

    process.stderr.write(
      `bench:send: ${RECIPIENTS} recipients, batches of ${BATCH}, ${CONCURRENCY} in flight; warm-up…\n`,
    );
    await round();
    const engine: RunResult[] = [];
    const floor: RunResult[] = [];
    const client: RunResult[] = [];
    for (let r = 0; r < rounds; r++) {
      const result = await round();
      floor.push(result.floor);
      client.push(result.client);
      engine.push(result.engine);
      process.stderr.write(
        `  round ${r + 1}: floor ${Math.round(floor.at(-1)!.ms)} ms, API client loop ${Math.round(client.at(-1)!.ms)} ms, engine ${Math.round(engine.at(-1)!.ms)} ms\n`,
      );
    }
    const bad = [...engine, ...floor, ...client].find((x) => x.envelopes !== engine[0]!.envelopes);
    if (bad)
      throw new Error(
        `runs created different numbers of envelopes (${bad.envelopes} vs ${engine[0]!.envelopes})`,
      );
    const engineMs = median(engine.map((x) => x.ms));
    const floorMs = median(floor.map((x) => x.ms));
    // Each round runs the two back to back, so the median of the per-round ratios is the figure
    // least moved by other work on the machine; the ratio of the medians is shown next to it.
    const ratio = median(engine.map((x, i) => x.ms / floor[i]!.ms));
    const peak = Math.max(...engine.map((x) => x.rssMB));
    const engineCpu = median(engine.map((x) => x.cpuMs));
    const floorCpu = median(floor.map((x) => x.cpuMs));
    const rows = [
      ['', 'median', 'envelopes/s', 'CPU', 'peak RSS'],
      [
        'floor (fetch loop)',
        `${Math.round(floorMs)} ms`,
        `${Math.round((floor[0]!.envelopes / floorMs) * 1000)}`,
        `${Math.round(floorCpu)} ms`,
        `${Math.max(...floor.map((x) => x.rssMB))} MB`,
      ],
      [
        'API client loop',
        `${Math.round(median(client.map((x) => x.ms)))} ms`,
        `${Math.round((client[0]!.envelopes / median(client.map((x) => x.ms))) * 1000)}`,
        `${Math.round(median(client.map((x) => x.cpuMs)))} ms`,
        `${Math.max(...client.map((x) => x.rssMB))} MB`,
      ],
      [
        'send engine',
        `${Math.round(engineMs)} ms`,
        `${Math.round((engine[0]!.envelopes / engineMs) * 1000)}`,
        `${Math.round(engineCpu)} ms`,
        `${peak} MB`,
      ],
    ];
    for (const row of rows)
      process.stdout.write(
        `${row[0]!.padEnd(20)}${row
          .slice(1)
          .map((c) => c.padStart(14))
          .join('')}\n`,
      );
    const clientRatio = median(client.map((x, i) => x.ms / floor[i]!.ms));
    process.stdout.write(
      `API client loop/floor: ${clientRatio.toFixed(2)}× (the client's HTTP layer alone, no journal)\n`,
    );
    process.stdout.write(
      `envelopes per run: ${engine[0]!.envelopes}; engine/floor: ${ratio.toFixed(2)}× (median of rounds; ${(engineMs / floorMs).toFixed(2)}× of medians; target ≤ ${TARGET_RATIO}×), ${(engineCpu / floorCpu).toFixed(2)}× CPU; engine peak RSS ${peak} MB (target ≤ ${TARGET_RSS_MB} MB)\n`,
    );
    const missed = ratio > TARGET_RATIO || peak > TARGET_RSS_MB;
    if (missed) process.stdout.write('TARGET MISSED\n');
    if (check && missed) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Dispatched last: every function and constant above exists by now.
const mode = process.argv[2];
if (mode === '--sandbox') await sandboxProcess();
else if (mode === '--engine') await engineRun(process.argv[3]!, process.argv[4]!);
else if (mode === '--floor') await floorRun(process.argv[3]!, process.argv[4]!);
else if (mode === '--client') await floorRun(process.argv[3]!, process.argv[4]!, true);
else await main();
