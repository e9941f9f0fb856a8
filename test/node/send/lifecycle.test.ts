import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../../shared/contract';
import { ScriptedDialogs } from '../../../electron/dialogs';
import { createHandlers } from '../../../electron/ipc/handlers';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { createServices } from '../../../electron/services';
import { startSandbox, type Sandbox } from '../../../electron/sandbox';
import {
  FAST,
  expectExactlyOnce,
  sandboxEnv,
  sendFixture,
  until,
  type SendFixture,
  slowEnvelopes,
} from './helpers';

/** Stops the fixture's sandbox: the API address now refuses connections (offline). */
async function goOffline(f: SendFixture): Promise<{ port: number; back: () => Promise<Sandbox> }> {
  const port = Number(new URL(f.sandbox.url).port);
  await f.sandbox.close();
  let revived: Sandbox | undefined;
  afterEach(async () => revived?.close());
  return {
    port,
    back: async () => {
      revived = await startSandbox({ port, seed: 'send' });
      return revived;
    },
  };
}

describe('outbox', () => {
  it('queues a send while offline, then sends it when the connection returns', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 6 });
    const offline = await goOffline(f);
    const check = await f.services.send.check(id);
    expect(check).toMatchObject({ ok: true, online: false });
    expect(check.problems.map((p) => [p.code, p.blocking])).toEqual([['offline', false]]);

    const queued = await f.services.send.start(id);
    expect(queued.state).toBe('queued');
    expect(f.services.campaigns.get(id).status).toBe('queued');
    expect(() => f.services.campaigns.update(id, { callerId: 'x' })).toThrow(/Duplicate it/);
    expect(f.services.send.outbox().map((s) => s.campaignId)).toEqual([id]);

    // The worker tries, fails (still offline) and waits; the connection returns; wake() sends.
    f.services.send.startOutbox({ intervalMs: 60_000 });
    await until(
      () => f.services.send.status(id)?.errorCode === 'network' && !f.services.send.isRunning(id),
    );
    expect(f.services.send.status(id)).toMatchObject({ state: 'queued' });
    expect(f.services.send.status(id)?.nextAttemptAt).not.toBeNull();
    const sandbox = await offline.back();
    f.services.send.wake();
    await until(() => f.services.send.status(id)?.state === 'scheduled');
    expectExactlyOnce(sandbox, f.services.send.status(id)!.engagementId, f.phones(6));
  });

  it('the worker retries on its interval after the run gave up mid-send (503s), exactly once', async () => {
    const f = await sendFixture({ engine: { batchSize: 2, maxFailedRounds: 1 } });
    const id = f.campaign({ count: 8 });
    f.sandbox.faults.add({
      method: 'POST',
      path: 'envelopes',
      action: { type: 'status', status: 503 },
      after: 2,
      times: 20,
    });
    await f.services.send.start(id);
    const first = await f.services.send.settled(id);
    expect(first).toMatchObject({ state: 'queued', errorCode: 'remote_error', envelopesSent: 4 });
    expect(first?.message).toMatch(/continue by itself/);
    f.sandbox.faults.clear();
    // The outbox's own interval picks it up once its wait is over (the wait is shortened here).
    f.services.db.prepare('UPDATE sends SET next_attempt_at = 0').run();
    f.services.send.startOutbox({ intervalMs: 20 });
    await until(() => f.services.send.status(id)?.state === 'scheduled');
    expectExactlyOnce(f.sandbox, f.services.send.status(id)!.engagementId, f.phones(8));
  });

  it('a queued send can be cancelled before it starts: nothing remote, the campaign is editable again', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 3 });
    await goOffline(f);
    await f.services.send.start(id);
    const report = await f.services.send.cancel(id);
    expect(report.remote).toEqual({ engagementId: null, envelopes: 0, objects: {} });
    expect(report.message).toMatch(/Nothing had been created in Omnigage/);
    expect(f.services.send.status(id)).toBeNull();
    expect(f.services.campaigns.get(id).status).toBe('ready');
    expect(f.services.send.audit.list({ campaignId: id }).entries.map((a) => a.action)).toEqual([
      'send.start',
      'send.cancel',
    ]);
  });
});

