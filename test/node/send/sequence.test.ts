import { describe, expect, it } from 'vitest';
import { expectExactlyOnce, sendFixture } from './helpers';

describe('the send engine against the sandbox', () => {
  it('sends a text-to-speech campaign: templates, engagement, activity, triggers, envelopes in batches, one schedule', async () => {
    const f = await sendFixture({ engine: { batchSize: 4, concurrency: 2 } });
    const id = f.campaign({
      count: 10,
      machine: { kind: 'text', body: 'Hi {{first-name}}, call us back.', voice: 'Polly-Brian' },
      extraRows: ['not a number,Bad,Nowhere', `${f.phones(1)[0]},Repeat,Again`],
    });
    const progress: string[] = [];
    f.services.send.subscribe((e) => {
      if (e.type === 'progress') progress.push(`${e.progress.step}:${e.progress.envelopesSent}`);
    });
    const started = await f.services.send.start(id);
    expect(started.state).toBe('sending');
    expect(f.services.campaigns.get(id).status).toBe('sending');
    expect(() => f.services.campaigns.update(id, { callerId: 'x' })).toThrow(/Duplicate it/);
    const done = await f.services.send.settled(id);

    expect(done).toMatchObject({
      state: 'scheduled',
      envelopesTotal: 10,
      envelopesSent: 10,
      step: 'done',
    });
    expectExactlyOnce(f.sandbox, done!.engagementId, f.phones(10));
    const { state } = f.sandbox;
    expect(state.voiceTemplates.map((t) => [t.attributes.kind, t.attributes.voice])).toEqual([
      ['text', 'Polly-Joanna'],
      ['text', 'Polly-Brian'],
    ]);
    expect(state.engagements).toHaveLength(1);
    expect(state.activities).toHaveLength(1);
    expect(state.triggers.map((t) => [t.attributes.kind, t.attributes['on-event']])).toEqual([
      ['say', 'voice-human'],
      ['say', 'voice-machine'],
    ]);
    // 10 recipients in batches of 4: three bulk requests, each with the bulk media type.
    const bulk = state.requestsTo('POST', 'envelopes');
    // (Two in flight, so the order they arrive in may differ from row order.)
    expect(bulk.map((r) => (r.body as { data: unknown[] }).data.length).sort()).toEqual([2, 4, 4]);
    expect(bulk.every((r) => r.headers['content-type']?.includes('ext=bulk'))).toBe(true);
    const first = state
      .envelopesOf(done!.engagementId!)
      .find((e) => e.attributes['phone-number'] === f.phones(1)[0]);
    // Only the field the messages use leaves the laptop; City stays local (envelope-meta.ts).
    expect(first?.attributes.meta).toEqual({ 'first-name': 'Name0' });
    // The schedule PATCH came after every envelope.
    const order = state.requests.map((r) => `${r.method} ${r.path.split('/')[0]}`);
    expect(order.lastIndexOf('POST envelopes')).toBeLessThan(order.indexOf('PATCH engagements'));
    expect(f.services.campaigns.get(id).status).toBe('scheduled');
    // Progress went through the steps in order, with every envelope counted before scheduling.
    expect(progress.filter((p) => !p.startsWith('checks'))[0]).toBe('templates:0');
    expect(progress).toContain('envelopes:0');
    expect(progress).toContain('schedule:10');

    // The audit trail has the start, every remote object and the schedule.
    const audit = f.services.send.audit.list({ campaignId: id }).entries;
    expect(audit[0]).toMatchObject({ action: 'send.start', outcome: 'ok', count: 10 });
    expect(audit[0]?.recipientsSha256).toMatch(/^[0-9a-f]{64}$/);
    const created = audit.filter((a) => a.action === 'create').map((a) => a.remoteType);
    // (Templates and the engagement are made side by side, so their order may vary.)
    expect(created.slice(0, 3).sort()).toEqual([
      'engagements',
      'voice-templates',
      'voice-templates',
    ]);
    expect(created.slice(3)).toEqual([
      'activities',
      'triggers',
      'triggers',
      'envelopes',
      'envelopes',
      'envelopes',
    ]);
    expect(
      audit
        .filter((a) => a.action === 'create' && a.remoteType === 'envelopes')
        .flatMap((a) => a.remoteId!.split(' ')),
    ).toHaveLength(10);
    expect(audit.at(-1)).toMatchObject({
      action: 'send.scheduled',
      outcome: 'ok',
      remoteId: done!.engagementId,
    });
  });

  it('sends an audio campaign: upload, the file to the presigned target, an audio template, play triggers', async () => {
    const f = await sendFixture();
    const file = f.recording(new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 1, 2, 3]), 'mp3');
    const id = f.campaign({ count: 3, human: { kind: 'audio', file, fileName: 'closure.mp3' } });
    await f.services.send.start(id);
    const done = await f.services.send.settled(id);
    expect(done?.state).toBe('scheduled');
    expectExactlyOnce(f.sandbox, done!.engagementId, f.phones(3));
    const { state } = f.sandbox;
    expect(state.uploads).toHaveLength(1);
    expect([...state.files.values()].map((s) => [s.fileName, s.contentType, s.size])).toEqual([
      ['closure.mp3', 'audio/mpeg', 11],
    ]);
    expect(state.voiceTemplates.map((t) => t.attributes.kind)).toEqual(['audio']);
    // One message serves both triggers.
    expect(state.triggers.map((t) => [t.attributes.kind, t.attributes['on-event']])).toEqual([
      ['play', 'voice-human'],
      ['play', 'voice-machine'],
    ]);
    const templateIds = new Set(
      state.triggers.map((t) => (t.relationships['voice-template']?.data as { id: string }).id),
    );
    expect(templateIds.size).toBe(1);
  });

  it('a second send of a scheduled campaign makes no request at all', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 3 });
    await f.services.send.start(id);
    await f.services.send.settled(id);
    const before = f.sandbox.state.requests.length;
    const again = await f.services.send.start(id);
    expect(again.state).toBe('scheduled');
    await f.services.send.settled(id);
    expect(f.sandbox.state.requests.length).toBe(before);
  });
});
