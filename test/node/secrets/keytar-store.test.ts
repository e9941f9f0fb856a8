import { describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../electron/secrets/keytar-store';
import { KEYCHAIN_SERVICE } from '../../../electron/secrets/store';

type Entries = Map<string, string>;

/** A stand-in for the keytar addon, so the store's own logic can be tested on any machine. */
function fakeKeytar(entries: Entries, fail?: () => Error) {
  const calls: string[] = [];
  const guard = () => {
    if (fail) throw fail();
  };
  return {
    calls,
    keytar: {
      getPassword: async (service: string, account: string) => {
        calls.push(`get ${service}/${account}`);
        guard();
        return entries.get(`${service}/${account}`) ?? null;
      },
      setPassword: async (service: string, account: string, password: string) => {
        calls.push(`set ${service}/${account}`);
        guard();
        entries.set(`${service}/${account}`, password);
      },
      deletePassword: async (service: string, account: string) => {
        calls.push(`delete ${service}/${account}`);
        guard();
        return entries.delete(`${service}/${account}`);
      },
    },
  };
}

describe('KeytarSecretStore', () => {
  it('files one entry per profile under the service "Omnigage Campaigns"', async () => {
    const entries: Entries = new Map();
    const { keytar } = fakeKeytar(entries);
    const store = new KeytarSecretStore({ load: async () => keytar, platform: 'linux' });
    await store.set('profile-1', 's1');
    await store.set('profile-2', 's2');
    expect(KEYCHAIN_SERVICE).toBe('Omnigage Campaigns');
    expect([...entries.keys()].sort()).toEqual([
      'Omnigage Campaigns/profile-1',
      'Omnigage Campaigns/profile-2',
    ]);
    expect(await store.get('profile-1')).toBe('s1');
    expect(await store.delete('profile-1')).toBe(true);
    expect(await store.get('profile-1')).toBeNull();
  });

  it('probes with a write, a read-back and a delete, and leaves nothing behind', async () => {
    const entries: Entries = new Map();
    const { keytar, calls } = fakeKeytar(entries);
    const store = new KeytarSecretStore({ load: async () => keytar, platform: 'linux' });
    expect(await store.status()).toEqual({ available: true, backend: 'Secret Service' });
    expect(calls.map((c) => c.split(' ')[0])).toEqual(['set', 'get', 'delete']);
    expect(entries.size).toBe(0);
  });

  it('reports a keychain failure as keychain_unavailable with what to do, from every method', async () => {
    const { keytar } = fakeKeytar(
      new Map(),
      () => new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'),
    );
    const store = new KeytarSecretStore({ load: async () => keytar, platform: 'linux' });
    for (const attempt of [
      () => store.get('p'),
      () => store.set('p', 'x'),
      () => store.delete('p'),
    ]) {
      await expect(attempt()).rejects.toMatchObject({
        code: 'keychain_unavailable',
        message: expect.stringMatching(/gnome-keyring/),
      });
    }
    const status = await store.status();
    expect(status).toMatchObject({ available: false, reason: 'not-installed' });
  });

  it('reports an addon that cannot load as "no keychain", and tries loading again next time', async () => {
    let loads = 0;
    const entries: Entries = new Map();
    const store = new KeytarSecretStore({
      platform: 'linux',
      load: async () => {
        loads += 1;
        if (loads === 1)
          throw new Error(
            'libsecret-1.so.0: cannot open shared object file: No such file or directory',
          );
        return fakeKeytar(entries).keytar;
      },
    });
    await expect(store.get('p')).rejects.toMatchObject({
      code: 'keychain_unavailable',
      message: expect.stringMatching(/No keychain is available/),
    });
    await store.set('p', 'later');
    expect(await store.get('p')).toBe('later');
    expect(loads).toBe(2);
  });

  it('gives up on a keychain that does not answer, with a timeout', async () => {
    const store = new KeytarSecretStore({
      platform: 'linux',
      timeoutMs: 50,
      load: async () => ({
        getPassword: () => new Promise<string | null>(() => {}),
        setPassword: () => new Promise<void>(() => {}),
        deletePassword: () => new Promise<boolean>(() => {}),
      }),
    });
    await expect(store.get('p')).rejects.toMatchObject({ code: 'timeout' });
    expect(await store.status()).toMatchObject({ available: false, reason: 'timeout' });
  });
});
