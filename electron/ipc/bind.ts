import { AppError, type Result } from '../../shared/errors';
import {
  contract,
  type ChannelName,
  type ChannelOutput,
  type ParsedInput,
} from '../../shared/contract';
import type { Logger } from '../logging/logger';
import { describeFirstIssue } from '../../shared/validation';

export type Handlers = {
  [K in ChannelName]: (input: ParsedInput<K>) => Promise<ChannelOutput<K>> | ChannelOutput<K>;
};

export type Dispatch = (channel: string, rawInput: unknown) => Promise<Result<unknown>>;

/**
 * The single place where a request from the window enters main: the channel must be in the
 * contract, its input must pass the channel's schema, and whatever happens the answer is data.
 * Electron would keep only the message of a thrown error, so nothing is thrown across.
 */
export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (channel, rawInput) => {
    if (!Object.hasOwn(contract, channel)) {
      return {
        ok: false,
        error: { code: 'invalid_input', message: `Unknown operation "${channel}".` },
      };
    }
    const name = channel as ChannelName;
    const parsed = contract[name].input.safeParse(rawInput ?? undefined);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'invalid_input',
          message: describeFirstIssue(parsed.error, 'Invalid input.'),
        },
      };
    }
    try {
      const handler = handlers[name] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      return { ok: true, value };
    } catch (error) {
      if (error instanceof AppError) {
        log.info('request refused', { channel, code: error.code, message: error.message });
        return { ok: false, error: error.toData() };
      }
      log.error('request failed', { channel, error });
      return {
        ok: false,
        error: {
          code: 'internal',
          message:
            'Something went wrong inside the app. Your work is saved; try again, and if it keeps happening, send the log file to support.',
        },
      };
    }
  };
}
