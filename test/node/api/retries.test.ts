import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../electron/api/errors';
import { createHttp, realTiming } from '../../../electron/api/http';
import { clientFor, sandboxForTest } from './helpers';

describe('retries: capped exponential backoff with jitter, Retry-After, and never a blind POST', () => {
  it('a GET is retried on 5xx with growing, capped, jittered delays', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, {
      retry: { baseDelayMs: 100, maxDelayMs: 250, maxAttempts: 4 },
    });
    sandbox.faults.next('GET', 'caller-ids', { type: 'status', status: 503 }, 3);
    const list = await api.callerIds.list();
    expect(list).toHaveLength(1);
    // random() = 0.5 → half the step plus a quarter: 0.75 × min(cap, base·2^n).
    expect(api.sleeps).toEqual([75, 150, 187.5]);
    expect(sandbox.state.requestsTo('GET', 'caller-ids')).toHaveLength(4);
  });

  it('jitter spreads the delay between half and all of the step', async () => {
    const sandbox = await sandboxForTest();
    const low = clientFor(sandbox, { retry: { baseDelayMs: 100 }, timing: { random: () => 0 } });
    sandbox.faults.next('GET', 'caller-ids', { type: 'status', status: 500 });
    await low.callerIds.list();
    const high = clientFor(sandbox, {
      retry: { baseDelayMs: 100 },
      timing: { random: () => 0.999 },
    });
    sandbox.faults.next('GET', 'caller-ids', { type: 'status', status: 500 });
    await high.callerIds.list();
    expect(low.sleeps).toEqual([50]);
    expect(high.sleeps[0]).toBeCloseTo(99.95, 5);
  });

  it('gives up after maxAttempts and says how many it made', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, { retry: { maxAttempts: 3, baseDelayMs: 1 } });
    sandbox.faults.next('GET', /^engagements\//, { type: 'status', status: 502 }, Infinity);
    const error = await api.engagements.get('anything').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: 'server', status: 502, attempts: 3 });
    expect(api.sleeps).toHaveLength(2);
  });

  it('Retry-After replaces the computed backoff', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, { retry: { baseDelayMs: 1 } });
    sandbox.faults.next('GET', 'caller-ids', { type: 'status', status: 503, retryAfter: 2 });
    sandbox.faults.next('GET', 'caller-ids', { type: 'rate_limit', retryAfter: 4 });
    await api.callerIds.list();
    expect(api.sleeps).toEqual([2000, 4000]);
  });

  it('a PATCH is retried even after an unknown outcome: scheduling twice is harmless', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, { retry: { baseDelayMs: 1 } });
    const engagement = await api.engagements.create({ name: 'Retry schedule' });
    const activity = await api.activities.createVoice({
      name: 'a',
      engagementId: engagement.id,
      callerIdId: sandbox.callerId.id,
    });
    const template = await api.voiceTemplates.createText({
      label: 't',
      body: 'Hi',
      voice: 'Polly-Joanna',
    });
    await api.triggers.createForTemplate({
      activityId: activity.id,
      onEvent: 'voice-human',
      template: { id: template.id, kind: 'text' },
    });
    sandbox.faults.next('PATCH', `engagements/${engagement.id}`, { type: 'commit_then_fail' });
    const scheduled = await api.engagements.schedule(engagement.id);
    expect(scheduled.status).toBe('scheduled');
    expect(api.sleeps).toHaveLength(1);
    expect(sandbox.state.schedulePatches.map((p) => p.status)).toEqual([202, 202]);
  });

  it('a POST is never repeated after 5xx, reset or timeout, whatever the attempts allowed', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, { timeoutMs: 100, retry: { maxAttempts: 10 } });
    const actions = [
      { type: 'status', status: 500 },
      { type: 'reset' },
      { type: 'delay', ms: 250 },
      { type: 'commit_then_fail', then: 'hang' },
    ] as const;
    for (const action of actions) {
      sandbox.faults.next('POST', 'engagements', action);
      const error = await api.engagements.create({ name: action.type }).catch((e: unknown) => e);
      expect(error, action.type).toMatchObject({ outcomeUnknown: true, attempts: 1 });
    }
    expect(api.sleeps).toEqual([]);
    expect(sandbox.state.requestsTo('POST', 'engagements')).toHaveLength(actions.length);
  });

  it('a GET is retried after a reset and after a timeout', async () => {
    const sandbox = await sandboxForTest();
    // Generous against a busy machine: the last attempt must finish inside the timeout.
    const api = clientFor(sandbox, { timeoutMs: 500, retry: { baseDelayMs: 1 } });
    sandbox.faults.next('GET', 'caller-ids', { type: 'reset' });
    sandbox.faults.next('GET', 'caller-ids', { type: 'delay', ms: 1200 });
    const list = await api.callerIds.list();
    expect(list).toHaveLength(1);
    expect(api.sleeps).toHaveLength(2);
  });

  it('the presigned upload is repeated after a reset: it rewrites one fixed key', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, { retry: { baseDelayMs: 1 } });
    const data = new Uint8Array([1, 2, 3]);
    const upload = await api.uploads.create({
      fileName: 'x.wav',
      contentType: 'audio/wav',
      size: 3,
    });
    sandbox.faults.next('POST', /^fake-s3\//, { type: 'reset' });
    await api.uploads.sendFile(upload, { fileName: 'x.wav', contentType: 'audio/wav', data });
    expect(api.sleeps).toHaveLength(1);
    expect(sandbox.state.files.size).toBe(1);
  });

  it('real timing: the default sleep waits and can be cancelled', async () => {
    const started = Date.now();
    await realTiming.sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const controller = new AbortController();
    const sleeping = realTiming.sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
  });

  it('the transport sends query strings with brackets percent-encoded', async () => {
    const sandbox = await sandboxForTest();
    const http = createHttp({ retry: { maxAttempts: 1 } });
    const response = await http({
      method: 'GET',
      url: `${sandbox.baseUrl}envelopes`,
      query: { 'filter[engagement.id]': 'eq:abc', 'page[limit]': '5' },
      headers: {
        Authorization: `Basic ${Buffer.from(`${sandbox.credentials.tokenKey}:${sandbox.credentials.tokenSecret}`).toString('base64')}`,
      },
    });
    expect(response.status).toBe(200);
    const last = sandbox.state.requests.at(-1);
    expect(last?.query).toEqual({ 'filter[engagement.id]': 'eq:abc', 'page[limit]': '5' });
    expect(last?.target).toBe(
      '/api/v1/envelopes?filter%5Bengagement.id%5D=eq%3Aabc&page%5Blimit%5D=5',
    );
  });
});
