import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/errors';
import type { Profile } from '../../../shared/profiles';
import { createBackend, type Backend } from '../../../electron/backend';
import { createFileLogger } from '../../../electron/logging/logger';
import { dataPaths } from '../../../electron/paths';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { findLeaks, secretForms } from './leaks';

const SECRET = 'ipc-Secret-0123456789abcdef';

/** The window's view: every profile operation goes through the dispatcher, as IPC would. */
describe('profiles over IPC', () => {
  let dataDir: string;
  let backend: Backend;
  let secrets: MemorySecretStore;
  let events: unknown[];
  const call = async <T>(channel: string, input?: unknown) =>
    (await backend.dispatch(channel, input)) as Result<T>;
  const value = async <T>(channel: string, input?: unknown): Promise<T> => {
    const result = await call<T>(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  };
  const seen: unknown[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'omnigage-ipc-'));
    secrets = new MemorySecretStore();
    events = [];
    seen.length = 0;
    const log = createFileLogger({ dir: dataPaths(dataDir).logs, level: 'debug' });
    backend = createBackend({
      dataDir,
      log,
      secrets,
      version: '0.0.0-test',
      emit: (event, payload) => events.push({ event, payload }),
    });
    const dispatch = backend.dispatch;
    // Keep every answer the window would get, to check none of them carries the secret.
    backend.dispatch = async (channel, input) => {
      const result = await dispatch(channel, input);
      seen.push(result);
      return result;
    };
  });
  afterEach(() => {
    backend.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores the secret sent once, answers hasSecret, and never sends the secret back', async () => {
    const saved = await value<Profile>('profiles:save', {
      name: 'Production',
      accountKey: 'firstbank',
      tokenKey: 'tok-key',
      tokenSecret: `  ${SECRET}  `,
    });
    expect(saved.hasSecret).toBe(true);
    expect(saved).not.toHaveProperty('tokenSecret');
    expect(secrets.entries.get(saved.id)).toBe(SECRET);

    const listed = await value<Profile[]>('profiles:list');
    expect(listed).toEqual([saved]);
    await value('profiles:setSecret', { id: saved.id, tokenSecret: `${SECRET}-2` });
    await value('profiles:setActive', { id: saved.id });
    await value('callerIds:list');
    await value('callerIds:check', { profileId: saved.id, value: '+12125550100' });
    await value('keychain:status');
    await value('profiles:save', { id: saved.id, name: 'Renamed', tokenKey: 'tok-key' });
    // A password field left empty while editing keeps the stored secret.
    const kept = await value<Profile>('profiles:save', {
      id: saved.id,
      name: 'Renamed',
      tokenKey: 'tok-key',
      tokenSecret: '  ',
    });
    expect(kept.hasSecret).toBe(true);
    expect(secrets.entries.get(saved.id)).toBe(`${SECRET}-2`);

    const everything = JSON.stringify({ seen, events });
    for (const form of Object.values({
      ...secretForms('tok-key', SECRET),
      ...secretForms('tok-key', `${SECRET}-2`),
    })) {
      expect(everything).not.toContain(form);
    }
    expect(events).toContainEqual({ event: 'profiles:changed', payload: { ids: [saved.id] } });
  });

  it('refuses unsafe or malformed input without echoing the secret', async () => {
    const insecure = await call('profiles:save', {
      name: 'Plain http',
      apiUrl: 'http://api.example.com/api/v1/',
      tokenKey: 'k',
      tokenSecret: SECRET,
    });
    expect(insecure).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/https/) },
    });
    expect(secrets.entries.size).toBe(0);

    const spaced = await call('profiles:save', {
      name: 'X',
      tokenKey: 'k',
      tokenSecret: `${SECRET} with spaces`,
    });
    expect(spaced).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(spaced)).not.toContain(SECRET);

    const colon = await call('profiles:save', { name: 'X', tokenKey: 'a:b', tokenSecret: SECRET });
    expect(colon).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/colons/) },
    });

    const local = await value<Profile>('profiles:save', {
      name: 'Local',
      apiUrl: 'http://localhost:4010/api/v1',
      tokenKey: 'k',
    });
    expect(local).toMatchObject({ apiUrl: 'http://localhost:4010/api/v1/', isLocal: true });
  });

  it('answers "no keychain" with what to do, and keeps the secret out of the logs', async () => {
    secrets.unavailable = {
      available: false,
      reason: 'not-installed',
      message: 'No keychain is available on this computer. Install gnome-keyring and libsecret.',
    };
    const refused = await call('profiles:save', { name: 'P', tokenKey: 'k', tokenSecret: SECRET });
    expect(refused).toEqual({
      ok: false,
      error: { code: 'keychain_unavailable', message: secrets.unavailable.message },
    });
    expect(await value('keychain:status')).toEqual(secrets.unavailable);
    expect(await value<Profile[]>('profiles:list')).toEqual([]);
    const { files, leaks } = findLeaks(dataDir, secretForms('k', SECRET));
    expect(files).toContain(join('logs', 'app.log'));
    expect(leaks).toEqual([]);
  });

  it('adds the sandbox profile in one call and remembers a profile per campaign', async () => {
    const sandbox = await value<Profile>('profiles:addSandbox');
    expect(sandbox).toMatchObject({ isLocal: true, isActive: true, hasSecret: true });
    const campaign = await value<{ id: string }>('campaigns:create', { name: 'Rehearsal' });
    const used = await value<{ profile: Profile | null }>('profiles:useForCampaign', {
      campaignId: campaign.id,
      profileId: sandbox.id,
    });
    expect(used.profile?.id).toBe(sandbox.id);
    expect(await value('profiles:delete', { id: sandbox.id })).toEqual({ deleted: true });
    expect(secrets.entries.size).toBe(0);
    expect(await call('callerIds:list')).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
