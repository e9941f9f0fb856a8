import { describe, expect, it } from 'vitest';
import {
  ApiError,
  parseErrorBody,
  parseRetryAfter,
  toAppError,
  type ApiErrorKind,
} from '../../../electron/api/errors';
import { MalformedDocument, readMany, readSingle } from '../../../electron/api/jsonapi';
import {
  toCall,
  toEngagement,
  toEnvelope,
  toTrigger,
  toUpload,
  toVoiceTemplate,
} from '../../../electron/api/resources';
import { clientFor, sandboxForTest } from './helpers';

describe('tolerant reading of JSON:API documents', () => {
  it('reads a sparse response: few attributes, ids as "1", an included array', () => {
    const doc = readSingle(
      {
        data: {
          type: 'engagements',
          id: 1,
          attributes: { name: 'Example', status: 'pending' },
          relationships: { activity: { data: { type: 'activities', id: '1' } } },
        },
        included: [
          { type: 'activities', id: '1', attributes: { name: 'Voice Blast', kind: 'voice' } },
          'junk',
        ],
      },
      'engagements',
    );
    expect(toEngagement(doc.data)).toEqual({
      id: '1',
      name: 'Example',
      status: 'pending',
      direction: null,
      deliveryType: null,
      countTotal: null,
      countComplete: null,
      countIncomplete: null,
      countHold: null,
      complianceApproved: null,
      activityId: '1',
      callerIdIds: [],
      createdAt: null,
      updatedAt: null,
    });
    expect(doc.included.map((r) => `${r.type}/${r.id}`)).toEqual(['activities/1']);
  });

  it('keeps explicit nulls as nulls and treats a missing included as empty', () => {
    const doc = readSingle(
      {
        data: {
          type: 'triggers',
          id: 'T',
          attributes: {
            kind: 'play',
            'on-event': 'voice-machine',
            'delay-in-seconds': null,
            loop: 1,
          },
          relationships: {
            parent: { data: null },
            'voice-template': { data: null },
            activity: { data: { type: 'activities', id: 'A' } },
          },
        },
      },
      'triggers',
    );
    expect(doc.included).toEqual([]);
    expect(toTrigger(doc.data)).toMatchObject({
      kind: 'play',
      onEvent: 'voice-machine',
      voiceTemplateId: null,
      activityId: 'A',
    });
  });

  it('reads relationships that carry only links, and to-many linkage', () => {
    const doc = readSingle(
      {
        data: {
          type: 'calls',
          id: 'C',
          attributes: { status: 'ringing', duration: '12' },
          relationships: {
            results: { links: { related: '/api/v1/call-results?filter[call.id]=C' } },
            result: { links: { related: { href: '/x' } } },
            memberships: { data: [{ type: 'memberships', id: 'M1' }, { bad: true }] },
          },
        },
      },
      'calls',
    );
    expect(doc.data.relationships.results).toEqual({
      related: '/api/v1/call-results?filter[call.id]=C',
    });
    expect(doc.data.relationships.memberships?.data).toEqual([{ type: 'memberships', id: 'M1' }]);
    expect(toCall(doc.data)).toMatchObject({
      status: 'ringing',
      duration: 12,
      resultId: null,
      envelopeId: null,
    });
  });

  it('tolerates values of the wrong type by reading them as null, and meta as a flat string map', () => {
    const [envelope] = readMany(
      {
        data: [
          {
            type: 'envelopes',
            id: 'E',
            attributes: {
              'phone-number': 15555550100,
              status: ['odd'],
              meta: { 'first-name': 'Ann', age: 41, nested: { x: 1 }, vip: true },
            },
          },
        ],
      },
      'envelopes',
    ).data;
    expect(toEnvelope(envelope!)).toMatchObject({
      phoneNumber: null,
      status: null,
      meta: { 'first-name': 'Ann', age: '41', vip: 'true' },
    });
  });

  it('reads upload form data as ordered pairs, and a voice template named only by subject', () => {
    const upload = readSingle(
      {
        data: {
          type: 'uploads',
          id: 'U',
          attributes: {
            'request-url': 'https://bucket.s3.amazonaws.com/',
            'request-method': 'post',
            'request-headers': [{ 'x-amz-server-side-encryption': 'AES256' }],
            'request-form-data': [
              { acl: 'private' },
              { key: 'uploads/abc/${filename}' },
              { policy: 'p' },
              { signature: 's' },
            ],
          },
        },
      },
      'uploads',
    ).data;
    expect(toUpload(upload)).toMatchObject({
      requestMethod: 'POST',
      requestHeaders: [['x-amz-server-side-encryption', 'AES256']],
      requestFormData: [
        ['acl', 'private'],
        ['key', 'uploads/abc/${filename}'],
        ['policy', 'p'],
        ['signature', 's'],
      ],
      expiresAt: null,
    });
    const template = readSingle(
      { data: { type: 'voice-templates', id: 'V', attributes: { subject: 'Hello' } } },
      'voice-templates',
    ).data;
    expect(toVoiceTemplate(template)).toMatchObject({ name: 'Hello', kind: null, fileId: null });
  });

  it('refuses documents without usable data', () => {
    expect(() => readSingle({ data: null }, 'engagements')).toThrow(MalformedDocument);
    expect(() => readSingle({ data: { type: 'engagements' } }, 'engagements')).toThrow(/no id/);
    expect(() => readSingle({ data: { type: 'calls', id: '1' } }, 'engagements')).toThrow(
      /expected type engagements/,
    );
    expect(() => readMany({ data: {} }, 'envelopes')).toThrow(/not an array/);
  });

  it('reads sparse answers from the server end to end', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox);
    sandbox.faults.next('GET', /^engagements\//, {
      type: 'status',
      status: 200,
      body: {
        data: { type: 'engagements', id: '1', attributes: { name: 'Sparse', 'count-total': null } },
      },
    });
    expect(await api.engagements.get('1')).toMatchObject({
      id: '1',
      name: 'Sparse',
      countTotal: null,
      activityId: null,
    });
    sandbox.faults.next('GET', 'caller-ids', {
      type: 'status',
      status: 200,
      body: {
        data: [{ type: 'caller-ids', id: 'C1', attributes: { 'phone-number': '+15555550100' } }],
        included: [],
      },
    });
    expect(await api.callerIds.list()).toEqual([
      { id: 'C1', phoneNumber: '+15555550100', label: null, status: null, createdAt: null },
    ]);
  });
});

