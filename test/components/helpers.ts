import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createBackend, type Backend } from '../../electron/backend';
import { ScriptedDialogs } from '../../electron/dialogs';
import { createMemoryLogger } from '../../electron/logging/logger';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import {
  ApiCallError,
  type call as Call,
  type subscribe as Subscribe,
} from '../../renderer/lib/api';

export interface RealBackend {
  call: typeof Call;
  backend: Backend;
  dialogs: ScriptedDialogs;
  dataDir: string;
  /** Every channel called, in order. */
  calls: string[];
  /** The renderer's subscribe() to the backend's events. */
  subscribe: typeof Subscribe;
}

/**
 * The renderer's call() wired straight to a real backend on a temporary data folder. Called inside
 * a test: the backend is closed and the folder removed when that test ends.
 */
export function realBackend(): RealBackend {
  const dataDir = mkdtempSync(join(tmpdir(), 'omnigage-components-'));
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const subscribe = ((event: string, listener: (payload: unknown) => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set.add(listener));
    return () => set.delete(listener);
  }) as typeof Subscribe;
  const dialogs = new ScriptedDialogs();
  const backend = createBackend({
    dataDir,
    log: createMemoryLogger(),
    emit: (event, payload) => {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    version: 'test',
    dialogs,
    secrets: new MemorySecretStore(),
  });
  onTestFinished(() => {
    backend.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const calls: string[] = [];
  const call = (async (channel: string, input?: unknown) => {
    calls.push(channel);
    const result = await backend.dispatch(channel, input);
    if (result.ok) return result.value;
    throw new ApiCallError(result.error.code, result.error.message);
  }) as typeof Call;
  return { call, backend, dialogs, dataDir, calls, subscribe };
}
