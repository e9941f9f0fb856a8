import { join } from 'node:path';
import {
  BrowserWindow,
  Menu,
  app,
  clipboard,
  dialog,
  ipcMain,
  net,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  screen,
  session,
  shell,
} from 'electron';
import { autoUpdater } from 'electron-updater';
import { HELP_URL } from '../shared/app-info';
import { CHANNEL_NAMES, type EventName, type Events } from '../shared/contract';
import { crashDetails } from '../shared/crash';
import { APP_ENTRY, APP_SCHEME, serveRenderer } from './app-protocol';
import { createBackend, type Backend } from './backend';
import { reportPaper } from './send/report';
import { KeytarSecretStore } from './secrets/keytar-store';
import { runCommandLine } from './cli/entry';
import type { NativeDialogs } from './dialogs';
import { createFileLogger } from './logging/logger';
import { menuTemplate } from './menu';
import { PRODUCT_NAME, dataPaths, resolveDataDir } from './paths';
import { policyPath, readPolicy } from './policy';
import {
  externalUrl,
  hardenSession,
  hardenWebContents,
  isTrustedSender,
  secureWebPreferences,
} from './security';
import { createAbout } from './updates/about';
import { UpdateService, type Updater } from './updates/service';
import { loadWindowState, saveWindowState } from './window-state';
import { systemClock } from './clock';

// The data folder is fixed before anything reads userData: OMNIGAGE_CAMPAIGNS_HOME wins.
app.setName(PRODUCT_NAME);
if (process.env.OMNIGAGE_CAMPAIGNS_HOME)
  app.setPath('userData', process.env.OMNIGAGE_CAMPAIGNS_HOME);

// `Omnigage Campaigns --cli <command> …`: the installed app is also the command line (README,
// "Command line"). It runs headless on the same data and keychain, and never opens a window or
// takes the single-instance lock, so it works while the app is open (a send is still run by one
// process at a time: the send lease).
const cliAt = process.argv.indexOf('--cli');

// The page is served from app://omnigage (electron/app-protocol.ts), never file://. The scheme
// must be declared before the app is ready: standard (so relative URLs and 'self' work) and secure.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

