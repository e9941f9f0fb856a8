import { createFetch } from 'ofetch';
import { isLoopbackHost } from '../../shared/profiles';
import type { Logger } from '../logging/logger';
import { ApiError, isTransient, kindForStatus, parseErrorBody, parseRetryAfter } from './errors';
import { systemClock } from '../clock';

/**
 * One HTTP exchange with retries, timeouts and cancellation, on ofetch (the project's HTTP
 * client) with its own retry, timeout and response parsing switched off: one
 * `AbortSignal.timeout` per attempt, the body read as text (a 2xx is parsed by the caller, an
 * error body is kept for ApiError). The rules here (which methods, which outcomes,
 * Retry-After) are the project's, and the send engine depends on them:
 * - GET and PATCH are retried on 429, 5xx, network errors and timeouts;
 * - a POST (or any other method) is retried only when its outcome is known to be "not applied":
 *   a 429, or a connection that was never established. A POST whose outcome is unknown is never
 *   repeated here: the caller reconciles.
 * - Backoff is capped exponential with jitter; `Retry-After` replaces it when present, and a
 *   wait longer than `maxRetryAfterMs` is not slept through: the error goes back to the caller
 *   with `retryAfterMs` so the outbox can hold the work instead of a request hanging for minutes.
 * - Redirects are never followed: the token (and the recipients' numbers) would go to an address
 *   nobody configured. A 3xx is an error of its own kind, not retried.
 * - Only https leaves this computer: a plain-http URL is refused before anything is sent unless
 *   its host is this computer (the sandbox). This covers the API and the presigned upload target
 *   the server hands back.
 * - The server's error text is redacted (the request's credentials struck out) before it is kept.
 */

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `Retry-After` slept through inside one call. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
};

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Seams for deterministic tests. */
export interface Timing {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}

