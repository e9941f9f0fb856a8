import { describe, expect, it } from 'vitest';
import { expectExactlyOnce, sendFixture, until, type SendFixture, slowEnvelopes } from './helpers';

/**
 * Envelope ids are journaled per batch (one row per answered batch). Whatever way an id got
 * there (a bulk answer, part of one, a reconciliation), each recipient must find its own in the
 * results, the CSV export and the counts, and nothing may be sent twice.
 */

/** The sandbox's envelope id for each phone number of the send's engagement. */
function remoteIds(f: SendFixture, campaignId: string): Map<string, string> {
  const engagementId = f.services.send.status(campaignId)!.engagementId!;
  return new Map(
    f.sandbox.state
      .envelopesOf(engagementId)
      .map((e) => [String(e.attributes['phone-number']), e.id]),
  );
}

/** Each exported row's E.164 and envelope id columns. */
function csvIds(f: SendFixture, campaignId: string): Map<string, string> {
  const out = new Map<string, string>();
  const [header, ...lines] = [...f.services.results.csv(campaignId)].map((l) =>
    l.replace(/\r?\n$/, '').split(','),
  );
  // Keyed by the list's own phone column: "Number called" is empty for a row never called.
  const phone = header!.indexOf('Phone');
  const envelope = header!.indexOf('Omnigage reference');
  for (const cells of lines) out.set(cells[phone]!, cells[envelope]!);
  return out;
}

describe('envelope ids kept per batch', () => {
  it('an answer that leaves envelopes out: those it names are kept, the rest found by reconciliation, every id reaches results and CSV', async () => {
    let posts = 0;
    // The second bulk request is stored whole, but its answer names only 3 of its 5 envelopes.
    const trimming: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method !== 'POST' || !String(input).endsWith('/envelopes') || ++posts !== 2)
        return response;
      const body = (await response.json()) as { data: unknown[] };
      return new Response(JSON.stringify({ data: body.data.slice(0, 3) }), {
        status: response.status,
        headers: response.headers,
      });
    };
    const f = await sendFixture({ engine: { batchSize: 5, concurrency: 1, fetch: trimming } });
    const id = f.campaign({ count: 12 });
    await f.services.send.start(id);
    let status = await f.services.send.settled(id);
    if (status?.state === 'queued') {
      await f.services.send.resume(id);
      status = await f.services.send.settled(id);
    }
    expect(status?.state).toBe('scheduled');
    expectExactlyOnce(f.sandbox, status!.engagementId, f.phones(12));
    // Nobody was sent twice: the two left out were found by listing, not posted again.
    const sizes = f.sandbox.state
      .requestsTo('POST', 'envelopes')
      .map((r) => (r.body as { data: unknown[] }).data.length);
    expect(sizes).toEqual([5, 5, 2]);
    const reconcile = f.services.send.audit
      .list({ campaignId: id })
      .entries.find((a) => a.action === 'reconcile');
    expect(reconcile).toMatchObject({ remoteType: 'envelopes', count: 2, outcome: 'ok' });
    expect(status?.envelopesSent).toBe(12);

    const remote = remoteIds(f, id);
    const page = f.services.results.page(id, 0, 100);
    expect(page.rows).toHaveLength(12);
    for (const row of page.rows) expect(row.envelopeId, row.e164 ?? '').toBe(remote.get(row.e164!));
    expect(page.outcomes).toEqual({ pending: 12 });
    expect(csvIds(f, id)).toEqual(remote);
  });

  it('an opt-out added while paused drops only recipients still without an envelope', async () => {
    const f = await sendFixture({ engine: { batchSize: 2, concurrency: 1 } });
    const profile = await f.services.profiles.addSandbox(f.sandbox.baseUrl);
    const id = f.campaign({ count: 20 });
    f.services.profiles.useForCampaign(id, profile.id);
    slowEnvelopes(f.sandbox);
    await f.services.send.start(id);
    await until(() => f.sandbox.state.requestsTo('POST', 'envelopes').length >= 3);
    const paused = await f.services.send.pause(id);
    expect(paused.state).toBe('paused');
    const phones = f.phones(20);
    const sentAlready = phones[0]!;
    const notYet = phones[19]!;
    expect(remoteIds(f, id).has(sentAlready)).toBe(true);
    expect(remoteIds(f, id).has(notYet)).toBe(false);
    f.services.optOuts.add([sentAlready, notYet]);

    await f.services.send.resume(id);
    const done = await f.services.send.settled(id);
    expect(done?.state).toBe('scheduled');
    expectExactlyOnce(f.sandbox, done!.engagementId, phones.slice(0, 19));
    expect(done).toMatchObject({ envelopesSent: 19, envelopesTotal: 19 });

    const rows = new Map(f.services.results.page(id, 0, 100).rows.map((r) => [r.e164, r]));
    expect(rows.get(sentAlready)?.envelopeId).toBe(remoteIds(f, id).get(sentAlready));
    expect(rows.get(notYet)).toMatchObject({
      envelopeId: null,
      status: 'not called: opted out',
      outcome: 'not called: opted out',
    });
    expect(csvIds(f, id).get(notYet)).toBe('');
  });
});
