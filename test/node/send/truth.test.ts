import { describe, expect, it } from 'vitest';
import { sayOnce, type ConnectionState } from '../../../shared/send';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { Reachability } from '../../../electron/send/reachability';
import { sendFixture } from './helpers';

/**
 * What the send screens are told: a refusal said once with the batches it hit, and whether
 * Omnigage answers, learned from the requests themselves within one failed request.
 */
describe('a repeated refusal is said once', () => {
  it('sayOnce keeps each sentence once, in order, and caps a long list of different reasons', () => {
    const repeated = `Omnigage did not accept the request: ${'Engagement "e1" does not exist. '.repeat(100)}`;
    expect(sayOnce(repeated)).toBe(
      'Omnigage did not accept the request: Engagement "e1" does not exist.',
    );
    const many = Array.from({ length: 10 }, (_, i) => `Row ${i} is wrong.`).join(' ');
    expect(sayOnce(many, 3)).toBe(
      'Row 0 is wrong. Row 1 is wrong. Row 2 is wrong. (And 7 other reasons: the audit trail lists them all.)',
    );
  });

  it('a bulk refusal with one error per envelope stops the send with the reason once and the batches it hit', async () => {
    const f = await sendFixture({ engine: { batchSize: 20, concurrency: 2 } });
    const id = f.campaign({ count: 100 });
    const errors = Array.from({ length: 20 }, (_, i) => ({
      detail: 'Engagement "x" does not exist.',
      source: { pointer: `/data/${i}` },
    }));
    f.sandbox.faults.add({
      method: 'POST',
      path: 'envelopes',
      action: { type: 'status', status: 422, body: { errors } },
      times: Infinity,
    });
    await f.services.send.start(id);
    const status = await f.services.send.settled(id);
    expect(status?.state).toBe('failed');
    const message = status!.message!;
    expect(message.split('Engagement "x" does not exist.').length - 1).toBe(1);
    // Both workers' first batches were refused before the run stopped.
    expect(message).toMatch(/This affected 2 batches of recipients \(40 people\)\./);
    // What exists is said in people, and the way on names the window's button (Try again).
    expect(message).toMatch(
      /So far 0 people were handed to Omnigage \(engagement \w+\), not scheduled: nobody is called\. Trying again carries on from there\./,
    );
    expect(message).not.toMatch(/envelope|Resume/);
    expect(message.length).toBeLessThan(300);
  });
});

describe('requests repeated after a transient failure', () => {
  it('are counted for the progress line as the API client reports them', async () => {
    const f = await sendFixture({ engine: { batchSize: 50 } });
    const id = f.campaign({ count: 50 });
    f.sandbox.faults.add({
      method: 'POST',
      path: 'voice-templates',
      action: { type: 'status', status: 429 },
      times: 2,
    });
    // The count is live while the send runs: read it at each progress event.
    let seen = 0;
    const unsubscribe = f.services.send.subscribe((event) => {
      if (event.type === 'progress')
        seen = Math.max(seen, f.services.send.status(id)?.retries ?? 0);
    });
    await f.services.send.start(id);
    const status = await f.services.send.settled(id);
    unsubscribe();
    expect(status?.state).toBe('scheduled');
    expect(seen).toBe(2);
  });
});

