import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiError, toAppError } from '../../../electron/api/errors';
import type { OmnigageClient } from '../../../electron/api/client';
import type { Sandbox } from '../../../electron/sandbox';
import { clientFor, FAKE_MP3, sandboxForTest } from './helpers';

/** Runs a call that must fail and returns its ApiError. */
async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function engagementWithActivity(api: OmnigageClient, sandbox: Sandbox) {
  const engagement = await api.engagements.create({ name: 'Errors' });
  const activity = await api.activities.createVoice({
    name: 'Errors',
    engagementId: engagement.id,
    callerIdId: sandbox.callerId.id,
  });
  return { engagement, activity };
}

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('every failure becomes a typed ApiError the engine and the UI can use', () => {
  it('bad credentials: 401, not retried, outcome known', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, {
      credentials: { tokenKey: sandbox.credentials.tokenKey, tokenSecret: 'wrong' },
    });
    const error = await failure(api.callerIds.list());
    expect(error).toMatchObject({
      kind: 'bad_credentials',
      status: 401,
      outcomeUnknown: false,
      attempts: 1,
    });
    expect(error.message).not.toContain('wrong');
    const app = toAppError(error);
    expect(app.code).toBe('bad_credentials');
    expect(app.message).toMatch(/token key and token secret in Settings/);
  });

  it('forbidden: 403 when the account key does not belong to the token', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, {
      credentials: { ...sandbox.credentials, accountKey: 'otherbank' },
    });
    const error = await failure(api.engagements.create({ name: 'x' }));
    expect(error).toMatchObject({ kind: 'forbidden', status: 403, outcomeUnknown: false });
    expect(error.details[0]?.detail).toContain('otherbank');
    expect(sandbox.state.engagements).toHaveLength(0);
    expect(toAppError(error).code).toBe('forbidden');
  });

  it('validation: scheduling without triggers gives the recorded 400 with numeric code 100', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    const { engagement, activity } = await engagementWithActivity(api, sandbox);
    const error = await failure(api.engagements.schedule(engagement.id));
    expect(error).toMatchObject({
      kind: 'validation',
      status: 400,
      outcomeUnknown: false,
      attempts: 1,
    });
    expect(error.details).toEqual([
      {
        detail: `Voice activity "${activity.id}" is missing a voice-machine or voice-human trigger.`,
        code: 100,
      },
    ]);
    const app = toAppError(error);
    expect(app.code).toBe('remote_validation');
    expect(app.message).toContain('is missing a voice-machine or voice-human trigger');
    expect(sandbox.state.schedulePatches).toEqual([
      expect.objectContaining({ engagementId: engagement.id, status: 400 }),
    ]);
  });

  it('validation: a bulk batch with one bad number is refused whole, with each detail', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    const { engagement } = await engagementWithActivity(api, sandbox);
    const error = await failure(
      api.envelopes.createBulk(engagement.id, [
        { phoneNumber: '+15555550111' },
        { phoneNumber: '555-0112' },
        { phoneNumber: '+15555550113' },
        { phoneNumber: '+0123' },
      ]),
    );
    expect(error.kind).toBe('validation');
    expect(error.details.map((d) => d.source?.pointer)).toEqual([
      '/data/1/attributes/phone-number',
      '/data/3/attributes/phone-number',
    ]);
    expect(error.details[0]?.detail).toContain('555-0112');
    expect(sandbox.state.envelopes).toHaveLength(0);
    expect(toAppError(error).message).toContain('"555-0112" is not an E.164 number');
  });

  it('validation: string codes and raw text bodies are kept', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    sandbox.faults.next('POST', 'engagements', {
      type: 'status',
      status: 422,
      body: {
        errors: [
          { code: 'name-taken', title: 'Name taken', source: { pointer: '/data/attributes/name' } },
        ],
      },
    });
    const coded = await failure(api.engagements.create({ name: 'x' }));
    expect(coded).toMatchObject({ kind: 'validation', status: 422 });
    expect(coded.details).toEqual([
      {
        detail: 'Name taken',
        code: 'name-taken',
        title: 'Name taken',
        source: { pointer: '/data/attributes/name' },
      },
    ]);

    sandbox.faults.next('POST', 'engagements', {
      type: 'status',
      status: 400,
      body: 'invalid_client',
      contentType: 'text/plain',
    });
    const raw = await failure(api.engagements.create({ name: 'x' }));
    expect(raw).toMatchObject({ kind: 'validation', details: [], rawBody: 'invalid_client' });
    expect(toAppError(raw).message).toContain('invalid_client');
  });

  it('not found: 404 for an id the account does not have', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    const error = await failure(api.engagements.get('NoSuchEngagement234567'));
    expect(error).toMatchObject({ kind: 'not_found', status: 404, attempts: 1 });
    expect(toAppError(error).code).toBe('not_found');
  });

  it('rate limited: a POST refused with 429 is retried after Retry-After, since it was not applied', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    sandbox.faults.next('POST', 'engagements', { type: 'rate_limit', retryAfter: 3 });
    const engagement = await api.engagements.create({ name: 'Slow down' });
    expect(api.sleeps).toEqual([3000]);
    expect(sandbox.state.engagements.map((e) => e.id)).toEqual([engagement.id]);
  });

  it('rate limited: gives up with retryAfterMs when the wait is longer than the client will sleep', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, { retry: { maxRetryAfterMs: 10_000 } });
    sandbox.faults.next('GET', 'caller-ids', { type: 'rate_limit', retryAfter: 120 });
    const error = await failure(api.callerIds.list());
    expect(error).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 120_000,
      outcomeUnknown: false,
    });
    expect(api.sleeps).toEqual([]);
    expect(toAppError(error).message).toContain('about 2 minutes');
  });

  it('rate limited: Retry-After as an HTTP date is measured against the injected clock', async () => {
    const sandbox = await sandboxForTest();
    const now = Date.parse('2026-11-27T10:00:00Z');
    const api = clientFor(sandbox, { timing: { now: () => now } });
    sandbox.faults.next('GET', 'caller-ids', {
      type: 'rate_limit',
      retryAfter: new Date(now + 7000).toUTCString(),
    });
    await api.callerIds.list();
    expect(api.sleeps).toEqual([7000]);
  });

  it('server error: a POST answered 5xx is not repeated and its outcome is unknown', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    sandbox.faults.next('POST', 'engagements', { type: 'status', status: 503 });
    const error = await failure(api.engagements.create({ name: 'x' }));
    expect(error).toMatchObject({ kind: 'server', status: 503, outcomeUnknown: true, attempts: 1 });
    expect(sandbox.state.requestsTo('POST', 'engagements')).toHaveLength(1);
    expect(toAppError(error)).toMatchObject({ code: 'remote_error' });
    expect(toAppError(error).message).toContain('error 503');
  });

  it('commit then fail: the batch is stored, the answer lost, and reconciliation finds it', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    const { engagement } = await engagementWithActivity(api, sandbox);
    sandbox.faults.next('POST', 'envelopes', { type: 'commit_then_fail' });
    const recipients = [{ phoneNumber: '+15555550111' }, { phoneNumber: '+15555550112' }];
    const error = await failure(api.envelopes.createBulk(engagement.id, recipients));
    expect(error).toMatchObject({ kind: 'server', status: 502, outcomeUnknown: true, attempts: 1 });
    expect(error.rawBody).toContain('Bad Gateway');
    expect(sandbox.state.requestsTo('POST', 'envelopes')).toHaveLength(1);
    const { envelopes } = await api.envelopes.listAll(engagement.id);
    expect(envelopes.map((e) => e.phoneNumber).sort()).toEqual(
      recipients.map((r) => r.phoneNumber),
    );
  });

  it('network: a connection reset after sending is an unknown outcome and a POST is not repeated', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    const { engagement } = await engagementWithActivity(api, sandbox);
    sandbox.faults.next('POST', 'envelopes', { type: 'commit_then_fail', then: 'reset' });
    const error = await failure(
      api.envelopes.createBulk(engagement.id, [{ phoneNumber: '+15555550111' }]),
    );
    expect(error).toMatchObject({ kind: 'network', outcomeUnknown: true, attempts: 1 });
    expect(sandbox.state.envelopes).toHaveLength(1);
    expect(toAppError(error).code).toBe('network');

    sandbox.faults.next('POST', 'envelopes', { type: 'reset' });
    const lost = await failure(
      api.envelopes.createBulk(engagement.id, [{ phoneNumber: '+15555550112' }]),
    );
    expect(lost).toMatchObject({ kind: 'network', outcomeUnknown: true, attempts: 1 });
    expect(sandbox.state.envelopes).toHaveLength(1);
  });

  it('network: nobody listening is a known outcome, retried even for a POST, then reported', async () => {
    const port = await closedPort();
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, {
      baseUrl: `http://127.0.0.1:${port}/api/v1/`,
      retry: { maxAttempts: 3 },
    });
    const error = await failure(api.engagements.create({ name: 'offline' }));
    expect(error).toMatchObject({ kind: 'network', outcomeUnknown: false, attempts: 3 });
    expect(api.sleeps).toHaveLength(2);
    expect(toAppError(error).message).toMatch(/Could not reach Omnigage/);
  });

  it('timeout: a POST that takes too long times out, may still be applied, and is not repeated', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, { timeoutMs: 100 });
    sandbox.faults.next('POST', 'engagements', { type: 'delay', ms: 300 });
    const error = await failure(api.engagements.create({ name: 'late' }));
    expect(error).toMatchObject({ kind: 'timeout', outcomeUnknown: true, attempts: 1 });
    expect(toAppError(error).code).toBe('timeout');
    // The server finishes the work after the client gave up: exactly why the outcome is unknown.
    await expect.poll(() => sandbox.state.engagements.length, { timeout: 2000 }).toBe(1);
  });

  it('timeout: a per-call timeout overrides the client default', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, { timeoutMs: 5000, retry: { maxAttempts: 1 } });
    sandbox.faults.next('GET', 'caller-ids', { type: 'hang' });
    const started = Date.now();
    const error = await failure(api.callerIds.list({}, { timeoutMs: 80 }));
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('cancelled: aborting in flight, before sending, or while waiting to retry', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);

    const inFlight = new AbortController();
    sandbox.faults.next('POST', 'engagements', { type: 'hang' });
    const pending = failure(api.engagements.create({ name: 'x' }, { signal: inFlight.signal }));
    await expect.poll(() => sandbox.state.requestsTo('POST', 'engagements').length).toBe(1);
    inFlight.abort();
    expect(await pending).toMatchObject({ kind: 'cancelled', outcomeUnknown: true });

    const before = new AbortController();
    before.abort();
    const early = await failure(api.engagements.create({ name: 'y' }, { signal: before.signal }));
    expect(early).toMatchObject({ kind: 'cancelled', outcomeUnknown: false, attempts: 0 });
    expect(sandbox.state.requestsTo('POST', 'engagements')).toHaveLength(1);
    expect(toAppError(early).code).toBe('cancelled');

    const clientWide = new AbortController();
    const waiting = clientFor(sandbox, {
      signal: clientWide.signal,
      timing: {
        sleep: (_ms, signal) =>
          new Promise((_resolve, reject) =>
            signal?.addEventListener('abort', () => reject(signal.reason), { once: true }),
          ),
      },
    });
    sandbox.faults.next('GET', 'caller-ids', { type: 'status', status: 503 });
    const backingOff = failure(waiting.callerIds.list());
    await expect.poll(() => sandbox.faults.injected.length).toBe(2);
    clientWide.abort();
    expect(await backingOff).toMatchObject({ kind: 'cancelled', attempts: 1 });
  });

  it('unexpected: a 2xx that is not a JSON:API document; for a POST the outcome is unknown', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    sandbox.faults.next('POST', 'engagements', {
      type: 'status',
      status: 201,
      body: '<html>welcome</html>',
      contentType: 'text/html',
    });
    const error = await failure(api.engagements.create({ name: 'x' }));
    expect(error).toMatchObject({ kind: 'unexpected', outcomeUnknown: true });
    expect(error.rawBody).toContain('welcome');
    expect(toAppError(error).code).toBe('remote_error');

    sandbox.faults.next('GET', /^engagements\//, {
      type: 'status',
      status: 200,
      body: { data: [] },
    });
    const wrongShape = await failure(api.engagements.get('whatever'));
    expect(wrongShape).toMatchObject({ kind: 'unexpected', outcomeUnknown: false });
  });

  it('the presigned upload keeps storage errors as raw text', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    const upload = await api.uploads.create({
      fileName: 'a.mp3',
      contentType: 'audio/mpeg',
      size: FAKE_MP3.byteLength,
    });
    const tampered = {
      ...upload,
      requestFormData: upload.requestFormData.map(([k, v]): [string, string] => [
        k,
        k === 'signature' ? 'forged' : v,
      ]),
    };
    const error = await failure(
      api.uploads.sendFile(tampered, {
        fileName: 'a.mp3',
        contentType: 'audio/mpeg',
        data: FAKE_MP3,
      }),
    );
    expect(error).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(error.rawBody).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(error.details).toEqual([
      {
        detail: 'The request signature we calculated does not match the signature you provided.',
        code: 'SignatureDoesNotMatch',
      },
    ]);
    expect(sandbox.state.files.size).toBe(0);
  });

  it('a file larger than the upload allows is refused before anything is sent', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    const upload = await api.uploads.create({
      fileName: 'a.mp3',
      contentType: 'audio/mpeg',
      size: 8,
    });
    const before = sandbox.state.requests.length;
    const error = await failure(
      api.uploads.sendFile(
        { ...upload, maxLengthInBytes: 4 },
        { fileName: 'a.mp3', contentType: 'audio/mpeg', data: FAKE_MP3 },
      ),
    );
    expect(error).toMatchObject({ kind: 'validation', outcomeUnknown: false });
    expect(toAppError(error).message).toContain('larger than the 4 bytes');
    expect(sandbox.state.requests.length).toBe(before);
  });
});
