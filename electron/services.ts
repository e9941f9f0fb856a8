import { hostname, userInfo } from 'node:os';
import { AudioStore } from './audio';
import { LibraryService } from './library';
import { CampaignFiles } from './campaigns/campaign-file';
import { CampaignService } from './campaigns/service';
import { openDatabase, type Db } from './db/open';
import type { Logger } from './logging/logger';
import { dataPaths } from './paths';
import { ConnectionTester, apiCallerIdFetcher, type FetchCallerIds } from './profiles/connection';
import { ProfileService, copyCampaignProfile } from './profiles/service';
import { RecipientEditor } from './recipients/editing';
import { OptOutService, type Who } from './recipients/opt-outs';
import { RecipientService } from './recipients/service';
import { SavedLists } from './recipients/saved-lists';
import { RehearsalService, type RehearsalDeps } from './rehearsal';
import { NO_POWER, type Power } from './power';
import { KeepAwake } from './send/keep-awake';
import { ImportJobs, type ImportWorkerSpec } from './recipients/import-jobs';
import type { SecretStore } from './secrets/store';
import { ResultsService, SendService, TestCallService, type EngineOptions } from './send/index';
import type { ResultsServiceDeps } from './send/results';
import { FileHandles } from './file-handles';
import { SettingsService } from './settings';
import { StagedFiles } from './staged-files';
import { systemClock, type Clock } from './clock';

export interface ServiceOptions {
  dataDir: string;
  log: Logger;
  /** What time it is (see electron/clock.ts); the computer's clock when a test gives none. */
  clock?: Clock;
  /**
   * Where token secrets live. Required on purpose: the app and the CLI pass the OS keychain
   * (KeytarSecretStore), tests pass a MemorySecretStore, so no test reaches the real keychain by
   * forgetting an option.
   */
  secrets: SecretStore;
  /** How "Test connection" lists caller IDs: the Omnigage API client unless a test replaces it. */
  fetchCallerIds?: FetchCallerIds;
  /** Send engine settings (batch size, concurrency…); tests shorten its waits. */
  send?: Partial<EngineOptions>;
  /**
   * The CLI's environment, for its OMNIGAGE_API_* credential overrides. The desktop app and the
   * harness pass none, so a token set in the environment never replaces the keychain profile.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * The office's shared do-not-call file instead of the one chosen in Settings, and the age
   * limit of its last copy (the CLI's OMNIGAGE_DNC_FILE and OMNIGAGE_DNC_MAX_AGE_DAYS).
   */
  doNotCall?: { sharedFile?: string; maxAgeDays?: number };
  /** Who works here, recorded with each do-not-call number; the OS user and hostname unless a test says. */
  who?: Who;
  /** Results polling's waits and limits; tests shorten them. */
  results?: Pick<ResultsServiceDeps, 'pollBackoff' | 'maxPolls' | 'maxAgeMs' | 'resultsPerPoll'>;
  /** The computer's power management (Electron's in the app; none in the CLI and tests). */
  power?: Power;
  /** The in-app rehearsal: whether policy hides it, and what tests change of its sandbox. */
  rehearsal?: Pick<RehearsalDeps, 'hidden' | 'sandbox'>;
  /**
   * Where the recipient import worker's code is. The app passes its bundled file, so imports run
   * off the main thread; without it (the CLI) they run on the calling thread.
   */
  importWorker?: ImportWorkerSpec;
}

/** The OS user and the computer's name; "unknown" where the system will not say. */
function currentWho(): Who {
  let user = 'unknown';
  try {
    user = userInfo().username || user;
  } catch {
    // No passwd entry for this uid (some containers): keep "unknown".
  }
  return { user, computer: hostname() || 'unknown' };
}

/**
 * Every main-side service, wired once from its dependencies. The Electron main process, the
 * CLI and the browser test harness all build their services here, so they run the same code
 * against the same kind of database.
 */
export interface Services {
  dataDir: string;
  db: Db;
  log: Logger;
  clock: Clock;
  campaigns: CampaignService;
  secrets: SecretStore;
  profiles: ProfileService;
  connection: ConnectionTester;
  recipients: RecipientService;
  /** Recipient imports on a worker thread, with progress and Cancel (the window's imports). */
  imports: ImportJobs;
  /** Lists kept under a name for later campaigns. */
  savedLists: SavedLists;
  optOuts: OptOutService;
  /** The workspace's extras: row edits, audio, dropped files, campaign files, app defaults. */
  recipientEditor: RecipientEditor;
  audio: AudioStore;
  /** Messages and recordings saved under a name for any campaign (electron/library.ts). */
  library: LibraryService;
  stagedFiles: StagedFiles;
  /** Handles the window holds for files a person chose or dropped (the only way it names a file). */
  fileHandles: FileHandles;
  campaignFiles: CampaignFiles;
  settings: SettingsService;
  /** Sending, the outbox worker (send.startOutbox/stopOutbox/wake) and the audit trail (send.audit). */
  send: SendService;
  results: ResultsService;
  /** "Call me first": one test call of a campaign to the person's own number. */
  testCalls: TestCallService;
  /** "Rehearse without calling anyone": the sandbox run by the app and its profile. */
  rehearsal: RehearsalService;
  /** Keeps the computer from sleeping while a send waits for its "send at" time (start() to follow). */
  keepAwake: KeepAwake;
  close(): void;
}

