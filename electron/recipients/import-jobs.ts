import { Worker } from 'node:worker_threads';
import { AppError, type ErrorData } from '../../shared/errors';
import type { CallLimitHold } from '../../shared/call-history';
import type { ValidationSummary } from '../../shared/recipients/summary';
import type { ImportProgress, ImportResult } from '../../shared/recipients/types';
import type { Logger } from '../logging/logger';
import type { ResultsCsvJob, WriteBackJob } from '../send/result-rows';
import type { ImportOptions, RecipientService } from './service';
import type { WriteBackResult } from './write-back';

/** Where the import worker's code is: the bundled file next to main, or the source with a loader (tests). */
export interface ImportWorkerSpec {
  file: string | URL;
  /** Node options for the worker (the tests' TypeScript loader: ['--import', 'tsx']). */
  execArgv?: string[];
}

/** What import-worker.ts receives: one job, named by `kind`. */
export type ImportJobData =
  | {
      kind: 'import';
      databasePath: string;
      options: ImportOptions;
      /** One Int32: 1 once Cancel is pressed. Shared memory, read by the worker between blocks of rows. */
      cancelFlag: SharedArrayBuffer;
    }
  | { kind: 'summary'; databasePath: string; campaignId: string; options: SummaryOptions }
  | { kind: 'writeBack'; databasePath: string; job: WriteBackJob }
  | { kind: 'exportResults'; databasePath: string; job: ResultsCsvJob; path: string }
  | { kind: 'callLimit'; databasePath: string; job: CallLimitJob };

/** The frequency rule's count for a send, as of `now` (the services' clock, ISO). */
export interface CallLimitJob {
  campaignId: string;
  profileId: string | null;
  apiUrl: string;
  now: string;
}

export type ImportJobMessage =
  | { type: 'progress'; progress: Omit<ImportProgress, 'campaignId'> }
  | {
      type: 'done';
      result: ImportResult | ValidationSummary | WriteBackResult | number | CallLimitHold | null;
    }
  | { type: 'failed'; error: ErrorData; stack?: string };

type SummaryOptions = NonNullable<Parameters<RecipientService['summary']>[1]>;

/**
 * Lists from this many rows have their summary (and the frequency rule's count) built on the
 * worker: ~110 ms for 100,000 rows and 1.4 s for a million would hold every window request that
 * long; below it, starting a worker (~100 ms) would cost more than the work itself.
 */
const LONG_LIST_ROWS = 20_000;

/** How a job's failure is logged and said. */
interface JobWords {
  /** Log message for a refusal the worker reported as internal. */
  failed: string;
  /** Log message for a worker that crashed. */
  crashed: string;
  /** What the person reads: what stopped, then what is left as it was and what to do. */
  words: string;
  after: string;
}

export interface ImportJobsDeps {
  databasePath: string;
  recipients: RecipientService;
  log?: Logger;
  /** Without one, imports run on the calling thread (the CLI, which has no window to keep answering). */
  worker?: ImportWorkerSpec;
}

interface Running {
  flag: Int32Array;
  worker: Worker | null;
}

/**
 * Runs recipient imports off the main thread, one at a time per campaign, with progress and
 * Cancel. A cancelled or failed import leaves the stored list as it was: the worker stages the
 * rows and swaps them in with one transaction only once the whole file has been read. The
 * window's other long reads and writes (a long list's summary and call-limit count, the results
 * export and copy) run the same way, each job on a worker thread of its own started from the
 * same file, so the window stays answered.
 */
export class ImportJobs {
  readonly #deps: ImportJobsDeps;
  readonly #running = new Map<string, Running>();

  constructor(deps: ImportJobsDeps) {
    this.#deps = deps;
  }

  /** Whether an import into this campaign is under way. */
  running(campaignId: string): boolean {
    return this.#running.has(campaignId);
  }

