import { Worker } from 'node:worker_threads';
import { AppError, type ErrorData } from '../../shared/errors';
import type { ImportProgress, ImportResult } from '../../shared/recipients/types';
import type { Logger } from '../logging/logger';
import type { ImportOptions, RecipientService } from './service';

/** Where the import worker's code is: the bundled file next to main, or the source with a loader (tests). */
export interface ImportWorkerSpec {
  file: string | URL;
  /** Node options for the worker (the tests' TypeScript loader: ['--import', 'tsx']). */
  execArgv?: string[];
}

/** What import-worker.ts receives. */
export interface ImportJobData {
  databasePath: string;
  options: ImportOptions;
  /** One Int32: 1 once Cancel is pressed. Shared memory, read by the worker between blocks of rows. */
  cancelFlag: SharedArrayBuffer;
}

export type ImportJobMessage =
  | { type: 'progress'; progress: Omit<ImportProgress, 'campaignId'> }
  | { type: 'done'; result: ImportResult }
  | { type: 'failed'; error: ErrorData; stack?: string };

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
 * rows and swaps them in with one transaction only once the whole file has been read.
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
      return await new Promise<ImportResult>((resolve, reject) => {
        const data: ImportJobData = {
          databasePath: this.#deps.databasePath,
          options,
          cancelFlag: flag.buffer as SharedArrayBuffer,
        };
        const worker = new Worker(spec.file, { workerData: data, execArgv: spec.execArgv });
        job.worker = worker;
        let settled = false;
        worker.on('message', (message: ImportJobMessage) => {
          if (message.type === 'progress') report(message.progress);
          else if (message.type === 'done') {
            settled = true;
            resolve(message.result);
          } else {
            settled = true;
            if (message.error.code === 'internal')
              this.#deps.log?.error('import failed', {
                campaignId,
                error: message.stack ?? message.error.message,
              });
            reject(new AppError(message.error.code, message.error.message));
          }
        });
        worker.on('error', (error) => {
          this.#deps.log?.error('import worker crashed', { campaignId, error });
          if (!settled)
            reject(
              new AppError(
                'internal',
                'The import stopped unexpectedly. The recipient list is as it was before; try again.',
              ),
            );
          settled = true;
        });
        worker.on('exit', (code) => {
          if (!settled) {
            settled = true;
            reject(
              new AppError(
                'internal',
                `The import stopped unexpectedly (code ${code}). The recipient list is as it was before; try again.`,
              ),
            );
          }
        });
      });
    } finally {
      this.#running.delete(campaignId);
    }
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
