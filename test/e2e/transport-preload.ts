import { buildApi } from '../../shared/api-surface';

// Plays the Electron preload's role in the browser harness, and nothing more: the same
// buildApi() over HTTP to the harness instead of ipcRenderer. The token comes from a meta tag
// the harness writes into the page, so only that page can call the backend.
const token =
  document.querySelector<HTMLMetaElement>('meta[name="test-transport-token"]')?.content ?? '';

let source: EventSource | undefined;
const events = () => (source ??= new EventSource(`/__events?token=${encodeURIComponent(token)}`));

(window as unknown as { api: unknown }).api = buildApi(
  async (channel, input) => {
    const response = await fetch(`/__api/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-token': token },
      body: JSON.stringify(input ?? null),
    });
    return response.json();
  },
  (event, listener) => {
    const handler = (message: MessageEvent<string>) => listener(JSON.parse(message.data));
    events().addEventListener(event, handler);
    return () => events().removeEventListener(event, handler);
  },
);
