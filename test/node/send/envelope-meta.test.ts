import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendFixture } from './helpers';

// Issue 11.8: a clinic's list holds dates of birth; only what the messages need may reach Omnigage.
describe('what leaves the laptop in each envelope (against the sandbox)', () => {
  it('sends only the fields the messages use plus chosen columns, in their spoken form; dates of birth never leave', async () => {
    const f = await sendFixture({ engine: { batchSize: 2 } });
    const c = f.services.campaigns.create('Appointment reminders');
    f.services.campaigns.update(c.id, {
      callerId: f.sandbox.callerId.id,
      human: {
        kind: 'text',
        body: 'Hello {{first-name}}, your appointment is on {{appt-date}} at {{appt-time}}. Balance {{balance}}.',
        voice: 'Polly-Joanna',
      },
      machine: {
        kind: 'text',
        body: 'Hi {{first-name}}, please call 555 0100 about {{appt-date}}.',
        voice: 'Polly-Joanna',
      },
      merge: {
        readAs: { 'appt-date': 'date', 'appt-time': 'time', balance: 'money' },
        fallbacks: { 'first-name': 'there' },
        sendColumns: ['Branch'],
      },
    });
    const file = join(f.dir, 'clinic.csv');
    const dobs = ['1961-02-03', '1975-11-30', '1988-07-14'];
    writeFileSync(
      file,
      [
        'Phone,First Name,Date of Birth,Appt Date,Appt Time,Balance,Branch,Diagnosis',
        `${f.phones(3)[0]},Ann,${dobs[0]},3/5/2027,14:30,"$1,234.50",North,Hypertension`,
        `${f.phones(3)[1]},,${dobs[1]},2027-03-08,9:00 AM,$0.99,South,Asthma`,
        `${f.phones(3)[2]},Cy,${dobs[2]},not sure,noon,$20.00,East,Diabetes`,
      ].join('\n'),
    );
    f.services.recipients.import({ campaignId: c.id, filePath: file });
    await f.services.send.start(c.id);
    const done = await f.services.send.settled(c.id);
    expect(done?.state).toBe('scheduled');

    const envelopes = f.sandbox.state.envelopesOf(done!.engagementId!);
    const metaOf = (phone: string) =>
      envelopes.find((e) => e.attributes['phone-number'] === phone)?.attributes.meta;
    expect(metaOf(f.phones(3)[0]!)).toEqual({
      'first-name': 'Ann',
      'appt-date': 'Friday, March 5',
      'appt-time': '2:30 PM',
      balance: '1,234 dollars and 50 cents',
      branch: 'North',
    });
    // An empty first name goes as its fallback word, decided here, not by Omnigage.
    expect(metaOf(f.phones(3)[1]!)).toMatchObject({
      'first-name': 'there',
      'appt-date': 'Monday, March 8',
      'appt-time': '9 AM',
      balance: '99 cents',
    });
    // A value that is not a date goes as written rather than being dropped or guessed.
    expect(metaOf(f.phones(3)[2]!)).toMatchObject({ 'appt-date': 'not sure', 'appt-time': 'noon' });
    for (const e of envelopes)
      expect(Object.keys(e.attributes.meta as object).sort()).toEqual([
        'appt-date',
        'appt-time',
        'balance',
        'branch',
        'first-name',
      ]);

    // Nothing the sandbox received, in any request, carries a date of birth or a diagnosis.
    const everything = JSON.stringify(f.sandbox.state.requests.map((r) => r.body));
    for (const secret of [
      ...dobs,
      'Hypertension',
      'Asthma',
      'Diabetes',
      'date-of-birth',
      'diagnosis',
    ])
      expect(everything).not.toContain(secret);
  });

  it('sends no merge values at all when the messages use none and no column is chosen', async () => {
    const f = await sendFixture();
    const id = f.campaign({
      count: 3,
      human: { kind: 'text', body: 'The branch closes early today.', voice: 'Polly-Joanna' },
    });
    await f.services.send.start(id);
    const done = await f.services.send.settled(id);
    const envelopes = f.sandbox.state.envelopesOf(done!.engagementId!);
    expect(envelopes).toHaveLength(3);
    for (const e of envelopes) expect(e.attributes.meta).toEqual({});
  });
});
