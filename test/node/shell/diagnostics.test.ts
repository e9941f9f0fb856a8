import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../electron/backend';
import { ScriptedDialogs } from '../../../electron/dialogs';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';

const dir = mkdtempSync(join(tmpdir(), 'omnigage-diagnostics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('errors in the window and the diagnostics bundle', () => {
  const dialogs = new ScriptedDialogs();
  const log = createMemoryLogger();
  const dataDir = join(dir, 'data');
  const backend = createBackend({
    dataDir,
    log,
    emit: () => {},
    version: '3.1.0',
    dialogs,
    secrets: new MemorySecretStore(),
  });
  afterAll(() => backend.close());

  it('logs an error the window reports and answers details to copy, without numbers or credentials', async () => {
    const result = await backend.dispatch('app:reportError', {
      where: 'the window',
      name: 'TypeError',
      message: 'no preview for +12125550142 (Bearer abc.def.ghi)',
      stack: 'TypeError: no preview\n    at preview (app://omnigage/assets/index.js:1:99)',
    });
    expect(result.ok).toBe(true);
    const details = (result as { ok: true; value: { details: string } }).value.details;
    expect(details).toMatch(/Where: the window/);
    expect(details).toMatch(/app 3\.1\.0/);
    expect(details).not.toMatch(/2125550142|abc\.def/);
    expect(log.records.some((r) => r.message === 'error in the window')).toBe(true);
  });

  it('saves the logs and versions as a zip for support, scrubbed of numbers and e-mail addresses', async () => {
    const logs = join(dataDir, 'logs');
    mkdirSync(logs, { recursive: true });
    writeFileSync(
      join(logs, 'app.log'),
      '{"msg":"sent","to":"+1 212-555-0142","by":"ann@bank.example"}\n',
    );
    writeFileSync(join(logs, 'cli.log.1'), '{"msg":"older"}\n');
    writeFileSync(join(dataDir, 'notes.txt'), 'not a log');
    const target = join(dir, 'diagnostics.zip');
    dialogs.willSave(target);
    const result = await backend.dispatch('app:saveDiagnostics', undefined);
    expect(result).toEqual({ ok: true, value: { saved: { path: target, files: 3 } } });
    const zip = unzipSync(readFileSync(target));
    expect(Object.keys(zip).sort()).toEqual(['logs/app.log', 'logs/cli.log.1', 'versions.txt']);
    const appLog = strFromU8(zip['logs/app.log']!);
    expect(appLog).toContain('"msg":"sent"');
    expect(appLog).not.toMatch(/555|ann@bank/);
    expect(strFromU8(zip['versions.txt']!)).toMatch(/app: 3\.1\.0/);
    // The database never goes into the bundle.
    expect(Object.keys(zip).some((name) => name.includes('sqlite'))).toBe(false);
  });

  it('writes nothing when the person cancels the save', async () => {
    expect(await backend.dispatch('app:saveDiagnostics', undefined)).toEqual({
      ok: true,
      value: { saved: null },
    });
  });
});
