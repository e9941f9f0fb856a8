import type { ImportWorkerSpec } from '../../electron/recipients/import-jobs';

/**
 * The recipient import worker as tests and the browser harness run it: the TypeScript source,
 * loaded through tsx (the app runs the bundled dist/electron/import-worker.cjs).
 */
export const SOURCE_IMPORT_WORKER: ImportWorkerSpec = {
  file: new URL('../../electron/recipients/import-worker.ts', import.meta.url),
  execArgv: ['--import', 'tsx'],
};
