import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../../electron/menu';
import { resolveDataDir } from '../../../electron/paths';
import { APP_ENTRY, rendererFileFor, serveRenderer } from '../../../electron/app-protocol';
import {
  externalUrl,
  isAppUrl,
  isTrustedSender,
  secureWebPreferences,
} from '../../../electron/security';
import {
  DEFAULT_WINDOW_STATE,
  loadWindowState,
  saveWindowState,
} from '../../../electron/window-state';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();

describe('window security', () => {
  it('turns on isolation and the sandbox, turns off Node and webviews, and DevTools unless developing', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      devTools: false,
    });
    expect(secureWebPreferences('/app/preload.cjs', { devTools: true }).devTools).toBe(true);
  });

  it('opens only https links to the allowed hosts externally, after parsing', () => {
    expect(externalUrl('https://help.omnigage.com/article/60')).toBe(
      'https://help.omnigage.com/article/60',
    );
    expect(externalUrl('https://OMNIGAGE.com/pricing')).toBe('https://omnigage.com/pricing');
    for (const bad of [
      'http://help.omnigage.com/',
      'https://example.com/',
      'https://help.omnigage.com.evil.example/',
      'https://evil.example/?https://help.omnigage.com/',
      'https://help.omnigage.com@evil.example/',
      'https://user:pw@help.omnigage.com/',
      'https://help.omnigage.com:8443/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      '\\\\server\\share',
      'not a url',
      ' https:// ',
    ]) {
      expect(externalUrl(bad), bad).toBeUndefined();
    }
    expect(externalUrl('https://portal.example.org/x', ['portal.example.org'])).toBe(
      'https://portal.example.org/x',
    );
  });

  it('keeps navigation on the app page only', () => {
    const app = APP_ENTRY;
    expect(isAppUrl(`${app}#/campaigns`, app)).toBe(true);
    expect(isAppUrl('app://omnigage/assets/index.js', app)).toBe(true);
    expect(isAppUrl('app://other/index.html', app)).toBe(false);
    expect(isAppUrl('file:///opt/app/resources/app.asar/dist/renderer/index.html', app)).toBe(
      false,
    );
    expect(isAppUrl('file:///etc/passwd', 'file:///etc/passwd')).toBe(false);
    expect(isAppUrl('https://evil.example/', app)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/x', 'http://127.0.0.1:5173/')).toBe(true);
    expect(isAppUrl('http://127.0.0.1:5174/x', 'http://127.0.0.1:5173/')).toBe(false);
  });
});

describe("IPC answers only the main window's main frame", () => {
  const frame = (
    url: string,
    ids: { processId?: number; routingId?: number; parent?: unknown } = {},
  ) => ({
    url,
    processId: ids.processId ?? 4,
    routingId: ids.routingId ?? 1,
    parent: ids.parent ?? null,
  });
  const mainFrame = frame(APP_ENTRY);
  const webContents = { mainFrame };
  const window = { isDestroyed: () => false, webContents };

  it('accepts the main frame on the app page', () => {
    expect(
      isTrustedSender({ sender: webContents, senderFrame: mainFrame }, window, APP_ENTRY),
    ).toBe(true);
    // Electron may hand a fresh object for the same frame: the ids decide.
    expect(
      isTrustedSender(
        { sender: webContents, senderFrame: frame(`${APP_ENTRY}#/settings`) },
        window,
        APP_ENTRY,
      ),
    ).toBe(true);
  });

  it('refuses a subframe, another web contents, a page navigated away, a closed window and no frame', () => {
    const child = frame(APP_ENTRY, { routingId: 9, parent: mainFrame });
    expect(isTrustedSender({ sender: webContents, senderFrame: child }, window, APP_ENTRY)).toBe(
      false,
    );
    expect(
      isTrustedSender(
        { sender: webContents, senderFrame: { ...mainFrame, parent: mainFrame } },
        window,
        APP_ENTRY,
      ),
    ).toBe(false);
    expect(
      isTrustedSender({ sender: { mainFrame }, senderFrame: mainFrame }, window, APP_ENTRY),
    ).toBe(false);
    expect(
      isTrustedSender(
        { sender: webContents, senderFrame: frame('https://evil.example/') },
        window,
        APP_ENTRY,
      ),
    ).toBe(false);
    expect(
      isTrustedSender(
        { sender: webContents, senderFrame: frame('file:///tmp/x.html') },
        window,
        APP_ENTRY,
      ),
    ).toBe(false);
    expect(
      isTrustedSender(
        { sender: webContents, senderFrame: mainFrame },
        { ...window, isDestroyed: () => true },
        APP_ENTRY,
      ),
    ).toBe(false);
    expect(
      isTrustedSender({ sender: webContents, senderFrame: mainFrame }, undefined, APP_ENTRY),
    ).toBe(false);
    expect(isTrustedSender({ sender: webContents, senderFrame: null }, window, APP_ENTRY)).toBe(
      false,
    );
  });
});

