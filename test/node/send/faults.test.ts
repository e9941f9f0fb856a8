import { describe, expect, it } from 'vitest';
import type { FaultAction } from '../../../electron/sandbox';
import { expectExactlyOnce, sendFixture, type SendFixture } from './helpers';

/**
 * Every fault the sandbox can inject, on every request of the sequence, must end in exactly one
 * envelope per valid recipient and exactly one schedule. Timeouts are short here (300 ms) and
 * the settle wait before a reconciliation longer than a delayed request's overshoot.
 */
const TIMEOUT_MS = 300;

const FAULTS: Record<string, FaultAction> = {
  'status 500': { type: 'status', status: 500 },
  'status 503 with Retry-After': { type: 'status', status: 503, retryAfter: 0 },
  'rate limit 429': { type: 'rate_limit', retryAfter: 0 },
  'delay past the timeout (stored late)': { type: 'delay', ms: TIMEOUT_MS + 150 },
  'connection reset': { type: 'reset' },
  'no answer (hang)': { type: 'hang' },
  'commit then 502': { type: 'commit_then_fail' },
  'commit then reset': { type: 'commit_then_fail', then: 'reset' },
  'commit then hang': { type: 'commit_then_fail', then: 'hang' },
};

const TARGETS: Array<{ name: string; method: string; path: string | RegExp; audio?: boolean }> = [
  { name: 'caller ID listing', method: 'GET', path: 'caller-ids' },
  { name: 'voice template', method: 'POST', path: 'voice-templates' },
  { name: 'upload', method: 'POST', path: 'uploads', audio: true },
  { name: 'presigned file', method: 'POST', path: /^fake-s3\//, audio: true },
  { name: 'engagement', method: 'POST', path: 'engagements' },
  { name: 'activity', method: 'POST', path: 'activities' },
  { name: 'trigger', method: 'POST', path: 'triggers' },
  { name: 'envelope batch', method: 'POST', path: 'envelopes' },
  { name: 'schedule', method: 'PATCH', path: /^engagements\/[^/]+$/ },
];

const WAV = (() => {
  const bytes = new Uint8Array(44 + 800);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string) =>
    [...s].forEach((c, i) => (bytes[at + i] = c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, bytes.length - 8, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, 8000, true);
  view.setUint32(28, 16000, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, 800, true);
  return bytes;
})();

async function sendUntilSettled(
  f: SendFixture,
  id: string,
): Promise<ReturnType<SendFixture['services']['send']['status']>> {
  await f.services.send.start(id);
  let status = await f.services.send.settled(id);
  // A run that gave up to the outbox is resumed, as the outbox worker would.
  for (let i = 0; i < 5 && status?.state === 'queued'; i++) {
    await f.services.send.resume(id);
    status = await f.services.send.settled(id);
  }
  return status;
}

describe('exactly once under every fault', () => {
  for (const target of TARGETS) {
    for (const [faultName, action] of Object.entries(FAULTS)) {
      // The presigned upload has its own two-minute timeout (large files): a hang there is not
      // worth two minutes of test time; resets, errors and commit-then-502 cover it.
      const waits =
        action.type === 'hang' ||
        action.type === 'delay' ||
        (action.type === 'commit_then_fail' && action.then === 'hang');
      if (target.name === 'presigned file' && waits) continue;
      it(`${target.name}: ${faultName}`, async () => {
        const f = await sendFixture({
          engine: { timeoutMs: TIMEOUT_MS, settleMs: 250, batchSize: 3, concurrency: 2 },
        });
        let human;
        if (target.audio) {
          const file = f.recording(WAV, 'wav');
          human = { kind: 'audio' as const, file, fileName: 'message.wav' };
        }
        const id = f.campaign({ count: 7, human });
        // The second envelope batch, or the first matching request for the others.
        f.sandbox.faults.add({
          method: target.method,
          path: target.path,
          action,
          after: target.path === 'envelopes' ? 1 : 0,
        });
        const status = await sendUntilSettled(f, id);
        expect(f.sandbox.faults.injected.length).toBe(1);
        expect(status?.state).toBe('scheduled');
        expectExactlyOnce(f.sandbox, status!.engagementId, f.phones(7));
        // One activity and one trigger per event on the engagement that was scheduled.
        const { state } = f.sandbox;
        const activities = state.activities.filter(
          (a) => (a.relationships.engagement?.data as { id: string }).id === status!.engagementId,
        );
        expect(activities).toHaveLength(1);
        const triggers = state.triggers.filter(
          (t) => (t.relationships.activity?.data as { id: string }).id === activities[0]!.id,
        );
        expect(triggers.map((t) => t.attributes['on-event']).sort()).toEqual([
          'voice-human',
          'voice-machine',
        ]);
        // An unknown outcome is in the audit trail as such.
        if (
          action.type === 'commit_then_fail' &&
          target.method === 'POST' &&
          !String(target.path).includes('fake-s3')
        ) {
          const audit = f.services.send.audit.list({ campaignId: id }).entries;
          expect(audit.some((a) => a.outcome === 'unknown')).toBe(true);
        }
      });
    }
  }

  it('reconciles after a commit-then-fail on a batch: only the missing recipients are sent again', async () => {
    const f = await sendFixture({ engine: { batchSize: 5, concurrency: 1 } });
    const id = f.campaign({ count: 12 });
    f.sandbox.faults.add({
      method: 'POST',
      path: 'envelopes',
      action: { type: 'commit_then_fail' },
      after: 1,
    });
    const status = await sendUntilSettled(f, id);
    expectExactlyOnce(f.sandbox, status!.engagementId, f.phones(12));
    const posts = f.sandbox.state
      .requestsTo('POST', 'envelopes')
      .map((r) => (r.body as { data: unknown[] }).data.length);
    // 5, then 5 (stored, answer lost), then the listing, then the last 2: nothing sent twice.
    expect(posts).toEqual([5, 5, 2]);
    expect(f.sandbox.state.requestsTo('GET', 'envelopes').length).toBeGreaterThan(0);
    const reconcile = f.services.send.audit
      .list({ campaignId: id })
      .entries.find((a) => a.action === 'reconcile');
    expect(reconcile).toMatchObject({ remoteType: 'envelopes', count: 5, outcome: 'ok' });
  });

  it('a failing reconciliation listing is retried before anything is sent again', async () => {
    const f = await sendFixture({ engine: { batchSize: 4, concurrency: 1 } });
    const id = f.campaign({ count: 8 });
    f.sandbox.faults.add({
      method: 'POST',
      path: 'envelopes',
      action: { type: 'commit_then_fail', then: 'reset' },
    });
    f.sandbox.faults.add({
      method: 'GET',
      path: 'envelopes',
      action: { type: 'status', status: 500 },
      times: 4,
    });
    const status = await sendUntilSettled(f, id);
    expectExactlyOnce(f.sandbox, status!.engagementId, f.phones(8));
    expect(f.sandbox.faults.pending).toEqual([]);
  });

  it('random faults everywhere (seeded chaos) still give exactly once', async () => {
    const f = await sendFixture({
      sandbox: { seed: 'chaos' },
      engine: {
        timeoutMs: TIMEOUT_MS,
        settleMs: 250,
        batchSize: 4,
        concurrency: 3,
        maxFailedRounds: 8,
      },
    });
    const id = f.campaign({ count: 40 });
    f.sandbox.faults.chaos({
      rate: 0.25,
      actions: [
        { type: 'commit_then_fail' },
        { type: 'commit_then_fail', then: 'reset' },
        { type: 'status', status: 502 },
        { type: 'reset' },
        { type: 'rate_limit', retryAfter: 0 },
      ],
    });
    const status = await sendUntilSettled(f, id);
    expect(f.sandbox.faults.injected.length).toBeGreaterThan(3);
    expect(status?.state).toBe('scheduled');
    expectExactlyOnce(f.sandbox, status!.engagementId, f.phones(40));
  });

  it('a refusal (400) stops the send with the reason; nothing is scheduled', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 3 });
    f.sandbox.faults.add({
      method: 'POST',
      path: 'triggers',
      action: {
        type: 'status',
        status: 422,
        body: { errors: [{ detail: 'Trigger refused for the test.', code: 100 }] },
      },
    });
    await f.services.send.start(id);
    const status = await f.services.send.settled(id);
    expect(status).toMatchObject({ state: 'failed', errorCode: 'remote_validation' });
    expect(status?.message).toContain('Trigger refused for the test.');
    expect(f.sandbox.state.schedulePatchCount()).toBe(0);
    // No envelope was ever requested, so the campaign can be edited again.
    expect(f.services.campaigns.get(id).status).toBe('ready');
  });
});
