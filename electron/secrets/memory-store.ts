import { AppError } from '../../shared/errors';
import type { KeychainStatus } from '../../shared/profiles';
import type { SecretStore } from './store';

/**
 * A keychain in memory, for unit tests and the browser test harness. `unavailable` makes it
 * behave like a machine without a keychain, so the refusals can be tested too.
 */
export class MemorySecretStore implements SecretStore {
  readonly entries = new Map<string, string>();
  unavailable: KeychainStatus | undefined;

  async get(account: string): Promise<string | null> {
    this.#check();
    return this.entries.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.#check();
    this.entries.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    this.#check();
    return this.entries.delete(account);
  }

  async status(): Promise<KeychainStatus> {
    return this.unavailable ?? { available: true, backend: 'memory' };
  }

  #check(): void {
    if (this.unavailable && !this.unavailable.available) {
      throw new AppError('keychain_unavailable', this.unavailable.message);
    }
  }
}
