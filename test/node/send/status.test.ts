import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/run';
import { startSandbox, type Sandbox } from '../../../electron/sandbox';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { MAX_REFUSED_POLLS } from '../../../electron/send/results';
import { sendStateLabel } from '../../../shared/send';
import { cliEnv, writeCampaign } from '../cli/helpers';
import { sendFixture } from './helpers';

/** Honest status (issue 10): what "scheduled" means, approval, and polling that gets refused. */
describe('honest status', () => {
  it('a Pre-Compliance account: scheduled, shown as waiting for approval until Omnigage approves', async () => {
    const f = await sendFixture({ sandbox: { deviate: ['pre-compliance'] } });
    const id = f.campaign({ count: 4 });
    await f.services.send.start(id);
    const status = await f.services.send.settled(id);
    expect(status?.state).toBe('scheduled');
    expect(status?.waitingForApproval).toBe(true);
    expect(sendStateLabel(status!)).toBe('Scheduled — waiting for approval in Omnigage');
    // The (pretend) dialer calls nobody while the engagement is unapproved; polling keeps saying so.
    f.sandbox.dialer.runUntilIdle();
    await f.services.results.refresh(id);
    const after = f.services.send.status(id)!;
    expect(after).toMatchObject({
      state: 'scheduled',
      waitingForApproval: true,
      remote: { complianceApproved: false, complete: 0 },
    });
    // Approved in Omnigage: the label goes.
    f.sandbox.state.engagements[0]!.attributes['delivery-compliance-is-approved'] = true;
    await f.services.results.refresh(id);
    expect(f.services.send.status(id)).toMatchObject({
      state: 'scheduled',
      waitingForApproval: false,
    });
    expect(sendStateLabel(f.services.send.status(id)!)).toBe('Scheduled');
  });

  it('an account that approves at once is simply scheduled', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 2 });
    await f.services.send.start(id);
    const status = await f.services.send.settled(id);
    expect(status).toMatchObject({
      state: 'scheduled',
      waitingForApproval: false,
      remote: { status: 'scheduled', complianceApproved: true },
    });
  });

  it('a finished call whose result has no kind still gets an outcome (its call status), not "waiting" forever', async () => {
    const f = await sendFixture({
      sandbox: {
        dialer: {
          outcomes: [
            {
              callStatus: 'busy',
              resultKind: null,
              answered: false,
              durationSeconds: 0,
              envelopeStatus: 'completed',
              weight: 1,
            },
          ],
        },
      },
    });
    const id = f.campaign({ count: 3 });
    await f.services.send.start(id);
    await f.services.send.settled(id);
    f.sandbox.dialer.runUntilIdle();
    const page = await f.services.results.refresh(id);
    expect(page.outcomes).toEqual({ busy: 3 });
    expect(page.rows.every((row) => row.outcome === 'busy')).toBe(true);
  });

  it('result polling that keeps getting 4xx stops with a message instead of polling forever', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 2 });
    await f.services.send.start(id);
    await f.services.send.settled(id);
    f.sandbox.faults.add({
      method: 'GET',
      path: /^engagements\//,
      action: { type: 'status', status: 403, body: { errors: [{ detail: 'Token revoked.' }] } },
      times: Infinity,
    });
    for (let i = 1; i <= MAX_REFUSED_POLLS; i++) {
      f.services.db.prepare('UPDATE sends SET next_poll_at = 0').run();
      await f.services.results.pollDue(Date.now());
      const status = f.services.send.status(id)!;
      expect(status.state).toBe(i < MAX_REFUSED_POLLS ? 'scheduled' : 'completed');
    }
    const status = f.services.send.status(id)!;
    expect(status.message).toMatch(
      /^Results stopped: Omnigage refused the results request 3 times in a row/,
    );
    expect(status.message).toMatch(/scheduled in Omnigage/);
    const requests = f.sandbox.state.requestsTo('GET', /^engagements\//).length;
    // Nothing more is asked once stopped.
    f.services.db.prepare('UPDATE sends SET next_poll_at = 0').run();
    await f.services.results.pollDue(Date.now());
    expect(f.sandbox.state.requestsTo('GET', /^engagements\//).length).toBe(requests);
    expect(
      f.services.send.audit
        .list({ campaignId: id })
        .entries.some((e) => e.action === 'results.stopped'),
    ).toBe(true);
  });
});

describe('status --json', () => {
  let sandbox: Sandbox | undefined;
  let home: string | undefined;
  afterEach(async () => {
    await sandbox?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('says "Scheduled — waiting for approval in Omnigage" with the existing keys unchanged', async () => {
    sandbox = await startSandbox({ seed: 'status', deviate: ['pre-compliance'] });
    home = mkdtempSync(join(tmpdir(), 'omnigage-status-'));
    const file = writeCampaign(join(home, 'campaign'), {
      callerId: sandbox.callerId.id,
      rows: ['+12025550142,Ada,Lovelace', '+12125550143,Alan,Turing'],
    });
    const env = cliEnv(sandbox, join(home, 'data'));
    const secrets = new MemorySecretStore();
    const run = async (args: string[]) => {
      let stdout = '';
      const code = await runCli(args, {
        stdout: (t) => (stdout += t),
        stderr: () => {},
        env,
        cwd: home!,
        secrets,
      });
      return { code, stdout };
    };
    const sent = await run(['send', file, '--json']);
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toEqual({
      engagementId: expect.any(String),
      envelopes: 2,
      status: 'scheduled',
    });
    const shown = await run(['status', file, '--json']);
    expect(shown.code).toBe(0);
    const out = JSON.parse(shown.stdout);
    expect(out).toMatchObject({
      state: 'scheduled',
      envelopes: { sent: 2, total: 2 },
      label: 'Scheduled — waiting for approval in Omnigage',
      waitingForApproval: true,
      remote: { status: 'scheduled', complianceApproved: false },
    });
  });
});
