/**
 * A recipient import on a worker thread (node:worker_threads, in Electron's main process as in
 * Node): reads, checks and stores the list with its own connection to the same database file
 * (WAL lets the main thread keep reading and writing meanwhile), so the window's requests are
 * answered while a million rows are read. Started by ImportJobs (import-jobs.ts); bundled as
 * its own file next to the main process (build/bundle-electron.mjs).
 *
 * It also builds a long list's validation summary (ImportJobs.summary), writes results into a
 * copy of the spreadsheet (ImportJobs.writeBack) and the results export (ImportJobs.exportResults),
 * and counts the frequency rule's holds (ImportJobs.callLimit), for the same reason.
 *
 * In: workerData (ImportJobData). Out: progress messages, then one 'done' or 'failed'.
 * Cancel: the main thread sets the shared flag; the import checks it between blocks of rows.
 */
import { platform, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../shared/errors';
import { openDatabase } from '../db/open';
import { CallHistory } from '../send/call-history';
import { writeLines } from '../send/csv';
import { resultsCsv, writeResultsBack } from '../send/result-rows';
import { RecipientService, type ImportOptions } from './service';
import type { ImportJobData, ImportJobMessage } from './import-jobs';

const job = workerData as ImportJobData;
const post = (message: ImportJobMessage) => parentPort!.postMessage(message);

/**
 * On Linux a thread has its own scheduling priority: this one yields to the main thread (the
 * window's requests) whenever both want the processor. Elsewhere the call would lower the whole
 * app, so it is not made there.
 */
function yieldToMain(): void {
  if (platform() !== 'linux') return;
  try {
    setPriority(10);
  } catch {
    // Not allowed here (some sandboxes): the import simply runs at the normal priority.
  }
}

function run(): void {
  yieldToMain();
  let db;
  try {
    db = openDatabase(job.databasePath);
    const recipients = new RecipientService({ db });
    if (job.kind === 'callLimit') {
      const { campaignId, profileId, apiUrl, now } = job.job;
      const history = new CallHistory(db, () => new Date(now));
      post({ type: 'done', result: history.wouldHold(campaignId, profileId, apiUrl) });
      return;
    }
    if (job.kind === 'exportResults') {
      post({ type: 'done', result: writeLines(job.path, resultsCsv(db, job.job)) });
      return;
    }
    if (job.kind === 'writeBack') {
      post({ type: 'done', result: writeResultsBack(db, job.job) });
      return;
    }
    if (job.kind === 'summary') {
      post({ type: 'done', result: recipients.summary(job.campaignId, job.options) });
      return;
    }
    const flag = new Int32Array(job.cancelFlag);
    const result = recipients.import(job.options as ImportOptions, {
      staged: true,
      cancelled: () => Atomics.load(flag, 0) === 1,
      onProgress: (progress) => post({ type: 'progress', progress }),
    });
    post({ type: 'done', result });
  } catch (error) {
    post({
      type: 'failed',
      error:
        error instanceof AppError
          ? error.toData()
          : { code: 'internal', message: error instanceof Error ? error.message : String(error) },
      // Kept for the main thread's log (never shown): where an unexpected error came from.
      stack: error instanceof AppError ? undefined : (error as Error | undefined)?.stack,
    });
  } finally {
    db?.close();
  }
}

run();
