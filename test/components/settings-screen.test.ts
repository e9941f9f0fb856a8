import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../shared/api-surface';
import { SettingsState } from '../../renderer/lib/settings.svelte';
import SettingsScreen from '../../renderer/screens/SettingsScreen.svelte';
import { realBackend } from './helpers';

describe('Settings screen: a secret stays with its server', () => {
  afterEach(() => {
    cleanup();
    delete (globalThis as { api?: unknown }).api;
  });

  it('asks for the token secret again when the API address changes, and says why', async () => {
    const real = realBackend();
    await real.call('profiles:save', {
      name: 'Bank',
      tokenKey: 'bank-key',
      tokenSecret: 'first-secret',
    });
    // Parts of the screen that talk to main through window.api (the About panel) get the same backend.
    (globalThis as { api?: unknown }).api = buildApi(
      (channel, input) => real.backend.dispatch(channel, input),
      () => () => {},
    );
    const settings = new SettingsState(real.call);
    await settings.load();
    render(SettingsScreen, { settings });

    await fireEvent.click(await screen.findByRole('button', { name: 'Edit Bank' }));
    const dialog = await screen.findByRole('dialog');
    const secret = within(dialog).getByLabelText(/Token secret/) as HTMLInputElement;
    expect(secret.required).toBe(false);
    expect(dialog.textContent).not.toContain('type the token secret again');

    const address = within(dialog).getByLabelText('API address') as HTMLInputElement;
    await fireEvent.input(address, { target: { value: 'https://staging.example.com/api/v1/' } });
    await waitFor(() => expect(secret.required).toBe(true));
    expect(dialog.textContent?.replace(/\s+/g, ' ')).toContain(
      'The API address changed, so the stored secret will be deleted: type the token secret again.',
    );

    // Saved anyway without it: main refuses, and the reason shows in the dialog itself.
    await fireEvent.submit(dialog.querySelector('form')!);
    await waitFor(() =>
      expect(within(dialog).getByRole('alert').textContent).toContain(
        'Enter the token secret again',
      ),
    );
    expect(settings.profiles[0]?.apiUrl).toBe('https://api.omnigage.io/api/v1/');

    await fireEvent.input(secret, { target: { value: 'staging-secret' } });
    await fireEvent.submit(dialog.querySelector('form')!);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(settings.profiles[0]).toMatchObject({
      apiUrl: 'https://staging.example.com/api/v1/',
      hasSecret: true,
    });

    // Typing the old address back needs no secret: nothing changed.
    await fireEvent.click(await screen.findByRole('button', { name: 'Edit Bank' }));
    const again = await screen.findByRole('dialog');
    expect((within(again).getByLabelText(/Token secret/) as HTMLInputElement).required).toBe(false);
  });
});

describe('Settings screen: the keyboard stays where it was', () => {
  afterEach(() => {
    cleanup();
    delete (globalThis as { api?: unknown }).api;
  });

  it('keeps focus on "Test connection" once the test has answered', async () => {
    const real = realBackend();
    // An address nothing answers on: the test fails at once, as with no network.
    await real.call('profiles:save', {
      name: 'Office',
      apiUrl: 'http://127.0.0.1:9/api/v1/',
      tokenKey: 'office-key',
      tokenSecret: 'office-secret',
    });
    (globalThis as { api?: unknown }).api = buildApi(
      (channel, input) => real.backend.dispatch(channel, input),
      () => () => {},
    );
    const settings = new SettingsState(real.call);
    await settings.load();
    render(SettingsScreen, { settings });

    const test = await screen.findByRole('button', { name: 'Test connection of Office' });
    test.focus();
    await fireEvent.click(test);
    // Disabled while it runs, the button had dropped the keyboard to the page.
    await screen.findByText(/Could not reach/);
    await waitFor(() => expect(document.activeElement).toBe(test));
  });
});
