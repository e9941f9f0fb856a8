import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/errors';
import type { ConnectionTestResult, Profile } from '../../../shared/profiles';
import type { SendCheck, SendStatus } from '../../../shared/send';
import { createDispatcher, type Dispatch } from '../../../electron/ipc/bind';
import { createHandlers } from '../../../electron/ipc/handlers';
import { createFileLogger, type Logger } from '../../../electron/logging/logger';
import { dataPaths } from '../../../electron/paths';
import { resolveCredentials } from '../../../electron/profiles/credentials';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { createServices, type Services } from '../../../electron/services';
import { startSandbox, type Sandbox } from '../../../electron/sandbox';
import { findLeaks, secretForms } from './leaks';

/**
 * Issue item 6: after a full flow (the secret typed in and stored, the connection tested,
 * failures on the way, a campaign sent to the sandbox with credentials read back from the
 * keychain) no file in the data folder (the database with its -wal and -shm, the logs, anything
 * else) holds the secret, the key:secret pair or its Base64 form.
 */
describe('no secret in the data folder after a full flow', () => {
  let workDir: string;
  let dataDir: string;
  let sandbox: Sandbox;
  let services: Services;
  let dispatch: Dispatch;
  let log: Logger;
  let secrets: MemorySecretStore;
  let closed = false;

  beforeEach(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'omnigage-leak-'));
    // The data folder is its own folder: the spreadsheet the person imports lives outside it.
    dataDir = join(workDir, 'data');
    // A sandbox whose token secret is unlike anything else in the flow, so a hit is a real leak.
    sandbox = await startSandbox({
      seed: 'leak',
      credentials: {
        tokenKey: 'leak-token-key',
        tokenSecret: 'Lk7-unique-token-secret-9QZ',
        accountKey: 'leakbank',
      },
    });
    // The most talkative logger: every debug record reaches the file.
    log = createFileLogger({ dir: dataPaths(dataDir).logs, level: 'debug' });
    secrets = new MemorySecretStore();
    // What createBackend builds, with the environment emptied so only the keychain can supply
    // the token, and the send engine's waits shortened.
    services = createServices({
      dataDir,
      log,
      secrets,
      env: {},
      send: { settleMs: 0, timeoutMs: 5000, retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    });
    dispatch = createDispatcher(
      createHandlers({ services, emit: () => {}, version: '0.0.0-leak' }),
      log.child('ipc'),
    );
    closed = false;
  });
  afterEach(async () => {
    if (!closed) {
      await services.send.stopOutbox();
      services.close();
    }
    await sandbox.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const call = async <T>(channel: string, input?: unknown): Promise<T> => {
    const result = (await dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  };

  it('holds none of the secret forms anywhere, with the WAL still in place and after closing', async () => {
    const { tokenKey, tokenSecret, accountKey } = sandbox.credentials;
    const forms = secretForms(tokenKey, tokenSecret);

    // 1. The person types the secret once, with a wrong one first.
    const profile = await call<Profile>('profiles:save', {
      name: 'Leak check',
      apiUrl: sandbox.baseUrl,
      accountKey,
      tokenKey,
      tokenSecret: 'Wrong-secret-first-XYZ',
    });
    const refused = await dispatch('profiles:testConnection', { id: profile.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad_credentials' } });
    await call('profiles:setSecret', { id: profile.id, tokenSecret });

    // 2. The connection test passes and caches the caller IDs; a failure is logged too.
    const tested = await call<ConnectionTestResult>('profiles:testConnection', { id: profile.id });
    expect(tested.callerIds.length).toBeGreaterThan(0);
    sandbox.faults.next('GET', /^caller-ids/, { type: 'status', status: 500, body: 'boom' }, 10);
    const failed = await dispatch('profiles:testConnection', { id: profile.id });
    expect(failed).toMatchObject({ ok: false });
    sandbox.faults.clear();

    // 3. A campaign is prepared and sent to the sandbox by the send engine, which reads the
    //    token back from the keychain (the environment is empty).
    const campaign = await call<{ id: string }>('campaigns:create', {
      name: 'Leak check campaign',
    });
    services.campaigns.update(campaign.id, {
      callerId: tested.callerIds[0]!.id,
      human: {
        kind: 'text',
        body: 'Hello {{first-name}}, this is a rehearsal.',
        voice: 'Polly-Joanna',
      },
      machine: null,
    });
    const sheet = join(workDir, 'people.csv');
    writeFileSync(
      sheet,
      'Phone,First Name\n+12025550143,Ada\n+12125550178,Grace\n+13035550111,Alan\n',
    );
    services.recipients.import({ campaignId: campaign.id, filePath: sheet });
    await call('profiles:useForCampaign', { campaignId: campaign.id, profileId: profile.id });
    const check = await call<SendCheck>('send:check', { campaignId: campaign.id });
    expect(check).toMatchObject({ ok: true, online: true });
    await call<SendStatus>('send:start', { campaignId: campaign.id });
    const sent = await services.send.settled(campaign.id);
    expect(sent?.state).toBe('scheduled');
    expect(sandbox.state.envelopes).toHaveLength(3);
    expect(sandbox.state.schedulePatchCount()).toBe(1);
    await call('results:refresh', { campaignId: campaign.id });
    const credentials = await resolveCredentials({
      profiles: services.profiles,
      log,
      campaignId: campaign.id,
      env: {},
    });
    expect(credentials).toMatchObject({ source: 'keychain', tokenSecret });
    // Anything logged carelessly on the way is redacted too.
    log.error('send failed', {
      error: new Error(`auth was ${tokenKey}:${tokenSecret}`),
      header: `Basic ${forms['Base64(key:secret)']}`,
    });

    // 4. Every file under the data folder, while the database still has its WAL…
    const open = findLeaks(dataDir, forms);
    expect(open.files).toEqual(
      expect.arrayContaining(['campaigns.sqlite', 'campaigns.sqlite-wal', join('logs', 'app.log')]),
    );
    expect(open.leaks).toEqual([]);
    expect(findLeaks(dataDir, secretForms(tokenKey, 'Wrong-secret-first-XYZ')).leaks).toEqual([]);

    // …and after the app has closed and the WAL has been folded into the database.
    await services.send.stopOutbox();
    services.close();
    closed = true;
    const after = findLeaks(dataDir, forms);
    expect(after.files).toContain('campaigns.sqlite');
    expect(after.leaks).toEqual([]);
  });

  it('the search does find a secret when one is there (so a pass means something)', () => {
    const forms = secretForms('k', 'planted-secret-123');
    writeFileSync(
      join(dataDir, 'notes.txt'),
      `x ${Buffer.from('k:planted-secret-123').toString('base64')} y`,
    );
    writeFileSync(join(dataDir, 'wide.bin'), Buffer.from('planted-secret-123', 'utf16le'));
    expect(findLeaks(dataDir, forms).leaks).toEqual([
      'notes.txt holds the Base64(key:secret) (utf8)',
      'wide.bin holds the secret (utf16le)',
    ]);
  });
});
