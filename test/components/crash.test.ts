import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../../electron/backend';
import { createMemoryLogger } from '../../electron/logging/logger';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import { buildApi } from '../../shared/api-surface';
import CrashScreen from '../../renderer/screens/CrashScreen.svelte';

const dataDir = mkdtempSync(join(tmpdir(), 'omnigage-crash-'));
const log = createMemoryLogger();
const backend = createBackend({
  dataDir,
  log,
  emit: () => {},
  version: '3.1.0',
  secrets: new MemorySecretStore(),
});
// window.api as the preload builds it, over the real backend.
(globalThis as { api?: unknown }).api = buildApi(
  (channel, input) => backend.dispatch(channel, input),
  () => () => {},
);
afterEach(() => cleanup());
afterAll(() => {
  backend.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the crash screen', () => {
  it('says what is safe and what to do, logs the error in main and copies scrubbed details', async () => {
    let copied = '';
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: async (text: string) => void (copied = text) },
      configurable: true,
    });
    render(CrashScreen, { error: new TypeError('cannot preview row for +1 212 555 0142') });
    expect(
      screen.getByRole('heading', { name: 'Something went wrong in this window' }),
    ).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/nobody is called twice/);
    // Focus lands on the way out, for the keyboard.
    expect(document.activeElement?.textContent).toBe('Reload the window');
    const copy = screen.getByRole('button', { name: 'Copy details' });
    await waitFor(() => expect((copy as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(copy);
    await screen.findByText(/The details are copied/);
    expect(copied).toMatch(/TypeError: cannot preview row for \[number\]/);
    expect(copied).toMatch(/app 3\.1\.0/);
    expect(log.records.some((r) => r.message === 'error in the window')).toBe(true);
  });
});
