import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp';
import { ipcWindow } from '../../helpers/ipc-window';

const tempDir = useTempDir();

function setup() {
  const dataDir = tempDir();
  const { services, events, dispatch, call } = ipcWindow(dataDir);
  return { dataDir, services, events, dispatch, call };
}

describe('recipients and opt-outs over the IPC contract', () => {
  it('imports, pages, summarises, previews and applies the do-not-call list', async () => {
    const { dataDir, services, events, call } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Clinic reminders' });
    const profile = await services.profiles.save({
      name: 'Main',
      apiUrl: 'https://api.omnigage.io/api/v1/',
      accountKey: '',
      tokenKey: 'k',
    });
    services.profiles.useForCampaign(campaign.id, profile.id);
    const file = join(dataDir, 'list.csv');
    writeFileSync(file, 'Mobile;First Name\n(212) 736-5000;Ann\n312-555-0142;\nbad;Cy\n');

    events.length = 0;
    const imported = await call<{ counts: unknown; delimiter: string }>('recipients:import', {
      campaignId: campaign.id,
      file: services.fileHandles.issue(file).handle,
      defaultCountry: 'us',
    });
    expect(imported).toMatchObject({
      delimiter: ';',
      counts: { total: 3, valid: 2, invalid: 1, duplicates: 0 },
    });
    expect(events).toEqual([{ event: 'campaigns:changed', payload: { ids: [campaign.id] } }]);
    await expect(call('recipients:list', { campaignId: campaign.id })).resolves.toMatchObject({
      list: { phoneColumn: 'Mobile', mergeFields: ['first-name'], defaultCountry: 'US' },
    });

    await call('optouts:add', { numbers: ['+12127365000'] });
    const summary = await call<{ recipients: unknown; mergeFields: unknown }>(
      'recipients:summary',
      {
        campaignId: campaign.id,
        texts: ['Hi {{first-name}}'],
      },
    );
    expect(summary.recipients).toEqual({
      total: 3,
      valid: 1,
      invalid: 1,
      duplicates: 0,
      optedOut: 1,
    });
    expect(summary.mergeFields).toEqual({
      used: ['first-name'],
      missing: [{ field: 'first-name', rows: [2] }],
    });

    const problems = await call<{ total: number; rows: Array<{ row: number; status: string }> }>(
      'recipients:page',
      {
        campaignId: campaign.id,
        filter: 'problems',
      },
    );
    expect(problems.rows.map((r) => [r.row, r.status])).toEqual([
      [1, 'opted-out'],
      [3, 'invalid'],
    ]);
    await expect(
      call('recipients:preview', { campaignId: campaign.id, row: 1, text: 'Hi {{first-name}}!' }),
    ).resolves.toMatchObject({
      text: 'Hi Ann!',
    });
    await expect(call('recipients:quietHours', { campaignId: campaign.id })).resolves.toMatchObject(
      { inside: expect.any(Number) },
    );
    await expect(call('optouts:list', { profileId: profile.id })).resolves.toMatchObject({
      total: 1,
    });
    await expect(call('optouts:remove', { numbers: ['212 736 5000'] })).resolves.toMatchObject({
      changed: 1,
    });
    services.close();
  });

  it('returns refusals as data with the file named, and validates input first', async () => {
    const { dataDir, services, dispatch, call } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'X' });
    const missing = await dispatch('recipients:import', {
      campaignId: campaign.id,
      file: services.fileHandles.issue(join(dataDir, 'nope.csv')).handle,
    });
    expect(missing).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'nope.csv: the file does not exist (it may have been moved or renamed).',
      },
    });
    const badCountry = await dispatch('recipients:import', {
      campaignId: campaign.id,
      file: services.fileHandles.issue(join(dataDir, 'a.csv')).handle,
      defaultCountry: 'USA',
    });
    expect(badCountry).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('two-letter') },
    });
    const noList = await dispatch('recipients:page', { campaignId: campaign.id });
    expect(noList).toMatchObject({ ok: false, error: { code: 'not_found' } });
    services.close();
  });
});
