import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { profileInputSchema, type Profile } from '../../../shared/profiles';
import { SANDBOX_CREDENTIALS } from '../../../electron/profiles/service';
import { launchSandbox } from '../../../electron/sandbox/launch';
import { DEMO_CREDENTIALS, startSandbox, type Sandbox } from '../../../electron/sandbox';
import { openFixture, type ProfileFixture } from './helpers';

/** "Test connection" against the local Omnigage sandbox, a real HTTP server on 127.0.0.1. */
describe('test connection', () => {
  let fx: ProfileFixture;
  let sandbox: Sandbox;
  beforeEach(async () => {
    fx = openFixture();
    sandbox = await startSandbox({ seed: 'profiles' });
  });
  afterEach(async () => {
    await sandbox.close();
    fx.cleanup();
  });

  const profileFor = (
    fields: Partial<{
      tokenKey: string;
      tokenSecret: string;
      accountKey: string;
      apiUrl: string;
    }> = {},
  ) =>
    fx.services.profiles.save(
      profileInputSchema.parse({
        name: `Sandbox ${Math.random().toString(36).slice(2, 8)}`,
        apiUrl: sandbox.baseUrl,
        tokenKey: sandbox.credentials.tokenKey,
        tokenSecret: sandbox.credentials.tokenSecret,
        accountKey: sandbox.credentials.accountKey,
        ...fields,
      }),
    );

  it('succeeds with good credentials and caches only the verified caller IDs, with the time fetched', async () => {
    const profile = await profileFor();
    const result = await fx.services.connection.test(profile.id);
    expect(result.message).toMatch(
      /^Connected to 127\.0\.0\.1:\d+\. 1 verified caller ID saved for use offline\.$/,
    );
    expect(result.callerIds).toEqual([
      {
        id: sandbox.callerId.id,
        phoneNumber: '+15555550100',
        label: 'Sandbox main line',
        fetchedAt: result.testedAt,
      },
    ]);
    // The sandbox saw the credentials and account key the profile holds.
    const listed = sandbox.state.requests.filter((r) => r.path.startsWith('caller-ids'));
    expect(listed.length).toBeGreaterThan(0);
    expect(listed[0]?.headers?.authorization).toBe('Basic');
    expect(listed[0]?.headers?.['x-account-key']).toBe('sandbox');

    // Offline: the sandbox is gone, the cached list is still there to choose from.
    await sandbox.close();
    expect(fx.services.profiles.callerIds(profile.id).callerIds.map((c) => c.phoneNumber)).toEqual([
      '+15555550100',
    ]);
    expect(fx.services.profiles.checkCallerId(profile.id, '+1 555 555 0100').status).toBe(
      'verified',
    );
    expect(fx.services.profiles.checkCallerId(profile.id, '+15555550101')).toMatchObject({
      status: 'unverified',
    });
  });

  it('says the credentials are wrong in plain words when the token is refused (401)', async () => {
    const profile = await profileFor({ tokenSecret: 'not-the-right-secret' });
    await expect(fx.services.connection.test(profile.id)).rejects.toMatchObject({
      code: 'bad_credentials',
      message: expect.stringMatching(
        /did not accept the token: the token key or token secret is wrong/,
      ),
    });
    expect(fx.services.profiles.callerIds(profile.id).fetchedAt).toBeNull();
  });

  it('says access is forbidden when the account refuses the token (403)', async () => {
    const profile = await profileFor({ accountKey: 'another-account' });
    await expect(fx.services.connection.test(profile.id)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/refused access to the account. Check the account key/),
    });
  });

  it('says there is no network when nothing answers, and keeps the caller IDs fetched before', async () => {
    const profile = await profileFor();
    await fx.services.connection.test(profile.id);
    const before = fx.services.profiles.callerIds(profile.id);
    await sandbox.close();
    await expect(fx.services.connection.test(profile.id)).rejects.toMatchObject({
      code: 'network',
      message: expect.stringMatching(
        /^Could not reach 127\.0\.0\.1:\d+: no network, or the address is wrong\./,
      ),
    });
    expect(fx.services.profiles.callerIds(profile.id)).toEqual(before);
  });

  it('reports a connection dropped mid-request as no network too', async () => {
    const profile = await profileFor();
    sandbox.faults.next('GET', /^caller-ids/, { type: 'reset' }, 5);
    await expect(fx.services.connection.test(profile.id)).rejects.toMatchObject({
      code: 'network',
    });
  });

  it('asks for the secret first when none is stored, without calling the API', async () => {
    const profile = await profileFor({ tokenSecret: undefined });
    await expect(fx.services.connection.test(profile.id)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/Enter the token secret/),
    });
    expect(sandbox.state.requests).toHaveLength(0);
  });

  it('says the keychain is unavailable when the secret cannot be read', async () => {
    const profile = await profileFor();
    fx.secrets.unavailable = {
      available: false,
      reason: 'locked',
      message: 'Unlock your login keyring.',
    };
    await expect(fx.services.connection.test(profile.id)).rejects.toMatchObject({
      code: 'keychain_unavailable',
    });
  });

  it('the one-click sandbox profile connects to the sandbox as `npm run sandbox` starts it', async () => {
    expect(SANDBOX_CREDENTIALS).toEqual(DEMO_CREDENTIALS);
    const sandboxProfile: Profile = await fx.services.profiles.addSandbox(sandbox.baseUrl);
    const result = await fx.services.connection.test(sandboxProfile.id);
    expect(result.callerIds).toHaveLength(1);
  });
});

describe('npm run sandbox', () => {
  it('listens where the sandbox profile points by default', async () => {
    const lines: string[] = [];
    let launched: Awaited<ReturnType<typeof launchSandbox>> | undefined;
    try {
      launched = await launchSandbox({
        argv: ['--no-dialer', '--quiet'],
        env: {},
        print: (l) => lines.push(l),
      });
      if (launched.fellBack) {
        console.log(
          'npm run sandbox: port 4010 is busy here; checked the printed address format only',
        );
      } else {
        const { SANDBOX_API_URL } = await import('../../../shared/profiles');
        expect(launched.sandbox.baseUrl).toBe(SANDBOX_API_URL);
      }
      expect(lines.join('\n')).toContain(`API address:   ${launched.sandbox.baseUrl}`);
    } finally {
      await launched?.sandbox.close();
    }
  });
});
