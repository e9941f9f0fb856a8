import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { PRODUCTION_API_URL, SANDBOX_API_URL, profileInputSchema } from '../../../shared/profiles';
import { SANDBOX_CREDENTIALS } from '../../../electron/profiles/service';
import { openFixture, type ProfileFixture } from './helpers';

const input = (fields: Record<string, unknown>) => profileInputSchema.parse(fields);

describe('ProfileService', () => {
  let fx: ProfileFixture;
  beforeEach(() => {
    fx = openFixture();
  });
  afterEach(() => fx.cleanup());

  it('adds a production profile by default, keeps the secret in the keychain only and reports hasSecret', async () => {
    const saved = await fx.services.profiles.save(
      input({
        name: 'First Bank',
        accountKey: 'firstbank',
        tokenKey: 'tk-1',
        tokenSecret: 'shh-secret-1',
      }),
    );
    expect(saved).toMatchObject({
      name: 'First Bank',
      apiUrl: PRODUCTION_API_URL,
      accountKey: 'firstbank',
      tokenKey: 'tk-1',
      hasSecret: true,
      isActive: true,
      isLocal: false,
    });
    expect(JSON.stringify(saved)).not.toContain('shh-secret-1');
    expect(fx.secrets.entries.get(saved.id)).toBe('shh-secret-1');
    expect(fx.secrets.entries.size).toBe(1);
    // Nothing in any table holds the secret.
    const tables = fx.services.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all() as {
      name: string;
    }[];
    for (const { name } of tables) {
      const rows = fx.services.db.prepare(`SELECT * FROM "${name}"`).all();
      expect(JSON.stringify(rows)).not.toContain('shh-secret-1');
    }
  });

  it('makes only the first profile active, and switches the active one on request', async () => {
    const a = await fx.services.profiles.save(input({ name: 'A', tokenKey: 'ka' }));
    const b = await fx.services.profiles.save(input({ name: 'B', tokenKey: 'kb' }));
    expect(a.isActive).toBe(true);
    expect(b.isActive).toBe(false);
    expect(b.hasSecret).toBe(false);
    fx.services.profiles.setActive(b.id);
    expect(fx.services.profiles.active()?.id).toBe(b.id);
    expect(
      fx.services.profiles
        .list()
        .filter((p) => p.isActive)
        .map((p) => p.name),
    ).toEqual(['B']);
  });

  it('edits a profile, keeps the stored secret when none is typed, and forgets caller IDs when the endpoint changes', async () => {
    const p = await fx.services.profiles.save(
      input({ name: 'A', tokenKey: 'ka', tokenSecret: 'secret-a1' }),
    );
    fx.services.profiles.replaceCallerIds(p.id, [
      { id: 'c1', phoneNumber: '+12125550100', label: 'Main' },
    ]);

    const renamed = await fx.services.profiles.save(
      input({ id: p.id, name: 'A renamed', tokenKey: 'ka' }),
    );
    expect(renamed.name).toBe('A renamed');
    expect(renamed.hasSecret).toBe(true);
    expect(fx.secrets.entries.get(p.id)).toBe('secret-a1');
    expect(fx.services.profiles.callerIds(p.id).callerIds).toHaveLength(1);

    const moved = await fx.services.profiles.save(
      input({
        id: p.id,
        name: 'A renamed',
        tokenKey: 'ka',
        apiUrl: 'https://staging.example.com/api/v1',
        tokenSecret: 'secret-staging',
      }),
    );
    expect(moved.apiUrl).toBe('https://staging.example.com/api/v1/');
    expect(fx.secrets.entries.get(p.id)).toBe('secret-staging');
    expect(fx.services.profiles.callerIds(p.id)).toEqual({
      profileId: p.id,
      callerIds: [],
      fetchedAt: null,
    });

    await fx.services.profiles.setSecret(p.id, 'secret-a2');
    expect(fx.secrets.entries.get(p.id)).toBe('secret-a2');
  });

  describe('a secret stays with its server', () => {
    it('a new API address without the secret again is refused, and nothing changes', async () => {
      const p = await fx.services.profiles.save(
        input({ name: 'A', tokenKey: 'ka', tokenSecret: 'secret-a1' }),
      );
      fx.services.profiles.replaceCallerIds(p.id, [
        { id: 'c1', phoneNumber: '+12125550100', label: 'Main' },
      ]);

      const refused = await fx.services.profiles
        .save(
          input({
            id: p.id,
            name: 'A',
            tokenKey: 'ka',
            apiUrl: 'https://evil.example.com/api/v1/',
          }),
        )
        .catch((e: unknown) => e);

      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({ code: 'invalid_input' });
      expect((refused as AppError).message).toContain('API address changed');
      expect((refused as AppError).message).toContain('Enter the token secret again');
      expect(fx.services.profiles.get(p.id)).toMatchObject({
        apiUrl: PRODUCTION_API_URL,
        hasSecret: true,
      });
      expect(fx.secrets.entries.get(p.id)).toBe('secret-a1');
      expect(fx.services.profiles.callerIds(p.id).callerIds).toHaveLength(1);
    });

    it('a new token key without the secret again is refused too', async () => {
      const p = await fx.services.profiles.save(
        input({ name: 'A', tokenKey: 'ka', tokenSecret: 'secret-a1' }),
      );
      await expect(
        fx.services.profiles.save(input({ id: p.id, name: 'A', tokenKey: 'kb' })),
      ).rejects.toThrow(/token key changed/);
      expect(fx.services.profiles.get(p.id).tokenKey).toBe('ka');
    });

    it('a profile with no stored secret may move, and an entry added outside the app is removed', async () => {
      const p = await fx.services.profiles.save(input({ name: 'A', tokenKey: 'ka' }));
      fx.secrets.entries.set(p.id, 'planted-outside');
      const moved = await fx.services.profiles.save(
        input({
          id: p.id,
          name: 'A',
          tokenKey: 'ka',
          apiUrl: 'https://staging.example.com/api/v1/',
        }),
      );
      expect(moved).toMatchObject({
        apiUrl: 'https://staging.example.com/api/v1/',
        hasSecret: false,
      });
      expect(fx.secrets.entries.has(p.id)).toBe(false);
    });

    it('changing only the name or the account key keeps the secret', async () => {
      const p = await fx.services.profiles.save(
        input({ name: 'A', tokenKey: 'ka', tokenSecret: 'secret-a1' }),
      );
      const edited = await fx.services.profiles.save(
        input({ id: p.id, name: 'B', tokenKey: 'ka', accountKey: 'acct' }),
      );
      expect(edited.hasSecret).toBe(true);
      expect(fx.secrets.entries.get(p.id)).toBe('secret-a1');
    });
  });

  describe('the sandbox profile stays on this computer', () => {
    it('refuses an address elsewhere when it is made or edited', async () => {
      await expect(
        fx.services.profiles.addSandbox('https://api.omnigage.io/api/v1/'),
      ).rejects.toThrow(/sandbox on this computer/);
      expect(fx.services.profiles.list()).toEqual([]);

      const sandbox = await fx.services.profiles.addSandbox('http://localhost:4999/api/v1/');
      await expect(
        fx.services.profiles.save(
          input({
            id: sandbox.id,
            name: sandbox.name,
            tokenKey: SANDBOX_CREDENTIALS.tokenKey,
            apiUrl: 'https://api.omnigage.io/api/v1/',
            tokenSecret: 'typed-again',
          }),
        ),
      ).rejects.toMatchObject({ code: 'invalid_input' });
      expect(fx.services.profiles.get(sandbox.id).apiUrl).toBe('http://localhost:4999/api/v1/');
      expect(fx.secrets.entries.get(sandbox.id)).toBe(SANDBOX_CREDENTIALS.tokenSecret);

      // A profile typed by hand with the sandbox's token is the sandbox too.
      await expect(
        fx.services.profiles.save(
          input({
            name: 'Mine',
            tokenKey: SANDBOX_CREDENTIALS.tokenKey,
            apiUrl: 'https://x.example.com/',
          }),
        ),
      ).rejects.toMatchObject({ code: 'invalid_input' });
    });
  });

  it('refuses a second profile with the same name, ignoring case', async () => {
    await fx.services.profiles.save(input({ name: 'Clinic', tokenKey: 'k' }));
    await expect(
      fx.services.profiles.save(input({ name: 'clinic', tokenKey: 'k2' })),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('deletes a profile with its keychain entry and caller IDs, and hands "active" to another profile', async () => {
    const a = await fx.services.profiles.save(
      input({ name: 'A', tokenKey: 'ka', tokenSecret: 'secret-a' }),
    );
    const b = await fx.services.profiles.save(
      input({ name: 'B', tokenKey: 'kb', tokenSecret: 'secret-b' }),
    );
    fx.services.profiles.replaceCallerIds(a.id, [
      { id: 'c1', phoneNumber: '+12125550100', label: 'Main' },
    ]);

    await fx.services.profiles.delete(a.id);

    expect(fx.secrets.entries.has(a.id)).toBe(false);
    expect(fx.secrets.entries.get(b.id)).toBe('secret-b');
    expect(fx.services.db.prepare('SELECT count(*) AS n FROM caller_ids').get()).toEqual({ n: 0 });
    expect(fx.services.profiles.list().map((p) => [p.name, p.isActive])).toEqual([['B', true]]);
    expect(() => fx.services.profiles.get(a.id)).toThrow(AppError);
  });

  it('refuses to delete a profile a campaign is being sent with', async () => {
    const p = await fx.services.profiles.save(input({ name: 'A', tokenKey: 'ka' }));
    const campaign = fx.services.campaigns.create('Weekly specials');
    fx.services.profiles.useForCampaign(campaign.id, p.id);
    fx.services.db.prepare("UPDATE campaigns SET status = 'sending' WHERE id = ?").run(campaign.id);
    await expect(fx.services.profiles.delete(p.id)).rejects.toMatchObject({ code: 'locked' });
    expect(fx.services.profiles.list()).toHaveLength(1);
  });

  it('remembers which profile a campaign used, and forgets it when the profile is deleted', async () => {
    const a = await fx.services.profiles.save(input({ name: 'A', tokenKey: 'ka' }));
    const b = await fx.services.profiles.save(input({ name: 'B', tokenKey: 'kb' }));
    const campaign = fx.services.campaigns.create('School closure');
    expect(fx.services.profiles.forCampaign(campaign.id)?.id).toBe(a.id); // follows the active one

    fx.services.profiles.useForCampaign(campaign.id, b.id);
    fx.services.profiles.setActive(a.id);
    expect(fx.services.profiles.forCampaign(campaign.id)?.id).toBe(b.id);

    await fx.services.profiles.delete(b.id);
    expect(
      fx.services.db.prepare('SELECT profile_id FROM campaigns WHERE id = ?').get(campaign.id),
    ).toEqual({
      profile_id: null,
    });
    expect(fx.services.profiles.forCampaign(campaign.id)?.id).toBe(a.id);
  });

  it('"Use for new campaigns" never moves an existing campaign: it keeps the profile it had', async () => {
    const a = await fx.services.profiles.save(input({ name: 'A', tokenKey: 'ka' }));
    const b = await fx.services.profiles.save(input({ name: 'B', tokenKey: 'kb' }));
    const draft = fx.services.campaigns.create('School closure');
    expect(fx.services.profiles.forCampaign(draft.id)?.id).toBe(a.id);

    fx.services.profiles.setActive(b.id);
    expect(fx.services.profiles.forCampaign(draft.id)?.id).toBe(a.id);
    const fresh = fx.services.campaigns.create('Flu shots');
    expect(fx.services.profiles.forCampaign(fresh.id)?.id).toBe(b.id);

    // The sandbox made active by its one-click button does not take the drafts along either.
    await fx.services.profiles.addSandbox();
    expect(fx.services.profiles.forCampaign(draft.id)?.id).toBe(a.id);
    expect(fx.services.profiles.forCampaign(fresh.id)?.id).toBe(b.id);
  });

  it('is tested only after a connection test with the current secret and address', async () => {
    const p = await fx.services.profiles.save(
      input({ name: 'A', tokenKey: 'ka', tokenSecret: 'made-up' }),
    );
    expect(p.testedAt).toBeNull();
    fx.services.profiles.replaceCallerIds(p.id, [
      { id: 'c1', phoneNumber: '+12125550100', label: 'Main' },
    ]);
    expect(fx.services.profiles.get(p.id).testedAt).not.toBeNull();

    // Renaming keeps the test; a new secret (typed in the form or set alone) needs a new one.
    await fx.services.profiles.save(input({ id: p.id, name: 'A2', tokenKey: 'ka' }));
    expect(fx.services.profiles.get(p.id).testedAt).not.toBeNull();
    await fx.services.profiles.save(
      input({ id: p.id, name: 'A2', tokenKey: 'ka', tokenSecret: 'other' }),
    );
    expect(fx.services.profiles.get(p.id).testedAt).toBeNull();
    fx.services.profiles.replaceCallerIds(p.id, []);
    await fx.services.profiles.setSecret(p.id, 'third');
    expect(fx.services.profiles.get(p.id).testedAt).toBeNull();
  });

  it('keeps the remembered profile on a duplicated campaign', async () => {
    const a = await fx.services.profiles.save(input({ name: 'A', tokenKey: 'ka' }));
    await fx.services.profiles.save(input({ name: 'B', tokenKey: 'kb' }));
    const campaign = fx.services.campaigns.create('Reminder');
    fx.services.profiles.useForCampaign(campaign.id, a.id);
    const copy = fx.services.campaigns.duplicate(campaign.id);
    expect(
      fx.services.db.prepare('SELECT profile_id FROM campaigns WHERE id = ?').get(copy.id),
    ).toEqual({
      profile_id: a.id,
    });
  });

  it('creates the sandbox profile in one step, with its credentials, and makes it active', async () => {
    const prod = await fx.services.profiles.save(
      input({ name: 'Production', tokenKey: 'k', tokenSecret: 'prod-secret' }),
    );
    const sandbox = await fx.services.profiles.addSandbox();
    expect(sandbox).toMatchObject({
      apiUrl: SANDBOX_API_URL,
      isLocal: true,
      isActive: true,
      hasSecret: true,
    });
    expect(sandbox.tokenKey).toBe(SANDBOX_CREDENTIALS.tokenKey);
    expect(fx.secrets.entries.get(sandbox.id)).toBe(SANDBOX_CREDENTIALS.tokenSecret);
    expect(fx.services.profiles.get(prod.id).isActive).toBe(false);

    // A second click reuses it instead of piling up copies.
    fx.services.profiles.setActive(prod.id);
    const again = await fx.services.profiles.addSandbox();
    expect(again.id).toBe(sandbox.id);
    expect(again.isActive).toBe(true);
    expect(fx.services.profiles.list()).toHaveLength(2);
  });

  describe('without a keychain', () => {
    const problem = {
      available: false as const,
      reason: 'not-installed' as const,
      message: 'No keychain is available on this computer. Install gnome-keyring.',
    };

    it('refuses to store a secret and saves nothing, rather than keeping it anywhere else', async () => {
      fx.secrets.unavailable = problem;
      await expect(
        fx.services.profiles.save(
          input({ name: 'A', tokenKey: 'ka', tokenSecret: 'nowhere-secret' }),
        ),
      ).rejects.toMatchObject({ code: 'keychain_unavailable', message: problem.message });
      expect(fx.services.profiles.list()).toEqual([]);
      expect(fx.secrets.entries.size).toBe(0);
    });

    it('still saves a profile without a secret, but will not delete one whose secret it cannot remove', async () => {
      const withSecret = await fx.services.profiles.save(
        input({ name: 'A', tokenKey: 'ka', tokenSecret: 'kept-secret' }),
      );
      fx.secrets.unavailable = problem;
      const plain = await fx.services.profiles.save(input({ name: 'B', tokenKey: 'kb' }));
      expect(plain.hasSecret).toBe(false);
      await expect(fx.services.profiles.delete(withSecret.id)).rejects.toMatchObject({
        code: 'keychain_unavailable',
      });
      expect(fx.services.profiles.get(withSecret.id).hasSecret).toBe(true);
      await fx.services.profiles.delete(plain.id);
      expect(fx.services.profiles.list().map((p) => p.name)).toEqual(['A']);
    });
  });

  it('follows the keychain when an entry was removed outside the app', async () => {
    const p = await fx.services.profiles.save(
      input({ name: 'A', tokenKey: 'ka', tokenSecret: 'gone-secret' }),
    );
    fx.secrets.entries.delete(p.id);
    expect(await fx.services.profiles.readSecret(p.id)).toBeNull();
    expect(fx.services.profiles.get(p.id).hasSecret).toBe(false);
  });

  it('registers every form of a secret it reads with the logger, so logs redact it', async () => {
    const p = await fx.services.profiles.save(
      input({ name: 'A', tokenKey: 'key-a', tokenSecret: 'logged-secret' }),
    );
    await fx.services.profiles.readSecret(p.id);
    const base64 = Buffer.from('key-a:logged-secret').toString('base64');
    fx.log.info('careless message', { detail: `logged-secret / key-a:logged-secret / ${base64}` });
    const text = JSON.stringify(fx.log.records);
    expect(text).toContain('careless message');
    expect(text).not.toContain('logged-secret');
    expect(text).not.toContain(base64);
  });
});

describe('cached caller IDs', () => {
  let fx: ProfileFixture;
  let now: Date;
  beforeEach(() => {
    now = new Date('2026-11-20T10:00:00.000Z');
    fx = openFixture(() => now);
  });
  afterEach(() => fx.cleanup());

  it('keeps the last fetched list per profile with the time it was fetched', async () => {
    const a = await fx.services.profiles.save(input({ name: 'A', tokenKey: 'ka' }));
    const b = await fx.services.profiles.save(input({ name: 'B', tokenKey: 'kb' }));
    expect(fx.services.profiles.callerIds(a.id)).toEqual({
      profileId: a.id,
      callerIds: [],
      fetchedAt: null,
    });

    fx.services.profiles.replaceCallerIds(a.id, [
      { id: '11', phoneNumber: '+12125550100', label: 'Main line' },
      { id: '12', phoneNumber: '+12125550199', label: 'Branch' },
    ]);
    fx.services.profiles.replaceCallerIds(b.id, [
      { id: '21', phoneNumber: '+13125550100', label: 'Chicago' },
    ]);
    now = new Date('2026-11-21T10:00:00.000Z');
    fx.services.profiles.replaceCallerIds(a.id, [
      { id: '12', phoneNumber: '+12125550199', label: 'Branch' },
    ]);

    expect(fx.services.profiles.callerIds(a.id)).toEqual({
      profileId: a.id,
      fetchedAt: '2026-11-21T10:00:00.000Z',
      callerIds: [
        {
          id: '12',
          phoneNumber: '+12125550199',
          label: 'Branch',
          fetchedAt: '2026-11-21T10:00:00.000Z',
        },
      ],
    });
    expect(fx.services.profiles.callerIds(b.id).callerIds.map((c) => c.id)).toEqual(['21']);
  });

  it('classifies a chosen caller ID as verified (by id or by number in any format) or unverified with a warning', async () => {
    const a = await fx.services.profiles.save(input({ name: 'A', tokenKey: 'ka' }));
    const never = fx.services.profiles.checkCallerId(a.id, '+12125550100');
    expect(never).toMatchObject({ status: 'unverified', value: '+12125550100' });
    expect(never.status === 'unverified' && never.warning).toMatch(/never been fetched/);

    fx.services.profiles.replaceCallerIds(a.id, [
      { id: '11', phoneNumber: '+12125550100', label: 'Main line' },
    ]);
    expect(fx.services.profiles.checkCallerId(a.id, '11')).toMatchObject({
      status: 'verified',
      callerId: { id: '11' },
    });
    expect(fx.services.profiles.checkCallerId(a.id, '(212) 555-0100')).toMatchObject({
      status: 'verified',
      callerId: { id: '11', label: 'Main line' },
    });
    const typed = fx.services.profiles.checkCallerId(a.id, '+1 646 555 0142');
    expect(typed.status).toBe('unverified');
    expect(typed.status === 'unverified' && typed.warning).toMatch(
      /not among the verified caller IDs fetched on 2026-11-20/,
    );
  });
});
