import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath } from './browser';

/** The Electron binary, when this machine has one (its download is not possible everywhere). */
function electronBinary(): string | undefined {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
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
