import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../electron/paths';
import { startSandbox } from '../../electron/sandbox';
import { KeytarSecretStore } from '../../electron/secrets/keytar-store';
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
/**
 * An installed-layout app to test instead of the checkout: CI sets it to the executable that
 * `electron-builder --dir` produced, so the packaged asar, its native addons (better-sqlite3,
 * keytar) and the fuses are what runs.
 */
const packaged = process.env.OMNIGAGE_APP_EXECUTABLE;
if (!binary && !packaged) {
  console.log(
    'skipped: no Electron binary (node_modules/electron was installed with ELECTRON_SKIP_BINARY_DOWNLOAD) and no OMNIGAGE_APP_EXECUTABLE',
  );
}

function launchApp(dataDir: string): Promise<ElectronApplication> {
  const env = { ...process.env, OMNIGAGE_CAMPAIGNS_HOME: dataDir };
  return packaged
    ? electron.launch({ executablePath: packaged, args: ['--no-sandbox'], env })
    : electron.launch({ executablePath: binary!, args: ['.', '--no-sandbox'], env });
}

describe.skipIf(!binary && !packaged)(
  `the ${packaged ? 'packaged' : 'built'} app in real Electron`,
  () => {
    it('creates a campaign, restarts the app and finds it again', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'omnigage-electron-'));
      const launch = () => launchApp(dataDir);

      let app = await launch();
      let window = await app.firstWindow();
      // The page has the contract's functions and no way to Node.
      expect(
        await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require),
      ).toBe('undefined');
      expect(
        await window.evaluate(() =>
          Object.keys((window as unknown as { api: object }).api).includes('campaigns:create'),
        ),
      ).toBe(true);
      // Served from the app's own scheme, never file://, and a raw path gets nothing back.
      expect(window.url()).toBe('app://omnigage/index.html');
      const peek = await window.evaluate(() =>
        (window as unknown as { api: Record<string, (input: unknown) => Promise<unknown>> }).api[
          'recipients:peek'
        ]!({ file: '/etc/passwd' }),
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
    it('keeps the token secret in the OS keychain and the profile in the database, and connects with them', async () => {
      // A secret of this run only, so finding it anywhere on disk means it leaked.
      const secret = `electron-secret-${Date.now()}`;
      const sandbox = await startSandbox({
        seed: 'electron',
        credentials: { tokenKey: 'electron-token-key', tokenSecret: secret },
      });
      const dataDir = mkdtempSync(join(tmpdir(), 'omnigage-electron-'));
      let profileId: string | undefined;
      try {
        const app = await launchApp(dataDir);
        const window = await app.firstWindow();
        await window.getByRole('button', { name: 'Settings' }).first().click();
        await window.getByRole('button', { name: 'Add a profile' }).click();
        const form = window.getByRole('dialog', { name: 'Add an API profile' });
        await form.getByLabel('Name').fill('Electron sandbox');
        await form.getByLabel('API address').fill(sandbox.baseUrl);
        await form.getByLabel(/Token key/).fill(sandbox.credentials.tokenKey);
        await form.getByLabel('Token secret').fill(secret);
        await form.getByRole('button', { name: 'Save profile' }).click();
        await window.getByTestId('profile').first().waitFor();
        // The connection test reads the secret back from the keychain inside the app.
        await window.getByRole('button', { name: /Test connection of/ }).click();
        await window.getByText(sandbox.callerId.phoneNumber).first().waitFor();
        await window.screenshot({ path: screenshotPath('electron-settings') });
        await app.close();

        // The database the app wrote holds the profile and never the secret.
        const db = new Database(dataPaths(dataDir).database, { readonly: true });
        const rows = db.prepare('SELECT id, name, has_secret FROM profiles').all() as Array<{
          id: string;
          name: string;
          has_secret: number;
        }>;
        db.close();
        expect(rows).toMatchObject([{ name: 'Electron sandbox', has_secret: 1 }]);
        profileId = rows[0]!.id;
        for (const file of readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
          if (file.isFile())
            expect(readFileSync(join(file.parentPath, file.name)).includes(secret), file.name).toBe(
              false,
            );
        }
        // And the OS keychain holds it under the profile's id.
        expect(await new KeytarSecretStore().get(profileId)).toBe(secret);
      } finally {
        if (profileId) await new KeytarSecretStore().delete(profileId);
        await sandbox.close();
      }
    });
  },
);
