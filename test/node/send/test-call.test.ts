import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { toOneId } from '../../../electron/sandbox/state';
import { expectExactlyOnce, sendFixture } from './helpers';

/** "Call me first" against the real sandbox: one envelope, the right values, the campaign untouched. */
describe('test call', () => {
  it("calls the own number once with one row's values, in its own engagement, and leaves the campaign as it was", async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 4 });
    const before = f.services.campaigns.detail(id);

    const placed = await f.services.testCalls.call(id, { to: '(202) 555-0199', row: 3 });
    // Data row 3 is on line 4 of the file (the header is line 1): the app names it by that.
    expect(placed).toEqual({
      engagementId: expect.any(String),
      to: '+12025550199',
      row: 3,
      line: 4,
    });

    const { state } = f.sandbox;
    const engagement = state.get('engagements', placed.engagementId)!;
    expect(engagement.attributes.name).toBe(`${before.name} — test call`);
    const envelopes = state.envelopesOf(placed.engagementId);
    expect(envelopes).toHaveLength(1);
    expect(envelopes[0]!.attributes['phone-number']).toBe('+12025550199');
    // Row 3's values for the fields the message uses, as the campaign's own envelopes carry them (City stays local).
    expect(envelopes[0]!.attributes.meta).toEqual({ 'first-name': 'Name2' });
    expect(state.envelopes).toHaveLength(1);
    expect(state.schedulePatchCount(placed.engagementId)).toBe(1);
    // Both triggers, on the test engagement's activity, with the campaign's caller ID.
    const activity = state
      .list('activities')
      .find((a) => toOneId(a, 'engagement') === placed.engagementId)!;
    expect(toOneId(activity, 'caller-id')).toBe(f.sandbox.callerId.id);
    const triggers = state.list('triggers').filter((t) => toOneId(t, 'activity') === activity.id);
    expect(triggers.map((t) => t.attributes['on-event']).sort()).toEqual([
      'voice-human',
      'voice-machine',
    ]);

    // The campaign: same content and status, no send, no results.
    expect(f.services.campaigns.detail(id)).toEqual(before);
    expect(f.services.send.journal.get(id)).toBeUndefined();
    expect(f.services.send.status(id)).toBeNull();
    // In the audit trail, by campaign.
    const audit = f.services.send.audit.list({ campaignId: id }).entries;
    expect(audit.filter((e) => e.action === 'test-call')).toEqual([
      expect.objectContaining({
        outcome: 'ok',
        remoteId: placed.engagementId,
        count: 1,
        detail: 'to +12025550199, values of row 3',
      }),
    ]);
    expect(audit.filter((e) => e.action === 'test-call.create').map((e) => e.remoteType)).toEqual([
      'voice-templates',
      'engagements',
      'activities',
      'triggers',
      'triggers',
      'envelopes',
    ]);

    // The campaign then sends in full, separately.
    await f.services.send.start(id);
    const sent = await f.services.send.settled(id);
    expect(sent?.state).toBe('scheduled');
    expect(sent?.engagementId).not.toBe(placed.engagementId);
    expect(state.envelopesOf(sent!.engagementId!)).toHaveLength(4);
    expect(state.envelopesOf(placed.engagementId)).toHaveLength(1);
  });

  it("merges the first valid row by default and reads the number with the list's country", async () => {
    const f = await sendFixture();
    // Row 1 has no valid number: the first valid row is row 2.
    const id = f.campaign({
      count: 0,
      extraRows: ['n/a,Bad,Nowhere', '+12125550111,Good,Somewhere'],
    });
    const placed = await f.services.testCalls.call(id, { to: '202 555 0177' });
    expect(placed).toMatchObject({ row: 2, to: '+12025550177' });
    expect(f.sandbox.state.envelopesOf(placed.engagementId)[0]!.attributes.meta).toEqual({
      'first-name': 'Good',
    });
  });

  it('refuses a number or row it cannot use before any request', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 2 });
    await expect(f.services.testCalls.call(id, { to: '12' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: /Your number/,
    });
    await expect(f.services.testCalls.call(id, { to: '2025550199', row: 9 })).rejects.toMatchObject(
      {
        code: 'invalid_input',
        message: 'There is no row 9 in the recipient list (it has 2 rows).',
      },
    );
    await expect(
      f.services.testCalls.call(id, { to: '2025550199', line: 1 }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: /No recipient is on row 1 of the spreadsheet \(row 1 holds the column names/,
    });
    expect(f.sandbox.state.requests).toHaveLength(0);
  });

  it('takes the row as the spreadsheet numbers it (what the app shows) and merges that row', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 4 });
    const placed = await f.services.testCalls.call(id, { to: '2025550199', line: 4 });
    expect(placed).toMatchObject({ row: 3, line: 4 });
    const envelopes = f.sandbox.state.envelopesOf(placed.engagementId);
    expect(envelopes[0]!.attributes.meta).toEqual({ 'first-name': 'Name2' });
  });

  it('never sends the envelope twice: an answer lost after it landed is found by listing, and the call goes ahead', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 2 });
    f.sandbox.faults.add({
      method: 'POST',
      path: 'envelopes',
      action: { type: 'commit_then_fail' },
    });
    const placed = await f.services.testCalls.call(id, { to: '2025550199' });
    expect(f.sandbox.state.requestsTo('POST', 'envelopes')).toHaveLength(1);
    expectExactlyOnce(f.sandbox, placed.engagementId, ['+12025550199']);
  });

  it('a request that may have failed is not repeated: without the envelope confirmed nothing is scheduled and it says so', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 2 });
    f.sandbox.faults.add({
      method: 'POST',
      path: 'envelopes',
      action: { type: 'status', status: 502 },
    });
    const error = await f.services.testCalls
      .call(id, { to: '2025550199' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(
      /^The test call was not placed: .*not scheduled, so nobody will be called by it\.$/,
    );
    expect(f.sandbox.state.requestsTo('POST', 'envelopes')).toHaveLength(1);
    expect(f.sandbox.state.envelopes).toHaveLength(0);
    expect(f.sandbox.state.schedulePatchCount()).toBe(0);
    const entry = f.services.send.audit
      .list({ campaignId: id })
      .entries.find((e) => e.action === 'test-call')!;
    expect(entry.outcome).toBe('failed');
    expect(f.services.send.journal.get(id)).toBeUndefined();
  });

  it('a schedule whose answer was lost is checked, never sent twice', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 1 });
    f.sandbox.faults.add({
      method: 'PATCH',
      path: /^engagements\//,
      action: { type: 'commit_then_fail' },
    });
    const placed = await f.services.testCalls.call(id, { to: '2025550199' });
    expect(f.sandbox.state.schedulePatchCount(placed.engagementId)).toBe(1);
    expect(f.sandbox.state.requestsTo('PATCH', /^engagements\//)).toHaveLength(1);
  });
});
