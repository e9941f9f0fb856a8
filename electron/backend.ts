import { CHANNEL_NAMES, type AppStatus } from '../shared/contract';
import { AppError } from '../shared/errors';
import { DatabaseError } from './db/errors';
import type { NativeDialogs } from './dialogs';
import { createDispatcher, type Dispatch, type Handlers } from './ipc/bind';
import { createHandlers, type AboutProvider, type EmitEvent } from './ipc/handlers';
import type { Logger } from './logging/logger';
import type { ImportWorkerSpec } from './recipients/import-jobs';
import type { SecretStore } from './secrets/store';
import { createServices, type ServiceOptions, type Services } from './services';
import type { Clock } from './clock';

export interface Backend {
  dispatch: Dispatch;
  status: AppStatus;
  services: Services | undefined;
  close(): void;
}

export interface BackendOptions {
  dataDir: string;
  log: Logger;
  emit: EmitEvent;
  version: string;
  /** Settings → About and updates; the installed app passes its updater and policy. */
  about?: AboutProvider;
  /** What time it is: the app passes the computer's clock (electron/clock.ts), tests their own. */
  clock?: Clock;
  /** The OS keychain in the app; a MemorySecretStore in tests (required, see ServiceOptions). */
  secrets: SecretStore;
  /** Electron's dialogs in the app; a scripted stand-in in the browser harness. */
  dialogs?: NativeDialogs;
  /** Prints the window to PDF bytes (see HandlerContext.printPdf). */
  printPdf?: () => Promise<Uint8Array>;
  /** Electron's power management in the app (keep awake, battery); none elsewhere. */
  power?: ServiceOptions['power'];
  /** What the browser harness changes of the rehearsal sandbox (its dialer's pace). */
  rehearsal?: ServiceOptions['rehearsal'];
  /** The recipient import worker's code (see ServiceOptions.importWorker). */
  importWorker?: ImportWorkerSpec;
}

/**
 * What sits behind the window: the services and the dispatcher over the contract. When the
 * services cannot start (a database from a newer app, say) the backend still answers: it
 * reports the start-up error through app:status, so the window can show a screen that says
 * what to do, and every other operation is refused with the same reason.
 */
export function createBackend(options: BackendOptions): Backend {
  const { dataDir, log } = options;
  try {
    const services = createServices({
      dataDir,
      log,
      clock: options.clock,
      secrets: options.secrets,
      power: options.power,
      // The organisation's policy may remove the in-app rehearsal; main refuses it then too.
      rehearsal: {
        hidden: () => options.about?.about().organisation.hideSandbox ?? false,
        ...options.rehearsal,
      },
      importWorker: options.importWorker,
    });
    const handlers = createHandlers({
      services,
      emit: options.emit,
      version: options.version,
      about: options.about,
      dialogs: options.dialogs,
      printPdf: options.printPdf,
    });
    log.info('backend ready', { dataDir });
    // The window's header shows whether Omnigage answers, kept fresh by a light probe.
    services.send.reachability.start();
    // The office's shared do-not-call file: read now, then every 30 s (a stat when unchanged).
    void services.optOuts.refresh();
    const stopWatching = services.optOuts.watch();
    // A send waiting for its time since the last run keeps the computer awake from the start.
    services.keepAwake.start();
    return {
      dispatch: createDispatcher(handlers, log.child('ipc')),
      status: { state: 'ready', dataDir, version: options.version },
      services,
      close: () => {
        services.send.reachability.stop();
        stopWatching();
        services.close();
      },
    };
  } catch (error) {
    const known = error instanceof DatabaseError;
    log.error('start-up failed', { error });
    const status: AppStatus = {
      state: 'startup-error',
      code: known ? error.code : 'startup-failed',
      title: known ? error.title : 'Omnigage Campaigns could not start',
      message: known ? error.message : `${(error as Error).message}`,
      dataDir,
    };
    const refuse = () => {
      throw new AppError('unavailable', `${status.title}. ${status.message}`);
    };
    const handlers = Object.fromEntries(
      CHANNEL_NAMES.map((name) => [name, refuse]),
    ) as unknown as Handlers;
    handlers['app:status'] = () => status;
    return {
      dispatch: createDispatcher(handlers, log.child('ipc')),
      status,
      services: undefined,
      close: () => {},
    };
  }
}
