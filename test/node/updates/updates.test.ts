import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from '../../../electron/logging/logger';
import type { Policy } from '../../../electron/policy';
import type { UpdateStatus } from '../../../shared/app-info';
import { UpdateService, type Updater } from '../../../electron/updates/service';
import { nodeUpdater, startFeed, type Feed } from './feed';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const log = createMemoryLogger();

async function setUp(options: {
  installed?: string;
  policy?: (feed: Feed) => Policy;
  releases: Parameters<typeof startFeed>[0];
  sending?: () => boolean;
}) {
  const feed = await startFeed(options.releases);
  const dir = mkdtempSync(join(tmpdir(), 'omnigage-updates-'));
  cleanups.push(
    () => feed.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  const updater = nodeUpdater(options.installed ?? '1.0.0', dir, feed.url);
  const changes: UpdateStatus[] = [];
  const service = new UpdateService({
    updater: updater as unknown as Updater,
    currentVersion: options.installed ?? '1.0.0',
    policy: options.policy ? options.policy(feed) : { updateUrl: feed.url },
    isSending: options.sending ?? (() => false),
    log,
    setInterval: () => ({ unref: () => {} }),
    onChange: (status) => changes.push(status),
  });
  return { feed, dir, updater, service, changes };
}

const body = (text: string) => Buffer.from(text.repeat(2000));

describe('updates from a local feed, through electron-updater itself', () => {
  it('finds a newer version, downloads it in the background, verifies it and installs it on the next quit', async () => {
    const { service, updater, feed, dir, changes } = await setUp({
      releases: [{ version: '1.2.0', channel: 'latest', body: body('new app ') }],
    });
    service.start();
    await vi.waitFor(() => expect(service.status().update.state).toBe('ready'), {
      timeout: 15_000,
    });
    expect(service.status().update).toEqual({
      state: 'ready',
      version: '1.2.0',
      waitingForSend: false,
    });
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(feed.requests).toEqual(['/latest-linux.yml', '/omnigage-campaigns_1.2.0_amd64.deb']);
    expect(changes.map((c) => c.update.state)).toEqual(
      expect.arrayContaining(['checking', 'downloading', 'ready']),
    );
    // The verified package waits in the updater's cache for the quit.
    const pending = join(dir, 'omnigage-campaigns-updater', 'pending');
    expect(existsSync(pending) && readdirSync(pending).some((f) => f.endsWith('.deb'))).toBe(true);
  });

  it('refuses a download that does not match the checksum the feed names', async () => {
    const { service, updater } = await setUp({
      releases: [{ version: '1.2.0', channel: 'latest', body: body('new app '), corrupt: true }],
    });
    service.start();
    await vi.waitFor(() => expect(service.status().update.state).toBe('error'), {
      timeout: 15_000,
    });
    expect(service.status().update).toEqual({
      state: 'error',
      message: expect.stringMatching(/did not match its checksum, so it was not installed/),
    });
    expect(updater.autoInstallOnAppQuit).toBe(false);
  });

  it('says it is up to date when the feed has nothing newer', async () => {
    const { service } = await setUp({
      installed: '1.2.0',
      releases: [{ version: '1.2.0', channel: 'latest', body: body('same ') }],
    });
    service.start();
    await vi.waitFor(() => expect(service.status().update.state).toBe('up-to-date'), {
      timeout: 15_000,
    });
  });

  it('never installs during a send: the update waits for a quit when nothing is being sent', async () => {
    let sending = true;
    const { service, updater } = await setUp({
      releases: [{ version: '1.3.0', channel: 'latest', body: body('x') }],
      sending: () => sending,
    });
    service.start();
    await vi.waitFor(() => expect(service.status().update.state).toBe('ready'), {
      timeout: 15_000,
    });
    expect(service.status().update).toEqual({
      state: 'ready',
      version: '1.3.0',
      waitingForSend: true,
    });
    expect(updater.autoInstallOnAppQuit).toBe(false);
    sending = false;
    service.sendingChanged();
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(service.status().update).toEqual({
      state: 'ready',
      version: '1.3.0',
      waitingForSend: false,
    });
  });

  it('follows the channel the organisation pins', async () => {
    const { service, feed } = await setUp({
      releases: [
        { version: '1.1.0', channel: 'latest', body: body('stable ') },
        { version: '1.5.0-beta.1', channel: 'beta', body: body('beta ') },
      ],
      policy: (f) => ({ updateUrl: f.url, updateChannel: 'beta' }),
    });
    service.start();
    await vi.waitFor(() => expect(service.status().update.state).toBe('ready'), {
      timeout: 15_000,
    });
    expect(service.status()).toMatchObject({
      channel: 'beta',
      channelSetBy: 'organisation',
      update: { version: '1.5.0-beta.1' },
    });
    expect(feed.requests[0]).toBe('/beta-linux.yml');
  });

  it('asks the feed nothing at all when the organisation turned updates off', async () => {
    const { service, feed } = await setUp({
      releases: [{ version: '9.0.0', channel: 'latest', body: body('x') }],
      policy: (f) => ({ updateUrl: f.url, updates: 'off' }),
    });
    service.start();
    expect(await service.check()).toMatchObject({
      update: { state: 'off', reason: 'organisation' },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(feed.requests).toEqual([]);
  });
});
