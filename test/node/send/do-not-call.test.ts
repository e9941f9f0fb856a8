import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectExactlyOnce, sendFixture } from './helpers';

describe('the office’s shared do-not-call file at send time (the app’s services)', () => {
  it('a stale copy blocks the check and the send, saying how old it is; nothing reaches the sandbox', async () => {
    const f = await sendFixture();
    const profile = await f.services.profiles.addSandbox(f.sandbox.baseUrl);
    const id = f.campaign({ count: 4 });
    f.services.profiles.useForCampaign(id, profile.id);
    const phones = f.phones(4);
    const office = join(f.dir, 'office');
    mkdirSync(office);
    const shared = join(office, 'dnc.csv');
    writeFileSync(shared, `number\n${phones[1]}\n`);
    await f.services.optOuts.useSharedFile(shared);
    expect((await f.services.send.check(id)).recipients.recipients).toMatchObject({
      valid: 3,
      optedOut: 1,
    });

    // The shared folder disconnects, and the copy read here is 8 days old.
    renameSync(office, join(f.dir, 'office-gone'));
    f.services.db
      .prepare('UPDATE do_not_call_shared_file SET read_at = ?')
      .run(new Date(Date.now() - 8 * 86_400_000).toISOString());
    const check = await f.services.send.check(id);
    expect(check.ok).toBe(false);
    const problem = check.problems.find((p) => p.code === 'do_not_call');
    expect(problem).toMatchObject({ blocking: true });
    expect(problem!.message).toMatch(
      /^The office's do-not-call file cannot be read: .*dnc\.csv was not found.*The last copy read here is 8 days old .*older than the 7-day limit, so nothing was sent\./,
    );
    await expect(f.services.send.start(id)).rejects.toThrow(/older than the 7-day limit/);
    expect(f.sandbox.state.requests.filter((r) => r.method === 'POST')).toEqual([]);

    // Within the office's limit the send goes, warned, and the copy's number is left out.
    f.services.optOuts.setMaxAgeDays(10);
    const warned = await f.services.send.check(id);
    expect(warned.problems.find((p) => p.code === 'do_not_call')).toMatchObject({
      blocking: false,
      message: expect.stringContaining('8 days old'),
    });
    await f.services.send.start(id);
    const done = await f.services.send.settled(id);
    expect(done?.state).toBe('scheduled');
    expectExactlyOnce(f.sandbox, done!.engagementId, [phones[0]!, phones[2]!, phones[3]!]);
  });

  it('a queued send reads the file again before its envelopes go, and stops when the copy became too old', async () => {
    const f = await sendFixture();
    const id = f.campaign({ count: 2 });
    const office = join(f.dir, 'office');
    mkdirSync(office);
    await f.services.optOuts.useSharedFile(join(office, 'dnc.csv'), { create: true });
    // Omnigage does not answer the check: the campaign waits in the outbox.
    f.sandbox.faults.add({ path: /caller-ids/, action: { type: 'reset' }, times: Infinity });
    expect((await f.services.send.start(id)).state).toBe('queued');
    f.sandbox.faults.clear();
    // By the time it goes, the shared folder is gone and the copy read is a month old.
    renameSync(office, join(f.dir, 'office-gone'));
    f.services.db
      .prepare('UPDATE do_not_call_shared_file SET read_at = ?')
      .run(new Date(Date.now() - 30 * 86_400_000).toISOString());
    await f.services.send.resume(id);
    const status = await f.services.send.settled(id);
    expect(status).toMatchObject({ state: 'failed' });
    expect(status!.message).toMatch(
      /^The office's do-not-call file cannot be read: .*The last copy read here is 30 days old/,
    );
    expect(f.sandbox.state.envelopes).toEqual([]);
    expect(f.sandbox.state.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });
});
