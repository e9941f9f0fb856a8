import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REHEARSAL_PROFILE_NAME } from '../../../shared/rehearsal';
import { createBackend } from '../../../electron/backend';
import { staticAbout } from '../../../electron/ipc/handlers';
import { createFileLogger } from '../../../electron/logging/logger';
import { dataPaths } from '../../../electron/paths';
import { REHEARSAL_CALLER_ID } from '../../../electron/rehearsal';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { createServices, type Services } from '../../../electron/services';
import { useTempDir } from '../../helpers/temp';
import { findLeaks, secretForms } from '../profiles/leaks';
import { FAST, phoneFor, until } from '../send/helpers';

const tempDir = useTempDir('omnigage-rehearsal-');
const opened: Services[] = [];
afterEach(async () => {
  for (const services of opened.splice(0)) {
    await services.send.stopOutbox();
    await services.rehearsal.stop();
    services.close();
  }
});

function open(options: { dialerMs?: number } = {}) {
  const dataDir = tempDir();
  const secrets = new MemorySecretStore();
  const services = createServices({
    dataDir,
    log: createFileLogger({ dir: dataPaths(dataDir).logs }),
    secrets,
    send: FAST,
    rehearsal: { sandbox: { dialer: { intervalMs: options.dialerMs ?? 2000, callsPerStep: 50 } } },
  });
  opened.push(services);
  return { dataDir, secrets, services };
}

/** Does anything accept a TCP connection on this loopback port right now? */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const portOf = (url: string | null) => Number(new URL(url ?? 'http://x').port);

describe('rehearsal inside the app', () => {
  it('starts the sandbox on a loopback port of its own with its own token, and stops it', async () => {
    const { dataDir, secrets, services } = open();
    const real = await services.profiles.save({
      name: 'First Bank',
      apiUrl: 'https://api.omnigage.io/api/v1/',
      accountKey: 'firstbank',
      tokenKey: 'real-key',
      tokenSecret: 'real-secret',
    });
    expect(services.rehearsal.status()).toMatchObject({ state: 'off', profileId: null });

    const started = await services.rehearsal.start();
    expect(started.state).toBe('running');
    const url = new URL(started.apiUrl!);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.protocol).toBe('http:');
    const port = portOf(started.apiUrl);
    expect(await listening(port)).toBe(true);

    // Its profile is used for new campaigns while it runs; the earlier one is named to come back.
    const profile = services.profiles.get(started.profileId!);
    expect(profile).toMatchObject({
      name: REHEARSAL_PROFILE_NAME,
      apiUrl: started.apiUrl,
      isActive: true,
      isLocal: true,
      hasSecret: true,
    });
    expect(started.returnsTo).toBe('First Bank');
    // It was tested for real against the new sandbox (the connection test cached its caller ID).
    expect(profile.testedAt).not.toBeNull();
    expect(profile.tokenKey).toMatch(/^rehearsal-[0-9a-f]{12}$/);
    // The caller ID is cached at once, so a draft can choose it without a connection test.
    expect(services.profiles.callerIds(profile.id).callerIds.map((c) => c.id)).toEqual([
      REHEARSAL_CALLER_ID,
    ]);
    // The token is the sandbox's own, kept in the secret store and nowhere in the data folder.
    const secret = await secrets.get(profile.id);
    expect(secret).toBe(services.rehearsal.sandbox!.credentials.tokenSecret);
    expect(services.rehearsal.sandbox!.credentials.tokenKey).toBe(profile.tokenKey);
    expect(JSON.stringify(started)).not.toContain(secret!);
    const connection = await services.connection.test(profile.id);
    expect(connection.callerIds.map((c) => c.id)).toContain(REHEARSAL_CALLER_ID);
    const { files, leaks } = findLeaks(dataDir, secretForms(profile.tokenKey, secret!));
    expect(files).toContain('campaigns.sqlite');
    expect(leaks).toEqual([]);

    // A draft made while rehearsing stays with the rehearsal once it stops; one made before keeps its own.
    const during = services.campaigns.create('Made while rehearsing');
    const stopped = await services.rehearsal.stop();
    expect(services.profiles.forCampaign(during.id)?.id).toBe(profile.id);
    expect(stopped).toMatchObject({ state: 'off', apiUrl: null, profileId: profile.id });
    expect(await listening(port)).toBe(false);
    expect(services.profiles.active()?.id).toBe(real.id);

    // A second rehearsal: another port and another token, the same profile brought up to date.
    const again = await services.rehearsal.start();
    const next = services.profiles.get(again.profileId!);
    expect(next.id).toBe(profile.id);
    expect(next.tokenKey).not.toBe(profile.tokenKey);
    expect(await secrets.get(profile.id)).not.toBe(secret);
    expect(await listening(portOf(again.apiUrl))).toBe(true);
    expect(services.profiles.list().filter((p) => p.isLocal)).toHaveLength(1);
  });

  it('a double click starts one sandbox; the rehearsal profile cannot be pointed away from this computer', async () => {
    const { services } = open();
    const [a, b] = await Promise.all([services.rehearsal.start(), services.rehearsal.start()]);
    expect(a.apiUrl).toBe(b.apiUrl);
    const profile = services.profiles.get(a.profileId!);
    await expect(
      services.profiles.save({
        id: profile.id,
        name: profile.name,
        apiUrl: 'https://api.omnigage.io/api/v1/',
        accountKey: profile.accountKey,
        tokenKey: profile.tokenKey,
        tokenSecret: 'anything',
      }),
    ).rejects.toThrow(/only with a sandbox on this computer/);
    // With no earlier profile, the rehearsal one stays in use once stopped (nothing to go back to).
    await services.rehearsal.stop();
    expect(services.profiles.active()?.id).toBe(profile.id);
  });

  it('a campaign sent to the rehearsal is "called" by the pretend dialer and its outcomes reach Results', async () => {
    const { dataDir, services } = open({ dialerMs: 20 });
    await services.rehearsal.start();
    const campaign = services.campaigns.create('Snow day rehearsal');
    services.campaigns.update(campaign.id, {
      callerId: REHEARSAL_CALLER_ID,
      human: {
        kind: 'text',
        body: 'Hello {{first-name}}, school is closed.',
        voice: 'Polly-Joanna',
      },
      machine: null,
    });
    const file = join(dataDir, 'families.csv');
    const phones = Array.from({ length: 6 }, (_, i) => phoneFor(i));
    writeFileSync(file, `Phone,First Name\n${phones.map((p, i) => `${p},Kid${i}`).join('\n')}\n`);
    services.recipients.import({ campaignId: campaign.id, filePath: file });

    await services.send.start(campaign.id);
    expect(await services.send.settled(campaign.id)).toMatchObject({ state: 'scheduled' });
    const sandbox = services.rehearsal.sandbox!;
    const engagementId = services.send.status(campaign.id)!.engagementId!;
    expect(sandbox.state.envelopesOf(engagementId)).toHaveLength(6);

    // The dialer runs by itself inside the app; Results fills in as it goes.
    await until(() => sandbox.state.engagements[0]?.attributes.status === 'completed', 10_000);
    const page = await services.results.refresh(campaign.id);
    expect(page.remote).toMatchObject({ total: 6, complete: 6, incomplete: 0 });
    for (const row of page.rows)
      expect(row.outcome).toBe(sandbox.dialer.outcomeFor(row.e164!).resultKind);
    expect(Object.values(page.outcomes).reduce((a, b) => a + b, 0)).toBe(6);
  });

  it('the organisation can turn it off: start is refused over the contract and nothing listens', async () => {
    const dataDir = tempDir();
    const about = staticAbout('test');
    const backend = createBackend({
      dataDir,
      log: createFileLogger({ dir: dataPaths(dataDir).logs }),
      emit: () => {},
      version: 'test',
      secrets: new MemorySecretStore(),
      about: {
        ...about,
        about: () => ({
          ...about.about(),
          organisation: { state: 'applied', path: '/etc/x', settings: [], hideSandbox: true },
        }),
      },
    });
    try {
      expect(await backend.dispatch('rehearsal:status', undefined)).toMatchObject({
        ok: true,
        value: { state: 'off', hidden: true },
      });
      const refused = await backend.dispatch('rehearsal:start', undefined);
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect((refused as { error: { message: string } }).error.message).toMatch(/organisation/);
      expect(backend.services!.rehearsal.sandbox).toBeNull();
      expect(backend.services!.profiles.list()).toEqual([]);
    } finally {
      backend.close();
    }
  });

  it('closing the services closes the port even without stop()', async () => {
    const { services } = open();
    const { apiUrl } = await services.rehearsal.start();
    opened.splice(opened.indexOf(services), 1);
    await services.send.stopOutbox();
    services.close();
    await until(() => services.rehearsal.sandbox === null);
    // The listening socket goes at once; give the event loop a turn to finish closing it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await listening(portOf(apiUrl))).toBe(false);
  });
});

