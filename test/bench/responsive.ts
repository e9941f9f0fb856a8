/**
 * npm run bench:responsive — the window's requests while a 1,000,000-row list is imported.
 *
 * The real backend (services, handlers and the dispatcher every IPC call goes through, as
 * electron/main.ts binds them) on a temporary data folder, with the import worker bundled as
 * the app ships it. A light channel (`recipients:list` of a small campaign: the input checked,
 * one database read, the answer built) is dispatched every 5 ms; each call's latency is counted from the moment it was due,
 * so time the main thread spent busy before it could even send the call counts too.
 *
 *   floor:   the same loop with nothing else running (same process, same run);
 *   worker:  the loop while `recipients:import` of 1M rows runs (the app's way since issue 15);
 *   main:    for comparison, the loop while the same import runs on the main thread (the way
 *            before: every call waits for the whole import). Skipped with --skip-main.
 *
 * Target (issue 15): while the import runs, every call answered within 50 ms (worst), p99 shown
 * against the floor's. Then Review's validation summary of the imported list, measured the same
 * way (built on the worker for a long list). Flags: --rows N (default 1,000,000), --check,
 * --skip-main.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createBackend, type Backend } from '../../electron/backend';
import { createMemoryLogger } from '../../electron/logging/logger';
import type { ImportWorkerSpec } from '../../electron/recipients/import-jobs';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import type { ImportProgress } from '../../shared/recipients/types';
import { writeRecipientCsv } from './generate';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROWS = option('--rows', 1_000_000);
const EVERY_MS = 5;
const TARGET_MS = 50;
const WORKER = join(ROOT, 'dist', 'bench', 'import-worker.cjs');

/** The worker bundled as build/bundle-electron.mjs bundles it for the app. */
async function bundleWorker(): Promise<ImportWorkerSpec> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['electron/recipients/import-worker.ts'],
    outfile: WORKER,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    minify: true,
    logLevel: 'warning',
    external: ['electron', 'better-sqlite3', 'keytar'],
  });
  return { file: WORKER };
}

