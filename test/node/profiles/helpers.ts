import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { createServices, type Services } from '../../../electron/services';

export interface ProfileFixture {
  dataDir: string;
  services: Services;
  secrets: MemorySecretStore;
  log: ReturnType<typeof createMemoryLogger>;
  cleanup(): void;
}

/** Real services on a fresh SQLite file in a temp folder, with the keychain in memory. */
export function openFixture(clock?: () => Date): ProfileFixture {
  const dataDir = mkdtempSync(join(tmpdir(), 'omnigage-profiles-'));
  const secrets = new MemorySecretStore();
  const log = createMemoryLogger();
  const services = createServices({ dataDir, log, secrets, clock });
  return {
    dataDir,
    services,
    secrets,
    log,
    cleanup: () => {
      services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