describe('a rehearsal that stopped half-way through a send', () => {
  it('the next rehearsal (a fresh pretend Omnigage) stops the resumed send with words and schedules nothing', async () => {
    const dataDir = tempDir();
    const services = createServices({
      dataDir,
      log: createFileLogger({ dir: dataPaths(dataDir).logs }),
      secrets: new MemorySecretStore(),
      send: { ...FAST, batchSize: 2, maxFailedRounds: 1 },
    });
    opened.push(services);
    await services.rehearsal.start();
    const campaign = services.campaigns.create('Half');
    services.campaigns.update(campaign.id, {
      callerId: REHEARSAL_CALLER_ID,
      human: { kind: 'text', body: 'Hello', voice: 'Polly-Joanna' },
      machine: null,
    });
    const file = join(dataDir, 'f.csv');
    writeFileSync(file, `Phone\n${Array.from({ length: 6 }, (_, i) => phoneFor(i)).join('\n')}\n`);
    services.recipients.import({ campaignId: campaign.id, filePath: file });
    services.rehearsal.sandbox!.faults.add({
      method: 'POST',
      path: 'envelopes',
      action: { type: 'status', status: 503 },
      after: 1,
      times: 50,
    });
    await services.send.start(campaign.id);
    expect(await services.send.settled(campaign.id)).toMatchObject({
      state: 'queued',
      envelopesSent: 2,
    });
    await services.rehearsal.stop();
    await services.rehearsal.start();
    services.db.prepare('UPDATE sends SET next_attempt_at = 0').run();
    services.send.startOutbox({ intervalMs: 10 });
    await until(() => services.send.status(campaign.id)?.state === 'failed');
    expect(services.send.status(campaign.id)?.message).toMatch(/nothing was scheduled/);
    const fresh = services.rehearsal.sandbox!;
    expect(fresh.state.envelopes).toHaveLength(0);
    expect(fresh.state.schedulePatchCount()).toBe(0);
  });
});