describe('error bodies', () => {
  it('parses the recorded Omnigage error (numeric code, detail only)', () => {
    expect(
      parseErrorBody(
        '{"errors":[{"detail":"Voice activity \\"x\\" is missing a voice-machine or voice-human trigger.","code":100}]}',
      ),
    ).toEqual({
      details: [
        {
          detail: 'Voice activity "x" is missing a voice-machine or voice-human trigger.',
          code: 100,
        },
      ],
    });
  });

  it('parses the full JSON:API members (string status, title, source pointer and parameter)', () => {
    const body = JSON.stringify({
      errors: [
        {
          status: '400',
          title: 'Invalid Attribute',
          detail: 'to is invalid',
          source: { pointer: '/data/attributes/to' },
        },
        { status: 400, title: 'Bad filter', source: { parameter: 'filter[to]' }, code: 'E7' },
      ],
    });
    expect(parseErrorBody(body).details).toEqual([
      {
        detail: 'to is invalid',
        status: '400',
        title: 'Invalid Attribute',
        source: { pointer: '/data/attributes/to' },
      },
      {
        detail: 'Bad filter',
        status: '400',
        title: 'Bad filter',
        source: { parameter: 'filter[to]' },
        code: 'E7',
      },
    ]);
  });

  it('keeps anything else as raw text', () => {
    expect(parseErrorBody('invalid_client')).toEqual({ details: [], rawBody: 'invalid_client' });
    expect(parseErrorBody('{"error":"invalid_grant"}')).toEqual({
      details: [],
      rawBody: '{"error":"invalid_grant"}',
    });
    expect(parseErrorBody('{"errors":[]}')).toEqual({ details: [], rawBody: '{"errors":[]}' });
    expect(parseErrorBody('   ')).toEqual({ details: [] });
    expect(
      parseErrorBody('<Error><Code>AccessDenied</Code><Message>Policy expired.</Message></Error>'),
    ).toEqual({
      details: [{ detail: 'Policy expired.', code: 'AccessDenied' }],
      rawBody: '<Error><Code>AccessDenied</Code><Message>Policy expired.</Message></Error>',
    });
    expect(parseErrorBody('<html><body>502 Bad Gateway</body></html>')).toEqual({
      details: [],
      rawBody: '<html><body>502 Bad Gateway</body></html>',
    });
    expect(parseErrorBody('x'.repeat(5000)).rawBody).toHaveLength(2000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-27T10:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('gives every kind a shared error code and a message for people', () => {
    const expected: Record<ApiErrorKind, string> = {
      bad_credentials: 'bad_credentials',
      forbidden: 'forbidden',
      validation: 'remote_validation',
      not_found: 'not_found',
      rate_limited: 'rate_limited',
      server: 'remote_error',
      network: 'network',
      timeout: 'timeout',
      cancelled: 'cancelled',
      redirect: 'remote_error',
      insecure: 'invalid_input',
      unexpected: 'remote_error',
    };
    for (const [kind, code] of Object.entries(expected) as [ApiErrorKind, string][]) {
      const app = toAppError(
        new ApiError({
          kind,
          method: 'GET',
          path: '/api/v1/x',
          status: 500,
          outcomeUnknown: false,
        }),
      );
      expect(app.code, kind).toBe(code);
      expect(app.message, kind).toMatch(/^[A-Z].*\.$/);
      expect(app.message, kind).not.toMatch(/undefined|null|\/api\/v1|ApiError/);
      expect(app.toData()).toEqual({ code, message: app.message });
    }
  });
});
