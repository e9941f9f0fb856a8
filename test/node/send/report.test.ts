import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/errors';
import type { CampaignReport } from '../../../shared/report';
import { ScriptedDialogs } from '../../../electron/dialogs';
import { createDispatcher } from '../../../electron/ipc/bind';
import { createHandlers } from '../../../electron/ipc/handlers';
import { reportPaper } from '../../../electron/send/report';
import type { DialOutcome } from '../../../electron/sandbox/dialer';
import { dialOutcome as outcome } from '../../helpers/outcomes';
import { sendFixture, type SendFixture } from './helpers';

const OUTCOMES: Record<string, DialOutcome> = {
  '+12025550101': outcome('human'),
  '+12025550102': outcome('machine'),
  '+12025550103': outcome('busy', 'busy'),
};
/** Three called, one not a number, one repeat: every kind of count the report has. */
const LIST =
  'Phone,First Name\n(202) 555-0101,Ann\n(202) 555-0102,Bo\n(202) 555-0103,Cy\nnone,Dee\n202-555-0103,Cy again\n';
const BODY = 'Hello {{first-name}}, your test results are ready.';

async function sent(f: SendFixture): Promise<string> {
  const { id } = f.services.campaigns.create('Clinic reminder');
  f.services.campaigns.update(id, {
    callerId: f.sandbox.callerId.id,
    human: { kind: 'text', body: BODY, voice: 'Polly-Joanna' },
  });
  writeFileSync(join(f.dir, 'patients.csv'), LIST);
  f.services.recipients.import({ campaignId: id, filePath: join(f.dir, 'patients.csv') });
  await f.services.send.start(id);
  expect((await f.services.send.settled(id))?.state).toBe('scheduled');
  f.sandbox.dialer.runUntilIdle();
  await f.services.results.refresh(id);
  return id;
}

function window(f: SendFixture, print?: () => Promise<Uint8Array>) {
  const dialogs = new ScriptedDialogs();
  const dispatch = createDispatcher(
    createHandlers({
      services: f.services,
      emit: () => {},
      version: '0.0.0-report',
      dialogs,
      printPdf: print,
    }),
    f.log,
  );
  const call = async <T>(channel: string, input: unknown) =>
    (await dispatch(channel, input)) as Result<T>;
  return { dialogs, call };
}

const PDF = new TextEncoder().encode('%PDF-1.7\n% a report\n%%EOF\n');

describe('Results → Save report as PDF', () => {
  it('reports the counts, the timing, the sender and the caller ID, and nothing about any recipient', async () => {
    const f = await sendFixture({
      sandbox: { dialer: { outcomeFor: (p) => OUTCOMES[p] } },
      who: { user: 'alice', computer: 'FRONT-DESK' },
    });
    const id = await sent(f);
    const { call } = window(f);
    const answer = await call<CampaignReport>('results:report', { campaignId: id });
    if (!answer.ok) throw new Error(answer.error.message);
    const report = answer.value;
    expect(report).toMatchObject({
      campaignName: 'Clinic reminder',
      sentWith: 'Credentials from the environment (command line)',
      // Who pressed Send, recorded with the send (a person and a computer, not a recipient).
      sentBy: 'alice on FRONT-DESK',
      recipients: 5,
      messages: [
        { for: 'person', how: 'Text-to-speech, voice Joanna' },
        { for: 'answering machine', how: 'The same message as for a person' },
      ],
    });
    // The same counts as the Results screen.
    expect(report.outcomes).toEqual(f.services.results.page(id, 0, 1).outcomes);
    expect(report.outcomes).toMatchObject({
      human: 1,
      machine: 1,
      busy: 1,
      'not called: invalid number': 1,
      'not called: repeats another row': 1,
    });
    expect(report.calledAt.reduce((n, [, c]) => n + c, 0)).toBe(3);
    // Credentials from the environment: no profile has fetched the caller IDs, so the id is all there is.
    expect(report.callerId).toEqual({ number: null, label: null, value: f.sandbox.callerId.id });
    expect(Date.parse(report.sentAt)).not.toBeNaN();
    expect(report.scheduledAt).not.toBeNull();
    // No number, name or message text of anyone on the list.
    const text = JSON.stringify(report);
    for (const leak of ['555-01', '55501', 'Ann', 'Cy again', 'test results', 'first-name'])
      expect(text).not.toContain(leak);
  });

  it('asks where to save, then writes what the window printed; a cancelled dialog writes nothing', async () => {
    const f = await sendFixture({ sandbox: { dialer: { outcomeFor: (p) => OUTCOMES[p] } } });
    const id = await sent(f);
    let printed = 0;
    const { dialogs, call } = window(f, () => {
      printed++;
      return Promise.resolve(PDF);
    });
    const out = join(f.dir, 'Clinic reminder report.pdf');
    dialogs.willSave(out);
    const saved = await call('results:savePdf', { campaignId: id });
    // The window learns the file's name, never the path.
    expect(saved).toEqual({
      ok: true,
      value: { saved: { fileName: 'Clinic reminder report.pdf', bytes: PDF.length } },
    });
    expect(readFileSync(out)).toEqual(Buffer.from(PDF));
    expect(dialogs.asked.at(-1)).toEqual({ kind: 'save', title: 'Save report as PDF' });

    // Cancelled: nothing printed, nothing written.
    const cancelled = await call('results:savePdf', { campaignId: id });
    expect(cancelled).toEqual({ ok: true, value: { saved: null } });
    expect(printed).toBe(1);
  });

  it('leaves an earlier report in place when the print fails, and refuses a draft before any dialog', async () => {
    const f = await sendFixture({ sandbox: { dialer: { outcomeFor: (p) => OUTCOMES[p] } } });
    const id = await sent(f);
    const out = join(f.dir, 'report.pdf');
    writeFileSync(out, 'the earlier report');
    const broken = window(f, () => Promise.resolve(new TextEncoder().encode('<html>')));
    broken.dialogs.willSave(out);
    const failed = await broken.call('results:savePdf', { campaignId: id });
    expect(failed).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(readFileSync(out, 'utf8')).toBe('the earlier report');
    expect(readdirSync(f.dir).filter((n) => n.endsWith('.part'))).toEqual([]);

    const draft = f.campaign();
    const refused = await broken.call('results:savePdf', { campaignId: draft });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/has not been sent/) },
    });
    expect(broken.dialogs.asked).toHaveLength(1);

    // Where nothing can print (the CLI's backend), it says so instead of writing an empty file.
    const windowless = window(f);
    windowless.dialogs.willSave(join(f.dir, 'never.pdf'));
    const unavailable = await windowless.call('results:savePdf', { campaignId: id });
    expect(unavailable).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(existsSync(join(f.dir, 'never.pdf'))).toBe(false);
  });

  it('prints on Letter paper in North America and on A4 elsewhere', () => {
    expect(reportPaper('US')).toBe('Letter');
    expect(reportPaper('ca')).toBe('Letter');
    expect(reportPaper('GB')).toBe('A4');
    expect(reportPaper('')).toBe('A4');
  });
});
