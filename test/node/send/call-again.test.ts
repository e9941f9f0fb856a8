import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callAgainSchema } from '../../../shared/send';
import type { DialOutcome } from '../../../electron/sandbox/dialer';
import { sendFixture, type SendFixture } from './helpers';

const outcome = (resultKind: string, callStatus = 'completed'): DialOutcome => ({
  callStatus,
  resultKind,
  answered: callStatus === 'completed',
  durationSeconds: callStatus === 'completed' ? 20 : 0,
  envelopeStatus: callStatus === 'failed' ? 'failed' : 'completed',
});
/** Rows 1–5 of the list, one outcome each; row 6 is not a number, row 7 repeats row 4. */
const OUTCOMES: Record<string, DialOutcome> = {
  '+12025550101': outcome('human'),
  '+12025550102': outcome('machine'),
  '+12025550103': outcome('busy', 'busy'),
  '+12025550104': outcome('no-answer', 'unanswered'),
  '+12025550105': outcome('failed', 'failed'),
};
const LIST = [
  'Phone,First Name',
  '(202) 555-0101,Ann',
  '(202) 555-0102,Bo',
  '(202) 555-0103,Cy',
  '(202) 555-0104,Dee',
  '(202) 555-0105,Eve',
  'none,Flo',
  '202-555-0104,Dee again',
].join('\n');

async function sent(f: SendFixture, options: { call?: boolean } = {}): Promise<string> {
  const { id } = f.services.campaigns.create('Snow day');
  f.services.campaigns.update(id, {
    callerId: f.sandbox.callerId.id,
    human: {
      kind: 'text',
      body: 'Hello {{first-name}}, school is closed today.',
      voice: 'Polly-Joanna',
    },
    machine: { kind: 'text', body: 'This is the school: closed today.', voice: 'Polly-Joanna' },
  });
  const file = join(f.dir, 'families.csv');
  writeFileSync(file, LIST);
  f.services.recipients.import({ campaignId: id, filePath: file });
  await f.services.send.start(id);
  expect((await f.services.send.settled(id))?.state).toBe('scheduled');
  if (options.call !== false) f.sandbox.dialer.runUntilIdle();
  await f.services.results.refresh(id);
  return id;
}

const rowsOf = (f: SendFixture, id: string) =>
  f.services.recipients.page(id, { limit: 100 }).rows.map((r) => [r.row, r.e164, r.status]);