describe('send at a time', () => {
  it("gets everything ready in Omnigage and schedules only at the campaign's send time", async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 4 });
    const at = new Date(Date.now() + 1200).toISOString();
    f.services.campaigns.update(id, { delivery: { type: 'at', at } });
    await f.services.send.start(id);
    const waiting = await f.services.send.settled(id);
    expect(waiting).toMatchObject({
      state: 'queued',
      errorCode: null,
      envelopesSent: 4,
      nextAttemptAt: at,
    });
    expect(waiting?.message).toMatch(/will be scheduled at/);
    expect(f.sandbox.state.schedulePatchCount()).toBe(0);
    expect(f.services.campaigns.get(id).status).toBe('queued');
    f.services.send.startOutbox({ intervalMs: 50 });
    await until(() => f.services.send.status(id)?.state === 'scheduled', 10_000);
    expectExactlyOnce(f.sandbox, f.services.send.status(id)!.engagementId, f.phones(4));
    expect(Date.parse(f.sandbox.state.schedulePatches[0]!.at)).toBeGreaterThanOrEqual(
      Date.parse(at),
    );
  });
});

describe('pause, resume, cancel', () => {
  it('pauses between batches, schedules nothing, and resumes to exactly once', async () => {
    const f = await sendFixture({ engine: { batchSize: 2, concurrency: 1 } });
    const id = f.campaign({ count: 20 });
    slowEnvelopes(f.sandbox);
    await f.services.send.start(id);
    await until(() => f.sandbox.state.requestsTo('POST', 'envelopes').length >= 3);
    const paused = await f.services.send.pause(id);
    expect(paused.state).toBe('paused');
    expect(paused.envelopesSent).toBeGreaterThan(0);
    expect(paused.envelopesSent).toBeLessThan(20);
    expect(f.sandbox.state.schedulePatchCount()).toBe(0);
    expect(f.services.campaigns.get(id).status).toBe('sending');
    const resumed = await f.services.send.resume(id);
    expect(resumed.state).toBe('sending');
    const done = await f.services.send.settled(id);
    expect(done?.state).toBe('scheduled');
    expectExactlyOnce(f.sandbox, done!.engagementId, f.phones(20));
    const actions = f.services.send.audit.list({ campaignId: id }).entries.map((a) => a.action);
    expect(actions).toContain('send.pause');
    expect(actions).toContain('send.resume');
  });

  it('cancel mid-send says what exists in Omnigage; nothing is scheduled and it cannot be started again', async () => {
    const f = await sendFixture({ engine: { batchSize: 2, concurrency: 1 } });
    const id = f.campaign({ count: 20 });
    slowEnvelopes(f.sandbox);
    await f.services.send.start(id);
    await until(() => f.sandbox.state.requestsTo('POST', 'envelopes').length >= 2);
    const report = await f.services.send.cancel(id);
    const engagementId = f.sandbox.state.engagements[0]!.id;
    const remote = f.sandbox.state.envelopesOf(engagementId).length;
    expect(report.remote).toMatchObject({
      engagementId,
      envelopes: remote,
      objects: {
        'voice-templates': 1,
        engagements: 1,
        activities: 1,
        triggers: 2,
        envelopes: remote,
      },
    });
    expect(report.message).toContain(engagementId);
    expect(report.message).toMatch(/not scheduled.*Nobody will be called/);
    // In the person's words: what stays there, not the API's object types ("1 engagements").
    expect(report.message).toContain(
      `Omnigage keeps the campaign (engagement ${engagementId}), its messages and ${remote} of the people to call, not scheduled.`,
    );
    expect(report.message).not.toMatch(/envelope|trigger|voice-template|engagements/);
    expect(report.status.state).toBe('cancelled');
    expect(f.sandbox.state.schedulePatchCount()).toBe(0);
    expect(f.services.campaigns.get(id).status).toBe('cancelled');
    await expect(f.services.send.start(id)).rejects.toThrow(/cancelled/);
    // Duplicate gives an editable copy with the same content and recipients.
    const copy = f.services.campaigns.duplicate(id);
    expect(copy.status).toBe('draft');
    expect(copy.recipientCount).toBe(20);
  });

  it('a scheduled send cannot be cancelled or paused into anything else', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 2 });
    await f.services.send.start(id);
    await f.services.send.settled(id);
    await expect(f.services.send.cancel(id)).rejects.toThrow(/already scheduled/);
    expect((await f.services.send.resume(id)).state).toBe('scheduled');
  });
});