export function createServices({
  dataDir,
  log,
  clock = systemClock,
  secrets,
  fetchCallerIds,
  send: engine,
  env,
  doNotCall,
  who = currentWho(),
  results: resultsOptions,
  rehearsal: rehearsalOptions,
  power = NO_POWER,
  importWorker,
}: ServiceOptions): Services {
  const paths = dataPaths(dataDir);
  const db = openDatabase(paths.database);
  const recipients = new RecipientService({ db, log: log.child('recipients'), clock });
  // A copy of a campaign keeps its profile choice and its recipient list.
  const campaigns = new CampaignService({
    db,
    clock,
    duplicateHooks: [copyCampaignProfile, recipients.duplicateHook],
  });
  const profiles = new ProfileService({ db, secrets, log: log.child('profiles'), clock });
  const settings = new SettingsService(paths.settings);
  const optOuts = new OptOutService({
    db,
    log: log.child('opt-outs'),
    clock,
    who,
    sharedFile: doNotCall?.sharedFile,
    maxAgeDays: doNotCall?.maxAgeDays,
    defaultCountry: () => settings.get().defaultCountry,
  });
  const connection = new ConnectionTester({
    profiles,
    log: log.child('connection'),
    clock,
    fetchCallerIds: fetchCallerIds ?? apiCallerIdFetcher({ log: log.child('api') }),
  });
  const recipientEditor = new RecipientEditor({ db, clock });
  const audio = new AudioStore(dataDir);
  const imports = new ImportJobs({
    databasePath: paths.database,
    recipients,
    log: log.child('imports'),
    worker: importWorker,
  });
  const campaignFiles = new CampaignFiles({ db, campaigns, recipients, audio });
  // The batch size chosen in Settings (read at start-up); a caller's explicit options win.
  const send: SendService = new SendService({
    // The outbox worker also polls results: through the results service made just below (it
    // reads this service's journal), called only once both exist.
    pollResults: (now): Promise<void> => results.pollDue(now),
    db,
    log: log.child('send'),
    clock,
    who,
    campaigns,
    recipients,
    profiles,
    env,
    // Recordings are uploaded only from the app's own audio folder.
    readFile: (path) => audio.readStored(path),
    doNotCall: optOuts,
    summarize: (campaignId, options) => imports.summary(campaignId, options),
    // Counted on the worker for a long list (~0.3 s against a million past calls); with no rule
    // for the profile (the usual case) there is nothing to count and no worker is started.
    // `send` exists by the time a check asks.
    wouldHold: async (campaignId, profileId, apiUrl) =>
      send.history.limit(profileId)
        ? imports.callLimit({ campaignId, profileId, apiUrl, now: clock().toISOString() }, () =>
            send.history.wouldHold(campaignId, profileId, apiUrl),
          )
        : null,
    engine: { batchSize: settings.get().batchSize, ...engine },
  });
  const results: ResultsService = new ResultsService({
    db,
    log: log.child('results'),
    clock,
    send,
    campaigns,
    recipients,
    // The window's files (a copy of the spreadsheet, the export) are written on the import's
    // worker thread when the app has one.
    writeBackOnWorker: importWorker ? (job) => imports.writeBack(job) : undefined,
    exportOnWorker: importWorker ? (job, path) => imports.exportResults(job, path) : undefined,
    ...resultsOptions,
  });
  const testCalls = new TestCallService({
    campaigns,
    recipients,
    profiles,
    audit: send.audit,
    log: log.child('test-call'),
    options: () => send.options,
    env,
  });
  const rehearsal = new RehearsalService({
    profiles,
    connection,
    log: log.child('rehearsal'),
    clock,
    ...rehearsalOptions,
  });
  const keepAwake = new KeepAwake({ send, power, log: log.child('power') });
  return {
    dataDir,
    db,
    log,
    clock,
    campaigns,
    secrets,
    profiles,
    connection,
    recipients,
    optOuts,
    recipientEditor,
    audio,
    library: new LibraryService({ db, audio, clock }),
    stagedFiles: new StagedFiles(dataDir, clock),
    fileHandles: new FileHandles(),
    campaignFiles,
    settings,
    send,
    results,
    testCalls,
    rehearsal,
    keepAwake,
    imports,
    savedLists: new SavedLists({ db, clock, importFile: (options) => imports.run(options) }),
    close: () => {
      keepAwake.stop();
      rehearsal.dispose();
      void imports.stopAll();
      db.close();
    },
  };
}