if (cliAt >= 0) {
  void runCommandLine(process.argv.slice(cliAt + 1)).then(
    (code) => app.exit(code),
    () => app.exit(1),
  );
} else if (!app.requestSingleInstanceLock()) {
  // A second copy would fight the first over the database and the send journal.
  app.quit();
} else {
  let mainWindow: BrowserWindow | undefined;
  let backend: Backend | undefined;

  const paths = dataPaths(
    resolveDataDir({ ...process.env, OMNIGAGE_CAMPAIGNS_HOME: app.getPath('userData') }),
  );
  const log = createFileLogger({ dir: paths.logs, echo: !app.isPackaged });
  const rendererDir = join(__dirname, '..', 'renderer');
  const appUrl = () => APP_ENTRY;
  // DevTools only while developing: the packaged app has none to open.
  const devTools = !app.isPackaged;

  /**
   * Every crash ends in words: logged (scrubbed), then a dialog that says what is safe and what to
   * do, with "Copy details" for support. `recover` reloads the window or restarts the app.
   */
  let crashDialogOpen = false;
  const reportCrash = (where: string, error: unknown, recover: () => void) => {
    const e = error instanceof Error ? error : new Error(String(error));
    const versions: Record<string, string> = {
      app: app.getVersion(),
      electron: process.versions.electron ?? '',
      node: process.versions.node,
    };
    const details = crashDetails({
      where,
      name: e.name,
      message: e.message,
      stack: e.stack,
      at: systemClock().toISOString(),
      versions,
    });
    log.error('crash', { where, details });
    if (crashDialogOpen || !app.isReady()) return;
    crashDialogOpen = true;
    void dialog
      .showMessageBox({
        type: 'error',
        title: PRODUCT_NAME,
        message: `Something went wrong in ${where}.`,
        detail:
          'Your campaigns are saved. A send that was running continues where it stopped; nobody is called twice. ' +
          'Choose Reload to carry on. If this keeps happening, copy the details and send them to your support contact.',
        buttons: ['Reload', 'Copy details', 'Quit'],
        defaultId: 0,
        cancelId: 0,
      })
      .then(({ response }) => {
        crashDialogOpen = false;
        if (response === 1) clipboard.writeText(details);
        if (response === 2) app.quit();
        else recover();
      });
  };
  process.on('uncaughtException', (error) =>
    reportCrash('the background service', error, () => mainWindow?.reload()),
  );
  process.on('unhandledRejection', (reason) =>
    reportCrash('the background service', reason, () => mainWindow?.reload()),
  );

  const emit = <E extends EventName>(event: E, payload: Events[E]) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(event, payload);
  };

  // The workspace's file dialogs, attached to the window so they behave as its sheets.
  const dialogs: NativeDialogs = {
    async openFile({ title, filters }) {
      const options = { title, filters, properties: ['openFile' as const] };
      const result = mainWindow
        ? await dialog.showOpenDialog(mainWindow, options)
        : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async saveFile({ title, defaultName, filters }) {
      const options = { title, filters, defaultPath: join(app.getPath('documents'), defaultName) };
      const result = mainWindow
        ? await dialog.showSaveDialog(mainWindow, options)
        : await dialog.showSaveDialog(options);
      return result.canceled ? null : (result.filePath ?? null);
    },
    async confirm({ title, message, detail, confirm }) {
      const options = {
        type: 'warning' as const,
        title,
        message,
        detail,
        buttons: [confirm, 'Cancel'],
        defaultId: 1,
        cancelId: 1,
      };
      const result = mainWindow
        ? await dialog.showMessageBox(mainWindow, options)
        : await dialog.showMessageBox(options);
      return result.response === 0;
    },
  };

  const openExternal = async (url: string) => {
    const safe = externalUrl(url);
    if (safe) await shell.openExternal(safe);
  };

  const createWindow = () => {
    const displays = screen.getAllDisplays().map((d) => d.workArea);
    const state = loadWindowState(paths.windowState, displays);
    const window = new BrowserWindow({
      x: state.x,
      y: state.y,
      width: state.width,
      height: state.height,
      minWidth: 900,
      minHeight: 600,
      show: false,
      title: PRODUCT_NAME,
      backgroundColor: '#f7f7f5',
      webPreferences: secureWebPreferences(join(__dirname, 'preload.cjs'), { devTools }),
    });
    if (state.maximized) window.maximize();
    hardenWebContents(window.webContents, {
      openExternal,
      appUrl,
      warn: log.child('security').warn,
    });

    const remember = () => {
      if (window.isDestroyed()) return;
      const bounds = window.getNormalBounds();
      saveWindowState(paths.windowState, { ...bounds, maximized: window.isMaximized() });
    };
    window.on('close', remember);
    window.once('ready-to-show', () => window.show());
    void window.loadURL(APP_ENTRY);
    mainWindow = window;
    // A window whose page died (a crash, out of memory) is explained and offered back; the
    // campaigns are saved as they are edited, and a send runs on in main regardless.
    window.webContents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit') return;
      reportCrash(
        'the window',
        new Error(`The window stopped (${details.reason}, exit code ${details.exitCode}).`),
        () => window.reload(),
      );
    });
  };

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    // Any other web contents (there should be none) gets the same rules.
    hardenWebContents(contents, { openExternal, appUrl, warn: log.child('security').warn });
  });

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession, log.child('security').warn);
    protocol.handle(APP_SCHEME, (request) => serveRenderer(request.url, rendererDir));
    // The organisation's policy (machine-wide, read once at start) and the updater it governs.
    const policy = readPolicy(policyPath(process.platform, process.env));
    if (policy.state === 'invalid') log.warn('policy file ignored', { problem: policy.problem });
    const updates = new UpdateService({
      // Only an installed copy updates itself; a development run has nothing to replace.
      updater: app.isPackaged ? (autoUpdater as unknown as Updater) : null,
      currentVersion: app.getVersion(),
      policy: policy.state === 'applied' ? policy.policy : {},
      isSending: () => backend?.services?.send.isSendingAny() ?? false,
      log: log.child('updates'),
      onChange: (status) => emit('app:updates', status),
    });
    const runtimes = {
      electron: process.versions.electron,
      chrome: process.versions.chrome,
      node: process.versions.node,
    };
    const about = createAbout({
      version: app.getVersion(),
      runtimes,
      updates,
      policy,
      licencesFile: join(__dirname, 'licences.json'),
    });
    backend = createBackend({
      dataDir: paths.dataDir,
      log,
      // The computer's clock: the app is one of the two places that hand it to the services.
      clock: systemClock,
      emit,
      version: app.getVersion(),
      dialogs,
      about,
      secrets: new KeytarSecretStore(),
      // "At a set time" is started by the app itself: it keeps the computer from idle sleep
      // until then ('prevent-app-suspension': the screen may still turn off).
      power: {
        preventSleep: () => {
          const id = powerSaveBlocker.start('prevent-app-suspension');
          return () => powerSaveBlocker.stop(id);
        },
        onBattery: () => powerMonitor.isOnBatteryPower(),
      },
      // Results → "Save report as PDF…": the window shows the report alone in print (app.css),
      // and Chromium prints it on the paper of the computer's country, backgrounds kept so the
      // tiles and bars keep their colours.
      printPdf: () => {
        if (!mainWindow || mainWindow.isDestroyed())
          return Promise.reject(new Error('The window is closed.'));
        return mainWindow.webContents.printToPDF({
          pageSize: reportPaper(app.getLocaleCountryCode()),
          printBackground: true,
          margins: { top: 0.5, bottom: 0.5, left: 0.5, right: 0.5 },
          generateTaggedPDF: true,
        });
      },
      // Bundled next to this file (build/bundle-electron.mjs): imports run off the main thread.
      importWorker: { file: join(__dirname, 'import-worker.cjs') },
    });
    startOutbox(backend);
    backend.services?.send.subscribe(() => updates.sendingChanged());
    updates.start();

    for (const channel of CHANNEL_NAMES) {
      ipcMain.handle(channel, (event, input: unknown) => {
        if (!isTrustedSender(event, mainWindow, appUrl())) {
          log.warn('ignored IPC from an untrusted frame', { channel });
          return { ok: false, error: { code: 'forbidden', message: 'Request refused.' } };
        }
        return backend!.dispatch(channel, input);
      });
    }

    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          isMac: process.platform === 'darwin',
          appName: PRODUCT_NAME,
          send: (command) => emit('menu:command', { command }),
          openHelp: () => void openExternal(HELP_URL),
          openLogs: () => void shell.openPath(paths.logs),
          devTools,
        }),
      ),
    );
    createWindow();

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // The outbox: queued sends go when the connection returns (checked every few seconds, and on
  // waking from sleep) and on the worker's own interval; interrupted sends resume at start-up.
  let onlineWatch: NodeJS.Timeout | undefined;
  const startOutbox = (started: Backend) => {
    const send = started.services?.send;
    if (!send) return;
    send.startOutbox();
    let wasOnline = net.isOnline();
    onlineWatch = setInterval(() => {
      const online = net.isOnline();
      if (online && !wasOnline) send.wake();
      wasOnline = online;
    }, 5_000);
    powerMonitor.on('resume', () => send.wake());
  };

  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    // Sends stop after their requests in flight (at most a few seconds), then the database closes.
    stopped = true;
    event.preventDefault();
    clearInterval(onlineWatch);
    // A rehearsal stops with the app (its port closes, new campaigns use the earlier profile),
    // after the sends have stopped, so none of them loses its pretend Omnigage mid-request.
    const services = backend?.services;
    const stopping = (services?.send.stopOutbox() ?? Promise.resolve()).then(() =>
      services?.rehearsal.stop().catch((error: unknown) => log.warn('rehearsal stop', { error })),
    );
    void Promise.race([stopping, new Promise((resolve) => setTimeout(resolve, 10_000))]).finally(
      () => {
        backend?.close();
        log.info('quit');
        app.quit();
      },
    );
  });
}
