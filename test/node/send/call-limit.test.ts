import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../electron/ipc/bind';
import { createHandlers } from '../../../electron/ipc/handlers';
import { SOURCE_IMPORT_WORKER } from '../../helpers/import-worker';
import { expectExactlyOnce, sendFixture, until, slowEnvelopes } from './helpers';

const DAY = 24 * 60 * 60 * 1000;
/** The known instant the clock stands at when the campaign under test is sent. */
const NOW = Date.parse('2026-03-12T15:00:00.000Z');

describe('the frequency rule at send time ("no more than N calls to a number in D days")', () => {
  it('holds back numbers called N times in D days by other campaigns, counts a deleted campaign, not a test call or older calls, and says how many everywhere', async () => {
    let now = NOW;
    const f = await sendFixture({ clock: () => new Date(now) });
    const profile = await f.services.profiles.addSandbox(f.sandbox.baseUrl);
    const phones = f.phones(6);
    const sendAt = async (at: number, count: number) => {
      now = at;
      const id = f.campaign({ count });
      f.services.profiles.useForCampaign(id, profile.id);
      await f.services.send.start(id, { profileId: profile.id });
      expect((await f.services.send.settled(id))?.state).toBe('scheduled');
      return id;
    };
    // Eight days ago (outside the window): phones 0–3. Six days ago: 0–2. Two days ago: 0–1.
    await sendAt(NOW - 8 * DAY, 4);
    await sendAt(NOW - 6 * DAY, 3);
    const recent = await sendAt(NOW - 2 * DAY, 2);
    // Yesterday a test call went to phone 2: it called the sender, not a recipient.
    now = NOW - DAY;
    const tester = f.campaign({ count: 1 });
    await f.services.testCalls.call(tester, { to: phones[2]!, profileId: profile.id });
    // The campaign of two days ago is deleted: its calls are still remembered.
    f.services.campaigns.delete(recent);

    now = NOW;
    f.services.send.history.setLimit(profile.id, { maxCalls: 2, days: 7 });
    const id = f.campaign({ count: 6 });
    f.services.profiles.useForCampaign(id, profile.id);
    const check = await f.services.send.check(id);
    expect(check.callLimit).toEqual({ maxCalls: 2, days: 7, recipients: 2 });
    expect(check.ok).toBe(true);
    expect(check.problems).toContainEqual({
      code: 'call_limit',
      blocking: false,
      message:
        "2 recipients are not called: already called 2 times or more in the last 7 days (this profile's limit: no more than 2 calls to a number in 7 days).",
    });

    const envelopesBefore = f.sandbox.state.envelopes.length;
    await f.services.send.start(id, { profileId: profile.id });
    const done = await f.services.send.settled(id);
    expect(done).toMatchObject({ state: 'scheduled', envelopesTotal: 4, envelopesSent: 4 });
    const mine = f.sandbox.state.envelopesOf(done!.engagementId!);
    expect(mine.map((e) => String(e.attributes['phone-number'])).sort()).toEqual(
      [phones[2], phones[3], phones[4], phones[5]].sort(),
    );
    expect(f.sandbox.state.envelopes.length - envelopesBefore).toBe(4);

    const held = f.services.send.audit
      .list({ campaignId: id })
      .entries.filter((e) => e.action === 'send.held');
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ count: 2, outcome: 'ok' });
    expect(held[0]!.detail).toContain('already called 2 times or more in the last 7 days');

    const page = f.services.results.page(id, 0, 10);
    expect(page.rows.map((r) => r.status)).toEqual([
      'not called: called 2 times in 7 days',
      'not called: called 2 times in 7 days',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(page.outcomes['not called: called 2 times in 7 days']).toBe(2);
    // The row's number's history, as the recipients table's row details show it: newest first,
    // the deleted campaign remembered by name; the test call is not there.
    const dispatch = createDispatcher(
      createHandlers({ services: f.services, emit: () => {}, version: 'x' }),
      f.log,
    );
    const history = (await dispatch('recipients:history', { campaignId: id, row: 1 })) as {
      ok: true;
      value: { e164: string; calls: Array<Record<string, unknown>> };
    };
    expect(history.value.e164).toBe(phones[0]);
    expect(history.value.calls).toEqual([
      expect.objectContaining({
        at: new Date(NOW - 2 * DAY).toISOString(),
        campaignName: 'Weekly specials 3',
        deleted: true,
        counted: true,
        outcome: null,
      }),
      expect.objectContaining({
        at: new Date(NOW - 6 * DAY).toISOString(),
        campaignName: 'Weekly specials 2',
        deleted: false,
      }),
      expect.objectContaining({
        at: new Date(NOW - 8 * DAY).toISOString(),
        campaignName: 'Weekly specials 1',
        deleted: false,
      }),
    ]);
    const called = (await dispatch('recipients:history', { campaignId: id, row: 3 })) as {
      ok: true;
      value: { calls: Array<{ campaignId: string }> };
    };
    expect(called.value.calls.map((c) => c.campaignId)).toContain(id);

    // The copy of the spreadsheet says the same in its Call status column (in the screen's words).
    const out = join(f.dir, 'results.csv');
    f.services.results.writeBack(id, join(f.dir, 'list-5.csv'), out);
    const lines = readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('Phone,First Name,City,Number called,Call status,Outcome,Called at');
    expect(lines[1]).toBe(
      `${phones[0]},Name0,Town0,,Not called — called 2 times in 7 days,Not called — called 2 times in 7 days,`,
    );
    expect(lines[3]).toMatch(
      new RegExp(`^\\${phones[2]},Name2,Town2,\\${phones[2]},Waiting to be called,`),
    );
  });

  it('a rule that would hold back everyone blocks the send, and nothing reaches Omnigage', async () => {
    let now = NOW - DAY;
    const f = await sendFixture({ clock: () => new Date(now) });
    const profile = await f.services.profiles.addSandbox(f.sandbox.baseUrl);
    f.services.send.history.setLimit(profile.id, { maxCalls: 1, days: 3 });
    const first = f.campaign({ count: 2 });
    await f.services.send.start(first, { profileId: profile.id });
    expect((await f.services.send.settled(first))?.state).toBe('scheduled');
    now = NOW;
    const again = f.campaign({ count: 2 });
    f.services.profiles.useForCampaign(again, profile.id);
    const check = await f.services.send.check(again);
    expect(check.ok).toBe(false);
    expect(check.problems.find((p) => p.code === 'call_limit')).toMatchObject({
      blocking: true,
      message: expect.stringMatching(
        /^Nobody would be called: every recipient was already called 1 time or more in the last 3 days/,
      ),
    });
    const posts = f.sandbox.state.requests.filter((r) => r.method === 'POST').length;
    await expect(f.services.send.start(again, { profileId: profile.id })).rejects.toThrow(
      /Nobody would be called/,
    );
    expect(f.sandbox.state.requests.filter((r) => r.method === 'POST').length).toBe(posts);

    // Four days later the first calls are outside the 3-day window: everyone is called.
    now = NOW + 3 * DAY;
    expect((await f.services.send.check(again)).callLimit).toEqual({
      maxCalls: 1,
      days: 3,
      recipients: 0,
    });
    // Without a rule nothing is held either.
    f.services.send.history.setLimit(profile.id, null);
    expect((await f.services.send.check(again)).callLimit).toBeNull();
  });

  it('a queued send applies the rule again before its envelopes go: calls made meanwhile by another campaign hold those numbers back', async () => {
    const f = await sendFixture({ clock: () => new Date(NOW) });
    const profile = await f.services.profiles.addSandbox(f.sandbox.baseUrl);
    f.services.send.history.setLimit(profile.id, { maxCalls: 1, days: 7 });
    const queued = f.campaign({ count: 4 });
    f.services.profiles.useForCampaign(queued, profile.id);
    // Omnigage does not answer the check: the campaign waits in the outbox with its 4 recipients.
    f.sandbox.faults.add({ path: /caller-ids/, action: { type: 'reset' }, times: Infinity });
    expect(await f.services.send.start(queued, { profileId: profile.id })).toMatchObject({
      state: 'queued',
      envelopesTotal: 4,
    });
    // Paused, so the outbox does not send it by itself when Omnigage answers again.
    expect((await f.services.send.pause(queued)).state).toBe('paused');
    f.sandbox.faults.clear();
    // Meanwhile another campaign calls the first two numbers.
    const other = f.campaign({ count: 2 });
    await f.services.send.start(other, { profileId: profile.id });
    expect((await f.services.send.settled(other))?.state).toBe('scheduled');

    await f.services.send.resume(queued);
    const done = await f.services.send.settled(queued);
    expect(done).toMatchObject({ state: 'scheduled', envelopesTotal: 2, envelopesSent: 2 });
    const phones = f.phones(4);
    const sent = f.sandbox.state.envelopesOf(done!.engagementId!);
    expect(sent.map((e) => String(e.attributes['phone-number'])).sort()).toEqual(
      [phones[2], phones[3]].sort(),
    );
    const held = f.services.send.audit
      .list({ campaignId: queued })
      .entries.filter((e) => e.action === 'send.held');
    expect(held).toEqual([expect.objectContaining({ count: 2, outcome: 'ok' })]);
    expect(f.services.results.page(queued, 0, 10).rows.map((r) => r.status)).toEqual([
      'not called: called 1 time in 7 days',
      'not called: called 1 time in 7 days',
      'pending',
      'pending',
    ]);
  });

  it('a resumed send does not count its own earlier batches against itself; the next campaign does', async () => {
    const now = NOW;
    const f = await sendFixture({
      clock: () => new Date(now),
      engine: { batchSize: 2, concurrency: 1 },
    });
    const profile = await f.services.profiles.addSandbox(f.sandbox.baseUrl);
    f.services.send.history.setLimit(profile.id, { maxCalls: 1, days: 7 });
    const id = f.campaign({ count: 10 });
    slowEnvelopes(f.sandbox);
    await f.services.send.start(id, { profileId: profile.id });
    await until(() => f.sandbox.state.requestsTo('POST', 'envelopes').length >= 2);
    const paused = await f.services.send.pause(id);
    expect(paused.state).toBe('paused');
    expect(paused.envelopesSent).toBeGreaterThan(0);
    expect(paused.envelopesSent).toBeLessThan(10);
    // While paused, its own envelopes do not make the rest look called already.
    expect((await f.services.send.check(id)).callLimit).toMatchObject({ recipients: 0 });
    await f.services.send.resume(id);
    const done = await f.services.send.settled(id);
    expect(done).toMatchObject({ state: 'scheduled', envelopesTotal: 10 });
    expectExactlyOnce(f.sandbox, done!.engagementId, f.phones(10));
    expect(
      f.services.send.audit.list({ campaignId: id }).entries.map((e) => e.action),
    ).not.toContain('send.held');

    // Another campaign to the first six numbers and four new ones: the six are held.
    const next = f.campaign({
      count: 6,
      extraRows: ['+12025550111,New1,Town', '+12025550112,New2,Town'],
    });
    f.services.profiles.useForCampaign(next, profile.id);
    expect((await f.services.send.check(next)).callLimit).toMatchObject({ recipients: 6 });
  });
});

