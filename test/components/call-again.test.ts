import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import CallAgainDialog from '../../renderer/components/CallAgainDialog.svelte';

afterEach(() => cleanup());

describe('CallAgainDialog', () => {
  it('takes the focus, and closes with Escape, when no outcome can be ticked yet', async () => {
    // Every call still under way: each box is disabled, and so is "Make a draft".
    const opener = document.createElement('button');
    document.body.append(opener);
    opener.focus();
    const onclose = vi.fn();
    render(CallAgainDialog, {
      props: { outcomes: { pending: 3 }, onmake: vi.fn(), onopen: vi.fn(), onclose },
    });
    const dialog = screen.getByRole('dialog', { name: 'Call again' });
    expect(screen.getByTestId('call-again-unfinished').textContent).toMatch(
      /3 calls are not finished yet/,
    );
    // The focus is in the dialog (on Cancel, the one thing to press), not left behind it.
    expect(dialog.contains(document.activeElement)).toBe(true);
    expect(document.activeElement?.textContent).toBe('Cancel');
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(onclose).toHaveBeenCalledOnce();
    opener.remove();
  });
});

describe('CallAgainDialog when everyone was reached', () => {
  it('says there is nobody to call again instead of offering boxes that all say 0', () => {
    render(CallAgainDialog, {
      props: {
        outcomes: { human: 4, 'not called — invalid number': 1 },
        onmake: vi.fn(),
        onopen: vi.fn(),
        onclose: vi.fn(),
      },
    });
    expect(screen.getByTestId('call-again-nobody').textContent).toMatch(
      /there is nobody to call again/,
    );
    expect(
      (screen.getByRole('button', { name: 'Make a draft' }) as HTMLButtonElement).disabled,
    ).toBe(true);
  });

  it('does not say so while some calls are still under way', () => {
    render(CallAgainDialog, {
      props: {
        outcomes: { human: 4, pending: 2 },
        onmake: vi.fn(),
        onopen: vi.fn(),
        onclose: vi.fn(),
      },
    });
    expect(screen.queryByTestId('call-again-nobody')).toBeNull();
    expect(screen.getByTestId('call-again-unfinished')).toBeTruthy();
  });
});

describe('CallAgainDialog after a call-again was made from these results', () => {
  it('says so, offers to open it, and makes another only as "another"', async () => {
    const onmake = vi.fn(async () => ({
      campaign: {
        id: 'c3',
        name: 'Snow day — call again',
        status: 'draft' as const,
        recipientCount: 2,
        createdAt: '2026-12-03T08:00:00.000Z',
        updatedAt: '2026-12-03T08:00:00.000Z',
      },
      recipients: 2,
      heldBack: 0,
    }));
    const onopen = vi.fn();
    render(CallAgainDialog, {
      props: {
        outcomes: { human: 3, busy: 2 },
        earlier: [
          {
            id: 'c2',
            name: 'Snow day — call again',
            status: 'scheduled',
            createdAt: '2026-12-02T09:30:00.000Z',
          },
        ],
        onmake,
        onopen,
        onclose: vi.fn(),
      },
    });
    expect(screen.getByTestId('call-again-earlier').textContent).toMatch(
      /“Snow day — call again” was already made from these results \(scheduled, .+\)\. Anyone in both would be called twice if both are sent\./,
    );
    await fireEvent.click(screen.getByRole('button', { name: 'Open “Snow day — call again”' }));
    expect(onopen).toHaveBeenCalledWith('c2');
    await fireEvent.click(
      screen.getByRole('button', { name: 'Make another draft for 2 recipients' }),
    );
    expect(onmake).toHaveBeenCalledWith(['busy'], true);
  });

  it('makes the first one without asking for "another"', async () => {
    const onmake = vi.fn(async () => {
      throw new Error('not needed here');
    });
    render(CallAgainDialog, {
      props: { outcomes: { busy: 2 }, onmake, onopen: vi.fn(), onclose: vi.fn() },
    });
    expect(screen.queryByTestId('call-again-earlier')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Make a draft for 2 recipients' }));
    expect(onmake).toHaveBeenCalledWith(['busy'], false);
  });
});
