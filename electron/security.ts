import type { BrowserWindow, Session, WebContents, WebPreferences } from 'electron';

/**
 * One security policy for every window (Electron's security checklist). This module imports
 * only types from electron: main.ts passes in what it needs, so the rules can be tested
 * without the Electron binary.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    spellcheck: true,
    devTools: true,
  };
}

/** Only http and https links leave the app, and only after parsing: never file:, javascript:, smb: … */
export function externalUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
}

/** Whether a navigation stays inside the app's own page (same file, or same origin in dev). */
export function isAppUrl(raw: string, appUrl: string): boolean {
  let target: URL;
  let app: URL;
  try {
    target = new URL(raw);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return target.protocol === 'file:' && target.pathname === app.pathname;
  return target.origin === app.origin;
}

export interface SecurityDeps {
  openExternal: (url: string) => Promise<void> | void;
  appUrl: () => string;
  warn: (message: string, fields?: Record<string, unknown>) => void;
}

export function hardenWebContents(contents: WebContents, deps: SecurityDeps): void {
  contents.setWindowOpenHandler(({ url }) => {
    const safe = externalUrl(url);
    if (safe) void deps.openExternal(safe);
    else deps.warn('blocked window.open', { url });
    return { action: 'deny' };
  });
  const blockForeignNavigation = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url, deps.appUrl())) return;
    event.preventDefault();
    const safe = externalUrl(url);
    if (safe) void deps.openExternal(safe);
    else deps.warn('blocked navigation', { url });
  };
  contents.on('will-navigate', blockForeignNavigation);
  contents.on('will-redirect', blockForeignNavigation);
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    deps.warn('blocked webview');
  });
}

export function hardenSession(session: Session, warn: SecurityDeps['warn']): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    warn('denied permission request', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}

/** For IPC: accept requests only from our own page in the main frame. */
export function isTrustedSender(frameUrl: string | undefined, window: BrowserWindow | undefined, appUrl: string): boolean {
  return Boolean(frameUrl && window && !window.isDestroyed() && isAppUrl(frameUrl, appUrl));
}