interface Latencies {
  calls: number;
  p50: number;
  p99: number;
  worst: number;
  loopWorst: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** Calls the light channel every EVERY_MS until `until` settles; latency from when each call was due. */
async function probe(
  backend: Backend,
  until: Promise<unknown>,
  campaignId: string,
): Promise<Latencies> {
  const latencies: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let done = false;
  void until.finally(() => (done = true));
  let due = performance.now();
  while (!done) {
    due += EVERY_MS;
    const wait = due - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    const result = await backend.dispatch('recipients:list', { campaignId });
    if (!result.ok) throw new Error(`recipients:list failed: ${result.error.message}`);
    latencies.push(performance.now() - due);
    // A call that came back late moves the schedule on instead of firing a burst to catch up.
    if (performance.now() > due + EVERY_MS) due = performance.now();
  }
  loop.disable();
  latencies.sort((a, b) => a - b);
  return {
    calls: latencies.length,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    worst: latencies.at(-1) ?? 0,
    loopWorst: loop.max / 1e6,
  };
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const describe = (l: Latencies) =>
  `${l.calls.toLocaleString('en-US')} calls: p50 ${ms(l.p50)}, p99 ${ms(l.p99)}, worst ${ms(l.worst)} (event loop delay, worst: ${ms(l.loopWorst)})`;

async function importWhileProbing(
  backend: Backend,
  file: string,
  probed: string,
): Promise<{ latencies: Latencies; elapsed: number; progress: number; campaignId: string }> {
  const services = backend.services!;
  const campaign = services.campaigns.create(`Import ${Date.now()}`);
  let started = 0;

  // Started once the probe runs, so an import that holds the main thread is seen holding it.
  const settled = new Promise((resolve) => setTimeout(resolve, 20))
    .then(() => {
      started = performance.now();
      return backend.dispatch('recipients:import', {
        campaignId: campaign.id,
        file: services.fileHandles.issue(file).handle,
      });
    })
    .then((result) => {
      if (!result.ok) throw new Error(`import failed: ${result.error.message}`);
      return result.value;
    });
  const latencies = await probe(backend, settled, probed);
  const value = (await settled) as { counts: { total: number } };
  if (value.counts.total !== ROWS)
    throw new Error(`imported ${value.counts.total} rows, not ${ROWS}`);
  const progress = events.length;
  return { latencies, elapsed: performance.now() - started, progress, campaignId: campaign.id };
}

/** Review's validation summary of the imported list, asked while the light channel is probed. */
async function summaryWhileProbing(
  backend: Backend,
  campaignId: string,
  probed: string,
): Promise<{ latencies: Latencies; elapsed: number }> {
  let started = 0;
  const settled = new Promise((resolve) => setTimeout(resolve, 20))
    .then(() => {
      started = performance.now();
      return backend.dispatch('recipients:summary', { campaignId, texts: [] });
    })
    .then((result) => {
      if (!result.ok) throw new Error(`summary failed: ${result.error.message}`);
      return result.value;
    });
  const latencies = await probe(backend, settled, probed);
  const value = (await settled) as { recipients: { total: number } };
  if (value.recipients.total !== ROWS)
    throw new Error(`the summary counted ${value.recipients.total} rows, not ${ROWS}`);
  return { latencies, elapsed: performance.now() - started };
}

const events: ImportProgress[] = [];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'omnigage-bench-responsive-'));
  const open = (importWorker?: ImportWorkerSpec) =>
    createBackend({
      dataDir: join(dir, importWorker ? 'worker' : 'main'),
      log: createMemoryLogger(),
      emit: (event, payload) => {
        if (event === 'recipients:importProgress') events.push(payload as ImportProgress);
      },
      version: 'bench',
      secrets: new MemorySecretStore(),
      importWorker,
    });
  let ok = true;
  try {
    const worker = await bundleWorker();
    const file = join(dir, 'list.csv');
    writeRecipientCsv(file, ROWS, 4242);
    console.log(
      `Window requests during a ${ROWS.toLocaleString('en-US')}-row import (${(statSync(file).size / 1e6).toFixed(0)} MB CSV) — ` +
        `Node ${process.version}, ${cpus().length} CPU(s), load ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    console.log(
      `light channel: recipients:list (a small campaign's list, read from the database) through the backend's dispatcher, every ${EVERY_MS} ms\n`,
    );

    const small = join(dir, 'small.csv');
    writeRecipientCsv(small, 100, 7);
    // A campaign with a small list: the one whose list the window keeps asking for.
    const prepare = (backend: Backend) => {
      const { campaigns, recipients } = backend.services!;
      const id = campaigns.create('Small list').id;
      recipients.import({ campaignId: id, filePath: small });
      return id;
    };
    const backend = open(worker);
    const probed = prepare(backend);
    try {
      await probe(backend, new Promise((resolve) => setTimeout(resolve, 500)), probed); // warm-up
      const floor = await probe(
        backend,
        new Promise((resolve) => setTimeout(resolve, 3000)),
        probed,
      );
      console.log(`floor  (nothing else running, 3 s)     ${describe(floor)}`);
      events.length = 0;
      const run = await importWhileProbing(backend, file, probed);
      console.log(`worker (import on its worker thread)   ${describe(run.latencies)}`);
      console.log(
        `       import took ${(run.elapsed / 1000).toFixed(1)} s, ${run.progress} progress events reached the window`,
      );
      // On a machine so busy that the floor itself misses the target, the worst case says more
      // about the other jobs than about the import: reported as inconclusive, not as a pass.
      const met = run.latencies.worst <= TARGET_MS;
      const inconclusive = !met && floor.worst > TARGET_MS;
      ok &&= met || inconclusive;
      console.log(
        `       worst ${ms(run.latencies.worst)} (target ≤ ${TARGET_MS} ms): ${met ? 'met' : inconclusive ? `not met, but INCONCLUSIVE: the floor's own worst was ${ms(floor.worst)} (the machine is too busy; run again when it is quieter)` : 'MISSED'}; ` +
          `p99 ${ms(run.latencies.p99)} against the floor's ${ms(floor.p99)}`,
      );

      const summary = await summaryWhileProbing(backend, run.campaignId, probed);
      console.log(`worker (Review's summary of that list) ${describe(summary.latencies)}`);
      const summaryMet = summary.latencies.worst <= TARGET_MS;
      const summaryInconclusive = !summaryMet && floor.worst > TARGET_MS;
      ok &&= summaryMet || summaryInconclusive;
      console.log(
        `       summary took ${(summary.elapsed / 1000).toFixed(2)} s; worst ${ms(summary.latencies.worst)} (target ≤ ${TARGET_MS} ms): ${summaryMet ? 'met' : summaryInconclusive ? 'not met, but INCONCLUSIVE (the floor missed it too)' : 'MISSED'}`,
      );
    } finally {
      backend.close();
    }

    if (!args.includes('--skip-main')) {
      const before = open(undefined);
      const beforeProbed = prepare(before);
      try {
        const run = await importWhileProbing(before, file, beforeProbed);
        console.log(`main   (import on the main thread, as before) ${describe(run.latencies)}`);
        console.log(`       import took ${(run.elapsed / 1000).toFixed(1)} s`);
        const summary = await summaryWhileProbing(before, run.campaignId, beforeProbed);
        console.log(
          `main   (the summary on the main thread, as before) ${describe(summary.latencies)}`,
        );
        console.log(`       summary took ${(summary.elapsed / 1000).toFixed(2)} s`);
      } finally {
        before.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(ok ? '\nall targets met' : '\nSOME TARGETS MISSED');
  if (!ok && args.includes('--check')) process.exitCode = 1;
}

await main();