describe('the app:// protocol serves the built renderer and nothing else', () => {
  it('maps app://omnigage paths into the renderer folder and refuses the rest', () => {
    const root = tempDir();
    expect(rendererFileFor('app://omnigage/index.html', root)).toBe(join(root, 'index.html'));
    expect(rendererFileFor('app://omnigage/', root)).toBe(join(root, 'index.html'));
    expect(rendererFileFor('app://omnigage/assets/app.js?v=1#x', root)).toBe(
      join(root, 'assets', 'app.js'),
    );
    for (const bad of [
      'app://omnigage/../secret.txt',
      'app://omnigage/%2e%2e/secret.txt',
      'app://omnigage/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://omnigage/..%5csecret.txt',
      'app://omnigage/%00index.html',
      'app://omnigage/%E0%A4%A',
      'app://other/index.html',
      'file:///etc/passwd',
      'https://omnigage/index.html',
    ]) {
      // A '..' the URL parser folds away stays inside the folder; anything else is refused outright.
      const file = rendererFileFor(bad, root);
      expect(file === null || file.startsWith(join(root, '/')), bad).toBe(true);
      if (/%5c|%00|%A$|other|file:|https:/.test(bad)) expect(file, bad).toBeNull();
    }
  });

  it('answers files with their type, and 404 outside or when missing', async () => {
    const parent = tempDir();
    const root = join(parent, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(parent, 'secret.txt'), 'PRIVATE');

    const page = await serveRenderer('app://omnigage/index.html', root);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>x</title>');
    const script = await serveRenderer('app://omnigage/assets/app.js', root);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');

    for (const url of [
      'app://omnigage/../secret.txt',
      'app://omnigage/%2e%2e/secret.txt',
      'app://omnigage/missing.js',
    ]) {
      const answer = await serveRenderer(url, root);
      expect(answer.status, url).toBe(404);
      expect(await answer.text()).not.toContain('PRIVATE');
    }
  });
});

describe('window state', () => {
  const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];

  it('remembers size and position', () => {
    const file = join(tempDir(), 'window-state.json');
    saveWindowState(file, { x: 100, y: 80, width: 1300, height: 900, maximized: true });
    expect(loadWindowState(file, displays)).toEqual({
      x: 100,
      y: 80,
      width: 1300,
      height: 900,
      maximized: true,
    });
  });

  it('falls back to defaults for a missing or damaged file, and drops positions off every screen', () => {
    const dir = tempDir();
    expect(loadWindowState(join(dir, 'missing.json'), displays)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(join(dir, 'bad.json'), '{not json');
    expect(loadWindowState(join(dir, 'bad.json'), displays)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(
      join(dir, 'off.json'),
      JSON.stringify({ x: 5000, y: 3000, width: 200, height: 100 }),
    );
    expect(loadWindowState(join(dir, 'off.json'), displays)).toEqual({
      width: 900,
      height: 600,
      maximized: false,
    });
  });
});

describe('data folder', () => {
  it('uses OMNIGAGE_CAMPAIGNS_HOME first, then the per-OS app data folder', () => {
    expect(resolveDataDir({ OMNIGAGE_CAMPAIGNS_HOME: '/data/omni' }, 'linux', '/home/a')).toBe(
      '/data/omni',
    );
    expect(resolveDataDir({}, 'linux', '/home/a')).toBe('/home/a/.config/Omnigage Campaigns');
    expect(resolveDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/a')).toBe(
      '/xdg/Omnigage Campaigns',
    );
    expect(resolveDataDir({}, 'darwin', '/Users/a')).toBe(
      '/Users/a/Library/Application Support/Omnigage Campaigns',
    );
    expect(
      resolveDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', 'C:\\Users\\a'),
    ).toContain('Omnigage Campaigns');
  });
});

describe('application menu', () => {
  it('has the standard menus and sends the app commands to the window', () => {
    const sent: string[] = [];
    const template = menuTemplate({
      isMac: false,
      appName: 'Omnigage Campaigns',
      send: (c) => sent.push(c),
      openHelp: () => {},
      openLogs: () => {},
    });
    expect(template.map((m) => m.label ?? m.role)).toEqual([
      '&File',
      'editMenu',
      '&View',
      'windowMenu',
      'help',
    ]);
    const file = template[0]!.submenu as Array<{
      label?: string;
      accelerator?: string;
      click?: () => void;
    }>;
    const newItem = file.find((i) => i.label === 'New Campaign')!;
    expect(newItem.accelerator).toBe('CmdOrCtrl+N');
    newItem.click!();
    file.find((i) => i.label === 'Import Campaign File…')!.click!();
    file.find((i) => i.label === 'Settings')!.click!();
    expect(sent).toEqual(['new-campaign', 'import-campaign', 'open-settings']);
    expect(
      menuTemplate({
        isMac: true,
        appName: 'X',
        send: () => {},
        openHelp: () => {},
        openLogs: () => {},
      })[0]!.label,
    ).toBe('X');
  });
});
