import { AppError } from '../../shared/errors';
import type { KeychainStatus } from '../../shared/profiles';
import { describeKeychainFailure, keychainError } from './keychain-errors';
import { KEYCHAIN_SERVICE, type SecretStore } from './store';
import { withTimeout } from '../../shared/timeout';
import { randomUUID } from 'node:crypto';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface KeytarStoreOptions {
  service?: string;
  platform?: NodeJS.Platform;
  /** How long one keychain call may take (an unlock prompt waits for a person). */
  timeoutMs?: number;
  /** Injected in tests; by default the keytar addon is loaded on first use. */
  load?: () => Promise<Keytar>;
}

const PROBE_ACCOUNT = 'availability-check';

async function loadKeytar(): Promise<Keytar> {
  // Loaded on first use so a machine whose keytar addon cannot load (no libsecret) still starts
  // and gets the "no keychain" message instead of a crash. The bundled Electron main process is
  // CommonJS and loads it with require (resolved next to the app, asar-aware); under plain Node
  // ESM (tests, the CLI) there is no require and it is imported.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load of a native addon in the CommonJS bundle
  if (typeof require === 'function') return require('keytar') as Keytar;
  const mod = (await import('keytar')) as unknown as Keytar & { default?: Keytar };
  return mod.default ?? mod;
}

/** Secrets in the OS keychain: one entry per profile id under the service "Omnigage Campaigns". */
export class KeytarSecretStore implements SecretStore {
  readonly #service: string;
  readonly #platform: NodeJS.Platform;
  readonly #timeoutMs: number;
  readonly #load: () => Promise<Keytar>;
  #keytar: Promise<Keytar> | undefined;

  constructor(options: KeytarStoreOptions = {}) {
    this.#service = options.service ?? KEYCHAIN_SERVICE;
    this.#platform = options.platform ?? process.platform;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#load = options.load ?? loadKeytar;
  }

  get(account: string): Promise<string | null> {
    return this.#call((k) => k.getPassword(this.#service, account));
  }

  set(account: string, secret: string): Promise<void> {
    return this.#call((k) => k.setPassword(this.#service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.#call((k) => k.deletePassword(this.#service, account));
  }

  /**
   * A full round trip (write, read back, remove) on a probe entry: reading alone succeeds on a
   * Linux keyring that is locked or has no login collection, and only a write shows it.
   */
  async status(): Promise<KeychainStatus> {
    // Unique per probe, so a value left by an earlier probe cannot pass for this one.
    const value = `probe-${randomUUID()}`;
    try {
      await this.set(PROBE_ACCOUNT, value);
      const back = await this.get(PROBE_ACCOUNT);
      await this.delete(PROBE_ACCOUNT);
      if (back !== value) {
        return {
          available: false,
          reason: 'failed',
          message:
            'The keychain did not return what was stored in it. Check the keychain, then try again.',
        };
      }
      return { available: true, backend: this.#backendName() };
    } catch (error) {
      const cause = error instanceof AppError ? (error.cause ?? error) : error;
      if (error instanceof AppError && error.code === 'timeout') {
        return { available: false, reason: 'timeout', message: error.message };
      }
      const failure = describeKeychainFailure(cause, this.#platform);
      return { available: false, reason: failure.reason, message: failure.message };
    }
  }

  #backendName(): string {
    if (this.#platform === 'darwin') return 'macOS Keychain';
    if (this.#platform === 'win32') return 'Windows Credential Manager';
    return 'Secret Service';
  }

  async #call<T>(run: (keytar: Keytar) => Promise<T>): Promise<T> {
    this.#keytar ??= this.#load().catch((error: unknown) => {
      this.#keytar = undefined; // try again next time: the person may have installed libsecret meanwhile
      throw error;
    });
    const loaded = this.#keytar;
    try {
      // Loading the addon and the call share one deadline (an unlock prompt waits for a person).
      return await withTimeout(
        loaded.then(run),
        this.#timeoutMs,
        () =>
          new AppError(
            'timeout',
            'The keychain did not answer. If it asked for a password, unlock it and try again.',
          ),
      );
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw keychainError(error, this.#platform);
    }
  }
}
