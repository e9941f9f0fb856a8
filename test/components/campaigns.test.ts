import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../../electron/backend';
import { createMemoryLogger } from '../../electron/logging/logger';
import { ApiCallError, type call as Call } from '../../renderer/lib/api';
import { CampaignsState } from '../../renderer/lib/campaigns.svelte';
import CampaignsScreen from '../../renderer/screens/CampaignsScreen.svelte';
import type { Navigation } from '../../renderer/lib/navigation.svelte';
import { realBackend } from './helpers';
import { MemorySecretStore } from '../../electron/secrets/memory-store';

/** The renderer's call() wired straight to a real backend on a temporary SQLite file. */
function realCall(): typeof Call {
  const backend = createBackend({
    secrets: new MemorySecretStore(),
    dataDir: mkdtempSync(join(tmpdir(), 'omnigage-components-')),
    log: createMemoryLogger(),
    emit: () => {},
    version: 'test',
  });
  return (async (channel: string, input?: unknown) => {
    const result = await backend.dispatch(channel, input);
    if (result.ok) return result.value;
    throw new ApiCallError(result.error.code, result.error.message);
  }) as typeof Call;
}

describe('CampaignsState', () => {
  it('loads, creates, renames, duplicates and removes through the backend', async () => {
    const state = new CampaignsState(realCall());
    await state.load();
    expect(state.loaded).toBe(true);
    expect(state.items).toEqual([]);

    const created = await state.create('Weekly specials');
    expect(created?.name).toBe('Weekly specials');
    expect(state.notice).toBe('Created "Weekly specials".');
    expect(state.items.map((c) => c.name)).toEqual(['Weekly specials']);

    await state.rename(created!.id, 'Weekly specials (Dec)');
    await state.duplicate(created!.id);
    expect(state.items.map((c) => c.name).sort()).toEqual([
      'Weekly specials (Dec)',
      'Weekly specials (Dec) (copy)',
    ]);

    await state.remove(state.items.find((c) => c.name.endsWith('(copy)'))!);
    expect(state.items.map((c) => c.name)).toEqual(['Weekly specials (Dec)']);
  });

  it('filters by the search term without asking the backend', async () => {
    const state = new CampaignsState(realCall());
    await state.create('School closure');
    await state.create('Clinic reminder');
    state.search = 'CLINIC';
    expect(state.visible.map((c) => c.name)).toEqual(['Clinic reminder']);
    state.search = '';
    expect(state.visible).toHaveLength(2);
  });

  it("shows the list even when the sent campaigns' totals cannot be had", async () => {
    const sent = {
      id: 'c1',
      name: 'Snow day',
      status: 'completed',
      recipientCount: 3,
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
    };
    const asked: string[] = [];
    const call = (async (channel: string) => {
      asked.push(channel);
      if (channel === 'campaigns:list') return [sent];
      throw new ApiCallError('internal', 'totals failed');
    }) as typeof Call;
    const state = new CampaignsState(call);
    await state.load();
    expect(asked).toEqual(['campaigns:list', 'results:totals']);
    expect(state.loaded).toBe(true);
    expect(state.error).toBeNull();
    expect(state.items.map((c) => c.name)).toEqual(['Snow day']);
    expect(state.totals).toEqual({});
  });

  it('keeps the message of a refused action for the status line', async () => {
    const state = new CampaignsState(realCall());
    expect(await state.create('   ')).toBeUndefined();
    expect(state.error).toBe('name: Give the campaign a name.');
  });
});

