import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath } from './browser';

/**
 * The Electron binary, when this machine has one. Found without require('electron'), which
 * would try to download the binary on first use (impossible on machines without GitHub access).
 */
function electronBinary(): string | undefined {
  const root = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(root, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(root, 'dist');
  const binary = join(dist, relative);
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
if (!binary) console.log('skipped: no Electron binary (node_modules/electron was installed with ELECTRON_SKIP_BINARY_DOWNLOAD)');

describe.skipIf(!binary)('the packaged flow in real Electron', () => {
  it('creates a campaign, restarts the app and finds it again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'omnigage-electron-'));
    const launch = () =>
      electron.launch({
        executablePath: binary!,
        args: ['.', '--no-sandbox'],
        env: { ...process.env, OMNIGAGE_CAMPAIGNS_HOME: dataDir },
      });

    let app = await launch();
    let window = await app.firstWindow();
    // The page has the contract's functions and no way to Node.
    expect(await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await window.evaluate(() => Object.keys((window as unknown as { api: object }).api).includes('campaigns:create'))).toBe(true);
    // Served from the app's own scheme, never file://, and a raw path gets nothing back.
    expect(window.url()).toBe('app://omnigage/index.html');
    const peek = await window.evaluate(() =>
      (window as unknown as { api: Record<string, (input: unknown) => Promise<unknown>> }).api['recipients:peek']!({ file: '/etc/passwd' }),
    );
    expect(peek).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    await window.getByRole('button', { name: 'Create your first campaign' }).click();
    await window.getByLabel('Campaign name').fill('From Electron');
    await window.keyboard.press('Enter');
    await window.getByTestId('campaign-row').first().waitFor();
    await app.close();

    app = await launch();
    window = await app.firstWindow();
    await window.getByRole('row', { name: /From Electron/ }).waitFor();
    await window.screenshot({ path: screenshotPath('electron-campaigns') });
    await app.close();
  });
});
