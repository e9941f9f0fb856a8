import { AppError } from '../../shared/errors';
import type { ConnectionTestResult } from '../../shared/profiles';
import { createOmnigageClient, isApiError, toAppError } from '../api/client';
import type { Logger } from '../logging/logger';
import { clientConnection, type Credentials } from './credentials';
import type { ProfileService } from './service';
import type { Clock } from '../clock';

/** A verified caller ID as the API lists it. */
export interface RemoteCallerId {
  id: string;
  phoneNumber: string;
  label: string;
}

/** Lists the account's verified caller IDs with the given credentials (the API client does this). */
export type FetchCallerIds = (
  credentials: Credentials,
  signal?: AbortSignal,
) => Promise<RemoteCallerId[]>;

export interface ConnectionTesterDeps {
  profiles: ProfileService;
  log: Logger;
  clock: Clock;
  fetchCallerIds: FetchCallerIds;
}

/**
 * "Test connection": proves the profile's address and token work by listing the account's
 * verified caller IDs, and keeps that list for choosing a caller ID while offline. Failures
 * are AppErrors in plain words: bad credentials, forbidden, no network, and the rest.
 */
export class ConnectionTester {
  readonly #deps: ConnectionTesterDeps;

  constructor(deps: ConnectionTesterDeps) {
    this.#deps = deps;
  }

  async test(profileId: string, signal?: AbortSignal): Promise<ConnectionTestResult> {
    const { profiles, log, fetchCallerIds } = this.#deps;
    const profile = profiles.get(profileId);
    // The profile's own settings are under test, so the CLI's environment overrides do not apply.
    const tokenSecret = await profiles.readSecret(profileId);
    if (!tokenSecret) {
      throw new AppError(
        'invalid_input',
        `Enter the token secret of "${profile.name}" first; it is kept in the keychain.`,
      );
    }
    const credentials: Credentials = {
      apiUrl: profile.apiUrl,
      accountKey: profile.accountKey,
      tokenKey: profile.tokenKey,
      tokenSecret,
      profileId,
      source: 'keychain',
    };
    const host = hostOf(profile.apiUrl);
    let remote: RemoteCallerId[];
    try {
      remote = await fetchCallerIds(credentials, signal);
    } catch (error) {
      const refused = explain(error, host);
      log.info('connection test failed', { profileId, code: refused.code });
      throw refused;
    }
    const list = profiles.replaceCallerIds(profileId, remote);
    const count = list.callerIds.length;
    log.info('connection test passed', { profileId, callerIds: count });
    const message =
      count === 0
        ? `Connected to ${host}. The account has no verified caller IDs yet: verify one in Omnigage before sending.`
        : `Connected to ${host}. ${count} verified caller ID${count === 1 ? '' : 's'} saved for use offline.`;
    return {
      profileId,
      message,
      callerIds: list.callerIds,
      testedAt: list.fetchedAt ?? this.#deps.clock().toISOString(),
    };
  }
}

function hostOf(apiUrl: string): string {
  try {
    return new URL(apiUrl).host;
  } catch {
    return apiUrl;
  }
}

function explain(error: unknown, host: string): AppError {
  if (!isApiError(error)) {
    if (error instanceof AppError) return error;
    return new AppError(
      'network',
      `Could not reach ${host}. Check the internet connection and the API address.`,
      {
        cause: error,
      },
    );
  }
  const opts = { cause: error };
  switch (error.kind) {
    case 'bad_credentials':
      return new AppError(
        'bad_credentials',
        `${host} did not accept the token: the token key or token secret is wrong, or the token was revoked. Check both in Omnigage (Account → Developer → API Tokens) and enter them again.`,
        opts,
      );
    case 'forbidden':
      return new AppError(
        'forbidden',
        `${host} accepted the token but refused access to the account. Check the account key, or ask your Omnigage administrator to give this token access.`,
        opts,
      );
    case 'network':
    case 'timeout':
      return new AppError(
        error.kind,
        `Could not reach ${host}: no network, or the address is wrong. Check the internet connection and the API address, then try again. Caller IDs fetched earlier can still be used offline.`,
        opts,
      );
    case 'not_found':
      return new AppError(
        'not_found',
        `${host} answered, but not as the Omnigage API: check the API address (it usually ends in /api/v1/).`,
        opts,
      );
    default:
      return toAppError(error);
  }
}

export interface ApiCallerIdFetcherOptions {
  log: Logger;
  /** A person is waiting on "Test connection": fewer retries and a shorter wait than a send. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** The real fetcher: lists the account's verified caller IDs through the Omnigage API client. */
export function apiCallerIdFetcher({
  log,
  timeoutMs = 15_000,
  fetch,
}: ApiCallerIdFetcherOptions): FetchCallerIds {
  return async (credentials, signal) => {
    const api = createOmnigageClient({
      ...clientConnection(credentials),
      log,
      signal,
      timeoutMs,
      retry: { maxAttempts: 2 },
      ...(fetch ? { fetch } : {}),
    });
    const listed = await api.callerIds.list({ verifiedOnly: true });
    // The filter is asked of the server; a caller ID it marks otherwise is still left out.
    return listed
      .filter((c) => c.phoneNumber && (c.status === null || c.status === 'success'))
      .map((c) => ({ id: c.id, phoneNumber: c.phoneNumber ?? '', label: c.label ?? '' }));
  };
}
