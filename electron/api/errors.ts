import { AppError } from '../../shared/errors';
import { redactString } from '../logging/redact';

/**
 * Every way an Omnigage request can fail, as one typed value. The send engine branches on
 * `kind` and on `outcomeUnknown`; the UI gets words through `toAppError`.
 *
 * `outcomeUnknown` answers "may the server have applied this request?": true when the request
 * left this machine and no definite answer came back (timeout, connection reset after sending,
 * 5xx, a cancelled request in flight, a 2xx we could not read). For a POST that means the engine
 * must reconcile (docs/omnigage-api.md, decision 6) instead of sending again.
 */
export type ApiErrorKind =
  | 'bad_credentials'
  | 'forbidden'
  | 'validation'
  | 'not_found'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'cancelled'
  /**
   * A 3xx: the server pointed elsewhere. Never followed (the token would go to an address nobody
   * configured), never repeated; a POST's outcome counts as unknown, so a send reconciles.
   */
  | 'redirect'
  /** A plain-http address that is not this computer: refused before anything is sent. */
  | 'insecure'
  /** A response we could not make sense of (2xx without a readable document…). */
  | 'unexpected';

/** One entry of a JSON:API `errors[]` array, every member optional but `detail` (may be empty). */
export interface ApiErrorDetail {
  detail: string;
  /** Omnigage sends numbers (`100`); JSON:API says strings. Both are kept as sent. */
  code?: number | string;
  status?: string;
  title?: string;
  source?: { pointer?: string; parameter?: string };
}

export interface ApiErrorInit {
  kind: ApiErrorKind;
  method: string;
  /** Path and query without origin, e.g. `/api/v1/envelopes`; never carries credentials. */
  path: string;
  status?: number;
  details?: ApiErrorDetail[];
  /** The response body when it was not a JSON:API error document (truncated). */
  rawBody?: string;
  retryAfterMs?: number;
  /** Where a redirect pointed (its host only is ever shown). */
  location?: string;
  outcomeUnknown: boolean;
  attempts?: number;
  cause?: unknown;
  /**
   * Credentials of the request that failed. A server (or a proxy in front of it) may echo what
   * it was sent; every form of these is struck from the server's text before the error exists,
   * so no window, log line or stored error can carry them.
   */
  secrets?: readonly string[];
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly details: ApiErrorDetail[];
  readonly rawBody: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly location: string | undefined;
  readonly outcomeUnknown: boolean;
  /** How many attempts were made before giving up (1 when the request was not retried). */
  attempts: number;

  constructor(raw: ApiErrorInit) {
    const init = redactServerText(raw);
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.kind = init.kind;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.details = init.details ?? [];
    this.rawBody = init.rawBody;
    this.retryAfterMs = init.retryAfterMs;
    this.location = init.location;
    this.outcomeUnknown = init.outcomeUnknown;
    this.attempts = init.attempts ?? 1;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** The server's words, through the same redactor as the logs (Authorization values, the request's secrets). */
function redactServerText(init: ApiErrorInit): ApiErrorInit {
  const secrets = init.secrets ?? [];
  const clean = (text: string) => redactString(text, secrets);
  return {
    ...init,
    rawBody: init.rawBody === undefined ? undefined : clean(init.rawBody),
    location: init.location === undefined ? undefined : clean(init.location),
    details: init.details?.map((d) => ({
      ...d,
      detail: clean(d.detail),
      ...(d.title === undefined ? {} : { title: clean(d.title) }),
      ...(typeof d.code === 'string' ? { code: clean(d.code) } : {}),
    })),
  };
}

/** Only the host of a redirect target is worth showing; the rest is the server's text. */
export function redirectHost(location: string | undefined): string | null {
  if (!location) return null;
  try {
    return new URL(location).host || null;
  } catch {
    return null;
  }
}

/** A developer-facing message (logs); people see `toAppError(e).message` instead. */
function describe(init: ApiErrorInit): string {
  const where = `${init.method} ${init.path}`;
  const status = init.status === undefined ? '' : ` ${init.status}`;
  const host = redirectHost(init.location);
  const detail = host
    ? `: redirect to ${host} not followed`
    : init.details?.length
      ? `: ${init.details.map((d) => d.detail).join('; ')}`
      : init.rawBody
        ? `: ${init.rawBody.slice(0, 200)}`
        : '';
  return `${where} failed (${init.kind}${status})${detail}`;
}

const RAW_BODY_LIMIT = 2000;

/**
 * Reads a non-2xx body: a JSON:API error document when there is one (docs/omnigage-api.md,
 * decision 8), otherwise the raw text, kept so nothing the server said is lost.
 */
export function parseErrorBody(text: string): { details: ApiErrorDetail[]; rawBody?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { details: [] };
  const raw = trimmed.slice(0, RAW_BODY_LIMIT);
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { details: storageError(trimmed), rawBody: raw };
  }
  const errors = isRecord(parsed) ? parsed.errors : undefined;
  if (!Array.isArray(errors)) return { details: [], rawBody: raw };
  const details = errors.filter(isRecord).map(parseErrorEntry);
  return details.length ? { details } : { details: [], rawBody: raw };
}

