import { z } from 'zod';

/** Omnigage's production API (the SDK's default base URL). */
export const PRODUCTION_API_URL = 'https://api.omnigage.io/api/v1/';
/** Where `npm run sandbox` listens by default. */
export const SANDBOX_API_URL = 'http://127.0.0.1:4010/api/v1/';
export const SANDBOX_PROFILE_NAME = 'Sandbox (this computer)';

export const PROFILE_NAME_MAX = 80;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks an API base URL and returns it in one canonical form (with a trailing slash, so
 * resource paths join onto it). Plain http is accepted only for this computer: anything else
 * would send the token secret across the network in the clear.
 */
export function normalizeApiUrl(
  raw: string,
): { ok: true; url: string } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return {
      ok: false,
      message: 'Enter the full API address, such as https://api.omnigage.io/api/v1/.',
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: 'The API address must start with https://.' };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      message:
        'Use https:// for the API address; plain http:// is allowed only for a sandbox on this computer.',
    };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      message:
        'Leave user names and passwords out of the API address; the token goes in its own fields.',
    };
  }
  if (url.search || url.hash) {
    return { ok: false, message: 'The API address cannot contain "?" or "#" parts.' };
  }
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return { ok: true, url: url.toString() };
}

/** This computer, as a URL's `hostname` spells it (IPv6 keeps its brackets). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

export function isLoopbackUrl(apiUrl: string): boolean {
  try {
    return isLoopbackHost(new URL(apiUrl).hostname);
  } catch {
    return false;
  }
}

export const apiUrlSchema = z.string().transform((value, ctx) => {
  const result = normalizeApiUrl(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  }
  return result.url;
});

export const profileIdSchema = z.string().uuid('Not a profile id.');

export const profileNameSchema = z
  .string()
  .trim()
  .min(1, 'Give the profile a name.')
  .max(PROFILE_NAME_MAX, `Keep the name under ${PROFILE_NAME_MAX} characters.`);

/** The account's short key (Account → Settings → General → Key); optional for API tokens. */
export const accountKeySchema = z
  .string()
  .trim()
  .max(200, 'The account key is too long.')
  .regex(/^[^\s]*$/, 'The account key has no spaces.');

/** The API token's key. A colon would break the key:secret pair of Basic authentication. */
export const tokenKeySchema = z
  .string()
  .trim()
  .min(1, 'Enter the token key (Account → Developer → API Tokens).')
  .max(500, 'The token key is too long.')
  .regex(/^[^\s:]+$/, 'The token key has no spaces or colons.');

/** A token secret as typed into a password field; it is only ever passed on to the keychain. */
export const tokenSecretSchema = z
  .string()
  .trim()
  .min(1, 'Enter the token secret.')
  .max(2000, 'The token secret is too long.')
  .regex(/^[^\s]+$/, 'The token secret has no spaces.');

export const profileInputSchema = z.object({
  /** Absent for a new profile. */
  id: profileIdSchema.optional(),
  name: profileNameSchema,
  apiUrl: apiUrlSchema.default(PRODUCTION_API_URL),
  accountKey: accountKeySchema.default(''),
  tokenKey: tokenKeySchema,
  /**
   * Sent once, stored in the keychain, never sent back. Absent or blank (the password field
   * left empty while editing): keep the stored secret.
   */
  tokenSecret: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value : undefined))
    .pipe(tokenSecretSchema.optional()),
});
export type ProfileInput = z.output<typeof profileInputSchema>;

/** A profile as the window sees it: everything but the secret, and whether one is stored. */
export interface Profile {
  id: string;
  name: string;
  apiUrl: string;
  accountKey: string;
  tokenKey: string;
  hasSecret: boolean;
  isActive: boolean;
  /** True when the API address is on this computer (the sandbox). */
  isLocal: boolean;
  /**
   * When the connection test last passed with the current address, token and secret (null:
   * never, or the settings changed since). Only a tested profile is shown as ready.
   */
  testedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A verified caller ID as last fetched from the account, kept for choosing while offline. */
export interface CachedCallerId {
  id: string;
  phoneNumber: string;
  label: string;
  fetchedAt: string;
}

export interface CallerIdList {
  profileId: string;
  callerIds: CachedCallerId[];
  /** When the list was last fetched; null if the connection has never been tested. */
  fetchedAt: string | null;
}

export type CallerIdCheck =
  | { status: 'verified'; callerId: CachedCallerId }
  | { status: 'unverified'; value: string; warning: string };

export interface ConnectionTestResult {
  profileId: string;
  message: string;
  callerIds: CachedCallerId[];
  testedAt: string;
}

export type KeychainStatus =
  | { available: true; backend: string }
  | { available: false; reason: KeychainProblem; message: string };

export type KeychainProblem = 'not-installed' | 'locked' | 'denied' | 'timeout' | 'failed';

/**
 * A caller ID as a comparable string: digits with a leading +, so "+1 (212) 555-0100",
 * "+12125550100" and "1-212-555-0100" compare equal when typed by hand.
 */
export function callerNumberKey(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length === 10) return `+1${digits}`; // a North American number typed without its country code
  return `+${digits}`;
}
