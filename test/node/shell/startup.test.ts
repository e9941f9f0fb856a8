import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../../electron/backend';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { dataPaths } from '../../../electron/paths';
import { openDatabase } from '../../../electron/db/open';
import { useTempDir } from '../../helpers/temp';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';

const tempDir = useTempDir();

describe('start-up errors', () => {
  it('a database from a newer app becomes a start-up error screen, and every operation is refused', async () => {
    const dataDir = tempDir();
    const file = dataPaths(dataDir).database;
    const db = openDatabase(file);
    db.prepare(
      "INSERT INTO campaigns (id, name, created_at, updated_at) VALUES ('a', 'Precious', 'x', 'x')",
    ).run();
    db.prepare('INSERT INTO schema_migrations VALUES (999, ?, ?, ?)').run('future', 'x', 'x');
    db.close();

    const backend = createBackend({
      dataDir,
      log: createMemoryLogger(),
      emit: () => {},
      version: '1.0.0',
      secrets: new MemorySecretStore(),
    });
    expect(backend.status).toMatchObject({
      state: 'startup-error',
      code: 'database-too-new',
      dataDir,
    });
    await expect(backend.dispatch('app:status', undefined)).resolves.toMatchObject({
      ok: true,
      value: { state: 'startup-error', title: expect.stringMatching(/newer version/) },
    });
    await expect(backend.dispatch('campaigns:list', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });

    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT name FROM campaigns').pluck().all()).toEqual(['Precious']);
    check.close();
  });

  it('a data folder that cannot be written is reported, not crashed on', () => {
    // A file where the data folder should be: mkdir fails the way a read-only or blocked folder would.
    const blocker = join(tempDir(), 'not-a-folder');
    writeFileSync(blocker, '');
    const backend = createBackend({
      dataDir: join(blocker, 'data'),
      log: createMemoryLogger(),
      emit: () => {},
      version: '1.0.0',
      secrets: new MemorySecretStore(),
    });
    expect(backend.status).toMatchObject({ state: 'startup-error', code: 'database-unwritable' });
  });
});
