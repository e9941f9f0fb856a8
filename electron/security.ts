import type { Session, WebContents, WebPreferences } from 'electron';

/**
 * One security policy for every window (Electron's security checklist). This module imports
 * only types from electron: main.ts passes in what it needs, so the rules can be tested
 * without the Electron binary.
 */
/** `devTools` only in development: a packaged app has no DevTools to open on a page holding patients' lists. */
export function secureWebPreferences(
  preloadPath: string,
  { devTools }: { devTools: boolean } = { devTools: false },
): WebPreferences {
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
    devTools,
  };
}

/**
 * The hosts a link may open in the browser. The app links only to Omnigage's help and site; a
 * link anywhere else (planted in a campaign name, a server's error text…) is not followed.
 */
export const EXTERNAL_HOSTS: readonly string[] = [
  'help.omnigage.com',
  'omnigage.com',
  'www.omnigage.com',
];

/**
 * A link that may leave the app: parsed, https, no user:password part, and on an allowed host.
 * Never file:, javascript:, smb: (which would hand Windows credentials to that host) or plain http.
 */
export function externalUrl(
  raw: string,
  hosts: readonly string[] = EXTERNAL_HOSTS,
): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return undefined;
  return hosts.includes(url.hostname.toLowerCase()) ? url.toString() : undefined;
}

/**
 * Whether a URL is the app's own page: same scheme and host as the app's address (app://omnigage
 * in the app; the harness's http origin in tests). Compared by parts, because a custom scheme's
 * `origin` is "null" for Node's URL parser.
 */
export function isAppUrl(raw: string, appUrl: string): boolean {
  let target: URL;
  let app: URL;
  try {
    target = new URL(raw);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  // A file: page is never the app: it is served from app:// so that no page runs with file privileges.
  if (app.protocol === 'file:' || target.protocol === 'file:') return false;
  return target.protocol === app.protocol && target.host === app.host && target.host !== '';
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

/** The parts of an IPC event and of a frame the sender check reads (Electron's IpcMainInvokeEvent and WebFrameMain). */
export interface FrameLike {
  url: string;
  processId: number;
  routingId: number;
  parent: unknown;
}
export interface IpcSenderLike {
  sender: unknown;
  senderFrame: FrameLike | null | undefined;
}
export interface MainWindowLike {
  isDestroyed(): boolean;
  webContents: { mainFrame: FrameLike };
}

/**
 * For IPC: answer only the main window's main frame showing the app's own page. A subframe (an
 * iframe that slipped in), another window or web contents, or a page navigated elsewhere gets no
 * answer, whatever channel it names.
 */
export function isTrustedSender(
  event: IpcSenderLike,
  window: MainWindowLike | undefined,
  appUrl: string,
): boolean {
  if (!window || window.isDestroyed()) return false;
  const frame = event.senderFrame;
  if (!frame || event.sender !== window.webContents) return false;
  const main = window.webContents.mainFrame;
  const isMainFrame =
    frame === main || (frame.processId === main.processId && frame.routingId === main.routingId);
  return isMainFrame && frame.parent === null && isAppUrl(frame.url, appUrl);
}
