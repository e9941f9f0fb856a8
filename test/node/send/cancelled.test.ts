import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outcomeLabel, outcomeTotals, statusLabel } from '../../../shared/results-words';
import { afterCancelled, youCancelled } from '../../../shared/send';
import { campaignReport } from '../../../electron/send/report';
import { sendFixture, slowEnvelopes, until, type SendFixture } from './helpers';

/** The moment the services' clock shows: the cancel is recorded at this time. */
const AT = '2026-03-05T14:32:00.000Z';

/** A send of 10 cancelled part-way: some people in Omnigage (not scheduled), the rest never handed over. */
async function cancelledPartWay(f: SendFixture): Promise<{ id: string; handedOver: number }> {
  const id = f.campaign({ count: 10 });
  slowEnvelopes(f.sandbox);
  await f.services.send.start(id);
  await until(() => f.sandbox.state.requestsTo('POST', 'envelopes').length >= 2);
  await f.services.send.cancel(id);
  const handedOver = f.services.send.status(id)!.envelopesSent;
  // Part-way: both kinds of row are there to be worded.
  expect(handedOver).toBeGreaterThan(0);
  expect(handedOver).toBeLessThan(10);
  return { id, handedOver };
}

function fixture() {
  return sendFixture({
    engine: { batchSize: 2, concurrency: 1 },
    clock: () => new Date(AT),
  });
}

describe('a send the person cancelled', () => {
  it('shows the campaign as cancelled, not failed, while the stored status is kept as it was', async () => {
    const f = await fixture();
    const { id, handedOver } = await cancelledPartWay(f);
    expect(f.services.campaigns.get(id).status).toBe('cancelled');
    expect(f.services.campaigns.detail(id).status).toBe('cancelled');
    expect(f.services.campaigns.list().find((c) => c.id === id)?.status).toBe('cancelled');
    // No migration: the stored value is still the one the send wrote.
    const stored = f.services.db.prepare('SELECT status FROM campaigns WHERE id = ?').pluck();
    expect(stored.get(id)).toBe('failed');
    // Still locked, as any sent campaign: editing is refused with the way out.
    expect(() => f.services.campaigns.update(id, { callerId: 'x' })).toThrow(/Duplicate it/);
    // When and how many, as the screens say it.
    const status = f.services.send.status(id)!;
    expect(status.cancelledAt).toBe(AT);
    const when = new Date(AT).toLocaleString(undefined, {
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    expect(youCancelled(status.cancelledAt!, handedOver)).toBe(
      `You cancelled this send on ${when}; ${handedOver} people had been handed to Omnigage`,
    );
    // What the cancel said goes on after that line without saying "Cancelled" again.
    expect(afterCancelled(status.message!)).toMatch(
      /^Omnigage keeps the campaign \(engagement \w+\), its messages and \d+ of the people to call, not scheduled\. Nobody will be called for them\.$/,
    );
  });

  it('a send that really failed still reads failed', async () => {
    const f = await fixture();
    const id = f.campaign({ count: 10 });
    f.sandbox.faults.add({
      method: 'POST',
      path: 'envelopes',
      action: { type: 'status', status: 422, body: { errors: [{ detail: 'Refused.' }] } },
      times: Infinity,
    });
    await f.services.send.start(id);
    expect((await f.services.send.settled(id))?.state).toBe('failed');
    expect(f.services.campaigns.get(id).status).toBe('failed');
    expect(f.services.send.status(id)!.cancelledAt).toBeNull();
  });

  it('Results, the export and the report say nobody is called, never "Waiting for the call"', async () => {
    const f = await fixture();
    const { id, handedOver } = await cancelledPartWay(f);
    const page = f.services.results.page(id, 0, 100);
    expect(page.state).toBe('cancelled');
    expect(page.rows).toHaveLength(10);
    for (const r of page.rows) {
      expect(outcomeLabel(r.outcome ?? 'pending')).toBe('Not called — send cancelled');
      expect(statusLabel(r.status)).toBe('Not called — send cancelled');
    }
    // Those handed over keep their Omnigage reference: they are there, not scheduled.
    expect(page.rows.filter((r) => r.envelopeId !== null)).toHaveLength(handedOver);
    expect(page.outcomes).toEqual({ 'not called: send cancelled': 10 });
    expect(outcomeTotals(page.outcomes)).toMatchObject({ waiting: 0, notCalled: 10 });

    const csv = [...f.services.results.csv(id)].join('').trim().split(/\r?\n/);
    // Column names unchanged.
    expect(csv[0]).toBe('Phone,First Name,City,Number called,Status,Outcome,Omnigage reference');
    expect(csv).toHaveLength(11);
    for (const line of csv.slice(1))
      expect(line).toContain(',Not called — send cancelled,Not called — send cancelled,');
    expect(csv.join('\n')).not.toMatch(/Waiting|Not handed/);

    const report = campaignReport(f.services, id);
    expect(report.state).toBe('Cancelled');
    expect(report.cancelled).toEqual({ at: AT, handedOver });
    expect(report.outcomes).toEqual({ 'not called: send cancelled': 10 });
  });

  it('Call again and writing into the spreadsheet say the send was cancelled, not "not sent"', async () => {
    const f = await fixture();
    const { id } = await cancelledPartWay(f);
    expect(() => f.services.results.callAgain(id, ['failed'])).toThrow(
      /^You cancelled the send of "Weekly specials 1" before its calls started, so nobody was called\. Duplicate it to call its people\.$/,
    );
    const source = join(f.dir, 'list-1.csv');
    const out = join(f.dir, 'copy.csv');
    writeFileSync(out, '');
    expect(() => f.services.results.writeBack(id, source, out)).toThrow(
      /^You cancelled the send of "Weekly specials 1" before its calls started, so nobody was called/,
    );
  });
});