/**
 * The presigned upload goes to S3-style storage, which answers errors in XML
 * (`<Error><Code>…</Code><Message>…</Message></Error>`): its message is worth showing.
 */
function storageError(text: string): ApiErrorDetail[] {
  if (!text.startsWith('<')) return [];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1]?.trim();
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1]?.trim();
  return message ? [{ detail: message, ...(code ? { code } : {}) }] : [];
}

function parseErrorEntry(entry: Record<string, unknown>): ApiErrorDetail {
  const out: ApiErrorDetail = { detail: typeof entry.detail === 'string' ? entry.detail : '' };
  if (typeof entry.code === 'number' || typeof entry.code === 'string') out.code = entry.code;
  if (typeof entry.status === 'string' || typeof entry.status === 'number')
    out.status = String(entry.status);
  if (typeof entry.title === 'string') out.title = entry.title;
  if (isRecord(entry.source)) {
    const source: ApiErrorDetail['source'] = {};
    if (typeof entry.source.pointer === 'string') source.pointer = entry.source.pointer;
    if (typeof entry.source.parameter === 'string') source.parameter = entry.source.parameter;
    out.source = source;
  }
  // An entry with only a title still says something to a person.
  if (!out.detail && out.title) out.detail = out.title;
  return out;
}

/**
 * The HTTP status classes of docs/omnigage-api.md, decision 8: 401 means bad credentials, 429 and 5xx
 * are retryable, every other 4xx is a refusal that repeating cannot fix. A 3xx is a redirect,
 * which the client never follows (http.ts).
 */
export function kindForStatus(status: number): ApiErrorKind {
  if (status === 401) return 'bad_credentials';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  if (status >= 400) return 'validation';
  if (status >= 300) return 'redirect';
  return 'unexpected';
}

/** Kinds worth another attempt, if the method and the outcome allow it (see http.ts). */
export function isTransient(kind: ApiErrorKind): boolean {
  return kind === 'rate_limited' || kind === 'server' || kind === 'network' || kind === 'timeout';
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date. Undefined when absent or
 * unreadable; never negative.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 90) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * Turns an ApiError into the shared AppError whose message is written for the staff who use
 * the app (no HTTP jargon beyond an error number they can quote to support).
 */
export function toAppError(error: ApiError): AppError {
  const opts = { cause: error };
  switch (error.kind) {
    case 'bad_credentials':
      return new AppError(
        'bad_credentials',
        'Omnigage did not accept the API token. Check the token key and token secret in Settings.',
        opts,
      );
    case 'forbidden':
      return new AppError(
        'forbidden',
        'Omnigage refused access for this API token. Check the account key in Settings, or ask your Omnigage administrator for access.',
        opts,
      );
    case 'validation': {
      const reasons = error.details.map((d) => d.detail).filter(Boolean);
      const said = reasons.length
        ? reasons.join(' ')
        : error.rawBody
          ? error.rawBody.slice(0, 300)
          : '';
      return new AppError(
        'remote_validation',
        said
          ? `Omnigage did not accept the request: ${said}`
          : `Omnigage did not accept the request (error ${error.status ?? 'unknown'}).`,
        opts,
      );
    }
    case 'not_found':
      return new AppError(
        'not_found',
        'Omnigage could not find something this campaign refers to. It may have been deleted in Omnigage.',
        opts,
      );
    case 'rate_limited':
      return new AppError(
        'rate_limited',
        error.retryAfterMs !== undefined
          ? `Omnigage is busy and asked us to slow down. It will be tried again in about ${seconds(error.retryAfterMs)}.`
          : 'Omnigage is busy and asked us to slow down. Try again in a minute.',
        opts,
      );
    case 'server':
      return new AppError(
        'remote_error',
        `Omnigage had a problem on its side (error ${error.status ?? 'unknown'}). Try again in a few minutes.`,
        opts,
      );
    case 'network':
      return new AppError(
        'network',
        'Could not reach Omnigage. Check the internet connection and the API address in Settings.',
        opts,
      );
    case 'timeout':
      return new AppError(
        'timeout',
        'Omnigage took too long to answer. Try again in a few minutes.',
        opts,
      );
    case 'cancelled':
      return new AppError('cancelled', 'The request to Omnigage was cancelled.', opts);
    case 'redirect': {
      const host = redirectHost(error.location);
      return new AppError(
        'remote_error',
        `Omnigage answered with a redirect to another address${host ? ` (${host})` : ''}; the request was not repeated there. Check the API address in Settings, or contact support if it is right.`,
        opts,
      );
    }
    case 'insecure':
      return new AppError(
        'invalid_input',
        'The app talks to Omnigage only over https://; plain http:// is allowed only for a sandbox on this computer. Check the API address in Settings.',
        opts,
      );
    case 'unexpected':
      return new AppError(
        'remote_error',
        'Omnigage sent an answer this app could not read. Try again later, or contact support if it keeps happening.',
        opts,
      );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
