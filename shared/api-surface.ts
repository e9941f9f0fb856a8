import type { Result } from './errors';
import {
  CHANNEL_NAMES,
  EVENT_NAMES,
  type ChannelInput,
  type ChannelName,
  type ChannelOutput,
  type EventName,
  type Events,
} from './contract';

/**
 * The shape of `window.api`: one function per channel, each resolving to a Result, plus a
 * subscription for main's events that returns its own unsubscribe function.
 */
export type Api = {
  [K in ChannelName]: (input?: ChannelInput<K>) => Promise<Result<ChannelOutput<K>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

export type Invoke = (channel: ChannelName, input: unknown) => Promise<unknown>;
export type Subscribe = (event: EventName, listener: (payload: unknown) => void) => () => void;

/**
 * Builds the API object from the contract's channel names. The Electron preload passes
 * ipcRenderer-based functions; the browser test transport passes HTTP-based ones. Nothing
 * else is exposed, so the page never holds a general-purpose channel.
 */
export function buildApi(invoke: Invoke, subscribe: Subscribe): Api {
  const api: Record<string, unknown> = {};
  for (const name of CHANNEL_NAMES) {
    api[name] = (input?: unknown) => invoke(name, input);
  }
  api.on = (event: EventName, listener: (payload: unknown) => void) => {
    if (!EVENT_NAMES.includes(event)) throw new Error(`Unknown event: ${String(event)}`);
    return subscribe(event, listener);
  };
  return Object.freeze(api) as Api;
}
