import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../electron/api/errors';
import { BULK_MEDIA_TYPE } from '../../../electron/api/decisions';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { clientFor, sandboxForTest } from './helpers';

/**
 * The bulk envelope POST is the send's hot path and reads its answer leanly (ids and numbers
 * only). Every way it can fail must still be the typed ApiError, with the outcome flag, that
 * the engine's exactly-once rules depend on.
 */

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof ApiError) return error;
  throw new Error(`expected an ApiError, got ${String(error)}`);
}

const TWO = [
  { phoneNumber: '+15555550111', meta: { 'first-name': 'Ann' } },
  { phoneNumber: '+15555550112' },
];

async function setUp(overrides: Parameters<typeof clientFor>[1] = {}) {
  const sandbox = await sandboxForTest();
  const api = clientFor(sandbox, overrides);
  const engagement = await api.engagements.create({ name: 'Bulk' });
  return { sandbox, api, engagementId: engagement.id };
}

describe('the bulk envelope POST', () => {
  it('sends the bulk media type, both credentials headers and the JSON:API body, and reads ids and numbers', async () => {
    const { sandbox, api, engagementId } = await setUp();
    const created = await api.envelopes.createBulk(engagementId, TWO);
    const [request] = sandbox.state.requestsTo('POST', 'envelopes');
    expect(request?.headers).toMatchObject({
      'content-type': BULK_MEDIA_TYPE,
      accept: BULK_MEDIA_TYPE,
      authorization: 'Basic',
      'x-account-key': sandbox.credentials.accountKey,
    });
    const linkage = { data: { type: 'engagements', id: engagementId } };
    expect(request?.body).toEqual({
      data: [
        {
          type: 'envelopes',
          attributes: { 'phone-number': '+15555550111', meta: { 'first-name': 'Ann' } },
          relationships: { engagement: linkage },
        },
        {
          type: 'envelopes',
          attributes: { 'phone-number': '+15555550112', meta: {} },
          relationships: { engagement: linkage },
        },
      ],
    });
    const stored = sandbox.state.list('envelopes').map((e) => ({
      id: e.id,
      phoneNumber: e.attributes['phone-number'],
    }));
    expect(created).toEqual(stored);
  });

  it('reads a numeric id as a string and a missing or odd number as null', async () => {
    const { sandbox, api, engagementId } = await setUp();
    sandbox.faults.next('POST', 'envelopes', {
      type: 'status',
      status: 201,
      contentType: BULK_MEDIA_TYPE,
      body: {
        data: [
          { type: 'envelopes', id: 42, attributes: { 'phone-number': '+15555550111' } },
          { type: 'envelopes', id: 'B', attributes: { 'phone-number': 15555550112 } },
          { id: 'C' },
        ],
      },
    });
    expect(await api.envelopes.createBulk(engagementId, TWO)).toEqual([
      { id: '42', phoneNumber: '+15555550111' },
      { id: 'B', phoneNumber: null },
      { id: 'C', phoneNumber: null },
    ]);
  });

  it.each([
    ['a body that is not JSON', 'Created, probably', 'text/plain'],
    ['data that is not an array', { data: { type: 'envelopes', id: 'A' } }, BULK_MEDIA_TYPE],
    [
      'an envelope without an id',
      { data: [{ type: 'envelopes', attributes: {} }] },
      BULK_MEDIA_TYPE,
    ],
    ['a resource of another type', { data: [{ type: 'calls', id: 'A' }] }, BULK_MEDIA_TYPE],
    ['an item that is not an object', { data: ['A'] }, BULK_MEDIA_TYPE],
  ])(
    'a 2xx with %s is an unexpected answer whose outcome is unknown, not repeated',
    async (_, body, contentType) => {
      const { sandbox, api, engagementId } = await setUp({ retry: { maxAttempts: 5 } });
      sandbox.faults.next('POST', 'envelopes', { type: 'status', status: 201, body, contentType });
      const error = await failure(api.envelopes.createBulk(engagementId, TWO));
      expect(error).toMatchObject({
        kind: 'unexpected',
        method: 'POST',
        path: '/api/v1/envelopes',
        outcomeUnknown: true,
      });
      expect(error.rawBody).toContain(typeof body === 'string' ? body : '"data"');
      expect(sandbox.state.requestsTo('POST', 'envelopes')).toHaveLength(1);
      expect(api.sleeps).toEqual([]);
    },
  );

  it('a 5xx, a reset and a timeout are unknown outcomes and never repeated', async () => {
    const { sandbox, api, engagementId } = await setUp({
      timeoutMs: 150,
      retry: { maxAttempts: 5 },
    });
    sandbox.faults.next('POST', 'envelopes', { type: 'status', status: 503, retryAfter: 1 });
    expect(await failure(api.envelopes.createBulk(engagementId, TWO))).toMatchObject({
      kind: 'server',
      status: 503,
      retryAfterMs: 1000,
      outcomeUnknown: true,
      attempts: 1,
    });
    sandbox.faults.next('POST', 'envelopes', { type: 'commit_then_fail', then: 'reset' });
    expect(await failure(api.envelopes.createBulk(engagementId, TWO))).toMatchObject({
      kind: 'network',
      outcomeUnknown: true,
      attempts: 1,
    });
    sandbox.faults.next('POST', 'envelopes', { type: 'commit_then_fail', then: 'hang' });
    const late = await failure(api.envelopes.createBulk(engagementId, TWO));
    expect(late).toMatchObject({ kind: 'timeout', outcomeUnknown: true, attempts: 1 });
    expect(sandbox.state.requestsTo('POST', 'envelopes')).toHaveLength(3);
    expect(api.sleeps).toEqual([]);
    // Both committed requests made their envelopes; the engine reconciles, the client does not.
    expect(sandbox.state.envelopes).toHaveLength(4);
  });

  it('a 429 is known not to be applied: waited out with Retry-After, then sent again once', async () => {
    const { sandbox, api, engagementId } = await setUp();
    sandbox.faults.next('POST', 'envelopes', { type: 'rate_limit', retryAfter: 2 });
    const created = await api.envelopes.createBulk(engagementId, TWO);
    expect(api.sleeps).toEqual([2000]);
    expect(created).toHaveLength(2);
    expect(sandbox.state.requestsTo('POST', 'envelopes').map((r) => r.status)).toEqual([429, 201]);
    expect(sandbox.state.envelopes).toHaveLength(2);
  });

  it('a 429 with a wait longer than the client sleeps through goes back with retryAfterMs', async () => {
    const { sandbox, api, engagementId } = await setUp({ retry: { maxRetryAfterMs: 1000 } });
    sandbox.faults.next('POST', 'envelopes', { type: 'rate_limit', retryAfter: 30 });
    expect(await failure(api.envelopes.createBulk(engagementId, TWO))).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 30_000,
      outcomeUnknown: false,
    });
  });

  it('a 4xx refusal keeps every detail and is known not to be applied', async () => {
    const { sandbox, api, engagementId } = await setUp();
    const error = await failure(
      api.envelopes.createBulk(engagementId, [
        { phoneNumber: '+15555550111' },
        { phoneNumber: 'nope' },
      ]),
    );
    expect(error).toMatchObject({
      kind: 'validation',
      status: 400,
      outcomeUnknown: false,
      attempts: 1,
    });
    expect(error.details).toEqual([
      expect.objectContaining({ source: { pointer: '/data/1/attributes/phone-number' } }),
    ]);
    expect(sandbox.state.envelopes).toHaveLength(0);
  });

  it('a refused connection is known not to be applied and is tried again', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, {
      baseUrl: `http://127.0.0.1:${port}/api/v1/`,
      retry: { maxAttempts: 2 },
    });
    expect(await failure(api.envelopes.createBulk('E', TWO))).toMatchObject({
      kind: 'network',
      outcomeUnknown: false,
      attempts: 2,
    });
    expect(api.sleeps).toHaveLength(1);
  });

  it('a cancelled request in flight is cancelled, its outcome unknown', async () => {
    const { sandbox, api, engagementId } = await setUp();
    sandbox.faults.next('POST', 'envelopes', { type: 'hang' });
    const controller = new AbortController();
    const pending = api.envelopes.createBulk(engagementId, TWO, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    expect(await failure(pending)).toMatchObject({ kind: 'cancelled', outcomeUnknown: true });
    const before = await failure(
      api.envelopes.createBulk(engagementId, TWO, { signal: controller.signal }),
    );
    expect(before).toMatchObject({ kind: 'cancelled', outcomeUnknown: false, attempts: 0 });
    expect(sandbox.state.requestsTo('POST', 'envelopes')).toHaveLength(1);
  });

  it('logs the request by path, without credentials', async () => {
    const log = createMemoryLogger();
    const { sandbox, api, engagementId } = await setUp({ log });
    await api.envelopes.createBulk(engagementId, TWO);
    expect(log.records).toContainEqual(
      expect.objectContaining({
        message: 'omnigage request',
        method: 'POST',
        path: '/api/v1/envelopes',
        status: 201,
      }),
    );
    const text = JSON.stringify(log.records);
    const { tokenKey, tokenSecret } = sandbox.credentials;
    expect(text).not.toContain(tokenSecret);
    expect(text).not.toContain(Buffer.from(`${tokenKey}:${tokenSecret}`).toString('base64'));
  });
});
