/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON answers are probed by path, as a test reads them */
import { describe, expect, it } from 'vitest';
import { ID_PATTERN, INVENTED, startSandbox, type Sandbox } from '../../../electron/sandbox';
import { clientFor, FAKE_MP3, sandboxForTest } from './helpers';

/** The sandbox itself, spoken to with plain fetch: what it answers must match docs/omnigage-api.md §1–§6. */

interface RawOptions {
  body?: unknown;
  contentType?: string;
  auth?: string | null;
  headers?: Record<string, string>;
}

async function raw(sandbox: Sandbox, method: string, path: string, options: RawOptions = {}) {
  const { tokenKey, tokenSecret } = sandbox.credentials;
  const headers: Record<string, string> = { ...options.headers };
  const auth =
    options.auth === undefined
      ? `Basic ${Buffer.from(`${tokenKey}:${tokenSecret}`).toString('base64')}`
      : options.auth;
  if (auth) headers.Authorization = auth;
  if (options.body !== undefined)
    headers['Content-Type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text ? (JSON.parse(text) as Record<string, any>) : undefined,
  };
}

const BULK = 'application/vnd.api+json; ext=bulk';
const envelope = (phone: unknown, engagementId: string, meta?: unknown) => ({
  type: 'envelopes',
  attributes: { 'phone-number': phone, ...(meta === undefined ? {} : { meta }) },
  relationships: { engagement: { data: { type: 'engagements', id: engagementId } } },
});

async function voiceEngagement(
  sandbox: Sandbox,
  triggers: ('voice-human' | 'voice-machine')[] = ['voice-human', 'voice-machine'],
) {
  const api = clientFor(sandbox);
  const template = await api.voiceTemplates.createText({
    label: 't',
    body: 'Hello',
    voice: 'Polly-Joanna',
  });
  const engagement = await api.engagements.create({ name: 'e' });
  const activity = await api.activities.createVoice({
    name: 'a',
    engagementId: engagement.id,
    callerIdId: sandbox.callerId.id,
  });
  for (const onEvent of triggers) {
    await api.triggers.createForTemplate({
      activityId: activity.id,
      onEvent,
      template: { id: template.id, kind: 'text' },
    });
  }
  return { api, template, engagement, activity };
}

