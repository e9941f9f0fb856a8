import { createDispatcher } from '../../electron/ipc/bind';
import { createHandlers, type HandlerContext } from '../../electron/ipc/handlers';
import { createMemoryLogger } from '../../electron/logging/logger';
import type { ImportWorkerSpec } from '../../electron/recipients/import-jobs';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import { createServices } from '../../electron/services';
import type { Result } from '../../shared/errors';

/**
 * The recipient import worker as tests and the browser harness run it: the TypeScript source,
 * loaded through tsx (the app runs the bundled dist/electron/import-worker.cjs).
 */
export const SOURCE_IMPORT_WORKER: ImportWorkerSpec = {
  file: new URL('../../electron/recipients/import-worker.ts', import.meta.url),
  execArgv: ['--import', 'tsx'],
};

/**
 * The real backend on `dataDir` (services, handlers, the dispatcher every IPC call goes
 * through) with imports on the worker thread, as in the app. `call` returns a channel's value
 * and throws its error's code and message.
 */
export function backendWithWorker(dataDir: string, emit: HandlerContext['emit'] = () => {}) {
  const log = createMemoryLogger();
  const services = createServices({
    dataDir,
    log,
    secrets: new MemorySecretStore(),
    importWorker: SOURCE_IMPORT_WORKER,
  });
  const dispatch = createDispatcher(createHandlers({ services, emit, version: 'test' }), log);
  const call = async <T>(channel: string, input?: unknown): Promise<T> => {
    const result = (await dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  };
  return { services, dispatch, call };
}
