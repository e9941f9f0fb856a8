import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import LibraryPicker from '../../renderer/components/LibraryPicker.svelte';
import type { LibraryItem } from '../../shared/library';

afterEach(() => cleanup());

const item = (id: string, name: string, body: string): LibraryItem => ({
  id,
  name,
  message: { kind: 'text', body, voice: 'Polly-Joanna' },
  available: true,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
});

describe('LibraryPicker', () => {
  it('uses only a message still shown: a search that hides the one chosen leaves nothing to use', async () => {
    const onpick = vi.fn();
    render(LibraryPicker, {
      props: {
        items: [
          item('a', 'Snow day', 'School is closed today.'),
          item('b', 'Early closing', 'School closes at noon.'),
        ],
        loaded: true,
        what: 'the message for a person who answers',
        replaces: false,
        onpick,
        onclose: vi.fn(),
      },
    });
    const dialog = screen.getByRole('dialog', { name: 'Insert from the message library' });
    const use = within(dialog).getByRole('button', { name: 'Use this message' });
    await fireEvent.click(within(dialog).getByRole('radio', { name: /Snow day/ }));
    expect((use as HTMLButtonElement).disabled).toBe(false);

    // Searching for another message hides Snow day: pressing Use must not insert it unseen.
    await fireEvent.input(within(dialog).getByRole('searchbox'), { target: { value: 'noon' } });
    expect(within(dialog).queryByRole('radio', { name: /Snow day/ })).toBeNull();
    expect((use as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(use);
    expect(onpick).not.toHaveBeenCalled();

    // Shown again, it is still the one chosen.
    await fireEvent.input(within(dialog).getByRole('searchbox'), { target: { value: '' } });
    await fireEvent.click(use);
    expect(onpick).toHaveBeenCalledWith(expect.objectContaining({ id: 'a' }));
  });
});
