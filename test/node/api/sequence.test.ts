import { describe, expect, it } from 'vitest';
import { envelopesByPhoneNumber, TRIGGER_EVENTS } from '../../../electron/api/decisions';
import { ID_PATTERN } from '../../../electron/sandbox';
import { clientFor, FAKE_MP3, sandboxForTest } from './helpers';

const RECIPIENTS = [
  { phoneNumber: '+15555550111', meta: { 'first-name': 'Ann', 'last-name': 'Lee' } },
  { phoneNumber: '+15555550112', meta: { 'first-name': 'Bo', 'last-name': 'Ng' } },
  { phoneNumber: '+15555550113', meta: { 'first-name': 'Cy', 'last-name': 'Ode' } },
];

describe('the bulk-voice sequence against the sandbox', () => {
  it('runs every step with text-to-speech templates, then reads the outcomes', async () => {
    const sandbox = await sandboxForTest({ seed: 'tts' });
    const api = clientFor(sandbox, { credentials: { ...sandbox.credentials } });

    const callerIds = await api.callerIds.list();
    expect(callerIds.map((c) => c.id)).toEqual([sandbox.callerId.id]);
    expect(callerIds[0]?.status).toBe('success');

    const human = await api.voiceTemplates.createText({
      label: 'Specials (human)',
      body: 'Hello {{first-name}}, our rates are up.',
      voice: 'Polly-Joanna',
    });
    const machine = await api.voiceTemplates.createText({
      label: 'Specials (machine)',
      body: 'Hi {{first-name}}, call us back.',
      voice: 'Polly-Brian',
    });
    expect(human).toMatchObject({
      kind: 'text',
      status: 'completed',
      name: 'Specials (human)',
      voice: 'Polly-Joanna',
    });
    expect(human.id).toMatch(ID_PATTERN);

    const engagement = await api.engagements.create({ name: 'Weekly specials' });
    expect(engagement).toMatchObject({
      status: 'pending',
      direction: 'outbound',
      activityId: null,
    });
    expect(engagement.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);

    const activity = await api.activities.createVoice({
      name: 'Weekly specials',
      engagementId: engagement.id,
      callerIdId: sandbox.callerId.id,
    });
    expect(activity).toMatchObject({
      kind: 'voice',
      engagementId: engagement.id,
      callerIdId: sandbox.callerId.id,
    });
    expect(activity.phoneNumberId).toMatch(ID_PATTERN);

    const triggers = [];
    for (const onEvent of TRIGGER_EVENTS) {
      const template = onEvent === 'voice-human' ? human : machine;
      triggers.push(
        await api.triggers.createForTemplate({
          activityId: activity.id,
          onEvent,
          template: { id: template.id, kind: 'text' },
        }),
      );
    }
    expect(triggers.map((t) => [t.kind, t.onEvent])).toEqual([
      ['say', 'voice-human'],
      ['say', 'voice-machine'],
    ]);
    expect((await api.triggers.listByActivity(activity.id)).map((t) => t.id).sort()).toEqual(
      triggers.map((t) => t.id).sort(),
    );

    const envelopes = await api.envelopes.createBulk(engagement.id, RECIPIENTS);
    expect(envelopes).toHaveLength(3);
    // The bulk answer is read for ids and numbers only; the listing shows what was made.
    const created = envelopesByPhoneNumber(envelopes);
    const stored = envelopesByPhoneNumber((await api.envelopes.listAll(engagement.id)).envelopes);
    for (const r of RECIPIENTS) {
      const [made] = created.get(r.phoneNumber) ?? [];
      const [envelope] = stored.get(r.phoneNumber) ?? [];
      expect(made).toEqual({ id: envelope?.id, phoneNumber: r.phoneNumber });
      expect(envelope).toMatchObject({
        status: 'pending',
        kind: 'voice',
        meta: r.meta,
        engagementId: engagement.id,
        activityId: activity.id,
      });
    }

    const scheduled = await api.engagements.schedule(engagement.id);
    expect(scheduled).toMatchObject({
      id: engagement.id,
      status: 'scheduled',
      activityId: activity.id,
      callerIdIds: [sandbox.callerId.id],
      countTotal: 0,
    });
    expect(sandbox.state.schedulePatchCount(engagement.id)).toBe(1);

    sandbox.dialer.runUntilIdle();
    const after = await api.engagements.get(engagement.id);
    expect(after).toMatchObject({ countTotal: 3, countComplete: 3, countIncomplete: 0 });

    const { envelopes: listed, calls } = await api.envelopes.listAll(engagement.id, {
      pageSize: 2,
      includeCalls: true,
    });
    expect(listed.map((e) => e.phoneNumber).sort()).toEqual(RECIPIENTS.map((r) => r.phoneNumber));
    expect(calls).toHaveLength(3);
    for (const envelope of listed) {
      const call = calls.find((c) => c.id === envelope.callId);
      expect(call?.to).toBe(envelope.phoneNumber);
      expect(call?.from).toBe(sandbox.callerId.phoneNumber);
      const single = await api.calls.get(envelope.callId!);
      expect(single.resultId).toMatch(ID_PATTERN);
      const results = await api.callResults.listByCall(single.id);
      expect(results.map((r) => r.id)).toEqual([single.resultId]);
      const result = await api.callResults.get(single.resultId!);
      expect(result.callId).toBe(single.id);
      expect(result.kind).toBe(sandbox.dialer.outcomeFor(envelope.phoneNumber!).resultKind);
    }
  });

  it('runs every step with audio templates, the file going to the presigned target', async () => {
    const sandbox = await sandboxForTest({ seed: 'audio' });
    const api = clientFor(sandbox);

    const upload = await api.uploads.create({
      fileName: 'hello.mp3',
      contentType: 'audio/mpeg',
      size: FAKE_MP3.byteLength,
    });
    expect(upload.requestUrl.startsWith(sandbox.url)).toBe(true);
    expect(upload.requestFormData.map(([k]) => k)).toEqual([
      'acl',
      'AWSAccessKeyId',
      'key',
      'policy',
      'signature',
    ]);
    expect(upload.expiresAt).toMatch(/GMT$/);

    const sent = await api.uploads.sendFile(upload, {
      fileName: 'hello.mp3',
      contentType: 'audio/mpeg',
      data: FAKE_MP3,
    });
    const [stored] = [...sandbox.state.files.values()];
    expect(stored).toMatchObject({
      fileName: 'hello.mp3',
      contentType: 'audio/mpeg',
      size: FAKE_MP3.byteLength,
      uploadId: upload.id,
    });
    expect(stored?.fieldOrder).toEqual([
      'acl',
      'AWSAccessKeyId',
      'key',
      'policy',
      'signature',
      'Content-Type',
      'file',
    ]);
    expect(stored?.headers['x-amz-server-side-encryption']).toBe('AES256');
    expect(stored?.headers.authorization).toBeUndefined();
    expect(sent.location).toContain(encodeURIComponent(stored!.key));

    const template = await api.voiceTemplates.createAudio({
      label: 'Closure notice',
      uploadId: upload.id,
    });
    expect(template).toMatchObject({ kind: 'audio', status: 'completed', body: null, voice: null });
    expect(template.fileId).toMatch(ID_PATTERN);
    expect((await api.voiceTemplates.get(template.id)).name).toBe('Closure notice');

    const engagement = await api.engagements.create({ name: 'School closure' });
    const activity = await api.activities.createVoice({
      name: 'School closure',
      engagementId: engagement.id,
      callerIdId: sandbox.callerId.id,
    });
    for (const onEvent of TRIGGER_EVENTS) {
      const trigger = await api.triggers.createForTemplate({
        activityId: activity.id,
        onEvent,
        template: { id: template.id, kind: 'audio' },
      });
      expect(trigger).toMatchObject({
        kind: 'play',
        onEvent,
        voiceTemplateId: template.id,
        activityId: activity.id,
      });
    }
    expect((await api.activities.get(activity.id)).triggerIds).toHaveLength(2);
    const envelopes = await api.envelopes.createBulk(engagement.id, RECIPIENTS.slice(0, 1));
    expect(envelopes[0]?.phoneNumber).toBe(RECIPIENTS[0]?.phoneNumber);
    expect((await api.engagements.schedule(engagement.id)).status).toBe('scheduled');
    expect((await api.engagements.get(engagement.id)).status).toBe('scheduled');
  });
});

describe('client set-up', () => {
  it('normalises the base URL and refuses what is not an http(s) address', async () => {
    const sandbox = await sandboxForTest();
    const api = clientFor(sandbox, { baseUrl: sandbox.baseUrl.replace(/\/$/, '') });
    expect(api.baseUrl).toBe(sandbox.baseUrl);
    expect(await api.callerIds.list()).toHaveLength(1);
    expect(() => clientFor(sandbox, { baseUrl: 'api.omnigage.io' })).toThrow(/not a URL/);
    expect(() => clientFor(sandbox, { baseUrl: 'file:///etc/passwd' })).toThrow(/http\(s\)/);
  });

  it('lists unverified caller IDs too when asked', async () => {
    const sandbox = await sandboxForTest();
    const all = await clientFor(sandbox).callerIds.list({ verifiedOnly: false });
    expect(all.map((c) => c.status).sort()).toEqual(['pending', 'success']);
    expect((await clientFor(sandbox).callerIds.get(sandbox.callerId.id)).phoneNumber).toBe(
      sandbox.callerId.phoneNumber,
    );
  });
});
