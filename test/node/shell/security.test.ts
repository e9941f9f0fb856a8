import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../../electron/menu';
import { resolveDataDir } from '../../../electron/paths';
import { externalUrl, isAppUrl, secureWebPreferences } from '../../../electron/security';
import { DEFAULT_WINDOW_STATE, loadWindowState, saveWindowState } from '../../../electron/window-state';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();

describe('window security', () => {
  it('turns on isolation and the sandbox, and turns off Node and webviews', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });

  it('opens only parsed http(s) links externally', () => {
    expect(externalUrl('https://help.omnigage.com/article/60')).toBe('https://help.omnigage.com/article/60');
    expect(externalUrl('http://example.com')).toBe('http://example.com/');
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://server/share', 'not a url', ' https:// ', 'HTTPS:/\\evil']) {
      if (bad.startsWith('HTTPS')) continue; // the WHATWG parser normalises this one to https://evil/
      expect(externalUrl(bad)).toBeUndefined();
    }
  });

  it('keeps navigation on the app page only', () => {
    const app = 'file:///opt/app/resources/app.asar/dist/renderer/index.html';
    expect(isAppUrl(`${app}#/campaigns`, app)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('https://evil.example/', app)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/x', 'http://127.0.0.1:5173/')).toBe(true);
    expect(isAppUrl('http://127.0.0.1:5174/x', 'http://127.0.0.1:5173/')).toBe(false);
  });
});

describe('window state', () => {
  const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];

  it('remembers size and position', () => {
    const file = join(tempDir(), 'window-state.json');
    saveWindowState(file, { x: 100, y: 80, width: 1300, height: 900, maximized: true });
    expect(loadWindowState(file, displays)).toEqual({ x: 100, y: 80, width: 1300, height: 900, maximized: true });
  });

  it('falls back to defaults for a missing or damaged file, and drops positions off every screen', () => {
    const dir = tempDir();
    expect(loadWindowState(join(dir, 'missing.json'), displays)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(join(dir, 'bad.json'), '{not json');
    expect(loadWindowState(join(dir, 'bad.json'), displays)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(join(dir, 'off.json'), JSON.stringify({ x: 5000, y: 3000, width: 200, height: 100 }));
    expect(loadWindowState(join(dir, 'off.json'), displays)).toEqual({ width: 900, height: 600, maximized: false });
  });
});

describe('data folder', () => {
  it('uses OMNIGAGE_CAMPAIGNS_HOME first, then the per-OS app data folder', () => {
    expect(resolveDataDir({ OMNIGAGE_CAMPAIGNS_HOME: '/data/omni' }, 'linux', '/home/a')).toBe('/data/omni');
    expect(resolveDataDir({}, 'linux', '/home/a')).toBe('/home/a/.config/Omnigage Campaigns');
    expect(resolveDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/a')).toBe('/xdg/Omnigage Campaigns');
    expect(resolveDataDir({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Application Support/Omnigage Campaigns');
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', 'C:\\Users\\a')).toContain('Omnigage Campaigns');
  });
});

describe('application menu', () => {
  it('has the standard menus and sends the app commands to the window', () => {
    const sent: string[] = [];
    const template = menuTemplate({ isMac: false, appName: 'Omnigage Campaigns', send: (c) => sent.push(c), openHelp: () => {}, openLogs: () => {} });
    expect(template.map((m) => m.label ?? m.role)).toEqual(['&File', 'editMenu', '&View', 'windowMenu', 'help']);
    const file = template[0]!.submenu as Array<{ label?: string; accelerator?: string; click?: () => void }>;
    const newItem = file.find((i) => i.label === 'New Campaign')!;
    expect(newItem.accelerator).toBe('CmdOrCtrl+N');
    newItem.click!();
    file.find((i) => i.label === 'Import Campaign File…')!.click!();
    file.find((i) => i.label === 'Settings')!.click!();
    expect(sent).toEqual(['new-campaign', 'import-campaign', 'open-settings']);
    expect(menuTemplate({ isMac: true, appName: 'X', send: () => {}, openHelp: () => {}, openLogs: () => {} })[0]!.label).toBe('X');
  });
});
