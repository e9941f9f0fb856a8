import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RecipientView } from '../../shared/recipients/types';
import type { call as Call } from '../../renderer/lib/api';
import MessageEditor from '../../renderer/components/MessageEditor.svelte';
import RecipientTable from '../../renderer/components/RecipientTable.svelte';
import { CampaignEditor, MessageDraft } from '../../renderer/lib/editor.svelte';
import { RecipientsState } from '../../renderer/lib/recipients.svelte';
import { SendState } from '../../renderer/lib/send.svelte';
import SendArea from '../../renderer/panels/SendArea.svelte';

/** An element's text as a reader sees it: runs of whitespace (from template line breaks) as one space. */
const textOf = (testId: string) =>
  screen.getByTestId(testId).textContent?.replace(/\s+/g, ' ') ?? null;

afterEach(() => cleanup());

// jsdom has no layout, so no ResizeObserver: the table's measured height stays at its default.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

/** A stand-in backend for a list of `total` recipients, recording the channels called. */
function fakeList(total: number) {
  const calls: Array<{ channel: string; input: unknown }> = [];
  const row = (i: number): RecipientView => ({
    row: i + 1,
    line: i + 2,
    phone: `212555${String(i).padStart(4, '0')}`,
    e164: `+1212555${String(i).padStart(4, '0')}`,
    status: 'valid',
    problem: null,
    lineType: null,
    fields: { 'first-name': `Person ${i + 1}` },
  });
  const call = (async (channel: string, input?: unknown) => {
    calls.push({ channel, input });
    if (channel === 'recipients:list') {
      return {
        list: {
          campaignId: 'c',
          fileName: 'big.csv',
          headers: ['Phone', 'First Name'],
          keys: ['phone', 'first-name'],
          phoneIndex: 0,
          phoneColumn: 'Phone',
          mergeFields: ['first-name'],
          defaultCountry: 'US',
          rowCount: total,
          importedAt: '',
          sha256: '',
          format: 'csv',
          encoding: 'utf-8',
          delimiter: ',',
        },
      };
    }
    if (channel === 'recipients:summary')
      return {
        ok: true,
        recipients: { total, valid: total, invalid: 0, duplicates: 0, optedOut: 0 },
        problems: [],
        mergeFields: { used: [], missing: [] },
      };
    if (channel === 'recipients:page') {
      const { offset, limit } = input as { offset: number; limit: number };
      const rows = [];
      for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push(row(i));
      return { total, offset, rows };
    }
    const progress = {
      campaignId: 'c',
      step: 'envelopes',
      envelopesSent: 100,
      envelopesTotal: 400,
      retries: 2,
      etaSeconds: 45,
      message: null,
    };
    if (channel === 'send:start')
      return {
        ...progress,
        state: 'sending',
        step: 'templates',
        envelopesSent: 0,
        etaSeconds: null,
      };
    if (channel === 'send:pause')
      return { ...progress, state: 'paused', message: 'Paused by you.' };
    if (channel === 'send:resume') return { ...progress, state: 'sending' };
    if (channel === 'send:cancel') {
      return {
        status: { ...progress, state: 'cancelled', cancelledAt: '2026-03-05T14:32:00.000Z' },
        remote: { engagementId: 'E1', envelopes: 100, objects: {} },
        message:
          'Cancelled. Omnigage has an unscheduled engagement with 100 envelopes; nobody will be called.',
      };
    }
    throw new Error(`unexpected ${channel}`);
  }) as typeof Call;
  return { call, calls };
}

describe('RecipientTable', () => {
  it('renders only the rows in view of a 100,000-row list and fetches blocks as it scrolls', async () => {
    const { call, calls } = fakeList(100_000);
    const recipients = new RecipientsState(call);
    await recipients.load('c');
    render(RecipientTable, {
      props: {
        recipients,
        columns: ['first-name'],
        headers: { 'first-name': 'First Name' },
        editable: true,
      },
    });

    const table = screen.getByRole('table', { name: 'Recipients' });
    expect(table.getAttribute('aria-rowcount')).toBe('100001');
    const rows = () => screen.getAllByTestId('recipient-row');
    expect(rows().length).toBeLessThan(40);
    expect(rows()[0]!.textContent).toContain('Person 1');

    const viewport = screen.getByTestId('recipient-viewport');
    viewport.scrollTop = 60_000 * 36;
    await fireEvent.scroll(viewport);
    await waitFor(() => expect(screen.getByText('Person 60001')).toBeTruthy());
    expect(rows().length).toBeLessThan(40);
    const offsets = calls
      .filter((c) => c.channel === 'recipients:page')
      .map((c) => (c.input as { offset: number }).offset);
    expect(offsets).toContain(60_000);
    expect(offsets.length).toBeLessThan(5);

    // A row's checkbox selects it for removal; Enter on a row asks for its message.
    const box = within(
      screen.getByText('Person 60001').closest('[role="row"]') as HTMLElement,
    ).getByRole('checkbox');
    await fireEvent.click(box);
    expect(recipients.selection.has(60_000)).toBe(true);
  });
});