describe('one driver at a time', () => {
  it('a second process on the same database (the CLI next to the app) does not drive a send that is running', async () => {
    const f = await sendFixture({ engine: { batchSize: 2, concurrency: 1 } });
    const id = f.campaign({ count: 12 });
    slowEnvelopes(f.sandbox, 15);
    const other = createServices({
      dataDir: join(f.dir, 'data'),
      log: createMemoryLogger(),
      secrets: new MemorySecretStore(),
      env: sandboxEnv(f.sandbox),
      send: FAST,
    });
    afterEach(() => other.close());
    await f.services.send.start(id);
    await until(() => f.sandbox.state.requestsTo('POST', 'envelopes').length >= 2);
    expect(other.send.heldElsewhere(id)).toBe(true);
    const before = f.sandbox.state.requests.length;
    await other.send.resume(id);
    await other.send.settled(id);
    // The other process made no request and left the journal alone.
    expect(
      f.sandbox.state.requests
        .slice(before)
        .every((r) => r.method === 'POST' && r.path === 'envelopes'),
    ).toBe(true);
    const done = await f.services.send.settled(id);
    expect(done?.state).toBe('scheduled');
    expectExactlyOnce(f.sandbox, done!.engagementId, f.phones(12));
    expect(other.send.heldElsewhere(id)).toBe(false);
  });
});

describe('checks at send time', () => {
  it('re-validates recipients against the opt-out list as it is now', async () => {
    const f = await sendFixture();
    const profile = await f.services.profiles.addSandbox(f.sandbox.baseUrl);
    const id = f.campaign({ count: 5 });
    f.services.profiles.useForCampaign(id, profile.id);
    const [a, b] = f.phones(2);
    f.services.optOuts.add([a!, b!]);
    const check = await f.services.send.check(id);
    expect(check.recipients.recipients).toMatchObject({ valid: 3, optedOut: 2 });
    await f.services.send.start(id);
    const done = await f.services.send.settled(id);
    expect(done?.envelopesTotal).toBe(3);
    expectExactlyOnce(f.sandbox, done!.engagementId, f.phones(5).slice(2));
  });

  it('blocks on an unverified caller ID, a missing message and no sendable recipient, with reasons', async () => {
    const f = await sendFixture();
    const unverified = f.campaign({ count: 2, callerId: '+15555550101' });
    const check = await f.services.send.check(unverified);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      expect.objectContaining({ code: 'caller_id_unverified', blocking: true }),
    ]);
    await expect(f.services.send.start(unverified)).rejects.toThrow(/not verified/);
    expect(f.services.send.status(unverified)).toBeNull();
    expect(f.sandbox.state.engagements).toHaveLength(0);

    const empty = f.services.campaigns.create('Empty');
    const reasons = await f.services.send.check(empty.id);
    expect(reasons.problems.map((p) => p.code).sort()).toEqual([
      'no_caller_id',
      'no_message',
      'recipients',
    ]);
  });

  it('a matching caller ID can be given by phone number', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 2, callerId: '(555) 555-0100' });
    const check = await f.services.send.check(id);
    expect(check.callerId).toEqual({
      id: f.sandbox.callerId.id,
      phoneNumber: f.sandbox.callerId.phoneNumber,
    });
  });
});

describe('results polling', () => {
  it('the worker polls a scheduled send with backoff until every recipient has an outcome', async () => {
    // Short waits between polls, so the test sees several.
    const f = await sendFixture({ results: { pollBackoff: { baseMs: 20, capMs: 80 } } });
    const id = f.campaign({ count: 25 });
    const results = f.services.results;
    await f.services.send.start(id);
    await f.services.send.settled(id);
    f.services.db.prepare('UPDATE sends SET next_poll_at = 0').run();
    f.services.send.startOutbox({ intervalMs: 10 });
    // The "dialer" finishes a few calls at a time while the worker keeps polling.
    const dial = setInterval(() => f.sandbox.dialer.step(), 15);
    try {
      await until(() => f.services.send.status(id)?.state === 'completed', 10_000);
    } finally {
      clearInterval(dial);
    }
    const row = f.services.db.prepare('SELECT polls FROM sends WHERE campaign_id = ?').get(id) as {
      polls: number;
    };
    expect(row.polls).toBeGreaterThan(1);
    const page = results.page(id, 0, 100);
    expect(page.remote).toMatchObject({ total: 25, complete: 25, incomplete: 0 });
    expect(Object.values(page.outcomes).reduce((a, b) => a + b, 0)).toBe(25);
    expect(page.outcomes.pending).toBeUndefined();
    for (const r of page.rows)
      expect(r.outcome).toBe(f.sandbox.dialer.outcomeFor(r.e164!).resultKind);
    expect(f.services.campaigns.get(id).status).toBe('completed');
  });
});

