import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PRODUCTION_API_URL, profileInputSchema } from '../../../shared/profiles';
import { resolveCredentials } from '../../../electron/profiles/credentials';
import { openFixture, type ProfileFixture } from './helpers';

describe('resolveCredentials (send engine and CLI)', () => {
  let fx: ProfileFixture;
  beforeEach(() => {
    fx = openFixture();
  });
  afterEach(() => fx.cleanup());

  const resolve = (env: NodeJS.ProcessEnv, profileId?: string) =>
    resolveCredentials({ profiles: fx.services.profiles, log: fx.log, env, profileId });

  it("reads the active profile's secret from the keychain", async () => {
    const p = await fx.services.profiles.save(
      profileInputSchema.parse({
        name: 'Bank',
        accountKey: 'bank',
        tokenKey: 'k1',
        tokenSecret: 'kc-secret',
      }),
    );
    expect(await resolve({})).toEqual({
      apiUrl: PRODUCTION_API_URL,
      accountKey: 'bank',
      tokenKey: 'k1',
      tokenSecret: 'kc-secret',
      profileId: p.id,
      source: 'keychain',
    });
  });

  it('uses the named profile rather than the active one', async () => {
    await fx.services.profiles.save(
      profileInputSchema.parse({ name: 'A', tokenKey: 'ka', tokenSecret: 'sa' }),
    );
    const b = await fx.services.profiles.save(
      profileInputSchema.parse({ name: 'B', tokenKey: 'kb', tokenSecret: 'sb' }),
    );
    expect(await resolve({}, b.id)).toMatchObject({
      tokenKey: 'kb',
      tokenSecret: 'sb',
      profileId: b.id,
    });
  });

  it('uses the profile a campaign remembers, else the active one', async () => {
    const a = await fx.services.profiles.save(
      profileInputSchema.parse({ name: 'A', tokenKey: 'ka', tokenSecret: 'sa' }),
    );
    const b = await fx.services.profiles.save(
      profileInputSchema.parse({ name: 'B', tokenKey: 'kb', tokenSecret: 'sb' }),
    );
    const campaign = fx.services.campaigns.create('Remembered');
    const viaCampaign = () =>
      resolveCredentials({
        profiles: fx.services.profiles,
        log: fx.log,
        env: {},
        campaignId: campaign.id,
      });
    expect(await viaCampaign()).toMatchObject({ profileId: a.id });
    fx.services.profiles.useForCampaign(campaign.id, b.id);
    expect(await viaCampaign()).toMatchObject({ profileId: b.id, tokenSecret: 'sb' });
  });

  it('lets OMNIGAGE_API_KEY + OMNIGAGE_API_SECRET override the keychain, even when it is unavailable', async () => {
    const p = await fx.services.profiles.save(
      profileInputSchema.parse({
        name: 'Bank',
        accountKey: 'bank',
        tokenKey: 'k1',
        tokenSecret: 'kc-secret',
      }),
    );
    fx.secrets.unavailable = { available: false, reason: 'not-installed', message: 'No keychain.' };
    const creds = await resolve({
      OMNIGAGE_API_KEY: 'env-key',
      OMNIGAGE_API_SECRET: 'env-secret',
      OMNIGAGE_API_URL: 'http://127.0.0.1:4010/api/v1',
      OMNIGAGE_ACCOUNT_KEY: 'other',
    });
    expect(creds).toEqual({
      apiUrl: 'http://127.0.0.1:4010/api/v1/',
      accountKey: 'other',
      tokenKey: 'env-key',
      tokenSecret: 'env-secret',
      profileId: p.id,
      source: 'environment',
    });
  });

  it('works from the environment alone, with no profile at all', async () => {
    expect(await resolve({ OMNIGAGE_API_KEY: 'k', OMNIGAGE_API_SECRET: 's' })).toMatchObject({
      apiUrl: PRODUCTION_API_URL,
      accountKey: '',
      source: 'environment',
      profileId: null,
    });
  });

  it('refuses half a pair, an insecure URL, a missing profile or a missing secret, in plain words', async () => {
    await expect(resolve({ OMNIGAGE_API_KEY: 'k' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/OMNIGAGE_API_SECRET is not/),
    });
    await expect(
      resolve({
        OMNIGAGE_API_KEY: 'k',
        OMNIGAGE_API_SECRET: 's',
        OMNIGAGE_API_URL: 'http://api.example.com/',
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/https/) });
    await expect(resolve({})).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/No Omnigage account is set up/),
    });

    await fx.services.profiles.save(profileInputSchema.parse({ name: 'A', tokenKey: 'ka' }));
    await expect(resolve({})).rejects.toMatchObject({
      code: 'bad_credentials',
      message: expect.stringMatching(/no token secret/),
    });
  });

  it('passes the keychain refusal on when there is no keychain and no environment credentials', async () => {
    await fx.services.profiles.save(
      profileInputSchema.parse({ name: 'A', tokenKey: 'ka', tokenSecret: 'sa' }),
    );
    fx.secrets.unavailable = {
      available: false,
      reason: 'locked',
      message: 'Unlock your login keyring.',
    };
    await expect(resolve({})).rejects.toMatchObject({
      code: 'keychain_unavailable',
      message: 'Unlock your login keyring.',
    });
  });

  it('registers environment secrets with the logger', async () => {
    await resolve({ OMNIGAGE_API_KEY: 'k', OMNIGAGE_API_SECRET: 'env-only-secret' });
    fx.log.info('oops', { note: 'env-only-secret' });
    expect(JSON.stringify(fx.log.records)).not.toContain('env-only-secret');
  });
});

describe('the desktop app never takes credentials from the environment', () => {
  let fx: ProfileFixture;
  beforeEach(() => {
    vi.stubEnv('OMNIGAGE_API_KEY', 'env-key');
    vi.stubEnv('OMNIGAGE_API_SECRET', 'env-secret');
    vi.stubEnv('OMNIGAGE_API_URL', 'https://elsewhere.example.com/api/v1/');
    vi.stubEnv('OMNIGAGE_ACCOUNT_KEY', 'env-account');
    // Services wired as main.ts wires them: no environment passed in.
    fx = openFixture();
  });
  afterEach(() => {
    fx.cleanup();
    vi.unstubAllEnvs();
  });

  it('sends with the keychain profile even when OMNIGAGE_API_* are set', async () => {
    const p = await fx.services.profiles.save(
      profileInputSchema.parse({
        name: 'Bank',
        accountKey: 'bank',
        tokenKey: 'k1',
        tokenSecret: 'kc-secret',
      }),
    );
    const campaign = fx.services.campaigns.create('Weekly');
    expect(await fx.services.send.credentials(campaign.id)).toEqual({
      apiUrl: PRODUCTION_API_URL,
      accountKey: 'bank',
      tokenKey: 'k1',
      tokenSecret: 'kc-secret',
      profileId: p.id,
      source: 'keychain',
    });
  });

  it('with no profile it says to add one, and does not offer the variables', async () => {
    const campaign = fx.services.campaigns.create('Weekly');
    const error = await fx.services.send.credentials(campaign.id).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'invalid_input',
      message:
        'No Omnigage account is set up on this computer. Add your Omnigage account in Settings.',
    });
  });
});