describe('sandbox: documents, ids and timestamps', () => {
  it('answers creates with 201, the full resource, shortuuid ids and microsecond timestamps', async () => {
    const sandbox = await sandboxForTest();
    const res = await raw(sandbox, 'POST', 'engagements', {
      body: { data: { type: 'engagements', attributes: { name: 'E', direction: 'outbound' } } },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const data = res.json?.data;
    expect(data.id).toMatch(ID_PATTERN);
    expect(data.attributes).toMatchObject({
      status: 'pending',
      'delivery-type': 'immediately',
      'delivery-time': null,
      'queue-schedule': null,
    });
    expect(data.attributes['created-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(data.relationships.activity).toEqual({ data: null });
    expect(data.relationships.reviews).toEqual({
      links: { related: `/api/v1/engagements/${data.id}/reviews` },
    });
    expect('included' in (res.json ?? {})).toBe(false);
  });

  it('is deterministic for a seed', async () => {
    const ids = async (seed: string) => {
      const sandbox = await startSandbox({ seed });
      try {
        const res = await raw(sandbox, 'POST', 'engagements', {
          body: { data: { type: 'engagements', attributes: { name: 'E' } } },
        });
        return [sandbox.callerId.id, res.json?.data.id];
      } finally {
        await sandbox.close();
      }
    };
    expect(await ids('same')).toEqual(await ids('same'));
    expect(await ids('same')).not.toEqual(await ids('other'));
  });

  it('answers 401 without valid credentials, accepts configured Bearer tokens, ignores a missing account key', async () => {
    const sandbox = await sandboxForTest({ bearerTokens: ['jwt-abc'] });
    const none = await raw(sandbox, 'GET', 'caller-ids', { auth: null });
    expect(none.status).toBe(401);
    expect(none.json?.errors[0].detail).toBeTruthy();
    expect((await raw(sandbox, 'GET', 'caller-ids', { auth: 'Basic eDp5' })).status).toBe(401);
    expect((await raw(sandbox, 'GET', 'caller-ids', { auth: 'Bearer jwt-abc' })).status).toBe(200);
    expect(
      (await raw(sandbox, 'GET', 'caller-ids', { headers: { 'X-Account-Key': 'sandbox' } })).status,
    ).toBe(200);
    expect(
      (await raw(sandbox, 'GET', 'caller-ids', { headers: { 'X-Account-Key': 'elsewhere' } }))
        .status,
    ).toBe(403);
  });

  it('takes application/vnd.api+json and ignores a side-posted included array', async () => {
    const sandbox = await sandboxForTest();
    const res = await raw(sandbox, 'POST', 'engagements', {
      contentType: 'application/vnd.api+json',
      body: {
        data: { type: 'engagements', attributes: { name: 'E' } },
        included: [{ type: 'activities', id: '1' }],
      },
    });
    expect(res.status).toBe(201);
    expect(
      (await raw(sandbox, 'POST', 'engagements', { body: '<x/>', contentType: 'text/xml' })).status,
    ).toBe(415);
    expect((await raw(sandbox, 'POST', 'engagements', { body: '{oops' })).status).toBe(400);
    expect(
      (
        await raw(sandbox, 'POST', 'engagements', {
          body: { data: { type: 'calls', attributes: {} } },
        })
      ).status,
    ).toBe(409);
    expect((await raw(sandbox, 'GET', 'nothing-here')).status).toBe(404);
  });
});

describe('sandbox: the bulk extension', () => {
  it('treats ext=bulk with an array as bulk, even in the SDK’s comma-joined header, and keeps input order', async () => {
    const sandbox = await sandboxForTest();
    const { engagement, activity } = await voiceEngagement(sandbox);
    const res = await raw(sandbox, 'POST', 'envelopes', {
      contentType: 'application/json; charset=utf-8,application/vnd.api+json;ext=bulk',
      body: {
        data: [
          envelope('+15555550112', engagement.id, { 'first-name': 'Bo' }),
          envelope('+15555550111', engagement.id),
        ],
      },
    });
    expect(res.status).toBe(201);
    const data = res.json?.data as any[];
    expect(data.map((e) => e.attributes['phone-number'])).toEqual(['+15555550112', '+15555550111']);
    expect(data[0].attributes).toMatchObject({
      status: 'pending',
      kind: 'voice',
      meta: { 'first-name': 'Bo' },
      'retry-attempts': 0,
      callback: null,
    });
    expect(data[0].relationships.activity).toEqual({
      data: { type: 'activities', id: activity.id },
    });
    expect('included' in (res.json ?? {})).toBe(false);
  });

  it('is all or nothing: one invalid element stores none, and each problem is reported', async () => {
    const sandbox = await sandboxForTest();
    const { engagement } = await voiceEngagement(sandbox);
    const res = await raw(sandbox, 'POST', 'envelopes', {
      contentType: BULK,
      body: {
        data: [
          envelope('+15555550111', engagement.id),
          envelope('+1 555 555 0112', engagement.id),
          envelope('+15555550113', 'NoSuchEngagement'),
          envelope('+15555550114', engagement.id, { nested: { no: true } }),
        ],
      },
    });
    expect(res.status).toBe(400);
    expect((res.json?.errors as any[]).map((e) => e.source.pointer)).toEqual([
      '/data/1/attributes/phone-number',
      '/data/2/relationships/engagement',
      '/data/3/attributes/meta',
    ]);
    expect(sandbox.state.envelopes).toHaveLength(0);
  });

  it('refuses an array without the bulk media type and batches over the limit; accepts a single envelope', async () => {
    const sandbox = await sandboxForTest({ behaviour: { maxBulkSize: 2 } });
    const { engagement } = await voiceEngagement(sandbox);
    expect(
      (
        await raw(sandbox, 'POST', 'envelopes', {
          body: { data: [envelope('+15555550111', engagement.id)] },
        })
      ).status,
    ).toBe(400);
    const three = [0, 1, 2].map((i) => envelope(`+1555555012${i}`, engagement.id));
    expect(
      (await raw(sandbox, 'POST', 'envelopes', { contentType: BULK, body: { data: three } }))
        .status,
    ).toBe(400);
    const single = await raw(sandbox, 'POST', 'envelopes', {
      body: { data: envelope('+15555550111', engagement.id) },
    });
    expect(single.status).toBe(201);
    expect(single.json?.data.attributes['phone-number']).toBe('+15555550111');
  });
});

describe('sandbox: relationships and scheduling rules', () => {
  it('checks that related resources exist and fit', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    const engagement = await api.engagements.create({ name: 'e' });
    const unverified = sandbox.state.callerIds.find((c) => c.attributes.status !== 'success')!;
    const activity = (callerId: string, engagementId = engagement.id) => ({
      data: {
        type: 'activities',
        attributes: { name: 'a', kind: 'voice' },
        relationships: {
          engagement: { data: { type: 'engagements', id: engagementId } },
          'caller-id': { data: { type: 'caller-ids', id: callerId } },
        },
      },
    });
    expect(
      (await raw(sandbox, 'POST', 'activities', { body: activity('NoSuchCallerId') })).json
        ?.errors[0].source.pointer,
    ).toBe('/data/relationships/caller-id');
    expect(
      (await raw(sandbox, 'POST', 'activities', { body: activity(unverified.id) })).status,
    ).toBe(400);
    expect(
      (await raw(sandbox, 'POST', 'activities', { body: activity(sandbox.callerId.id, 'Nope') }))
        .status,
    ).toBe(400);
    const created = await raw(sandbox, 'POST', 'activities', {
      body: activity(sandbox.callerId.id),
    });
    expect(created.status).toBe(201);
    expect(created.json?.data.relationships['phone-number'].data.type).toBe('phone-numbers');
    expect(created.json?.data.relationships.triggers.links.related).toBe(
      `/api/v1/triggers?filter[activity.id]=eq:${created.json?.data.id}`,
    );
    expect(
      (await raw(sandbox, 'POST', 'activities', { body: activity(sandbox.callerId.id) })).status,
    ).toBe(400);

    const audio = await api.uploads.create({
      fileName: 'a.mp3',
      contentType: 'audio/mpeg',
      size: 8,
    });
    const noFile = await raw(sandbox, 'POST', 'voice-templates', {
      body: {
        data: {
          type: 'voice-templates',
          attributes: { name: 'a', kind: 'audio' },
          relationships: { upload: { data: { type: 'uploads', id: audio.id } } },
        },
      },
    });
    expect(noFile.status).toBe(400);
    const text = await api.voiceTemplates.createText({
      label: 't',
      body: 'Hi',
      voice: 'Polly-Joanna',
    });
    const trigger = (kind: string, extra: Record<string, unknown> = {}) => ({
      data: {
        type: 'triggers',
        attributes: { kind, 'on-event': 'voice-human', ...extra },
        relationships: {
          activity: { data: { type: 'activities', id: created.json?.data.id } },
          'voice-template': { data: { type: 'voice-templates', id: text.id } },
        },
      },
    });
    expect((await raw(sandbox, 'POST', 'triggers', { body: trigger('play') })).status).toBe(400);
    expect(
      (await raw(sandbox, 'POST', 'triggers', { body: trigger('say', { 'delay-in-seconds': 0 }) }))
        .status,
    ).toBe(400);
    const ok = await raw(sandbox, 'POST', 'triggers', { body: trigger('say') });
    expect(ok.status).toBe(201);
    expect(ok.json?.data.attributes).toMatchObject({ loop: 1, 'delay-in-seconds': null });
  });

  it('answers the recorded 400 body, word for word, when the voice activity has no trigger', async () => {
    const sandbox = await sandboxForTest();
    const { engagement, activity } = await voiceEngagement(sandbox, []);
    const res = await raw(sandbox, 'PATCH', `engagements/${engagement.id}`, {
      body: {
        data: { id: engagement.id, type: 'engagements', attributes: { status: 'scheduled' } },
      },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      errors: [
        {
          detail: `Voice activity "${activity.id}" is missing a voice-machine or voice-human trigger.`,
          code: 100,
        },
      ],
    });
  });

  it('schedules with 202 when one trigger exists, unless both are required', async () => {
    const lenient = await sandboxForTest();
    const one = await voiceEngagement(lenient, ['voice-machine']);
    const res = await raw(lenient, 'PATCH', `engagements/${one.engagement.id}`, {
      body: {
        data: {
          id: one.engagement.id,
          type: 'engagements',
          attributes: { name: 'e', status: 'scheduled', 'delivery-type': 'immediately' },
        },
      },
    });
    expect(res.status).toBe(202);
    expect(res.json?.data.attributes).toMatchObject({ status: 'scheduled', 'count-total': 0 });
    expect(res.json?.data.relationships['caller-ids'].data).toEqual([
      { type: 'caller-ids', id: lenient.callerId.id },
    ]);

    const strict = await sandboxForTest({ behaviour: { requireBothTriggers: true } });
    const half = await voiceEngagement(strict, ['voice-machine']);
    const refused = await raw(strict, 'PATCH', `engagements/${half.engagement.id}`, {
      body: {
        data: { id: half.engagement.id, type: 'engagements', attributes: { status: 'scheduled' } },
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.json?.errors[0].code).toBe(100);
  });
});

describe('sandbox: lists', () => {
  it('filters by attribute and by relationship (eq: or bare), sorts, pages and includes', async () => {
    const sandbox = await sandboxForTest({ behaviour: { maxPageLimit: 3 } });
    const { api, engagement } = await voiceEngagement(sandbox);
    const other = await api.engagements.create({ name: 'other' });
    await api.envelopes.createBulk(
      engagement.id,
      [1, 2, 3, 4, 5].map((i) => ({ phoneNumber: `+1555555011${i}` })),
    );

    const verified = await raw(
      sandbox,
      'GET',
      'caller-ids?filter[status]=success&sort=-created-at&page[offset]=0&page[limit]=100',
    );
    expect((verified.json?.data as any[]).map((c) => c.id)).toEqual([sandbox.callerId.id]);

    const page = await raw(
      sandbox,
      'GET',
      `envelopes?filter[engagement.id]=eq:${engagement.id}&page[offset]=1&page[limit]=50&sort=-phone-number`,
    );
    expect((page.json?.data as any[]).map((e) => e.attributes['phone-number'])).toEqual([
      '+15555550114',
      '+15555550113',
      '+15555550112',
    ]);
    expect(page.json?.meta).toEqual({ total: 5 });
    const bare = await raw(sandbox, 'GET', `envelopes?filter[engagement.id]=${other.id}`);
    expect(bare.json?.data).toEqual([]);

    const bad = await raw(sandbox, 'GET', 'envelopes?filter[colour]=red');
    expect(bad.status).toBe(400);
    expect(bad.json?.errors[0].source).toEqual({ parameter: 'filter[colour]' });
    expect((await raw(sandbox, 'GET', 'envelopes?page[limit]=-1')).status).toBe(400);

    // The client reads past the server's silent page cap without losing envelopes.
    const all = await api.envelopes.listAll(engagement.id, { pageSize: 50 });
    expect(all.envelopes).toHaveLength(5);
  });

  it('sorts by created-at in creation order, even within one millisecond', async () => {
    const sandbox = await sandboxForTest({ now: () => Date.parse('2026-11-27T10:00:00Z') });
    const api = clientFor(sandbox);
    const created = [];
    for (let i = 0; i < 6; i++) created.push(await api.engagements.create({ name: `e${i}` }));
    const stamps = created.map((e) => e.createdAt!);
    expect([...stamps].sort()).toEqual(stamps);
    expect(new Set(stamps).size).toBe(6);
    const newest = await raw(sandbox, 'GET', 'engagements?sort=-created-at');
    expect((newest.json?.data as any[]).map((e) => e.id)).toEqual(
      created.map((e) => e.id).reverse(),
    );
  });

  it('lets the client page without meta.total, ending at an empty page', async () => {
    const sandbox = await sandboxForTest({ behaviour: { listMeta: false, maxPageLimit: 2 } });
    const { api, engagement } = await voiceEngagement(sandbox);
    await api.envelopes.createBulk(
      engagement.id,
      [1, 2, 3].map((i) => ({ phoneNumber: `+1555555011${i}` })),
    );
    const before = sandbox.state.requests.length;
    const { envelopes } = await api.envelopes.listAll(engagement.id, { pageSize: 2 });
    expect(envelopes.map((e) => e.phoneNumber)).toEqual([
      '+15555550111',
      '+15555550112',
      '+15555550113',
    ]);
    expect(sandbox.state.requests.slice(before).map((r) => r.query['page[offset]'])).toEqual([
      '0',
      '2',
      '3',
    ]);
    const page = await api.envelopes.listPage(engagement.id, { offset: 2, limit: 2 });
    expect(page).toMatchObject({ total: null, mayHaveMore: true });
    expect(page.items).toHaveLength(1);
  });
});

describe('sandbox: the presigned upload target', () => {
  it('takes the fields in order with the file last, and refuses other shapes', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    const upload = await api.uploads.create({
      fileName: 'a.mp3',
      contentType: 'audio/mpeg',
      size: 8,
    });
    const post = async (build: (form: FormData) => void, headers: Record<string, string> = {}) => {
      const form = new FormData();
      build(form);
      return fetch(upload.requestUrl, { method: 'POST', body: form, headers });
    };
    const fields = (form: FormData) =>
      upload.requestFormData.forEach(([k, v]) => form.append(k, v));
    const file = (form: FormData) => form.append('file', new Blob([FAKE_MP3]), 'a.mp3');

    const fileFirst = await post(
      (f) => (file(f), fields(f), f.append('Content-Type', 'audio/mpeg')),
    );
    expect(fileFirst.status).toBe(400);
    const noType = await post((f) => (fields(f), file(f)));
    expect(noType.status).toBe(403);
    expect(await noType.text()).toContain('<Code>AccessDenied</Code>');
    const withAuth = await post(
      (f) => (fields(f), f.append('Content-Type', 'audio/mpeg'), file(f)),
      { Authorization: 'Basic x' },
    );
    expect(withAuth.status).toBe(400);
    expect(sandbox.state.files.size).toBe(0);

    const ok = await post((f) => (fields(f), f.append('Content-Type', 'audio/mpeg'), file(f)));
    expect(ok.status).toBe(204);
    expect(ok.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect([...sandbox.state.files.keys()][0]).toMatch(/^uploads\/[0-9a-f]{32}\/a\.mp3$/);
  });

  it('refuses a form whose policy has expired', async () => {
    let now = Date.parse('2026-11-27T10:00:00Z');
    const sandbox = await sandboxForTest({ now: () => now });
    const api = clientFor(sandbox);
    const upload = await api.uploads.create({
      fileName: 'a.mp3',
      contentType: 'audio/mpeg',
      size: 8,
    });
    expect(upload.expiresAt).toBe('Fri, 27 Nov 2026 11:00:00 GMT');
    now += 2 * 3600_000;
    const error = await api.uploads
      .sendFile(upload, { fileName: 'a.mp3', contentType: 'audio/mpeg', data: FAKE_MP3 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'forbidden', status: 403 });
  });
});

describe('sandbox: faults', () => {
  it('chaos picks the same faults for the same seed and request sequence', async () => {
    const run = async (seed: string) => {
      const sandbox = await startSandbox({ seed });
      try {
        sandbox.faults.chaos({
          rate: 0.5,
          method: 'GET',
          actions: [
            { type: 'status', status: 503 },
            { type: 'rate_limit', retryAfter: 1 },
          ],
        });
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++)
          statuses.push((await raw(sandbox, 'GET', 'caller-ids')).status);
        return statuses;
      } finally {
        await sandbox.close();
      }
    };
    const first = await run('chaos');
    expect(await run('chaos')).toEqual(first);
    expect(first.some((s) => s !== 200)).toBe(true);
    expect(first.some((s) => s === 200)).toBe(true);
  });

  it('rules can wait for the nth request and fire several times; pending shows what never fired', async () => {
    const sandbox = await sandboxForTest();
    sandbox.faults.add({
      method: 'GET',
      path: 'caller-ids',
      after: 1,
      times: 2,
      action: { type: 'status', status: 500 },
    });
    sandbox.faults.add({ method: 'DELETE', path: 'caller-ids', action: { type: 'reset' } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await raw(sandbox, 'GET', 'caller-ids')).status);
    expect(statuses).toEqual([200, 500, 500, 200]);
    expect(sandbox.faults.pending.map((r) => r.method)).toEqual(['DELETE']);
    expect(sandbox.state.requests.map((r) => r.fault ?? null)).toEqual([
      null,
      'status',
      'status',
      null,
    ]);
  });
});

describe('sandbox: the simulated dialer', () => {
  it('moves envelopes and calls through the outcomes, one step at a time', async () => {
    const sandbox = await sandboxForTest({
      dialer: {
        callsPerStep: 1,
        outcomeFor: (phone) =>
          phone.endsWith('1')
            ? {
                callStatus: 'completed',
                resultKind: 'human',
                answered: true,
                durationSeconds: 30,
                envelopeStatus: 'completed',
              }
            : {
                callStatus: 'busy',
                resultKind: 'busy',
                answered: false,
                durationSeconds: 0,
                envelopeStatus: 'completed',
              },
      },
    });
    const { api, engagement } = await voiceEngagement(sandbox);
    await api.envelopes.createBulk(engagement.id, [
      { phoneNumber: '+15555550111' },
      { phoneNumber: '+15555550112' },
    ]);
    expect(sandbox.dialer.step()).toBe(0); // not scheduled yet: nobody is dialled
    await api.engagements.schedule(engagement.id);

    sandbox.dialer.step();
    const [first] = sandbox.state.envelopes;
    expect(first?.attributes.status).toBe(INVENTED.envelopeInProgressStatus);
    const callId = (first?.relationships.call?.data as { id: string }).id;
    expect((await api.calls.get(callId)).status).toBe('queued');
    sandbox.dialer.step();
    expect((await api.calls.get(callId)).status).toBe('ringing');
    sandbox.dialer.step();
    expect((await api.calls.get(callId)).status).toBe('in-progress');
    sandbox.dialer.runUntilIdle();

    const { envelopes, calls } = await api.envelopes.listAll(engagement.id, { includeCalls: true });
    const outcome = Object.fromEntries(
      envelopes.map((e) => [e.phoneNumber, calls.find((c) => c.id === e.callId)]),
    );
    expect(outcome['+15555550111']).toMatchObject({ status: 'completed', duration: 30 });
    expect(outcome['+15555550112']).toMatchObject({ status: 'busy', duration: 0 });
    expect(envelopes.every((e) => e.completedAt !== null)).toBe(true);
    expect(await api.engagements.get(engagement.id)).toMatchObject({
      status: INVENTED.engagementDoneStatus,
      countTotal: 2,
      countComplete: 2,
    });
  });

  it('picks outcomes per number from the seed, and runs by itself on a timer', async () => {
    const sandbox = await sandboxForTest({
      seed: 'dial',
      dialer: { autoRun: true, intervalMs: 5 },
    });
    const again = await sandboxForTest({ seed: 'dial' });
    const numbers = Array.from({ length: 20 }, (_, i) => `+1555555${String(1000 + i)}`);
    expect(numbers.map((n) => sandbox.dialer.outcomeFor(n))).toEqual(
      numbers.map((n) => again.dialer.outcomeFor(n)),
    );
    expect(
      new Set(numbers.map((n) => sandbox.dialer.outcomeFor(n).resultKind)).size,
    ).toBeGreaterThan(1);

    const { api, engagement } = await voiceEngagement(sandbox);
    await api.envelopes.createBulk(engagement.id, [{ phoneNumber: '+15555550111' }]);
    await api.engagements.schedule(engagement.id);
    await expect
      .poll(async () => (await api.engagements.get(engagement.id)).countComplete, { timeout: 3000 })
      .toBe(1);
  });
});