export const realTiming: Timing = {
  now: () => systemClock().getTime(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  random: () => Math.random(),
};

/**
 * Capped exponential backoff with "equal jitter": at least half the step, so retries never bunch
 * at zero. The one formula for every wait between attempts (requests, send rounds, the outbox,
 * result polling).
 */
export function backoff(
  attempt: number,
  timing?: Partial<Pick<Timing, 'random'>>,
  baseMs = 1000,
  capMs = 60_000,
): number {
  const cap = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const random = timing?.random ?? Math.random;
  return cap / 2 + random() * (cap / 2);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export async function sleep(
  ms: number,
  signal: AbortSignal,
  timing?: Partial<Timing>,
): Promise<void> {
  if (ms <= 0) {
    if (signal.aborted) throw signal.reason;
    return;
  }
  return (timing?.sleep ?? realTiming.sleep)(ms, signal);
}

export interface HttpOptions {
  fetch?: typeof globalThis.fetch;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  timing?: Partial<Timing>;
  log?: Logger;
  /** Told of every repeated attempt (the send's progress counts them). */
  onRetry?: (retry: {
    method: Method;
    path: string;
    kind: string;
    attempt: number;
    delayMs: number;
  }) => void;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: Method;
  /** Absolute URL. */
  url: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A string (already serialised JSON) or multipart form data. */
  body?: string | FormData;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Path and query without origin, for logs and errors, when the caller already has it
   * (saves parsing the URL on every request); computed from `url` and `query` otherwise.
   */
  path?: string;
  /**
   * The request can be repeated safely whatever its outcome (the presigned upload writes one
   * fixed key). Never set for Omnigage creates.
   */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Connection errors that prove the request never reached a server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
]);

export type Http = (request: HttpRequest) => Promise<HttpResponse>;

export function createHttp(options: HttpOptions = {}): Http {
  // The global fetch is looked up at call time, so one replaced after the client was made is used.
  const $fetch = createFetch({
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  });
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const timing: Timing = { ...realTiming, ...options.timing };
  const log = options.log;

  const attempt = async (req: HttpRequest, path: string): Promise<HttpResponse> => {
    const method = req.method;
    refuseInsecure(req.url, method, path);
    const timeout = AbortSignal.timeout(req.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const started = timing.now();
    const url = withQuery(req.url, req.query);
    try {
      // The body is read inside the try: the timeout covers it too, and a reset while reading
      // it is an unknown outcome like any other.
      const response = await $fetch.raw<string, 'text'>(url, {
        method,
        headers: req.headers,
        body: req.body,
        signal,
        retry: false,
        ignoreResponseError: true,
        responseType: 'text',
        redirect: 'manual',
      });
      const text = typeof response._data === 'string' ? response._data : '';
      // A browser-style fetch hides a manual redirect as status 0; Node's shows the 3xx itself.
      const status = response.type === 'opaqueredirect' ? 302 : response.status;
      log?.debug('omnigage request', {
        method,
        path,
        status,
        ms: timing.now() - started,
      });
      return { status, headers: response.headers, text };
    } catch (error) {
      const cancelled = req.signal?.aborted === true;
      const timedOut = !cancelled && timeout.aborted;
      const code = errorCode(error);
      const notSent = code !== undefined && NOT_SENT_CODES.has(code);
      log?.debug('omnigage request failed', { method, path, code, ms: timing.now() - started });
      throw new ApiError({
        kind: cancelled ? 'cancelled' : timedOut ? 'timeout' : 'network',
        method,
        path,
        // A request that may have left this machine may have been applied.
        outcomeUnknown: !notSent,
        cause: error,
      });
    }
  };

  return async function request(req: HttpRequest): Promise<HttpResponse> {
    const path = req.path ?? pathOf(req.url, req.query);
    for (let n = 1; ; n++) {
      if (req.signal?.aborted) {
        throw new ApiError({
          kind: 'cancelled',
          method: req.method,
          path,
          outcomeUnknown: false,
          attempts: n - 1,
        });
      }
      let error: ApiError;
      try {
        const response = await attempt(req, path);
        if (response.status >= 200 && response.status < 300) return response;
        error = errorFromResponse(
          req.method,
          path,
          response,
          timing.now(),
          credentialsOf(req.headers),
        );
      } catch (caught) {
        if (!(caught instanceof ApiError)) throw caught;
        error = caught;
      }
      error.attempts = n;
      const repeatable =
        req.idempotent || req.method === 'GET' || req.method === 'PATCH' || !error.outcomeUnknown;
      if (!isTransient(error.kind) || !repeatable || n >= policy.maxAttempts) throw error;
      let delay: number;
      if (error.retryAfterMs !== undefined) {
        if (error.retryAfterMs > policy.maxRetryAfterMs) throw error;
        delay = error.retryAfterMs;
      } else {
        delay = backoff(n, timing, policy.baseDelayMs, policy.maxDelayMs);
      }
      const retry = {
        method: req.method,
        path,
        kind: error.kind,
        attempt: n,
        delayMs: Math.round(delay),
      };
      log?.info('omnigage request retried', retry);
      options.onRetry?.(retry);
      try {
        await timing.sleep(delay, req.signal);
      } catch (sleepError) {
        throw new ApiError({
          kind: 'cancelled',
          method: req.method,
          path,
          // The previous attempt's outcome stands: cancelling the wait changes nothing on the server.
          outcomeUnknown: error.outcomeUnknown,
          attempts: n,
          cause: sleepError,
        });
      }
    }
  };
}

function errorFromResponse(
  method: string,
  path: string,
  response: HttpResponse,
  nowMs: number,
  secrets: string[],
): ApiError {
  const kind = kindForStatus(response.status);
  const { details, rawBody } = parseErrorBody(response.text);
  return new ApiError({
    kind,
    method,
    path,
    status: response.status,
    details,
    rawBody,
    location: kind === 'redirect' ? (response.headers.get('location') ?? undefined) : undefined,
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), nowMs),
    // A 5xx may come after the server did the work; 4xx (429 included) means it did not. A
    // redirect should mean "not here", but a server that redirects a create is not one to take
    // at its word: the send reconciles rather than assume.
    outcomeUnknown:
      response.status >= 500 || kind === 'unexpected' || (kind === 'redirect' && method !== 'GET'),
    secrets,
  });
}

/**
 * Plain http only to this computer (the sandbox); everything else must be https. Checked per
 * request, so an upload target the server names is held to the same rule as the API address.
 */
export function isSecureTransport(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname);
}

function refuseInsecure(url: string, method: string, path: string): void {
  if (isSecureTransport(url)) return;
  throw new ApiError({ kind: 'insecure', method, path, outcomeUnknown: false });
}

/**
 * Every form in which the request's credentials could come back in an error body: a Bearer
 * token, or a Basic value, its decoded key:secret pair and the secret alone.
 */
function credentialsOf(headers: Record<string, string> | undefined): string[] {
  if (!headers) return [];
  const value = Object.entries(headers).find(
    ([name]) => name.toLowerCase() === 'authorization',
  )?.[1];
  if (!value) return [];
  const [scheme = '', token = ''] = value.trim().split(/\s+/, 2);
  if (!token) return [];
  if (scheme.toLowerCase() !== 'basic') return [token];
  const pair = Buffer.from(token, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  return colon > 0 ? [token, pair, pair.slice(colon + 1)] : [token, pair];
}

/** Brackets and colons percent-encoded, as the Omnigage examples send them. */
function withQuery(url: string, query: Record<string, string> | undefined): string {
  const search = query ? new URLSearchParams(query).toString() : '';
  if (!search) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${search}`;
}

function pathOf(url: string, query: Record<string, string> | undefined): string {
  try {
    const parsed = new URL(withQuery(url, query));
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

/** The first `code` found along an error's cause chain (undici nests the socket error). */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    if (typeof current === 'object' && current !== null) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string') return code;
      current = (current as { cause?: unknown }).cause;
    } else {
      return undefined;
    }
  }
  return undefined;
}
