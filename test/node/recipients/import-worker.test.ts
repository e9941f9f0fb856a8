import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/errors';
import type { ImportProgress } from '../../../shared/recipients/types';
import { writeRecipientCsv } from '../../bench/generate';
import { backendWithWorker } from '../../helpers/import-worker';
import { countTurns } from '../../helpers/event-loop';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();

/** The real backend (services, handlers, dispatcher) with imports on the worker thread, as in the app. */
function setup() {
  const dataDir = tempDir();
  const progress: ImportProgress[] = [];
  const listeners: Array<(p: ImportProgress) => void> = [];
  const { services, dispatch, call } = backendWithWorker(dataDir, (event, payload) => {
    if (event !== 'recipients:importProgress') return;
    progress.push(payload as ImportProgress);
    for (const listener of listeners) listener(payload as ImportProgress);
  });
  const handle = (path: string) => services.fileHandles.issue(path).handle;
  const firstRows = async (campaignId: string) =>
    (
      await call<{ rows: Array<{ row: number; phone: string }> }>('recipients:page', {
        campaignId,
        limit: 3,
      })
    ).rows.map((r) => r.phone);
  return { dataDir, services, progress, listeners, dispatch, call, handle, firstRows };
}

describe('imports on a worker thread', () => {
  it('store the list, reporting progress while reading and saving', async () => {
    const { dataDir, services, progress, call, handle, firstRows } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Big list' });
    const file = join(dataDir, 'big.csv');
    writeRecipientCsv(file, 30_000);
    const result = await call<{ counts: { total: number } }>('recipients:import', {
      campaignId: campaign.id,
      file: handle(file),
    });
    expect(result.counts.total).toBe(30_000);
    expect(
      (await call<{ list: { rowCount: number } }>('recipients:list', { campaignId: campaign.id }))
        .list.rowCount,
    ).toBe(30_000);
    expect(await firstRows(campaign.id)).toHaveLength(3);
    // Every 5,000 rows while reading (with the share of the file read), then the save.
    const reading = progress.filter((p) => p.stage === 'reading');
    expect(reading.map((p) => p.rows)).toEqual([5000, 10_000, 15_000, 20_000, 25_000, 30_000]);
    expect(
      reading.every(
        (p) =>
          p.campaignId === campaign.id && p.fraction !== null && p.fraction > 0 && p.fraction <= 1,
      ),
    ).toBe(true);
    expect(reading.at(-1)!.fraction!).toBeGreaterThan(reading[0]!.fraction!);
    expect(progress.some((p) => p.stage === 'saving')).toBe(true);
    expect(services.imports.running(campaign.id)).toBe(false);
  }, 60_000);

  it('can be cancelled, and the list stored before survives', async () => {
    const { dataDir, progress, listeners, call, dispatch, handle, firstRows } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Cancelled' });
    const small = join(dataDir, 'small.csv');
    writeFileSync(small, 'Phone,Name\n(212) 736-5000,Ann\n312-555-0142,Bob\n');
    await call('recipients:import', { campaignId: campaign.id, file: handle(small) });
    const before = await firstRows(campaign.id);

    const big = join(dataDir, 'big.csv');
    writeRecipientCsv(big, 200_000);
    // Cancel as soon as the first progress arrives (the worker is then well inside the file).
    let cancelled: Promise<Result<unknown>> | null = null;
    listeners.push(() => {
      cancelled ??= dispatch('recipients:cancelImport', { campaignId: campaign.id });
    });
    const outcome = await dispatch('recipients:import', {
      campaignId: campaign.id,
      file: handle(big),
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(!outcome.ok && outcome.error.message).toMatch(/cancelled.*as it was/);
    expect(await cancelled).toEqual({ ok: true, value: { cancelling: true } });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.rows).toBeLessThan(200_000);
    // Nothing of the big file was kept.
    expect(await firstRows(campaign.id)).toEqual(before);
    const list = await call<{ list: { rowCount: number; fileName: string } }>('recipients:list', {
      campaignId: campaign.id,
    });
    expect(list.list).toMatchObject({ rowCount: 2, fileName: 'small.csv' });
    // Nothing is running any more: Cancel says so, and a new import starts.
    expect(await call('recipients:cancelImport', { campaignId: campaign.id })).toEqual({
      cancelling: false,
    });
    await call('recipients:import', { campaignId: campaign.id, file: handle(small) });
  }, 60_000);

  it('that fail part-way leave the stored list as it was and say why', async () => {
    const { dataDir, call, dispatch, handle, firstRows } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Failed' });
    const small = join(dataDir, 'small.csv');
    writeFileSync(small, 'Phone,Name\n(212) 736-5000,Ann\n');
    await call('recipients:import', { campaignId: campaign.id, file: handle(small) });
    // 20,000 good rows, then a quote that is never closed: refused at the end of the file.
    const broken = join(dataDir, 'broken.csv');
    writeRecipientCsv(broken, 20_000);
    appendFileSync(broken, '"(212) 736-5001,Unclosed\r\n');
    const outcome = await dispatch('recipients:import', {
      campaignId: campaign.id,
      file: handle(broken),
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!outcome.ok && outcome.error.message).toMatch(/^broken\.csv: /);
    expect(await firstRows(campaign.id)).toEqual(['(212) 736-5000']);
  }, 60_000);

  it('refuse a second import into the same campaign while one runs', async () => {
    const { dataDir, call, dispatch, handle } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Twice' });
    const big = join(dataDir, 'big.csv');
    writeRecipientCsv(big, 50_000);
    const first = dispatch('recipients:import', { campaignId: campaign.id, file: handle(big) });
    const second = await dispatch('recipients:import', {
      campaignId: campaign.id,
      file: handle(big),
    });
    expect(second).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await first).toMatchObject({ ok: true, value: { counts: { total: 50_000 } } });
  }, 60_000);
});

describe("a long list's validation summary", () => {
  it('is built on the worker, the same as on this thread, while this thread keeps answering', async () => {
    const { dataDir, services, call, handle } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Big list' });
    const file = join(dataDir, 'big.csv');
    writeRecipientCsv(file, 30_000);
    await call('recipients:import', { campaignId: campaign.id, file: handle(file) });
    const texts = ['Hello {{first-name}}, see you in {{city}}.'];

    // The main thread's event loop turns while the summary is built (on this thread it could not).
    const turns = countTurns();
    const summary = await call('recipients:summary', { campaignId: campaign.id, texts });
    expect(turns()).toBeGreaterThan(1);

    const here = services.recipients.summary(campaign.id, { texts, profileId: null });
    expect(summary).toEqual(here);
    expect(here.recipients.total).toBe(30_000);
    expect(here.problems.length).toBeGreaterThan(0);
    // Review's check builds the same summary through the same path.
    const check = await call<{ recipients: unknown }>('send:check', { campaignId: campaign.id });
    expect(check.recipients).toEqual(
      services.recipients.summary(campaign.id, { texts: [], profileId: null }),
    );
  });
});
