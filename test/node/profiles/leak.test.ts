import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/errors';
import type { ConnectionTestResult, Profile } from '../../../shared/profiles';
import { createOmnigageClient } from '../../../electron/api/client';
import { createBackend, type Backend } from '../../../electron/backend';
import { createFileLogger, type Logger } from '../../../electron/logging/logger';
import { dataPaths } from '../../../electron/paths';
import { resolveCredentials } from '../../../electron/profiles/credentials';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { startSandbox, type Sandbox } from '../../sandbox';
import { findLeaks, secretForms } from './leaks';

/**
 * Issue item 6: after a full flow (the secret typed in and stored, the connection tested,
 * failures on the way, a campaign sent to the sandbox with credentials read back from the
 * keychain) no file in the data folder (the database with its -wal and -shm, the logs, anything
 * else) holds the secret, the key:secret pair or its Base64 form.
 */
describe('no secret in the data folder after a full flow', () => {
  let dataDir: string;
  let sandbox: Sandbox;
  let backend: Backend;
  let log: Logger;
  let secrets: MemorySecretStore;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'omnigage-leak-'));
    // A sandbox whose token secret is unlike anything else in the flow, so a hit is a real leak.
    sandbox = await startSandbox({
      seed: 'leak',
      credentials: { tokenKey: 'leak-token-key', tokenSecret: 'Lk7-unique-token-secret-9QZ', accountKey: 'leakbank' },
    });
    // The most talkative logger: every debug record reaches the file.
    log = createFileLogger({ dir: dataPaths(dataDir).logs, level: 'debug' });
    secrets = new MemorySecretStore();
    backend = createBackend({ dataDir, log, secrets, emit: () => {}, version: '0.0.0-leak' });
  });
  afterEach(async () => {
    backend.close();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async <T>(channel: string, input?: unknown): Promise<T> => {
    const result = (await backend.dispatch(channel, input)) as Result<T>;
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
    const refused = await backend.dispatch('profiles:testConnection', { id: profile.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad_credentials' } });
    await call('profiles:setSecret', { id: profile.id, tokenSecret });

    // 2. The connection test passes and caches the caller IDs; a failure is logged too.
    const tested = await call<ConnectionTestResult>('profiles:testConnection', { id: profile.id });
    expect(tested.callerIds.length).toBeGreaterThan(0);
    sandbox.faults.next('GET', /^caller-ids/, { type: 'status', status: 500, body: 'boom' }, 10);
    const failed = await backend.dispatch('profiles:testConnection', { id: profile.id });
    expect(failed).toMatchObject({ ok: false });
    sandbox.faults.clear();

    // 3. A campaign is sent to the sandbox with credentials read back from the keychain, the way
    //    the send engine and the CLI get them.
    const services = backend.services!;
    const campaign = services.campaigns.create('Leak check campaign');
    services.profiles.useForCampaign(campaign.id, profile.id);
    const credentials = await resolveCredentials({ profiles: services.profiles, log, profileId: profile.id, env: {} });
    expect(credentials.tokenSecret).toBe(tokenSecret);
    const api = createOmnigageClient({
      baseUrl: credentials.apiUrl,
      credentials: { tokenKey: credentials.tokenKey, tokenSecret: credentials.tokenSecret, accountKey: credentials.accountKey },
      log: log.child('api'),
      retry: { maxAttempts: 1 },
    });
    const template = await api.voiceTemplates.createText({ label: 'Leak', body: 'Hello {{first-name}}', voice: 'Polly-Joanna' });
    const engagement = await api.engagements.create({ name: 'Leak check campaign' });
    const activity = await api.activities.createVoice({ name: 'Leak', engagementId: engagement.id, callerIdId: tested.callerIds[0]!.id });
    for (const onEvent of ['voice-human', 'voice-machine'] as const) {
      await api.triggers.createForTemplate({ activityId: activity.id, onEvent, template: { id: template.id, kind: 'text' } });
    }
    await api.envelopes.createBulk(engagement.id, [{ phoneNumber: '+15555550123', meta: { 'first-name': 'Ada' } }]);
    await api.engagements.schedule(engagement.id);
    expect(sandbox.state.schedulePatches).toHaveLength(1);
    // Anything logged carelessly on the way is redacted too.
    log.error('send failed', { error: new Error(`auth was ${tokenKey}:${tokenSecret}`), header: `Basic ${forms['Base64(key:secret)']}` });

    // 4. Every file under the data folder, while the database still has its WAL…
    const open = findLeaks(dataDir, forms);
    expect(open.files).toEqual(
      expect.arrayContaining(['campaigns.sqlite', 'campaigns.sqlite-wal', join('logs', 'app.log')]),
    );
    expect(open.leaks).toEqual([]);
    expect(findLeaks(dataDir, secretForms(tokenKey, 'Wrong-secret-first-XYZ')).leaks).toEqual([]);

    // …and after the app has closed and the WAL has been folded into the database.
    backend.close();
    const closed = findLeaks(dataDir, forms);
    expect(closed.files).toContain('campaigns.sqlite');
    expect(closed.leaks).toEqual([]);
    // The flow did write things down: the search looked at real content.
    expect(closed.files.length).toBeGreaterThanOrEqual(2);
  });

  it('the search does find a secret when one is there (so a pass means something)', () => {
    const forms = secretForms('k', 'planted-secret-123');
    writeFileSync(join(dataDir, 'notes.txt'), `x ${Buffer.from('k:planted-secret-123').toString('base64')} y`);
    writeFileSync(join(dataDir, 'wide.bin'), Buffer.from('planted-secret-123', 'utf16le'));
    expect(findLeaks(dataDir, forms).leaks).toEqual([
      'notes.txt holds the Base64(key:secret) (utf8)',
      'wide.bin holds the secret (utf16le)',
    ]);
  });
});
