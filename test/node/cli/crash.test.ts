import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../electron/sandbox';
import { seededRandom } from '../../../electron/sandbox/random';
import { phoneFor } from '../send/helpers';
import { cliEnv, runCliProcess, spawnCli, writeCampaign } from './helpers';

/**
 * Kill the CLI with SIGKILL at random moments of a send, resume, and repeat until a run ends
 * by itself: every valid recipient must have exactly one envelope and the engagement exactly
 * one schedule. Every request is slowed a little so the kills land in every phase (start-up,
 * templates, envelope batches in flight, scheduling); the moments come from a seeded stream so
 * a failure can be replayed.
 */
const RECIPIENTS = 240;

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'crash' });
  // A request takes 15–45 ms: a 240-recipient send in batches of 10 lasts about a second.
  sandbox.faults.chaos({
    rate: 1,
    actions: [
      { type: 'delay', ms: 15 },
      { type: 'delay', ms: 30 },
      { type: 'delay', ms: 45 },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'omnigage-crash-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('crash and resume', () => {
  it('SIGKILL at random moments, resumed each time: one envelope per valid recipient, one schedule', async () => {
    const phones = Array.from({ length: RECIPIENTS }, (_, i) => phoneFor(i));
    const file = writeCampaign(dir, {
      callerId: sandbox.callerId.id,
      rows: [
        ...phones.map((p, i) => `${p},N${i},L${i}`),
        'not-a-number,X,Y',
        `${phones[0]},Dup,Row`,
      ],
    });
    const env = cliEnv(sandbox, join(dir, 'home'), { OMNIGAGE_BATCH_SIZE: '10' });
    const random = seededRandom('crash-moments', 'kills');
    const kills: number[] = [];
    let finished: Awaited<ReturnType<typeof runCliProcess>> | undefined;
    for (let attempt = 0; attempt < 10 && !finished; attempt++) {
      const { child, done } = spawnCli(['send', file, '--json'], env);
      // The kill moment is counted in requests the sandbox has seen from this run (0: during
      // start-up), so it lands in every phase whatever the machine's speed. After five kills
      // the run is left to finish.
      const seenBefore = sandbox.state.requests.length;
      const killAfter = attempt < 5 ? Math.floor(random() * (attempt === 0 ? 8 : 14)) : Infinity;
      const startupDelay = 100 + random() * 400;
      const started = Date.now();
      const watch = setInterval(() => {
        const seen = sandbox.state.requests.length - seenBefore;
        if (seen >= killAfter && (killAfter > 0 || Date.now() - started >= startupDelay)) {
          clearInterval(watch);
          kills.push(seen);
          child.kill('SIGKILL');
        }
      }, 2);
      const result = await done;
      clearInterval(watch);
      if (result.signal === 'SIGKILL') continue;
      expect(result.code, result.stderr).toBe(0);
      finished = result;
    }
    expect(finished, 'a run finished by itself').toBeDefined();
    expect(kills.length).toBeGreaterThanOrEqual(2);
    const out = JSON.parse(finished!.stdout);
    expect(out).toMatchObject({ envelopes: RECIPIENTS, status: 'scheduled' });

    const engagementId = out.engagementId as string;
    const envelopes = sandbox.state
      .envelopesOf(engagementId)
      .map((e) => String(e.attributes['phone-number']));
    expect(envelopes.length).toBe(RECIPIENTS);
    expect(new Set(envelopes).size).toBe(RECIPIENTS);
    expect([...envelopes].sort()).toEqual([...phones].sort());
    // Nothing else anywhere: no envelope on another engagement, one schedule in total.
    expect(sandbox.state.envelopes.length).toBe(RECIPIENTS);
    expect(sandbox.state.schedulePatchCount()).toBe(1);
    expect(sandbox.state.schedulePatchCount(engagementId)).toBe(1);

    // Once scheduled, another send makes no request at all.
    const before = sandbox.state.requests.length;
    const again = await runCliProcess(['send', file, '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(out);
    expect(sandbox.state.requests.length).toBe(before);
  });

  it('Ctrl+C stops after the requests in flight (exit 130); the next send resumes to exactly once', async () => {
    const folder = join(dir, 'interrupt');
    const phones = Array.from({ length: 120 }, (_, i) => phoneFor(1000 + i));
    const file = writeCampaign(folder, {
      callerId: sandbox.callerId.id,
      rows: phones.map((p, i) => `${p},N${i},L${i}`),
    });
    const env = cliEnv(sandbox, join(folder, 'home'), { OMNIGAGE_BATCH_SIZE: '10' });
    const before = sandbox.state.envelopes.length;
    const { child, done } = spawnCli(['send', file, '--json'], env);
    const watch = setInterval(() => {
      if (sandbox.state.envelopes.length - before >= 30) {
        clearInterval(watch);
        child.kill('SIGINT');
      }
    }, 2);
    const stopped = await done;
    clearInterval(watch);
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toBe('');
    expect(stopped.stderr).toMatch(/run send again to resume/i);
    const status = JSON.parse((await runCliProcess(['status', file, '--json'], env)).stdout);
    expect(status.state).toBe('sending');
    expect(status.envelopes.sent).toBeGreaterThan(0);
    expect(status.envelopes.sent).toBeLessThan(120);
    const resumed = await runCliProcess(['send', file, '--json'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const out = JSON.parse(resumed.stdout);
    expect(out).toMatchObject({ envelopes: 120, status: 'scheduled' });
    const numbers = sandbox.state
      .envelopesOf(out.engagementId)
      .map((e) => String(e.attributes['phone-number']));
    expect(numbers.length).toBe(120);
    expect(new Set(numbers).size).toBe(120);
    expect(sandbox.state.schedulePatchCount(out.engagementId)).toBe(1);
  });
});