describe('whether Omnigage answers', () => {
  const quiet = () => createMemoryLogger();

  it('any HTTP answer counts as answering; a refused connection or a timeout does not; our own abort says nothing', async () => {
    let mode: 'answer' | 'refuse' | 'timeout' = 'answer';
    const fake: typeof fetch = async (_input, init) => {
      if (mode === 'refuse')
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      if (mode === 'timeout') throw new DOMException('The operation timed out.', 'TimeoutError');
      if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
      return new Response('{}', { status: 404 });
    };
    const seen: ConnectionState[] = [];
    const reach = new Reachability({
      log: quiet(),
      target: () => 'http://omnigage.test/api/v1/',
      fetch: fake,
    });
    reach.subscribe((s) => seen.push(s));
    const wrapped = reach.wrap(fake);
    expect(reach.state().reach).toBe('unknown');

    await wrapped('http://omnigage.test/api/v1/envelopes');
    expect(reach.state().reach).toBe('answering');

    mode = 'refuse';
    await expect(wrapped('http://omnigage.test/api/v1/envelopes')).rejects.toThrow();
    expect(reach.state()).toMatchObject({
      reach: 'not_answering',
      detail: 'Nothing answered at the Omnigage address.',
    });

    mode = 'timeout';
    await expect(wrapped('http://omnigage.test/api/v1/envelopes')).rejects.toThrow();
    expect(reach.state()).toMatchObject({
      reach: 'not_answering',
      detail: 'Omnigage did not answer in time.',
    });

    // A pause or cancel aborts the request: that is not Omnigage's silence.
    mode = 'answer';
    await reach.probe();
    expect(reach.state().reach).toBe('answering');
    const abort = new AbortController();
    abort.abort(new Error('paused'));
    await expect(
      wrapped('http://omnigage.test/api/v1/envelopes', { signal: abort.signal }),
    ).rejects.toThrow();
    expect(reach.state().reach).toBe('answering');
    expect(seen.map((s) => s.reach)).toEqual(['answering', 'not_answering', 'answering']);
  });

  it('with no profile there is nothing to ask, and the header says so', () => {
    const reach = new Reachability({ log: quiet(), target: () => null });
    expect(reach.state()).toMatchObject({ reach: 'no_profile', apiUrl: null });
  });

  it('a probe still in flight when the backend closes does not read the closed profile store', async () => {
    let closed = false;
    let answer!: () => void;
    const announced: string[] = [];
    const reach = new Reachability({
      log: quiet(),
      target: () => {
        if (closed) throw new TypeError('The database connection is not open');
        return 'http://127.0.0.1:9/api/v1/';
      },
      fetch: () => new Promise<Response>((resolve) => (answer = () => resolve(new Response('{}')))),
    });
    reach.subscribe((state) => announced.push(state.reach));
    reach.start();
    await new Promise((resolve) => setImmediate(resolve));
    reach.stop();
    closed = true;
    answer();
    // The probe's answer arrives after the close: nothing is announced and nothing throws.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(announced).toEqual([]);
  });

  it('a send whose Omnigage stops answering says so at once, keeps its count, queues with a retry time, and goes when it answers again', async () => {
    const f = await sendFixture({ engine: { batchSize: 5, concurrency: 1, maxFailedRounds: 1 } });
    const id = f.campaign({ count: 20 });
    const progress: Array<{ omnigage: string; state: string; sent: number }> = [];
    f.services.send.subscribe((e) => {
      if (e.type === 'progress')
        progress.push({
          omnigage: e.progress.omnigage,
          state: e.progress.state,
          sent: e.progress.envelopesSent,
        });
    });
    // Two batches go, then every envelope request has its connection cut.
    f.sandbox.faults.add({
      method: 'POST',
      path: 'envelopes',
      action: { type: 'reset' },
      after: 2,
      times: Infinity,
    });
    await f.services.send.start(id);
    const queued = await f.services.send.settled(id);
    expect(queued).toMatchObject({
      state: 'queued',
      omnigage: 'not_answering',
      envelopesSent: 10,
      envelopesTotal: 20,
    });
    expect(queued?.nextAttemptAt).not.toBeNull();
    expect(queued?.message).toMatch(/will continue by itself/);
    // The window heard that Omnigage stopped answering while the run was still going.
    expect(progress.some((p) => p.omnigage === 'not_answering' && p.state === 'sending')).toBe(
      true,
    );

    // The connection returns: the probe hears it and the outbox sends the rest at once.
    f.sandbox.faults.clear();
    f.services.send.reachability.observe(f.sandbox.baseUrl, true);
    await new Promise((r) => setTimeout(r, 50));
    const done = await f.services.send.settled(id);
    expect(done).toMatchObject({ state: 'scheduled', envelopesSent: 20, omnigage: 'answering' });
  });
});
