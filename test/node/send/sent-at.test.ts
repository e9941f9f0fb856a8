import { describe, expect, it } from 'vitest';
import { expectExactlyOnce, sendFixture, type SendFixture } from './helpers';

/** The known instant the services' clock stands at (far from the real time, so it shows). */
const T1 = Date.parse('2026-03-12T15:00:00.000Z');
const T2 = T1 + 90_000;

/** Each row of the send with when its envelope was recorded (null: none). */
function sentAt(
  f: SendFixture,
  campaignId: string,
): Array<{ row: number; sent_at: string | null }> {
  return f.services.db
    .prepare('SELECT row, sent_at FROM send_recipients WHERE campaign_id = ? ORDER BY row')
    .all(campaignId) as Array<{ row: number; sent_at: string | null }>;
}

/**
 * The frequency rule counts a call from when its envelope was recorded until its end time is
 * known (send_recipients.sent_at, migration 0016). The journal stamps it, with the services'
 * clock, in the commit that records the envelope ids.
 */
describe('sending records when each envelope was handed over', () => {
  it('every recipient handed to Omnigage gets the clock time its envelope was recorded at', async () => {
    const f = await sendFixture({
      clock: () => new Date(T1),
      engine: { batchSize: 3, concurrency: 1 },
    });
    const id = f.campaign({ count: 7 });
    await f.services.send.start(id);
    const status = await f.services.send.settled(id);
    expect(status).toMatchObject({ state: 'scheduled', envelopesSent: 7 });
    expectExactlyOnce(f.sandbox, status!.engagementId, f.phones(7));
    expect(sentAt(f, id)).toEqual(
      Array.from({ length: 7 }, (_, i) => ({ row: i + 1, sent_at: new Date(T1).toISOString() })),
    );
  });

  it('an envelope found later by a reconciliation counts from then; its batch-mates keep their time', async () => {
    let now = T1;
    let posts = 0;
    // The second bulk request is stored whole, but its answer names only 3 of its 5 envelopes:
    // the other 2 are found by listing the engagement's envelopes, a minute and a half later.
    const trimming: typeof fetch = async (input, init) => {
      const method = init?.method ?? 'GET';
      if (method === 'GET' && String(input).includes('/envelopes') && posts >= 2) now = T2;
      const response = await fetch(input, init);
      if (method !== 'POST' || !String(input).endsWith('/envelopes') || ++posts !== 2)
        return response;
      const body = (await response.json()) as { data: unknown[] };
      return new Response(JSON.stringify({ data: body.data.slice(0, 3) }), {
        status: response.status,
        headers: response.headers,
      });
    };
    const f = await sendFixture({
      clock: () => new Date(now),
      engine: { batchSize: 5, concurrency: 1, fetch: trimming },
    });
    const id = f.campaign({ count: 12 });
    await f.services.send.start(id);
    let status = await f.services.send.settled(id);
    if (status?.state === 'queued') {
      await f.services.send.resume(id);
      status = await f.services.send.settled(id);
    }
    expect(status).toMatchObject({ state: 'scheduled', envelopesSent: 12 });
    expectExactlyOnce(f.sandbox, status!.engagementId, f.phones(12));
    const rows = sentAt(f, id);
    const at = (from: number, to: number) =>
      rows.filter((r) => r.row >= from && r.row <= to).map((r) => r.sent_at);
    const t1 = new Date(T1).toISOString();
    const t2 = new Date(T2).toISOString();
    // The first batch, answered whole before the listing.
    expect(at(1, 5)).toEqual(Array(5).fill(t1));
    // The second batch (rows 6–10): the 3 the answer named keep the time they were recorded at,
    // the 2 the listing found have the time they were found.
    expect(at(6, 10).sort()).toEqual([t1, t1, t1, t2, t2]);
    // The last batch went after the listing; every row has an envelope and a time.
    expect(rows.every((r) => r.sent_at !== null)).toBe(true);
  });
});