describe('MessageEditor', () => {
  it('inserts a merge field at the cursor, counts characters and estimates the length', async () => {
    const draft = new MessageDraft(null);
    const onchange = vi.fn();
    render(MessageEditor, {
      props: {
        draft,
        role: 'human',
        title: 'Message',
        description: '',
        fields: ['first-name', 'branch'],
        disabled: false,
        onchange,
        onpickaudio: () => {},
      },
    });
    const text = screen.getByLabelText('What the person hears') as HTMLTextAreaElement;
    await fireEvent.input(text, { target: { value: 'Hello, your branch is open.' } });
    expect(onchange).toHaveBeenCalled();
    text.setSelectionRange(5, 5);
    await fireEvent.click(screen.getByRole('button', { name: 'Insert merge field first-name' }));
    expect(draft.body).toBe('Hello {{first-name}}, your branch is open.');
    await waitFor(() =>
      expect(screen.getByText(/42 \/ 5,000 characters · plays in about 3 seconds/)).toBeTruthy(),
    );

    // A field the list does not have is pointed out at once, with the likely one.
    await fireEvent.input(text, { target: { value: 'Hello {{First Name}}' } });
    expect(
      screen.getByText(
        /The message uses \{\{First Name\}\}, which is not a column of the recipient list\./,
      ),
    ).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Use {{first-name}} instead' })).toBeTruthy();
    await fireEvent.input(text, {
      target: { value: 'Hello {{first-name}}, your branch is open.' },
    });

    await fireEvent.click(screen.getByRole('radio', { name: 'Audio file' }));
    expect(draft.kind).toBe('audio');
    expect(screen.getByRole('button', { name: 'Choose a recording…' })).toBeTruthy();
    // The text is kept while the audio option is shown.
    expect(draft.body).toBe('Hello {{first-name}}, your branch is open.');
  });
});