describe('Results → Call again', () => {
  it('makes an editable draft with the same messages and only the recipients whose outcome was ticked', async () => {
    const f = await fixture();
    const id = await sent(f);
    const source = f.services.campaigns.detail(id);

    const made = f.services.results.callAgain(id, ['not-reached', 'busy']);
    expect(made).toMatchObject({ recipients: 2, heldBack: 0 });
    expect(made.campaign).toMatchObject({
      name: 'Snow day — call again',
      status: 'draft',
      recipientCount: 2,
    });
    const draft = f.services.campaigns.detail(made.campaign.id);
    expect(draft.human).toEqual(source.human);
    expect(draft.machine).toEqual(source.machine);
    expect(draft.callerId).toBe(source.callerId);
    expect(draft.delivery).toEqual(source.delivery);
    // Rows keep their numbers in the spreadsheet: Cy (busy) is row 3, Dee (no answer) row 4.
    expect(rowsOf(f, made.campaign.id)).toEqual([
      [3, '+12025550103', 'valid'],
      [4, '+12025550104', 'valid'],
    ]);
    // The messages can be changed in the draft; the sent campaign stays as it was.
    f.services.campaigns.update(made.campaign.id, {
      human: {
        kind: 'text',
        body: 'Hello {{first-name}}, we tried to reach you yesterday.',
        voice: 'Polly-Joanna',
      },
    });
    expect(f.services.campaigns.detail(id).human).toEqual(source.human);

    // Each group picks its own outcomes; voicemail and failed together (another call-again from
    // the same results, asked for knowingly).
    const other = f.services.results.callAgain(id, ['voicemail', 'failed'], { again: true });
    expect(rowsOf(f, other.campaign.id)).toEqual([
      [2, '+12025550102', 'valid'],
      [5, '+12025550105', 'valid'],
    ]);
    // Answered calls, invalid numbers and repeated numbers are never in a call-again list.
    const all = f.services.results.callAgain(id, ['not-reached', 'busy', 'voicemail', 'failed'], {
      again: true,
    });
    expect(rowsOf(f, all.campaign.id).map(([row]) => row)).toEqual([2, 3, 4, 5]);
  });

  it('says a call-again was already made from these results before making a second one', async () => {
    const f = await fixture();
    const id = await sent(f);
    expect(f.services.results.page(id, 0, 10).calledAgain).toEqual([]);
    const first = f.services.results.callAgain(id, ['not-reached', 'busy']);
    expect(f.services.results.page(id, 0, 10).calledAgain).toEqual([
      {
        id: first.campaign.id,
        name: 'Snow day — call again',
        status: 'draft',
        createdAt: first.campaign.createdAt,
      },
    ]);
    // A second one holds the same people: refused unless asked for knowingly, nothing made.
    expect(() => f.services.results.callAgain(id, ['not-reached', 'busy'])).toThrow(
      '“Snow day — call again” was already made from these results. Anyone in both would be called twice if both are sent: open it instead, or make another only if you mean to.',
    );
    expect(f.services.campaigns.list()).toHaveLength(2);
    // Once sent, the first shows as sent; another can still be made, knowingly.
    await f.services.send.start(first.campaign.id);
    expect((await f.services.send.settled(first.campaign.id))?.state).toBe('scheduled');
    expect(f.services.results.page(id, 0, 10).calledAgain[0]!.status).toBe('scheduled');
    const second = f.services.results.callAgain(id, ['busy'], { again: true });
    expect(f.services.results.page(id, 0, 10).calledAgain.map((c) => c.id)).toEqual([
      first.campaign.id,
      second.campaign.id,
    ]);
    // The draft's own results do not list it; a deleted one is no longer listed; deleting the
    // source leaves those made from it whole.
    expect(f.services.results.page(first.campaign.id, 0, 10).calledAgain).toEqual([]);
    f.services.campaigns.delete(second.campaign.id);
    expect(f.services.results.page(id, 0, 10).calledAgain.map((c) => c.id)).toEqual([
      first.campaign.id,
    ]);
    f.services.campaigns.delete(id);
    expect(f.services.campaigns.get(first.campaign.id).name).toBe('Snow day — call again');
  });

  it('applies the do-not-call list again: counted when the draft is made, not called when it is sent', async () => {
    const f = await fixture();
    const id = await sent(f);
    // Cy asked not to be called after the first campaign.
    f.services.optOuts.add(['+12025550103']);
    const made = f.services.results.callAgain(id, ['not-reached', 'busy']);
    expect(made).toMatchObject({ recipients: 2, heldBack: 1 });
    expect(f.services.recipients.summary(made.campaign.id).recipients).toMatchObject({
      total: 2,
      valid: 1,
      optedOut: 1,
    });

    const before = f.sandbox.state.envelopes.length;
    await f.services.send.start(made.campaign.id);
    const done = await f.services.send.settled(made.campaign.id);
    expect(done).toMatchObject({ state: 'scheduled', envelopesTotal: 1 });
    const envelopes = f.sandbox.state.envelopesOf(done!.engagementId!);
    expect(envelopes.map((e) => e.attributes['phone-number'])).toEqual(['+12025550104']);
    expect(envelopes[0]!.attributes.meta).toEqual({ 'first-name': 'Dee' });
    expect(f.sandbox.state.envelopes.length).toBe(before + 1);
  });

  it('never picks a call still under way, and refuses a campaign not sent or no outcome ticked', async () => {
    const f = await fixture();
    const id = await sent(f, { call: false });
    // Nothing has been dialled: every outcome is still pending, so nobody is picked.
    expect(() =>
      f.services.results.callAgain(id, ['not-reached', 'busy', 'voicemail', 'failed']),
    ).toThrow(/No recipient has the outcomes ticked/);
    const draft = f.services.campaigns.create('Not sent');
    expect(() => f.services.results.callAgain(draft.id, ['busy'])).toThrow(/has not been sent/);
    expect(callAgainSchema.safeParse({ campaignId: id, groups: [] }).success).toBe(false);
    expect(callAgainSchema.safeParse({ campaignId: id, groups: ['answered'] }).success).toBe(false);
    // Only the sent campaign and the one draft exist: nothing was made by the refusals.
    expect(f.services.campaigns.list()).toHaveLength(2);
  });
});

function fixture(): Promise<SendFixture> {
  return sendFixture({ sandbox: { dialer: { outcomeFor: (phone) => OUTCOMES[phone] } } });
}

describe('results at a glance', () => {
  it('counts calls ended per minute and each sent campaign’s outcomes for the campaigns list', async () => {
    const now = Date.parse('2027-03-01T15:04:30Z');
    const f = await sendFixture({
      sandbox: { now: () => now, dialer: { outcomeFor: (phone) => OUTCOMES[phone] } },
    });
    const id = await sent(f);
    const page = f.services.results.page(id, 0, 10);
    // Five calls ended, all in the sandbox's one minute.
    expect(page.calledAt).toEqual([[Math.floor(now / 60_000), 5]]);
    const draft = f.services.campaigns.create('Not sent');
    const totals = f.services.results.totals([id, draft.id]);
    expect(Object.keys(totals)).toEqual([id]);
    expect(totals[id]).toEqual({ human: 1, machine: 1, busy: 1, 'no-answer': 1, failed: 1 });
  });
});
