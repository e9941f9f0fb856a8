import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox';
import type { Services } from '../../electron/services';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import { axeViolations, type A11yViolation } from './a11y';
import { hasChromium, launchBrowser, screenshotPath } from './browser';
import { startHarness, type Harness } from './harness';

export { hasChromium };

// Said once per test file (vitest loads this module afresh for each), so a run without the
// browser says why its tests were skipped instead of passing silently.
if (!hasChromium)
  console.log('skipped: no Chromium at /usr/bin/chromium (install the Debian package "chromium")');

const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 900, height: 900 };

export interface E2e {
  readonly harness: Harness;
  /** The services behind the window (the harness's backend). */
  readonly services: Services;
  /** Only when useE2e was given `sandbox`. */
  readonly sandbox: Sandbox;
  /** The sandbox's profile, added before the tests run (only with `sandbox`). */
  readonly profileId: string;
  readonly browser: Browser;
  readonly page: Page;
  /** Every uncaught error in the page (and, with `consoleErrors`, every console error). */
  readonly pageErrors: string[];
  /** axe-core's findings per screenshot taken with `axeShot`; a test expects it to be empty. */
  readonly a11y: Record<string, A11yViolation[]>;
  /** A screenshot of the page as it is, checked by axe-core (findings kept in `a11y`). */
  axeShot(name: string, options?: { fullPage?: boolean }): Promise<void>;
}

/**
 * The browser end-to-end set-up every e2e file shares, registered as its beforeAll/afterAll:
 * the sandbox Omnigage API (with its profile added) when asked for, the harness serving the
 * built renderer with a memory secret store, and one Chromium page collecting its errors.
 * Torn down in reverse: the outbox stopped, the browser, the harness, the sandbox.
 */
export function useE2e(
  options: {
    sandbox?: SandboxOptions;
    harness?: Parameters<typeof startHarness>[0];
    viewport?: { width: number; height: number };
    /** Count console errors (a CSP violation, a failed call) as page errors too. */
    consoleErrors?: boolean;
  } = {},
): E2e {
  let harness: Harness | undefined;
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let profileId: string | undefined;
  const pageErrors: string[] = [];
  const a11y: Record<string, A11yViolation[]> = {};
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The e2e fixture has no ${what} (yet).`);
    return value;
  };

  beforeAll(async () => {
    if (options.sandbox) sandbox = await startSandbox(options.sandbox);
    harness = await startHarness({ secrets: new MemorySecretStore(), ...options.harness });
    if (sandbox)
      profileId = (await harness.backend.services!.profiles.addSandbox(sandbox.baseUrl)).id;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: options.viewport ?? WIDE });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    if (options.consoleErrors)
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
  });

  afterAll(async () => {
    // A send left waiting (a later time, a held-back number) must not outlive its harness.
    await harness?.backend.services?.send.stopOutbox();
    await browser?.close();
    await harness?.close();
    await sandbox?.close();
  });

  const e2e: E2e = {
    get harness() {
      return ready(harness, 'harness');
    },
    get services() {
      return ready(harness?.backend.services ?? undefined, 'services');
    },
    get sandbox() {
      return ready(sandbox, 'sandbox');
    },
    get profileId() {
      return ready(profileId, 'sandbox profile');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    get page() {
      return ready(page, 'page');
    },
    pageErrors,
    a11y,
    async axeShot(name, shotOptions = {}) {
      await e2e.page.screenshot({ path: screenshotPath(name), fullPage: shotOptions.fullPage });
      const found = await axeViolations(e2e.page);
      if (found.length > 0) a11y[name] = found;
    },
  };
  return e2e;
}

/**
 * Whether the send confirmation asks "Yes, call at 2 a.m." depends on the hour the test runs in
 * the recipients' zone (test-call.test.ts pins the window's clock to check both answers); tests
 * that only need the send to go tick it when it is asked.
 */
export async function acceptOddHour(page: Page): Promise<void> {
  const odd = page.getByRole('dialog').getByTestId('odd-hour');
  if ((await odd.count()) > 0) await odd.getByRole('checkbox').check();
}

/**
 * The screenshots a screen is looked at in: light and dark, wide and narrow (900 pixels, or
 * `narrow` for a screen that must still work smaller), named `<name>-<light|dark>-<wide|narrow>`;
 * the page is left light and wide.
 */
export async function shoot(
  page: Page,
  name: string,
  options: { narrow?: number } = {},
): Promise<void> {
  const sizes = [
    ['wide', WIDE],
    ['narrow', { ...NARROW, width: options.narrow ?? NARROW.width }],
  ] as const;
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const [size, viewport] of sizes) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: screenshotPath(`${name}-${colorScheme}-${size}`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(WIDE);
}

/**
 * A draft ready to send: its caller ID, a text message read in Polly-Joanna, and the list
 * written as `fileName` into a new temporary folder and imported (with the profile, when given,
 * chosen for it). Returns the campaign's id, the folder and the list's path.
 */
export function campaignWithList(
  services: Services,
  campaign: {
    name: string;
    callerId: string;
    body: string;
    list: string;
    fileName?: string;
    profileId?: string;
  },
): { id: string; dir: string; file: string } {
  const { id } = services.campaigns.create(campaign.name);
  services.campaigns.update(id, {
    callerId: campaign.callerId,
    human: { kind: 'text', body: campaign.body, voice: 'Polly-Joanna' },
  });
  const dir = mkdtempSync(join(tmpdir(), 'omnigage-e2e-list-'));
  const file = join(dir, campaign.fileName ?? 'list.csv');
  writeFileSync(file, campaign.list);
  services.recipients.import({ campaignId: id, filePath: file });
  if (campaign.profileId) services.profiles.useForCampaign(id, campaign.profileId);
  return { id, dir, file };
}

/**
 * Sends the campaign to the sandbox (handed over in full, or the test fails here), lets the
 * sandbox's dialer make every call, and fetches the outcomes, as Results would.
 */
export async function sendAndCall(services: Services, sandbox: Sandbox, id: string): Promise<void> {
  await services.send.start(id);
  expect((await services.send.settled(id))?.state).toBe('scheduled');
  sandbox.dialer.runUntilIdle();
  await services.results.refresh(id);
}
