import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MergeFieldSettings from '../../renderer/components/MergeFieldSettings.svelte';
import MessageEditor from '../../renderer/components/MessageEditor.svelte';
import { CampaignEditor, MessageDraft } from '../../renderer/lib/editor.svelte';

afterEach(() => cleanup());

const base = {
  title: 'Message',
  description: '',
  fields: ['first-name'],
  disabled: false,
  onpickaudio: () => {},
};

describe('MessageEditor: merge fields not in the list', () => {
  it('turns "Did you mean" into a button that writes the column’s name in place of the typo', async () => {
    const draft = new MessageDraft(null);
    const onchange = vi.fn();
    render(MessageEditor, {
      props: { ...base, fields: ['parent-name'], draft, role: 'human', onchange },
    });
    const text = screen.getByRole('textbox');
    await fireEvent.input(text, {
      target: { value: 'Hello {{Parent Name}}, and again {{ Parent Name }}. {{nope}}' },
    });
    const fix = await screen.findByRole('button', { name: 'Use {{parent-name}} instead' });
    expect(screen.getByText(/The message uses \{\{nope\}\}/)).toBeTruthy();
    onchange.mockClear();
    await fireEvent.click(fix);
    expect(draft.body).toBe('Hello {{parent-name}}, and again {{parent-name}}. {{nope}}');
    expect(onchange).toHaveBeenCalled();
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Use {{parent-name}} instead' })).toBeNull(),
    );
    expect(document.activeElement).toBe(text);
  });
});

describe('MessageEditor: voice picker, Listen and message checks', () => {
  it('warns (without blocking) about a voicemail with "press 1", no caller, no number and a dotted time', async () => {
    const draft = new MessageDraft(null);
    render(MessageEditor, { props: { ...base, draft, role: 'machine', onchange: () => {} } });
    const text = screen.getByLabelText('What the answering machine hears');
    await fireEvent.input(text, {
      target: { value: 'Your appointment is at 11.30. Press 1 to confirm.' },
    });
    const checks = await screen.findByTestId('checks-machine');
    const codes = [...checks.querySelectorAll('li')].map((li) => li.getAttribute('data-code'));
    expect(codes).toEqual([
      'no_caller_name',
      'no_callback_number',
      'live_listener',
      'misread_number',
    ]);
    expect(checks.textContent).toContain('write 11:30');
    await fireEvent.input(text, {
      target: { value: 'This is Maple Clinic. Please call us at 212-555-0142.' },
    });
    await waitFor(() => expect(screen.queryByTestId('checks-machine')).toBeNull());
  });

  it('picks a voice from the grouped list, recognises one typed by its name, and shows the merged text when listening', async () => {
    const draft = new MessageDraft({
      kind: 'text',
      body: 'Hi {{first-name}}',
      voice: 'Polly-Joanna',
    });
    const onchange = vi.fn();
    const merged = vi.fn(async (body: string) => ({
      row: 2,
      text: body.replace('{{first-name}}', 'there'),
    }));
    render(MessageEditor, { props: { ...base, draft, role: 'human', onchange, merged } });
    const select = screen.getByLabelText('Voice') as HTMLSelectElement;
    expect(
      select.querySelector('optgroup[label="Spanish (US)"] option[value="Polly-Lupe"]'),
    ).toBeTruthy();
    await fireEvent.change(select, { target: { value: 'Polly-Lupe' } });
    expect(draft.voice).toBe('Polly-Lupe');
    expect(onchange).toHaveBeenCalled();

    await fireEvent.change(select, { target: { value: '__other' } });
    const typed = screen.getByLabelText('Voice name');
    await fireEvent.input(typed, { target: { value: 'Matthew' } });
    expect(
      screen.getByText(/Matthew: English \(US\), male\. Sent as Polly-Matthew\./),
    ).toBeTruthy();
    expect(draft.toMessage()).toMatchObject({ voice: 'Polly-Matthew' });

    await fireEvent.click(screen.getByRole('button', { name: 'Listen' }));
    const heard = await screen.findByTestId('heard-human');
    expect(merged).toHaveBeenCalledWith('Hi {{first-name}}');
    expect(heard.textContent).toContain('Hi there');
    expect(heard.textContent).toContain('Row 2');
    expect(screen.getByText(/an approximation, not the Omnigage voice/)).toBeTruthy();
  });
});

describe('MergeFieldSettings', () => {
  it('suggests a read-as from the column, shows what a value becomes, takes fallbacks and extra columns', async () => {
    const editor = new CampaignEditor(vi.fn() as never, null);
    const columns = [
      {
        key: 'first-name',
        header: 'First Name',
        samples: ['Ann'],
        suggested: 'as-written' as const,
      },
      { key: 'appt-date', header: 'Appt Date', samples: ['3/5/2027'], suggested: 'date' as const },
      {
        key: 'date-of-birth',
        header: 'Date of Birth',
        samples: ['1961-02-03'],
        suggested: 'date' as const,
      },
    ];
    render(MergeFieldSettings, { props: { editor, columns, used: ['first-name', 'appt-date'] } });
    expect(screen.getByTestId('example-appt-date').textContent).toBe(
      '“3/5/2027” is said “3/5/2027”',
    );
    await fireEvent.click(
      screen.getAllByRole('button', { name: 'Looks like date: read it so' })[0]!,
    );
    expect(editor.merge.readAs).toEqual({ 'appt-date': 'date' });
    await waitFor(() =>
      expect(screen.getByTestId('example-appt-date').textContent).toBe(
        '“3/5/2027” is said “Friday, March 5”',
      ),
    );

    await fireEvent.input(screen.getByLabelText('If First Name is empty, say'), {
      target: { value: 'there' },
    });
    expect(editor.merge.fallbacks).toEqual({ 'first-name': 'there' });
    // A column no message uses stays local until ticked.
    const send = screen.getByRole('checkbox');
    expect((send as HTMLInputElement).checked).toBe(false);
    await fireEvent.click(send);
    expect(editor.merge.sendColumns).toEqual(['date-of-birth']);
  });
});