  async run(
    options: ImportOptions,
    onProgress?: (progress: ImportProgress) => void,
  ): Promise<ImportResult> {
    const { campaignId } = options;
    if (this.#running.has(campaignId)) {
      throw new AppError(
        'conflict',
        'A list is already being imported into this campaign. Wait for it to finish, or cancel it first.',
      );
    }
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const job: Running = { flag, worker: null };
    this.#running.set(campaignId, job);
    const report = (progress: Omit<ImportProgress, 'campaignId'>) =>
      onProgress?.({ campaignId, ...progress });
    try {
      const spec = this.#deps.worker;
      if (!spec) {
        return this.#deps.recipients.import(options, {
          cancelled: () => Atomics.load(flag, 0) === 1,
          onProgress: report,
        });
      }
      return await this.#onWorker<ImportResult>(
        {
          kind: 'import',
          databasePath: this.#deps.databasePath,
          options,
          cancelFlag: flag.buffer as SharedArrayBuffer,
        },
        campaignId,
        {
          failed: 'import failed',
          crashed: 'import worker crashed',
          words: 'The import stopped unexpectedly',
          after: 'The recipient list is as it was before; try again.',
        },
        { started: (worker) => (job.worker = worker), report },
      );
    } finally {
      this.#running.delete(campaignId);
    }
  }

  /**
   * The list's validation summary (what Review and the Recipients tab show). A long list's is
   * built on the worker, reading the same database file, so the window keeps being answered.
   */
  async summary(campaignId: string, options: SummaryOptions = {}): Promise<ValidationSummary> {
    if (!this.#long(campaignId)) return this.#deps.recipients.summary(campaignId, options);
    return this.#onWorker<ValidationSummary>(
      { kind: 'summary', databasePath: this.#deps.databasePath, campaignId, options },
      campaignId,
      {
        failed: 'recipient summary failed',
        crashed: 'summary worker crashed',
        words: 'Checking the list stopped unexpectedly',
        after: 'Nothing was changed; open the tab again to try again.',
      },
    );
  }

  /**
   * Results written into a copy of the campaign's spreadsheet (ResultsService checks the request
   * first): on the worker when there is one, since a long workbook takes seconds.
   */
  writeBack(job: WriteBackJob): Promise<WriteBackResult> {
    return this.#onWorker<WriteBackResult>(
      { kind: 'writeBack', databasePath: this.#deps.databasePath, job },
      job.campaignId,
      {
        failed: 'results copy failed',
        crashed: 'results copy worker crashed',
        words: 'Writing the copy stopped unexpectedly',
        after: 'Your spreadsheet is unchanged and no copy was saved; try again.',
      },
    );
  }

  /** The results export written to `path` on the worker (a million rows take seconds); lines written. */
  exportResults(job: ResultsCsvJob, path: string): Promise<number> {
    return this.#onWorker<number>(
      { kind: 'exportResults', databasePath: this.#deps.databasePath, job, path },
      job.campaignId,
      {
        failed: 'results export failed',
        crashed: 'results export worker crashed',
        words: 'Exporting the results stopped unexpectedly',
        after: 'No file was saved; try again.',
      },
    );
  }

  /**
   * The frequency rule's count for a send (CallHistory.wouldHold): on the worker for a long list
   * (it reads every past call of the list's numbers), else `here`.
   */
  async callLimit(
    job: CallLimitJob,
    here: () => CallLimitHold | null,
  ): Promise<CallLimitHold | null> {
    if (!this.#long(job.campaignId)) return here();
    return this.#onWorker<CallLimitHold | null>(
      { kind: 'callLimit', databasePath: this.#deps.databasePath, job },
      job.campaignId,
      {
        failed: 'call limit check failed',
        crashed: 'call limit worker crashed',
        words: 'Checking how often these numbers were called stopped unexpectedly',
        after: 'Nothing was sent; open Review & send again to try again.',
      },
    );
  }

  /** Whether the app has a worker and the campaign's list is long enough to be worth one. */
  #long(campaignId: string): boolean {
    const rows = this.#deps.recipients.getList(campaignId)?.rowCount ?? 0;
    return this.#deps.worker !== undefined && rows >= LONG_LIST_ROWS;
  }

  /**
   * Runs one job on a new worker thread and settles with its answer, its refusal or its crash.
   * `started` is given the worker (an import keeps it to stop it), `report` its progress.
   */
  #onWorker<T>(
    data: ImportJobData,
    campaignId: string,
    say: JobWords,
    hooks: {
      started?: (worker: Worker) => void;
      report?: (progress: Omit<ImportProgress, 'campaignId'>) => void;
    } = {},
  ): Promise<T> {
    const spec = this.#deps.worker;
    if (!spec) return Promise.reject(new AppError('internal', `${say.words}: no worker thread.`));
    return new Promise<T>((resolve, reject) => {
      const worker = new Worker(spec.file, { workerData: data, execArgv: spec.execArgv });
      hooks.started?.(worker);
      let settled = false;
      worker.on('message', (message: ImportJobMessage) => {
        if (message.type === 'progress') hooks.report?.(message.progress);
        else if (message.type === 'done') {
          settled = true;
          resolve(message.result as T);
        } else {
          settled = true;
          if (message.error.code === 'internal')
            this.#deps.log?.error(say.failed, {
              campaignId,
              error: message.stack ?? message.error.message,
            });
          reject(new AppError(message.error.code, message.error.message));
        }
      });
      worker.on('error', (error) => {
        this.#deps.log?.error(say.crashed, { campaignId, error });
        if (!settled) reject(new AppError('internal', `${say.words}. ${say.after}`));
        settled = true;
      });
      worker.on('exit', (code) => {
        if (!settled) {
          settled = true;
          reject(new AppError('internal', `${say.words} (code ${code}). ${say.after}`));
        }
      });
    });
  }

  /** Asks the import into this campaign to stop; false when none is running. */
  cancel(campaignId: string): boolean {
    const job = this.#running.get(campaignId);
    if (!job) return false;
    Atomics.store(job.flag, 0, 1);
    return true;
  }

  /** Stops every import (the app is quitting): nothing half-imported is kept. */
  async stopAll(): Promise<void> {
    const jobs = [...this.#running.values()];
    for (const job of jobs) Atomics.store(job.flag, 0, 1);
    await Promise.all(jobs.map((job) => job.worker?.terminate()));
  }
}