describe('over IPC: progress events, results and the audit trail', () => {
  it('emits progress, polls results, exports results and the audit trail as CSV', async () => {
    const f = await sendFixture({ engine: { batchSize: 3 } });
    const id = f.campaign({ count: 7, extraRows: ['12,Bad,Row', `${f.phones(1)[0]},Twice,Again`] });
    const events: Array<{ event: EventName; payload: unknown }> = [];
    const dialogs = new ScriptedDialogs();
    const handlers = createHandlers({
      services: f.services,
      emit: <E extends EventName>(event: E, payload: Events[E]) => events.push({ event, payload }),
      version: 'test',
      dialogs,
    });
    const started = await handlers['send:start']({ campaignId: id });
    expect(started.state).toBe('sending');
    await f.services.send.settled(id);
    const progress = events
      .filter((e) => e.event === 'send:progress')
      .map((e) => e.payload as Events['send:progress']);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toMatchObject({
      state: 'scheduled',
      envelopesSent: 7,
      envelopesTotal: 7,
      step: 'done',
    });
    expect(progress.every((p) => !('journal' in p))).toBe(true);
    expect(events.some((e) => e.event === 'campaigns:changed')).toBe(true);

    // Before the dialer has run everything is pending.
    const before = await handlers['results:get']({ campaignId: id, offset: 0, limit: 100 });
    // The tiles add up to the total: the two rows never handed over have theirs.
    expect(before.outcomes).toEqual({
      pending: 7,
      'not called: invalid number': 1,
      'not called: repeats another row': 1,
    });
    expect(Object.values(before.outcomes).reduce((a, b) => a + b, 0)).toBe(before.total);
    // A row never sent is not "waiting for the call".
    expect(before.rows.find((r) => r.row === 8)?.outcome).toBe('not called: invalid number');
    f.sandbox.dialer.runUntilIdle();
    const after = await handlers['results:refresh']({ campaignId: id });
    expect(after.state).toBe('completed');
    expect(f.services.campaigns.get(id).status).toBe('completed');
    expect(events.some((e) => e.event === 'results:updated')).toBe(true);
    expect(after.total).toBe(9);
    const expected: Record<string, number> = {};
    for (const phone of f.phones(7)) {
      const kind = f.sandbox.dialer.outcomeFor(phone).resultKind ?? 'none';
      expected[kind] = (expected[kind] ?? 0) + 1;
    }
    expect(after.outcomes).toEqual({
      ...expected,
      'not called: invalid number': 1,
      'not called: repeats another row': 1,
    });
    const row1 = after.rows[0]!;
    expect(row1).toMatchObject({
      row: 1,
      e164: f.phones(1)[0],
      fields: { Phone: f.phones(1)[0], 'First Name': 'Name0', City: 'Town0' },
    });
    expect(row1.envelopeId).toBeTruthy();
    expect(row1.outcome).toBe(f.sandbox.dialer.outcomeFor(f.phones(1)[0]!).resultKind);

    const csvPath = join(f.dir, 'results.csv');
    dialogs.willSave(csvPath);
    const exported = await handlers['results:export']({ campaignId: id });
    expect(exported.saved).toEqual({ path: csvPath, rows: 9 });
    const lines = readFileSync(csvPath, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    // The export uses the screen's words: no "E.164", "envelope id", "human" or "machine".
    expect(lines[0]).toBe('Phone,First Name,City,Number called,Status,Outcome,Omnigage reference');
    expect(lines).toHaveLength(10);
    expect(lines[8]).toBe('12,Bad,Row,,Not called — invalid number,Not called — invalid number,');
    // The row it repeats as the spreadsheet numbers it (the header is row 1), as the app shows it.
    expect(lines[9]).toBe(
      `${f.phones(1)[0]},Twice,Again,,Not called — repeats row 2,Not called — repeats row 2,`,
    );
    expect(lines.join('\n')).not.toMatch(/,(human|machine|pending),/);
    const envelope = f.sandbox.state
      .envelopesOf(f.services.send.status(id)!.engagementId!)
      .find((e) => e.attributes['phone-number'] === f.phones(1)[0]);
    expect(lines[1]!.endsWith(`,${envelope!.id}`)).toBe(true);
    expect(lines[1]).toMatch(/,(Answered by a person|Voicemail|No answer|Busy|Failed|Answered),/);

    const auditPath = join(f.dir, 'audit.csv');
    dialogs.willSave(auditPath);
    const audit = await handlers['audit:export']({ campaignId: id });
    const auditLines = readFileSync(auditPath, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(audit.saved?.rows).toBe(auditLines.length - 1);
    expect(auditLines[0]).toBe(
      'time,action,outcome,campaign id,campaign name,profile id,recipients sha256,remote type,remote id,count,detail',
    );
    expect(auditLines.filter((l) => l.includes(',create,ok,'))).toHaveLength(8);
    expect(auditLines.at(-1)).toMatch(/,send\.scheduled,ok,/);
    // Cancelled dialogs write nothing.
    expect(await handlers['results:export']({ campaignId: id })).toEqual({ saved: null });
  });
});