describe('the frequency rule through IPC (Settings → API profiles)', () => {
  it('is set, read and removed per profile; a value out of range is refused naming it, and nothing is stored', async () => {
    const f = await sendFixture();
    const profile = await f.services.profiles.addSandbox(f.sandbox.baseUrl);
    const dispatch = createDispatcher(
      createHandlers({ services: f.services, emit: () => {}, version: 'x' }),
      f.log,
    );
    await expect(dispatch('profiles:callLimits', undefined)).resolves.toEqual({
      ok: true,
      value: {},
    });
    await expect(
      dispatch('profiles:setCallLimit', { profileId: profile.id, limit: { maxCalls: 3, days: 7 } }),
    ).resolves.toEqual({ ok: true, value: { maxCalls: 3, days: 7 } });
    const refused = (await dispatch('profiles:setCallLimit', {
      profileId: profile.id,
      limit: { maxCalls: 3, days: 400 },
    })) as { ok: false; error: { code: string; message: string } };
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe('invalid_input');
    expect(refused.error.message).toContain('Days: at most 365.');
    await expect(dispatch('profiles:callLimits', undefined)).resolves.toEqual({
      ok: true,
      value: { [profile.id]: { maxCalls: 3, days: 7 } },
    });
    await expect(
      dispatch('profiles:setCallLimit', { profileId: profile.id, limit: null }),
    ).resolves.toEqual({ ok: true, value: null });
    expect(f.services.send.history.limit(profile.id)).toBeNull();
    // A deleted profile takes its rule with it.
    f.services.send.history.setLimit(profile.id, { maxCalls: 1, days: 1 });
    await f.services.profiles.delete(profile.id);
    expect(f.services.send.history.limits()).toEqual({});
  });
});

describe('the frequency rule for a long list', () => {
  it('is counted on the worker thread at the services’ time, the same as on this thread', async () => {
    const f = await sendFixture({
      clock: () => new Date(NOW),
      importWorker: SOURCE_IMPORT_WORKER,
    });
    const profile = await f.services.profiles.addSandbox(f.sandbox.baseUrl);
    const past = f.campaign({ count: 2 });
    f.services.profiles.useForCampaign(past, profile.id);
    await f.services.send.start(past, { profileId: profile.id });
    expect((await f.services.send.settled(past))?.state).toBe('scheduled');

    f.services.send.history.setLimit(profile.id, { maxCalls: 1, days: 7 });
    // 25,000 rows, the first two called by the campaign above: long enough for the worker.
    const id = f.campaign({ count: 25_000 });
    f.services.profiles.useForCampaign(id, profile.id);
    const check = await f.services.send.check(id);
    // The services' clock says March 2026, when those calls were made: a worker reading the
    // computer's clock instead would find them months old and hold nobody.
    expect(check.callLimit).toEqual({ maxCalls: 1, days: 7, recipients: 2 });
    expect(f.services.send.history.wouldHold(id, profile.id, f.sandbox.baseUrl)).toEqual(
      check.callLimit,
    );
  });
});
