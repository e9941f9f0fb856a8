import type { KeychainStatus } from '../../shared/profiles';

/** The keychain service every entry of this app is filed under. */
export const KEYCHAIN_SERVICE = 'Omnigage Campaigns';

/**
 * Where token secrets live. The app uses the OS keychain (keytar); unit tests use memory. There
 * is deliberately no file-backed implementation: a secret that cannot go to the keychain is
 * refused, never written somewhere else.
 *
 * Every method throws `AppError('keychain_unavailable', …)` when the keychain cannot be used,
 * with a message that says what to install or unlock.
 */
export interface SecretStore {
  /** The secret stored for `account` (a profile id), or null when there is none. */
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** True if an entry was removed. */
  delete(account: string): Promise<boolean>;
  /** Can secrets be stored and read right now? Never throws. */
  status(): Promise<KeychainStatus>;
}

interface SecretSink {
  addSecret(secret: string): void;
}

/**
 * Tells the logger every form in which a token secret could show up: the secret itself, the
 * key:secret pair and that pair in Base64 (the Basic Authorization value).
 */
export function registerSecret(log: SecretSink, tokenKey: string, secret: string): void {
  log.addSecret(secret);
  if (tokenKey) {
    const pair = `${tokenKey}:${secret}`;
    log.addSecret(pair);
    log.addSecret(Buffer.from(pair, 'utf8').toString('base64'));
  }
}