describe('SendArea', () => {
  it('asks for confirmation naming the count before sending', async () => {
    const { call, calls } = fakeList(3);
    const send = new SendState(call);
    send.campaignId = 'c';
    const warnings = [
      '4 recipients would be called outside 08:00–21:00 local time: America/New_York (21:07).',
    ];
    render(SendArea, {
      props: {
        send,
        editor: new CampaignEditor(call),
        blocking: 0,
        warnings,
        recipients: 1234,
        online: true,
        onresults: () => {},
      },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Send to 1,234 recipients' }));
    const dialog = screen.getByRole('dialog', { name: 'Send to 1,234 recipients?' });
    // The warnings are read once more before the irreversible step.
    expect(within(dialog).getByText(warnings[0]!)).toBeTruthy();
    expect(calls.some((c) => c.channel === 'send:start')).toBe(false);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Send to 1,234 recipients' }));
    await waitFor(() => expect(screen.getByRole('progressbar')).toBeTruthy());
    expect(calls.filter((c) => c.channel === 'send:start')).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy();
  });

  it('shows progress with counts and time left, pauses, resumes and cancels after asking', async () => {
    const { call, calls } = fakeList(3);
    const send = new SendState(call);
    send.campaignId = 'c';
    send.onProgress({
      campaignId: 'c',
      state: 'sending',
      step: 'envelopes',
      envelopesSent: 100,
      envelopesTotal: 400,
      retries: 2,
      etaSeconds: 45,
    } as never);
    send.onProgress({
      campaignId: 'other',
      state: 'sending',
      step: 'envelopes',
      envelopesSent: 1,
      envelopesTotal: 1,
    } as never);
    render(SendArea, {
      props: {
        send,
        editor: new CampaignEditor(call),
        blocking: 0,
        recipients: 400,
        online: true,
        onresults: () => {},
      },
    });

    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25');
    expect(textOf('send-progress')).toMatch(
      /100 of 400 recipients handed to Omnigage.*about 45 seconds left.*tried again 2 times after no answer/s,
    );
    expect(textOf('send-progress')).not.toMatch(/requests repeated safely/);
    expect(screen.getByText('Adding recipients')).toBeTruthy();

    // From the keyboard: the button pressed is replaced (Pause by Resume), and the focus goes to
    // its successor instead of falling to the page.
    screen.getByRole('button', { name: 'Pause' }).focus();
    await fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Resume' })).toBeTruthy());
    expect(screen.getByText(/Paused by you/)).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.textContent?.trim()).toBe('Resume'));
    await fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy());
    await waitFor(() => expect(document.activeElement?.textContent?.trim()).toBe('Pause'));

    await fireEvent.click(screen.getByRole('button', { name: 'Cancel the send…' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel this send?' });
    expect(calls.some((c) => c.channel === 'send:cancel')).toBe(false);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel the send' }));
    await waitFor(() =>
      expect(screen.getByText(/unscheduled engagement with 100 envelopes/)).toBeTruthy(),
    );
    expect(calls.map((c) => c.channel)).toEqual(['send:pause', 'send:resume', 'send:cancel']);
    // Who cancelled and when, said once: "Cancelled." is not repeated after it.
    const when = new Date('2026-03-05T14:32:00.000Z').toLocaleString(undefined, {
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    expect(textOf('send-cancelled').trim()).toBe(
      `You cancelled this send on ${when}; 100 people had been handed to Omnigage. Omnigage has an unscheduled engagement with 100 envelopes; nobody will be called.`,
    );
  });

  it('a send whose Omnigage stopped answering says so, with no time left; queued, it keeps the count and says when it tries again', async () => {
    const { call } = fakeList(3);
    const send = new SendState(call);
    send.campaignId = 'c';
    send.onProgress({
      campaignId: 'c',
      state: 'sending',
      step: 'envelopes',
      envelopesSent: 5500,
      envelopesTotal: 19698,
      retries: 1,
      etaSeconds: 60,
      omnigage: 'not_answering',
    } as never);
    render(SendArea, {
      props: {
        send,
        editor: new CampaignEditor(call),
        blocking: 0,
        recipients: 19698,
        online: true,
        onresults: () => {},
      },
    });
    expect(screen.getByText('Waiting for Omnigage to answer')).toBeTruthy();
    expect(textOf('send-stalled')).toMatch(/connection to Omnigage was lost/);
    expect(textOf('send-progress')).toMatch(/5,500 of 19,698 recipients handed to Omnigage/);
    expect(textOf('send-progress')).not.toMatch(/left/);

    const at = new Date(Date.now() + 40_000).toISOString();
    send.onProgress({
      campaignId: 'c',
      state: 'queued',
      step: 'envelopes',
      envelopesSent: 5500,
      envelopesTotal: 19698,
      retries: 0,
      etaSeconds: null,
      omnigage: 'not_answering',
      errorCode: 'network',
      nextAttemptAt: at,
      message: 'Omnigage could not be reached. The send is saved and will continue by itself.',
    } as never);
    await waitFor(() => expect(screen.getByTestId('send-queued')).toBeTruthy());
    expect(textOf('send-queued')).toMatch(/Next try at .* \(in (39|40) seconds\)\./);
    expect(textOf('send-progress')).toMatch(/5,500 of 19,698 recipients handed to Omnigage/);
    expect(screen.getByRole('button', { name: 'Try now' })).toBeTruthy();
  });

  it('offers a send time, and then schedules instead of sending', async () => {
    const { call } = fakeList(3);
    const send = new SendState(call);
    const editor = new CampaignEditor(call);
    render(SendArea, {
      props: { send, editor, blocking: 0, recipients: 3, online: true, onresults: () => {} },
    });
    await fireEvent.click(screen.getByRole('radio', { name: 'At a set time' }));
    expect(
      (screen.getByRole('button', { name: 'Send to 3 recipients' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    expect(screen.getByText('Choose the date and time.')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Send time'), {
      target: { value: '2031-03-04T09:30' },
    });
    const schedule = screen.getByRole('button', {
      name: 'Schedule for 3 recipients',
    }) as HTMLButtonElement;
    expect(schedule.disabled).toBe(false);
    await fireEvent.click(schedule);
    expect(
      screen.getByRole('dialog', { name: /^Schedule calls to 3 recipients for / }),
    ).toBeTruthy();
  });

  it('reads "Send when online" offline and cannot send with blocking problems', async () => {
    const { call } = fakeList(3);
    const send = new SendState(call);
    const view = render(SendArea, {
      props: {
        send,
        editor: new CampaignEditor(call),
        blocking: 0,
        recipients: 2,
        online: false,
        onresults: () => {},
      },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Send when online' }));
    expect(
      screen.getByRole('dialog', { name: 'Queue the campaign for 2 recipients?' }),
    ).toBeTruthy();
    view.unmount();

    render(SendArea, {
      props: {
        send,
        editor: new CampaignEditor(call),
        blocking: 2,
        recipients: 2,
        online: true,
        onresults: () => {},
      },
    });
    expect(
      (screen.getByRole('button', { name: 'Send to 2 recipients' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    expect(screen.getByText('Fix the problems above to send.')).toBeTruthy();
  });
});
