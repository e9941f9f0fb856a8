import { ScriptedDialogs } from '../../electron/dialogs';
import { createDispatcher } from '../../electron/ipc/bind';
import { createHandlers } from '../../electron/ipc/handlers';
import { createMemoryLogger } from '../../electron/logging/logger';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import { createServices } from '../../electron/services';
import type { Result } from '../../shared/errors';

/**
 * What the window sees of main, without Electron: the real services on `dataDir` behind the
 * real dispatcher, scripted file dialogs, and the events main emits, kept in order.
 */
export function ipcWindow(dataDir: string) {
  const log = createMemoryLogger();
  const services = createServices({ dataDir, log, secrets: new MemorySecretStore() });
  const dialogs = new ScriptedDialogs();
  const events: Array<{ event: string; payload: unknown }> = [];
  const dispatch = createDispatcher(
    createHandlers({
      services,
      emit: (event, payload) => events.push({ event, payload }),
      version: 'test',
      dialogs,
    }),
    log,
  );
  /** A channel's answer as the window reads it; a refusal is thrown with its code. */
  const answer = async <T>(channel: string, input?: unknown) =>
    (await dispatch(channel, input)) as Result<T>;
  const call = async <T>(channel: string, input?: unknown): Promise<T> => {
    const result = await answer<T>(channel, input);
    if (!result.ok)
      throw Object.assign(new Error(`${channel}: ${result.error.code}: ${result.error.message}`), {
        code: result.error.code,
      });
    return result.value;
  };
  return { log, services, dialogs, events, dispatch, answer, call };
}
