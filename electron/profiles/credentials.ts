import { AppError } from '../../shared/errors';
import { PRODUCTION_API_URL, normalizeApiUrl, type Profile } from '../../shared/profiles';
import type { Logger } from '../logging/logger';
import { registerSecret } from '../secrets/store';
import type { ProfileService } from './service';

/** Everything needed to call the API as one account. Main-side only: never sent to the window. */
export interface Credentials {
  apiUrl: string;
  /** Sent as X-Account-Key when not empty. */
  accountKey: string;
  tokenKey: string;
  tokenSecret: string;
  /** The profile the settings came from, if any. */
  profileId: string | null;
  /** Where the token came from, for messages and logs. */
  source: 'environment' | 'keychain';
}

/** The API client's address and credentials for an account: the one place the two shapes meet. */
export function clientConnection(credentials: Credentials) {
  return {
    baseUrl: credentials.apiUrl,
    credentials: {
      tokenKey: credentials.tokenKey,
      tokenSecret: credentials.tokenSecret,
      accountKey: credentials.accountKey || undefined,
    },
  };
}

export const CREDENTIAL_ENV = {
  apiUrl: 'OMNIGAGE_API_URL',
  accountKey: 'OMNIGAGE_ACCOUNT_KEY',
  tokenKey: 'OMNIGAGE_API_KEY',
  tokenSecret: 'OMNIGAGE_API_SECRET',
} as const;

export interface ResolveCredentialsOptions {
  profiles: ProfileService;
  log: Logger;
  /** The profile to use. Default: the one `campaignId` remembers, else the active one. */
  profileId?: string | null;
  /** The campaign being sent, whose remembered profile is used when no profileId is given. */
  campaignId?: string;
  /**
   * The CLI's environment, whose OMNIGAGE_API_* variables override the profile (the CLI's
   * documented contract). Absent in the desktop app: it uses the keychain profile and nothing
   * else, whatever happens to be set in the environment it was started from.
   */
  env?: NodeJS.ProcessEnv;
}

/**
 * Credentials for the send engine and the CLI. Given an environment (the CLI only), it wins
 * where it speaks:
 * OMNIGAGE_API_KEY and OMNIGAGE_API_SECRET together replace the keychain (so the CLI works on a
 * server without one), OMNIGAGE_API_URL and OMNIGAGE_ACCOUNT_KEY replace the profile's address
 * and account key. Otherwise the profile's secret is read from the keychain.
 */
export async function resolveCredentials({
  profiles,
  log,
  profileId,
  campaignId,
  env = {},
}: ResolveCredentialsOptions): Promise<Credentials> {
  // Mention the variables only where they mean something: in the app they are ignored.
  const orEnvironment = Object.keys(env).length
    ? `, or set ${CREDENTIAL_ENV.tokenKey} and ${CREDENTIAL_ENV.tokenSecret}`
    : '';
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const envKey = read(CREDENTIAL_ENV.tokenKey);
  const envSecret = read(CREDENTIAL_ENV.tokenSecret);
  const envAccount =
    env[CREDENTIAL_ENV.accountKey] !== undefined
      ? (env[CREDENTIAL_ENV.accountKey] ?? '').trim()
      : undefined;
  const envUrlRaw = read(CREDENTIAL_ENV.apiUrl);
  if (envSecret) log.addSecret(envSecret);

  if (Boolean(envKey) !== Boolean(envSecret)) {
    throw new AppError(
      'invalid_input',
      `${envKey ? CREDENTIAL_ENV.tokenKey : CREDENTIAL_ENV.tokenSecret} is set but ${envKey ? CREDENTIAL_ENV.tokenSecret : CREDENTIAL_ENV.tokenKey} is not. Set both, or neither to use the keychain.`,
    );
  }
  let envUrl: string | undefined;
  if (envUrlRaw) {
    const normalized = normalizeApiUrl(envUrlRaw);
    if (!normalized.ok)
      throw new AppError('invalid_input', `${CREDENTIAL_ENV.apiUrl}: ${normalized.message}`);
    envUrl = normalized.url;
  }

  const profile: Profile | null = profileId
    ? profiles.get(profileId)
    : campaignId
      ? profiles.forCampaign(campaignId)
      : profiles.active();

  if (envKey && envSecret) {
    registerSecret(log, envKey, envSecret);
    return {
      apiUrl: envUrl ?? profile?.apiUrl ?? PRODUCTION_API_URL,
      accountKey: envAccount ?? profile?.accountKey ?? '',
      tokenKey: envKey,
      tokenSecret: envSecret,
      profileId: profile?.id ?? null,
      source: 'environment',
    };
  }

  if (!profile) {
    throw new AppError(
      'invalid_input',
      `No Omnigage account is set up on this computer. Add your Omnigage account in Settings${orEnvironment}.`,
    );
  }
  const tokenSecret = await profiles.readSecret(profile.id);
  if (!tokenSecret) {
    throw new AppError(
      'bad_credentials',
      `The profile "${profile.name}" has no token secret in the keychain. Enter it in Settings${orEnvironment}.`,
    );
  }
  return {
    apiUrl: envUrl ?? profile.apiUrl,
    accountKey: envAccount ?? profile.accountKey,
    tokenKey: profile.tokenKey,
    tokenSecret,
    profileId: profile.id,
    source: 'keychain',
  };
}
