import type { Api } from '../../shared/api-surface';
import type {
  ChannelInput,
  ChannelName,
  ChannelOutput,
  EventName,
  Events,
} from '../../shared/contract';
import type { ErrorCode } from '../../shared/errors';

/** A refused or failed call, with the code the screens use to choose what to say. */
export class ApiCallError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiCallError';
    this.code = code;
  }
}

export const DEFAULT_TIMEOUT_MS = 15_000;

function bridge(): Api {
  const api = (globalThis as { api?: Api }).api;
  if (!api)
    throw new ApiCallError(
      'unavailable',
      'The app is not connected to its background service. Restart the app.',
    );
  return api;
}

/**
 * The renderer's one way to the backend: calls a contract channel, unwraps the Result and
 * gives up after a timeout, so no screen waits forever on a lost reply.
 */
export async function call<K extends ChannelName>(
  channel: K,
  input?: ChannelInput<K>,
  { timeoutMs = DEFAULT_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<ChannelOutput<K>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ApiCallError('timeout', 'The app took too long to answer. Try again in a moment.'),
        ),
      timeoutMs,
    );
  });
  try {
    const fn = bridge()[channel] as (
      input?: ChannelInput<K>,
    ) => Promise<Awaited<ReturnType<Api[K]>>>;
    const result = await Promise.race([fn(input), timeout]);
    if (result.ok) return result.value as ChannelOutput<K>;
    throw new ApiCallError(result.error.code, result.error.message);
  } finally {
    clearTimeout(timer);
  }
}

export function subscribe<E extends EventName>(
  event: E,
  listener: (payload: Events[E]) => void,
): () => void {
  return bridge().on(event, listener);
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiCallError) return error.message;
  return 'Something unexpected went wrong. Try again; if it keeps happening, restart the app.';
}