describe('CampaignsScreen', () => {
  afterEach(() => cleanup());

  it('shows the empty state, then creates a campaign from the dialog', async () => {
    const state = new CampaignsState(realCall());
    await state.load();
    render(CampaignsScreen, { props: { campaigns: state } });

    expect(screen.getByRole('heading', { name: 'No campaigns yet' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Create your first campaign' }));

    const dialog = screen.getByRole('dialog', { name: 'New campaign' });
    const create = within(dialog).getByRole('button', {
      name: 'Create campaign',
    }) as HTMLButtonElement;
    expect(create.disabled).toBe(true); // no name yet
    const input = within(dialog).getByLabelText('Campaign name') as HTMLInputElement;
    expect(document.activeElement).toBe(input); // focus lands in the dialog
    await fireEvent.input(input, { target: { value: 'Flu shots' } });
    expect(create.disabled).toBe(false);
    await fireEvent.click(create);

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getAllByTestId('campaign-row')).toHaveLength(1);
    expect(screen.getByRole('rowheader', { name: 'Flu shots' })).toBeTruthy();
  });

  it("counts every recipient in a sent campaign's results line, those not called too", async () => {
    const sent = {
      id: 'c1',
      name: 'Snow day',
      status: 'completed',
      recipientCount: 9,
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
    };
    const call = (async (channel: string) => {
      if (channel === 'campaigns:list') return [sent];
      return {
        // Those handed to Omnigage only (results:totals); one of them had no envelope.
        c1: { human: 3, busy: 1, 'rang-out': 1, pending: 1, 'not sent': 1 },
      };
    }) as typeof Call;
    const state = new CampaignsState(call);
    await state.load();
    render(CampaignsScreen, { props: { campaigns: state } });
    // 3 + 1 + 1 + 1 + (1 not sent + 2 never handed over) = the 9 recipients beside it.
    expect(screen.getByTestId('campaign-totals').textContent).toBe(
      '3 answered · 1 busy · 1 other outcome · 1 waiting · 3 not called',
    );
  });

  it('asks before deleting, and Escape keeps the campaign', async () => {
    const state = new CampaignsState(realCall());
    await state.create('Keep me');
    render(CampaignsScreen, { props: { campaigns: state } });

    await fireEvent.click(screen.getByRole('button', { name: 'Delete Keep me' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete this campaign?' });
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    flushSync();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getAllByTestId('campaign-row')).toHaveLength(1);

    await fireEvent.click(screen.getByRole('button', { name: 'Delete Keep me' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Delete campaign' }));
    await waitFor(() =>
      expect(screen.getByRole('heading', { name: 'No campaigns yet' })).toBeTruthy(),
    );
  });

  it("says a sent campaign's calls still go ahead, offers copies, and deletes only on confirmation", async () => {
    const { call, backend, dialogs, dataDir } = realBackend();
    const state = new CampaignsState(call);
    const sent = await state.create('Flu shots');
    backend.services!.campaigns.setStatus(sent!.id, 'scheduled');
    await state.load();
    render(CampaignsScreen, { props: { campaigns: state } });

    await fireEvent.click(screen.getByRole('button', { name: 'Delete Flu shots' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete a sent campaign?' });
    expect(within(dialog).getByTestId('delete-remote').textContent).toMatch(
      /The calls still go ahead\.\s+“Flu shots” is scheduled in Omnigage; deleting it\s+here does not stop or cancel any call/,
    );
    expect(within(dialog).getByTestId('delete-local').textContent).toMatch(
      /its results .* are deleted, and its audit trail can no longer be/s,
    );

    // A copy of the audit trail first: written where the person chose, reported inside the dialog.
    const target = join(dataDir, 'flu-audit.csv');
    dialogs.willSave(target);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Export audit trail…' }));
    await waitFor(() =>
      expect(within(dialog).getByTestId('copy-note').textContent).toContain(
        'Exported the audit trail of "Flu shots"',
      ),
    );
    expect(readFileSync(target, 'utf8')).toMatch(/^\uFEFFtime,action,outcome,/);

    await fireEvent.click(
      within(dialog).getByRole('button', { name: 'Delete from this computer' }),
    );
    await waitFor(() =>
      expect(screen.getByRole('heading', { name: 'No campaigns yet' })).toBeTruthy(),
    );
  });

  it('shows a send the person cancelled as Cancelled, not Failed, and says so before deleting it', async () => {
    const { call, backend } = realBackend();
    const services = backend.services!;
    const state = new CampaignsState(call);
    // What a cancel part-way leaves (electron/send/controls.ts): the send's record says
    // cancelled, the campaign's stored status is failed. A real failure next to it.
    const stopped = async (name: string, ended: 'cancelled' | 'failed') => {
      const campaign = (await new CampaignsState(call).create(name))!;
      services.send.journal.create({
        campaignId: campaign.id,
        state: 'sending',
        profileId: null,
        apiUrl: 'https://api.example.test',
        recipientsSha256: null,
        batchSize: 2,
      });
      services.send.journal.update(campaign.id, { state: ended, error_code: ended });
      services.campaigns.setStatus(campaign.id, 'failed');
    };
    await stopped('Flu shots', 'cancelled');
    await stopped('Snow day', 'failed');
    await state.load();
    render(CampaignsScreen, { props: { campaigns: state } });

    const row = (name: string) =>
      screen
        .getAllByTestId('campaign-row')
        .find((r) => within(r).queryByRole('rowheader', { name }))!;
    expect(within(row('Flu shots')).getByText('Cancelled').className).not.toMatch(/\bbad\b/);
    expect(within(row('Flu shots')).queryByText('Failed')).toBeNull();
    expect(within(row('Snow day')).getByText('Failed').className).toMatch(/\bbad\b/);

    await fireEvent.click(screen.getByRole('button', { name: 'Delete Flu shots' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete a sent campaign?' });
    expect(within(dialog).getByTestId('delete-remote').textContent).toMatch(
      /whatever the send handed\s+over before you cancelled it stays there, not scheduled, and nobody is called/,
    );
  });

  it('does not offer to delete a campaign that is being sent, and leads to the send instead', async () => {
    const { call, backend } = realBackend();
    const state = new CampaignsState(call);
    const busy = await state.create('Closure');
    backend.services!.campaigns.setStatus(busy!.id, 'sending');
    await state.load();
    const opened: Array<[string, string | undefined]> = [];
    const navigation = {
      openCampaign: (id: string, tab?: string) => (opened.push([id, tab]), Promise.resolve()),
    } as unknown as Navigation;
    render(CampaignsScreen, { props: { campaigns: state, navigation } });

    await fireEvent.click(screen.getByRole('button', { name: 'Delete Closure' }));
    const dialog = screen.getByRole('dialog', { name: 'This campaign is being sent' });
    expect(within(dialog).queryByRole('button', { name: /Delete/ })).toBeNull();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Open the send' }));
    expect(opened).toEqual([[busy!.id, 'review']]);
    expect(screen.getAllByTestId('campaign-row')).toHaveLength(1);
  });
});
