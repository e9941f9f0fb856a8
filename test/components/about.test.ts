import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../../electron/backend';
import { createMemoryLogger } from '../../electron/logging/logger';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import { readPolicy } from '../../electron/policy';
import { createAbout } from '../../electron/updates/about';
import { UpdateService, type Updater } from '../../electron/updates/service';
import type { UpdateStatus } from '../../shared/app-info';
import {
  ApiCallError,
  type call as Call,
  type subscribe as Subscribe,
} from '../../renderer/lib/api';
import { AboutState } from '../../renderer/lib/about.svelte';
import AboutSection from '../../renderer/components/AboutSection.svelte';

const folders: string[] = [];
afterEach(() => {
  cleanup();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A real backend whose About comes from a real policy file and a real UpdateService. */
function setUp(policyJson: string | null, updater: Updater | null = null, licences?: object[]) {
  const dir = mkdtempSync(join(tmpdir(), 'omnigage-about-'));
  folders.push(dir);
  const policyFile = join(dir, 'policy.json');
  if (policyJson !== null) writeFileSync(policyFile, policyJson);
  const policy = readPolicy(policyFile);
  const log = createMemoryLogger();
  const listeners: Array<(status: UpdateStatus) => void> = [];
  const updates = new UpdateService({
    updater,
    currentVersion: '2.4.0',
    policy: policy.state === 'applied' ? policy.policy : {},
    isSending: () => false,
    log,
    onChange: (status) => listeners.forEach((l) => l(status)),
  });
  const licencesFile = join(dir, 'licences.json');
  if (licences) writeFileSync(licencesFile, JSON.stringify(licences));
  const about = createAbout({
    version: '2.4.0',
    runtimes: { node: '24' },
    updates,
    policy,
    licencesFile,
  });
  const backend = createBackend({
    dataDir: join(dir, 'data'),
    log,
    emit: () => {},
    version: '2.4.0',
    about,
    secrets: new MemorySecretStore(),
  });
  folders.push(join(dir, 'data'));
  const call = (async (channel: string, input?: unknown) => {
    const result = await backend.dispatch(channel, input);
    if (result.ok) return result.value;
    throw new ApiCallError(result.error.code, result.error.message);
  }) as typeof Call;
  const subscribe = ((_event: string, listener: (status: UpdateStatus) => void) => {
    listeners.push(listener);
    return () => {};
  }) as unknown as typeof Subscribe;
  return { state: new AboutState(call, subscribe), updates, close: () => backend.close() };
}

describe('Settings → About and updates', () => {
  it('lists what the organisation set and says updates are off because of it', async () => {
    const { state, close } = setUp(
      JSON.stringify({ updates: 'off', accountKey: 'firstbank', hideSandbox: true }),
    );
    state.start();
    render(AboutSection, { about: state });
    await screen.findByText('Updates are turned off by your organisation.');
    expect(screen.getByText(/version/).textContent).toMatch(/2\.4\.0/);
    const listed = screen.getByTestId('organisation-settings').textContent!;
    expect(listed).toMatch(/Account key for new profiles\s*firstbank/);
    expect(listed).toMatch(/Updates\s*Off/);
    expect(listed).toMatch(/Rehearsal sandbox\s*Hidden/);
    expect(screen.queryByRole('button', { name: 'Check for updates' })).toBeNull();
    close();
  });

  it('names the problem when the policy file cannot be used', async () => {
    const { state, close } = setUp('{ "updates": "sometimes" }');
    state.start();
    render(AboutSection, { about: state });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/policy file .*policy\.json: "updates"/);
    expect(alert.textContent).toMatch(/None of its settings are applied/);
    close();
  });

  it('checks on request and follows the update as it downloads', async () => {
    const handlers = new Map<string, (info: unknown) => void>();
    let checks = 0;
    const updater = {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      allowDowngrade: false,
      channel: null,
      setFeedURL: () => {},
      checkForUpdates: async () => {
        checks++;
        handlers.get('checking-for-update')?.({});
        handlers.get('update-available')?.({ version: '2.5.0' });
        return null;
      },
      on: (event: string, listener: (info: unknown) => void) => handlers.set(event, listener),
    } as unknown as Updater;
    const { state, updates, close } = setUp(null, updater);
    state.start();
    render(AboutSection, { about: state });
    updates.start();
    await screen.findByText('Downloading version 2.5.0 in the background.');
    handlers.get('update-downloaded')?.({ version: '2.5.0' });
    await screen.findByText('Version 2.5.0 is ready and will be installed when you quit the app.');
    expect(checks).toBe(1);
    close();
  });

  it('offers a check when updates are on and nothing is pending', async () => {
    const updater = {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      allowDowngrade: false,
      channel: null,
      setFeedURL: () => {},
      checkForUpdates: async () => null,
      on: () => {},
    } as unknown as Updater;
    const { state, close } = setUp(null, updater);
    state.start();
    render(AboutSection, { about: state });
    const button = await screen.findByRole('button', { name: 'Check for updates' });
    await fireEvent.click(button);
    await waitFor(() => expect(state.checking).toBe(false));
    expect(state.error).toBeNull();
    close();
  });
});

describe('Settings → About → Open-source licences', () => {
  it('shows each shipped package with its licence text, from the file the build wrote', async () => {
    const { state, close } = setUp(null);
    // The copy under test was not built for installing: it says so instead of an empty list.
    state.start();
    render(AboutSection, { about: state });
    await fireEvent.click(await screen.findByRole('button', { name: 'Open-source licences' }));
    expect((await screen.findByRole('dialog')).textContent).toMatch(/not built for installing/);
    close();
  });
});

describe('Settings → About → Open-source licences, in a built copy', () => {
  it('lists every package with its licence, the text one click away', async () => {
    const { state, close } = setUp(null, null, [
      {
        name: 'better-sqlite3',
        version: '13.2.0',
        license: 'MIT',
        text: 'The MIT License … Permission is hereby granted',
      },
      { name: 'is-reference', version: '3.0.3', license: 'MIT', text: '' },
    ]);
    state.start();
    render(AboutSection, { about: state });
    await fireEvent.click(await screen.findByRole('button', { name: 'Open-source licences' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toMatch(/better-sqlite3 13\.2\.0 — MIT/);
    expect(dialog.textContent).toMatch(/Permission is hereby granted/);
    expect(dialog.textContent).toMatch(/names its licence \(MIT\) without a licence file/);
    close();
  });
});
