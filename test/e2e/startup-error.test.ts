import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/db/open';
import { dataPaths } from '../../electron/paths';
import { hasChromium, launchBrowser, screenshotPath } from './browser';
import { startHarness, type Harness } from './harness';

describe.skipIf(!hasChromium)('start-up error screen in a real browser', () => {
  let harness: Harness | undefined;
  afterAll(async () => harness?.close());

  it('shows what happened and what to do when the database is from a newer app', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'omnigage-e2e-future-'));
    const db = openDatabase(dataPaths(dataDir).database);
    db.prepare('INSERT INTO schema_migrations VALUES (999, ?, ?, ?)').run(
      'from-the-future',
      'x',
      'x',
    );
    db.close();

    harness = await startHarness({ dataDir });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
      await page.goto(harness.url);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.textContent();
      expect(text).toMatch(/newer version of Omnigage Campaigns/);
      expect(text).toMatch(/Install the latest version/);
      expect(text).toContain(dataDir);
      await page.screenshot({ path: screenshotPath('startup-error-database-too-new') });
    } finally {
      await browser.close();
    }
    // Nothing was deleted or changed to "repair" it.
    const check = new Database(dataPaths(dataDir).database, { readonly: true });
    expect(check.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(999);
    check.close();
  });
});
