import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRIGGER_EVENTS } from '../../../electron/api/decisions';
import type { Sandbox } from '../../../electron/sandbox';
import { clientFor, FAKE_MP3, sandboxForTest } from './helpers';

/**
 * Golden request bodies for each step of the bulk-voice sequence, text and audio, as the
 * client sends them. Ids the sandbox assigned are replaced by `<type#n>` so the files are
 * stable; the files under golden/ were checked by hand against docs/omnigage-api.md §2–§6 and
 * decisions 1, 2, 4, 5 and 7. Rewrite them (UPDATE_GOLDEN=1) only after such a check. They are
 * compared as parsed JSON, so reformatting the files changes nothing.
 */

function matchGolden(name: string, actual: unknown): void {
  const file = new URL(`./golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1')
    writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
  expect(
    existsSync(file),
    `golden/${name} is missing: run with UPDATE_GOLDEN=1 and review it`,
  ).toBe(true);
  expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}

const RECIPIENTS = [
  { phoneNumber: '+15555550111', meta: { 'first-name': 'Ann', 'last-name': 'Lee' } },
  { phoneNumber: '+15555550112', meta: { 'first-name': 'Bo', 'last-name': 'Ng' } },
];

function placeholders(sandbox: Sandbox): (text: string) => string {
  const names = new Map<string, string>();
  const counters = new Map<string, number>();
  const types = [
    'caller-ids',
    'phone-numbers',
    'uploads',
    'files',
    'voice-templates',
    'engagements',
    'activities',
    'triggers',
    'envelopes',
  ];
  for (const type of types) {
    for (const resource of sandbox.state.list(type)) {
      const n = (counters.get(type) ?? 0) + 1;
      counters.set(type, n);
      names.set(resource.id, `<${type}#${n}>`);
    }
  }
  return (text) => text.replace(/[2-9A-HJ-NP-Za-km-z]{22}/g, (id) => names.get(id) ?? id);
}

/** The requests the sandbox received, in order, with only what the golden files pin down. */
function recorded(sandbox: Sandbox): unknown {
  const rename = placeholders(sandbox);
  const steps = sandbox.state.requests.map((r) => ({
    method: r.method,
    path: r.path,
    query: r.query,
    headers: {
      authorization: r.headers.authorization,
      'x-account-key': r.headers['x-account-key'],
      'content-type': r.headers['content-type']?.replace(/; boundary=.*$/, ''),
      accept: r.headers.accept,
    },
    body: r.body,
  }));
  return JSON.parse(rename(JSON.stringify(steps)));
}

describe('golden request bodies for the bulk-voice sequence', () => {
  it('text-to-speech: two templates, engagement, activity, say triggers, a batch, schedule', async () => {
    const sandbox = await sandboxForTest({ seed: 'golden-text' });
    const api = clientFor(sandbox);
    const human = await api.voiceTemplates.createText({
      label: 'Weekly specials',
      body: 'Hello {{first-name}}, rates are up this week.',
      voice: 'Polly-Joanna',
    });
    const machine = await api.voiceTemplates.createText({
      label: 'Weekly specials (voicemail)',
      body: 'Hi {{first-name}}, please call us back.',
      voice: 'Polly-Joanna',
    });
    const engagement = await api.engagements.create({ name: 'Weekly specials' });
    const activity = await api.activities.createVoice({
      name: 'Weekly specials',
      engagementId: engagement.id,
      callerIdId: sandbox.callerId.id,
    });
    for (const onEvent of TRIGGER_EVENTS) {
      const template = onEvent === 'voice-human' ? human : machine;
      await api.triggers.createForTemplate({
        activityId: activity.id,
        onEvent,
        template: { id: template.id, kind: 'text' },
      });
    }
    await api.envelopes.createBulk(engagement.id, RECIPIENTS);
    await api.engagements.schedule(engagement.id);

    const steps = recorded(sandbox) as { body: unknown; path: string }[];
    // The shapes of docs/omnigage-api.md, checked here as well as in the golden file.
    expect(steps.find((s) => s.path === 'envelopes')?.body).toEqual({
      data: RECIPIENTS.map((r) => ({
        type: 'envelopes',
        attributes: { 'phone-number': r.phoneNumber, meta: r.meta },
        relationships: { engagement: { data: { type: 'engagements', id: '<engagements#1>' } } },
      })),
    });
    expect(steps.at(-1)?.body).toEqual({
      data: {
        id: '<engagements#1>',
        type: 'engagements',
        attributes: { status: 'scheduled', 'delivery-type': 'immediately' },
      },
    });
    matchGolden('text-sequence.json', steps);
  });

  it('audio: upload, presigned POST, one template for both play triggers, a batch, schedule', async () => {
    const sandbox = await sandboxForTest({ seed: 'golden-audio' });
    const api = clientFor(sandbox, {
      credentials: { ...sandbox.credentials, accountKey: undefined },
    });
    const upload = await api.uploads.create({
      fileName: 'hello.mp3',
      contentType: 'audio/mpeg',
      size: FAKE_MP3.byteLength,
    });
    await api.uploads.sendFile(upload, {
      fileName: 'hello.mp3',
      contentType: 'audio/mpeg',
      data: FAKE_MP3,
    });
    const template = await api.voiceTemplates.createAudio({
      label: 'Closure notice',
      uploadId: upload.id,
    });
    const engagement = await api.engagements.create({ name: 'School closure' });
    const activity = await api.activities.createVoice({
      name: 'School closure',
      engagementId: engagement.id,
      callerIdId: sandbox.callerId.id,
    });
    for (const onEvent of TRIGGER_EVENTS) {
      await api.triggers.createForTemplate({
        activityId: activity.id,
        onEvent,
        template: { id: template.id, kind: 'audio' },
      });
    }
    await api.envelopes.createBulk(engagement.id, RECIPIENTS.slice(0, 1));
    await api.engagements.schedule(engagement.id);

    const steps = recorded(sandbox) as {
      body: unknown;
      path: string;
      headers: Record<string, unknown>;
    }[];
    expect(steps[0]?.body).toEqual({
      name: 'hello.mp3',
      type: 'audio/mpeg',
      size: FAKE_MP3.byteLength,
    });
    expect(steps[1]?.body).toEqual({
      multipart: ['acl', 'AWSAccessKeyId', 'key', 'policy', 'signature', 'Content-Type', 'file'],
    });
    expect(steps[1]?.headers.authorization).toBeUndefined();
    // No account key configured: no X-Account-Key header (decision 4).
    expect(steps.every((s) => s.headers['x-account-key'] === undefined)).toBe(true);
    matchGolden('audio-sequence.json', steps);
  });
});
