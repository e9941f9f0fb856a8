import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/errors';
import type { Profile } from '../../../shared/profiles';
import { createBackend, type Backend } from '../../../electron/backend';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';

/** A host that answers like an empty caller-ID listing and keeps every Authorization it was sent. */
async function capturingHost() {
  const authorizations: string[] = [];
  const server: Server = createServer((req, res) => {
    authorizations.push(req.headers.authorization ?? '');
    res
      .writeHead(200, { 'content-type': 'application/vnd.api+json' })
      .end('{"data":[],"meta":{"total":0}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v1/`,
    /** Every secret this host was handed, decoded from Basic authentication. */
    // Requests without credentials (a reachability probe) hand over nothing, so they are not counted.
    secretsSeen: () =>
      authorizations
        .filter((a) => a !== '')
        .map(
          (a) =>
            Buffer.from(a.replace(/^Basic /, ''), 'base64')
              .toString('utf8')
              .split(':')[1],
        ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a profile whose address changes (over IPC, as the window would)', () => {
  let dataDir: string;
  let backend: Backend;
  let secrets: MemorySecretStore;
  const hosts: Array<{ close(): Promise<void> }> = [];
  const call = async <T>(channel: string, input?: unknown) =>
    (await backend.dispatch(channel, input)) as Result<T>;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'omnigage-address-'));
    secrets = new MemorySecretStore();
    backend = createBackend({
      dataDir,
      log: createMemoryLogger(),
      secrets,
      version: '0',
      emit: () => {},
    });
  });
  afterEach(async () => {
    backend.close();
    await Promise.all(hosts.splice(0).map((h) => h.close()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never hands the stored secret to the new host', async () => {
    const trusted = await capturingHost();
    const other = await capturingHost();
    hosts.push(trusted, other);
    const saved = await call<Profile>('profiles:save', {
      name: 'Bank',
      apiUrl: trusted.apiUrl,
      tokenKey: 'bank-key',
      tokenSecret: 'the-real-secret',
    });
    if (!saved.ok) throw new Error(saved.error.message);
    expect((await call('profiles:testConnection', { id: saved.value.id })).ok).toBe(true);
    expect(trusted.secretsSeen()).toEqual(['the-real-secret']);

    // Moving the address without typing the secret again is refused, and the test still goes to the old host.
    const moved = await call<Profile>('profiles:save', {
      id: saved.value.id,
      name: 'Bank',
      apiUrl: other.apiUrl,
      tokenKey: 'bank-key',
    });
    expect(moved.ok).toBe(false);
    if (!moved.ok)
      expect(moved.error.message).toMatch(/API address changed.*Enter the token secret again/);
    await call('profiles:testConnection', { id: saved.value.id });
    expect(other.secretsSeen()).toEqual([]);

    // With the secret for the new host typed in the same save, only that one travels there.
    const retyped = await call<Profile>('profiles:save', {
      id: saved.value.id,
      name: 'Bank',
      apiUrl: other.apiUrl,
      tokenKey: 'bank-key',
      tokenSecret: 'the-other-secret',
    });
    expect(retyped.ok).toBe(true);
    await call('profiles:testConnection', { id: saved.value.id });
    expect(other.secretsSeen()).toEqual(['the-other-secret']);
    expect(secrets.entries.get(saved.value.id)).toBe('the-other-secret');
  });
});
